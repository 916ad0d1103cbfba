/**
 * The store's conformance suite: every test runs against both backends — a real SQLite file and
 * a real PostgreSQL database (a private cluster, test/helpers/postgres.ts) — with the same
 * assertions, so the two stores give the same answers to every repository call.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { startPostgres } from '../../test/helpers/postgres';
import { waitFor } from '../../test/helpers/processes';
import { runRecord } from '../../test/helpers/run-record';
import type { TestPostgres } from '../../test/helpers/postgres';
import type { Finding } from '../model/finding';
import type { Plan } from '../model/plan';
import type { Readiness, Verdict } from '../model/readiness';
import type { RunRecord } from '../model/run';
import { ConflictError, IoError } from '../shared/errors';
import { MIGRATIONS } from './migrations';
import { MAX_BROADCAST_BYTES, openStore } from '.';
import type { Backend, Store } from '.';

/** A fresh, empty store location of one backend, and raw SQL on it beside the store. */
interface BackendFixture {
  location(): Promise<string>;
  /** Runs SQL through the database's own driver, not the store; a refusal rejects with its message. */
  exec(location: string, sql: string): Promise<void>;
  cleanup(): void;
}

/**
 * The driver's refusal as an Error of this test's realm, matched on its message. better-sqlite3's
 * native binding is loaded once per jest worker and throws the SqliteError class it was first
 * given, which can belong to another test file's realm in a reused worker: `rejects.toThrow` then
 * does not take it for an Error and says "did not throw" (seen once in a full `npm test`).
 */
function refusal(err: unknown): Error {
  return new Error(String((err as { message?: unknown } | null)?.message ?? err));
}

let postgres: TestPostgres | undefined;
const tempDirs: string[] = [];

const fixtures: Record<Backend, BackendFixture> = {
  sqlite: {
    async location() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-store-'));
      tempDirs.push(dir);
      return path.join(dir, 'driftguard.db');
    },
    async exec(location, sql) {
      const db = new BetterSqlite3(location);
      try {
        db.exec(sql);
      } catch (err) {
        throw refusal(err);
      } finally {
        db.close();
      }
    },
    cleanup() {
      for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  },
  postgres: {
    async location() {
      postgres ??= await startPostgres();
      return postgres.createDatabase();
    },
    async exec(location, sql) {
      const client = new pg.Client({ connectionString: location });
      await client.connect();
      try {
        await client.query(sql);
      } catch (err) {
        throw refusal(err);
      } finally {
        await client.end();
      }
    },
    cleanup() {
      postgres?.stop();
      postgres = undefined;
    },
  },
};

const finding = (key: string, severity: Finding['severity'] = 'error'): Finding => ({
  category: 'sysctls',
  key,
  kind: 'mismatch',
  severity,
  message: `${key} differs`,
});

const readiness = (pair: string, verdict: Verdict, evaluatedAt: string, failing: string[] = []): Readiness =>
  ({
    pair,
    verdict,
    evaluatedAt,
    checks: failing.map((id) => ({ id, status: 'fail' })),
  }) as unknown as Readiness;

const run = (id: string, status: RunRecord['status'], startedAt: string): RunRecord =>
  runRecord({ id, status, startedAt });

const T = (hhmm: string) => `2026-12-06T${hhmm}:00.000Z`;

describe.each(['sqlite', 'postgres'] as const)('the %s store', (backend) => {
  const fixture = fixtures[backend];
  let location: string;
  let store: Store;

  beforeEach(async () => {
    location = await fixture.location();
    store = await openStore(location);
  });
  afterEach(async () => {
    await store.close();
  });
  afterAll(() => fixture.cleanup());

  describe('schema', () => {
    it('is migrated to the latest version at open, and opens again as it is', async () => {
      const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version;
      expect(store.backend).toBe(backend);
      expect(await store.schemaVersion()).toBe(latest);
      await store.close();
      store = await openStore(location);
      expect(await store.schemaVersion()).toBe(latest);
    });

    it('refuses a store of a newer schema than this driftguard knows', async () => {
      await store.close();
      await fixture.exec(
        location,
        backend === 'sqlite' ? 'PRAGMA user_version = 99' : 'UPDATE schema_version SET version = 99',
      );
      const opening = openStore(location);
      await expect(opening).rejects.toBeInstanceOf(IoError);
      await expect(opening).rejects.toThrow(/schema version 99, newer than this driftguard knows/);
      store = await openStore(await fixture.location()); // for afterEach
    });

    it('keeps the audit log append-only in the database itself', async () => {
      await store.audit.append({ at: T('10:00'), actor: 'a', event: 'plan-created', detail: {} });
      await expect(fixture.exec(location, "UPDATE audit_events SET actor = 'someone else'")).rejects.toThrow(
        /append-only/,
      );
      await expect(fixture.exec(location, 'DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      expect((await store.audit.list()).map((event) => event.actor)).toEqual(['a']);
    });
  });

  describe('transactions', () => {
    const report = (reportId: string) => ({
      node: 'n-1',
      reportId,
      receivedAt: T('10:00'),
      collectedAt: T('10:00'),
      kind: 'heartbeat' as const,
      changed: [],
    });

    it('store all of their work or none of it', async () => {
      const failing = store.transaction(async (tx) => {
        await tx.states.recordReport(report('r-1'));
        await tx.states.touchNode('n-1', { receivedAt: T('10:00'), collectedAt: T('10:00'), errors: [] });
        throw new Error('refused half-way');
      });
      await expect(failing).rejects.toThrow('refused half-way');
      expect(await store.states.reportSeen('n-1', 'r-1')).toBe(false);
      expect(await store.states.nodes()).toEqual([]);

      const stored = await store.transaction(async (tx) => {
        await tx.states.recordReport(report('r-1'));
        return tx.states.reportSeen('n-1', 'r-1');
      });
      expect(stored).toBe(true);
      expect(await store.states.reportSeen('n-1', 'r-1')).toBe(true);
    });

    it('store one of many concurrent copies of a report: the others see it stored', async () => {
      const storeOnce = () =>
        store.transaction(async (tx) => {
          if (await tx.states.reportSeen('n-1', 'r-1')) return 'duplicate';
          await tx.states.recordReport(report('r-1'));
          return 'stored';
        });
      const answers = await Promise.all(Array.from({ length: 8 }, storeOnce));
      expect(answers.sort()).toEqual([...Array<string>(7).fill('duplicate'), 'stored']);
    });

    it('named after different nodes, never fail each other: each runs once, however many at a time', async () => {
      let runs = 0;
      const heartbeat = (node: string) =>
        store.transaction(
          async (tx) => {
            runs++;
            // What ingest reads and writes for a report: all of it the node's own rows.
            await tx.states.reportSeen(node, 'r-1');
            await tx.states.node(node);
            await tx.states.latestHashes(node);
            await tx.states.recordReport({
              node,
              reportId: 'r-1',
              receivedAt: T('10:00'),
              collectedAt: T('10:00'),
              kind: 'heartbeat',
              changed: [],
            });
            await tx.states.touchNode(node, { receivedAt: T('10:00'), collectedAt: T('10:00'), errors: [] });
            await tx.evaluations.mark(node, T('10:00'));
          },
          { serializeOn: `report:${node}` },
        );
      const nodes = Array.from({ length: 60 }, (_, i) => `n-${i}`);
      await Promise.all(nodes.map(heartbeat));
      expect(runs).toBe(nodes.length);
      expect((await store.states.nodes()).length).toBe(nodes.length);
    });

    it('named after one node, run one at a time: a read and the write it decides are never split', async () => {
      // Each reads how many reports the node has and stores the next number: run together
      // without the name, two would read the same count and one would fail on the unique key.
      const next = () =>
        store.transaction(
          async (tx) => {
            const seen = await tx.states.versionsSince('n-1', '1970-01-01T00:00:00Z');
            await tx.states.putCategory({
              node: 'n-1',
              category: 'os',
              hash: `sha256:${seen.length}`,
              content: '{}',
              collectedAt: T('10:00'),
              receivedAt: T('10:00'),
            });
            await tx.states.recordReport({
              node: 'n-1',
              reportId: `r-${seen.length}`,
              receivedAt: T('10:00'),
              collectedAt: T('10:00'),
              kind: 'delta',
              changed: ['os'],
            });
          },
          { serializeOn: 'report:n-1' },
        );
      await Promise.all(Array.from({ length: 20 }, next));
      const versions = await store.states.versionsSince('n-1', '1970-01-01T00:00:00Z');
      expect(versions.map((v) => v.hash).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `sha256:${i}`).sort(),
      );
    });

    it('refuse a second row with the same key as a ConflictError', async () => {
      await store.states.recordReport(report('r-1'));
      await expect(store.states.recordReport(report('r-1'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.states.reportSeen('n-1', 'r-1')).toBe(true);
    });
  });

  describe('states', () => {
    const put = (category: 'os' | 'sysctls', hash: string, content: unknown, at: string) =>
      store.states.putCategory({
        node: 'n-1',
        category,
        hash,
        content: JSON.stringify(content),
        collectedAt: at,
        receivedAt: at,
      });

    it('assemble the latest state, the state at a time, and what changed since', async () => {
      await store.states.touchNode('n-1', { receivedAt: T('10:00'), collectedAt: T('10:00'), errors: [] });
      await put('os', 'sha256:os1', { id: 'debian' }, T('10:00'));
      await put('sysctls', 'sha256:s1', { live: { 'vm.swappiness': '60' } }, T('10:00'));
      await put('sysctls', 'sha256:s2', { live: { 'vm.swappiness': '10' } }, T('11:00'));
      await store.states.touchNode('n-1', {
        receivedAt: T('11:00'),
        collectedAt: T('11:00'),
        errors: [{ collector: 'users', message: 'no getent' }] as never,
      });

      expect(await store.states.node('n-1')).toEqual({
        name: 'n-1',
        firstSeen: T('10:00'),
        lastSeen: T('11:00'),
        collectedAt: T('11:00'),
        errors: [{ collector: 'users', message: 'no getent' }],
      });
      expect(await store.states.latestHashes('n-1')).toEqual(
        new Map([
          ['os', 'sha256:os1'],
          ['sysctls', 'sha256:s2'],
        ]),
      );
      const latest = await store.states.latestState('n-1');
      expect(latest).toMatchObject({
        node: 'n-1',
        collectedAt: T('11:00'),
        os: { id: 'debian' },
        sysctls: { live: { 'vm.swappiness': '10' } },
        hashes: { os: 'sha256:os1', sysctls: 'sha256:s2' },
      });
      // Categories in their canonical order, as a collected state has them.
      expect(Object.keys(latest?.hashes ?? {})).toEqual(['os', 'sysctls']);
      expect(await store.states.stateAt('n-1', T('10:30'))).toMatchObject({
        collectedAt: T('10:30'),
        sysctls: { live: { 'vm.swappiness': '60' } },
        errors: [],
      });
      expect(await store.states.stateAt('n-1', T('09:00'))).toBeUndefined();
      expect(await store.states.versionsSince('n-1', T('10:00'))).toEqual([
        { category: 'sysctls', hash: 'sha256:s2', collectedAt: T('11:00'), receivedAt: T('11:00') },
      ]);

      await store.states.dropCategory('n-1', 'os');
      expect([...(await store.states.latestHashes('n-1')).keys()]).toEqual(['sysctls']);
      expect(await store.states.latestState('nobody')).toBeUndefined();
    });

    it('give the same states when parsed contents are kept, whatever changes, is shared or is evicted', async () => {
      // Room for about two parsed contents: reads after the first evict and parse again.
      const keeping = await openStore(location, { keepParsedChars: 60 });
      try {
        const putFor = (node: string, category: 'os' | 'sysctls', content: unknown, at: string) => {
          const text = JSON.stringify(content);
          return store.states.putCategory({
            node,
            category,
            hash: `sha256:${category}-${text.length}-${text.replace(/\W/g, '')}`,
            content: text,
            collectedAt: at,
            receivedAt: at,
          });
        };
        const bothAgree = async () => {
          for (const node of ['n-1', 'n-2', 'n-3']) {
            expect(await keeping.states.latestState(node)).toEqual(await store.states.latestState(node));
          }
        };
        for (const node of ['n-1', 'n-2', 'n-3']) {
          await store.states.touchNode(node, { receivedAt: T('10:00'), collectedAt: T('10:00'), errors: [] });
          // The same content on every node: one hash, kept once.
          await putFor(node, 'os', { id: 'debian' }, T('10:00'));
          await putFor(node, 'sysctls', { live: { 'vm.swappiness': node } }, T('10:00'));
        }
        await bothAgree();
        await bothAgree(); // read again: from what was kept
        await putFor('n-2', 'sysctls', { live: { 'vm.swappiness': '1' } }, T('11:00'));
        await putFor('n-1', 'os', { id: 'rocky' }, T('11:00'));
        await store.states.dropCategory('n-3', 'os');
        await bothAgree();
        expect(await keeping.states.latestState('n-2')).toMatchObject({
          os: { id: 'debian' },
          sysctls: { live: { 'vm.swappiness': '1' } },
        });
        expect(Object.keys((await keeping.states.latestState('n-3')) ?? {})).not.toContain('os');
      } finally {
        await keeping.close();
      }
    });

    it('list nodes in byte order, whatever the database locale', async () => {
      for (const name of ['b', 'a_1', 'A2', 'a-1'])
        await store.states.touchNode(name, { receivedAt: T('10:00'), collectedAt: T('10:00'), errors: [] });
      expect((await store.states.nodes()).map((node) => node.name)).toEqual(['A2', 'a-1', 'a_1', 'b']);
    });
  });

  describe('findings', () => {
    it('keep a timeline: opened, seen again, resolved, counted', async () => {
      const { findings } = store;
      expect(
        await findings.recordEvaluation(
          'node:n-1',
          'drift',
          [finding('a'), finding('b', 'warning')],
          T('10:00'),
        ),
      ).toEqual({ opened: 2, resolved: 0, open: 2 });
      // Two findings of one evaluation with one identity are both kept.
      expect(
        await findings.recordEvaluation(
          'node:n-1',
          'drift',
          [finding('b', 'warning'), finding('c'), finding('c')],
          T('11:00'),
        ),
      ).toEqual({ opened: 2, resolved: 1, open: 3 });

      const open = await findings.open('node:n-1');
      expect(open.map((f) => [f.finding.key, f.firstSeen, f.lastSeen])).toEqual([
        ['b', T('10:00'), T('11:00')],
        ['c', T('11:00'), T('11:00')],
        ['c', T('11:00'), T('11:00')],
      ]);
      expect(await findings.open('node:n-1', 'parity')).toEqual([]);
      expect(
        (await findings.changedSince('node:n-1', T('10:30'))).map((f) => [f.finding.key, f.resolvedAt]),
      ).toEqual([
        ['a', T('11:00')],
        ['c', undefined],
        ['c', undefined],
      ]);
      const counts = await findings.openCounts();
      expect(counts.sort((x, y) => x.severity.localeCompare(y.severity))).toEqual([
        { scope: 'node:n-1', source: 'drift', category: 'sysctls', severity: 'error', count: 2 },
        { scope: 'node:n-1', source: 'drift', category: 'sysctls', severity: 'warning', count: 1 },
      ]);
      expect(await findings.openCounts('node:n-2')).toEqual([]);
      expect(await findings.resolveScope('node:n-1', T('12:00'))).toBe(3);
      expect(await findings.open('node:n-1')).toEqual([]);
    });

    // The trend reads: finding intervals and verdict changes since a time.
    it('give every finding open at `since` or opened after, of every scope, and not those resolved before', async () => {
      const { findings } = store;
      // 10:00: two drift findings on n-1, one parity finding on the pair.
      await findings.recordEvaluation(
        'node:n-1',
        'drift',
        [finding('a'), finding('b', 'warning')],
        T('10:00'),
      );
      await findings.recordEvaluation('pair:p', 'parity', [finding('c')], T('10:00'));
      // 11:00: a is fixed.
      await findings.recordEvaluation('node:n-1', 'drift', [finding('b', 'warning')], T('11:00'));
      // 13:00: b is fixed, d appears on n-2.
      await findings.recordEvaluation('node:n-1', 'drift', [], T('13:00'));
      await findings.recordEvaluation('node:n-2', 'drift', [finding('d', 'info')], T('13:00'));

      const intervals = await findings.intervalsSince(T('12:00'));
      const sorted = [...intervals].sort(
        (x, y) => x.scope.localeCompare(y.scope) || x.firstSeen.localeCompare(y.firstSeen),
      );
      expect(sorted).toEqual([
        // b: open at 12:00, resolved at 13:00.
        {
          scope: 'node:n-1',
          source: 'drift',
          severity: 'warning',
          firstSeen: T('10:00'),
          resolvedAt: T('13:00'),
        },
        { scope: 'node:n-2', source: 'drift', severity: 'info', firstSeen: T('13:00') },
        { scope: 'pair:p', source: 'parity', severity: 'error', firstSeen: T('10:00') },
      ]);
      // a was resolved at 11:00, before `since`: it changes nothing after and is not read.
      expect(await findings.intervalsSince(T('10:30'))).toHaveLength(4);
    });
  });

  describe('readiness', () => {
    it('gives each pair the verdict in force at `since` and every change after, oldest first', async () => {
      const { readiness: history } = store;
      await history.record(readiness('p', 'GO', T('08:00')));
      await history.record(readiness('p', 'NO-GO', T('09:00'), ['parity']));
      await history.record(readiness('p', 'NO-GO', T('09:30'), ['parity'])); // same outcome: no row
      await history.record(readiness('p', 'GO', T('11:00')));
      await history.record(readiness('q', 'NO-GO', T('10:30'), ['stale']));
      await history.record(readiness('r', 'GO', T('07:00')));

      expect(await history.historySince(T('10:00'))).toEqual([
        { pair: 'p', verdict: 'NO-GO', evaluatedAt: T('09:00') },
        { pair: 'p', verdict: 'GO', evaluatedAt: T('11:00') },
        { pair: 'q', verdict: 'NO-GO', evaluatedAt: T('10:30') },
        { pair: 'r', verdict: 'GO', evaluatedAt: T('07:00') },
      ]);
      expect((await history.historySince(T('12:00'))).map((row) => row.pair)).toEqual(['p', 'q', 'r']);
    });

    it('records a row per change of outcome: latest, history, last GO, each pair now', async () => {
      const { readiness: history } = store;
      expect(await history.record(readiness('p', 'GO', T('08:00')))).toEqual({ changed: true });
      expect(await history.record(readiness('p', 'NO-GO', T('09:00'), ['parity']))).toEqual({
        changed: true,
      });
      expect(await history.record(readiness('p', 'NO-GO', T('09:30'), ['parity']))).toEqual({
        changed: false,
      });
      expect(await history.latest('p')).toMatchObject({
        verdict: 'NO-GO',
        failing: ['parity'],
        evaluatedAt: T('09:00'),
        lastEvaluatedAt: T('09:30'),
        result: { evaluatedAt: T('09:30') },
      });
      expect((await history.history('p')).map((record) => record.verdict)).toEqual(['NO-GO', 'GO']);
      expect(await history.history('p', 1)).toHaveLength(1);
      expect(await history.lastGo('p')).toMatchObject({ verdict: 'GO', evaluatedAt: T('08:00') });
      expect(await history.latestPerPair()).toEqual([
        {
          pair: 'p',
          verdict: 'NO-GO',
          failing: ['parity'],
          evaluatedAt: T('09:00'),
          lastEvaluatedAt: T('09:30'),
        },
      ]);
      expect(await history.latest('q')).toBeUndefined();
    });
  });

  describe('retention', () => {
    /** Every answer about times from `cutoff` on, to compare before and after pruning. */
    const answersFrom = async (cutoff: string) => ({
      latest: await Promise.all(['n-1', 'n-2'].map((node) => store.states.latestState(node))),
      states: await Promise.all(
        [cutoff, T('12:30'), T('13:00'), T('14:00')].map((at) => store.states.stateAt('n-1', at)),
      ),
      versions: await store.states.versionsSince('n-1', cutoff),
      changed: await store.findings.changedSince('node:n-1', cutoff),
      intervals: await store.findings.intervalsSince(cutoff),
      verdicts: await store.readiness.historySince(cutoff),
      lastGo: await store.readiness.lastGo('p'),
      readiness: await Promise.all(['p', 'q'].map((pair) => store.readiness.latest(pair))),
    });
    const put = (node: string, category: 'os' | 'sysctls', hash: string, at: string) =>
      store.states.putCategory({
        node,
        category,
        hash,
        content: JSON.stringify({ hash }),
        collectedAt: at,
        receivedAt: at,
      });

    it.each([2, 1000])(
      'forgets only what no question about a time from the cutoff on needs (windows of %i rows)',
      async (window) => {
        for (const node of ['n-1', 'n-2'])
          await store.states.touchNode(node, { receivedAt: T('13:00'), collectedAt: T('13:00'), errors: [] });
        // n-1's os: replaced at 10:30, then its collector failed — the last version stays.
        await put('n-1', 'os', 'sha256:o1', T('09:00'));
        await put('n-1', 'os', 'sha256:o2', T('10:30'));
        await store.states.dropCategory('n-1', 'os');
        // n-1's sysctls: x and s1 replaced before the cutoff (12:00), s2 in force at it, s3 latest.
        await put('n-1', 'sysctls', 'sha256:x', T('09:30'));
        await put('n-1', 'sysctls', 'sha256:s1', T('10:00'));
        await put('n-1', 'sysctls', 'sha256:s2', T('11:00'));
        await put('n-1', 'sysctls', 'sha256:s3', T('13:00'));
        // n-2 has s1's text as its latest: that text stays.
        await put('n-2', 'sysctls', 'sha256:s1', T('09:00'));
        // Findings: a resolved at 10:00 (before the cutoff), b at 13:00, c open.
        await store.findings.recordEvaluation('node:n-1', 'drift', [finding('a'), finding('b')], T('09:00'));
        await store.findings.recordEvaluation('node:n-1', 'drift', [finding('b')], T('10:00'));
        await store.findings.recordEvaluation('node:n-1', 'drift', [finding('c')], T('13:00'));
        // Readiness: p's GO at 10:00 is its last GO, and stays though replaced at 11:00.
        await store.readiness.record(readiness('p', 'GO', T('08:00')));
        await store.readiness.record(readiness('p', 'NO-GO', T('09:00'), ['parity']));
        await store.readiness.record(readiness('p', 'GO', T('10:00')));
        await store.readiness.record(readiness('p', 'NO-GO', T('11:00'), ['parity']));
        await store.readiness.record(readiness('p', 'NO-GO', T('13:00'), ['stale']));
        await store.readiness.record(readiness('q', 'GO', T('07:00')));
        for (const [id, at] of [
          ['r-1', T('09:00')],
          ['r-2', T('10:00')],
          ['r-3', T('11:00')],
        ] as const)
          await store.states.recordReport({
            node: 'n-1',
            reportId: id,
            receivedAt: at,
            collectedAt: at,
            kind: 'full',
            changed: [],
          });

        const before = await answersFrom(T('12:00'));
        const cutoffs = { history: T('12:00'), receipts: T('10:30') };
        expect(await store.pruneHistory(cutoffs, { window })).toEqual({
          receipts: 2, // r-1, r-2
          versions: 3, // os o1; sysctls x, s1
          contents: 2, // o1's and x's texts (s1's is n-2's latest)
          findings: 1, // a
          readiness: 2, // p's GO at 08:00 and NO-GO at 09:00
        });
        expect(await answersFrom(T('12:00'))).toEqual(before);

        // What went is gone: the state before the cutoff has lost what was replaced…
        expect(await store.states.stateAt('n-1', T('10:45'))).toMatchObject({
          os: { hash: 'sha256:o2' },
        });
        expect(await store.states.stateAt('n-1', T('10:45'))).not.toHaveProperty('sysctls');
        expect((await store.readiness.history('p')).map((row) => row.evaluatedAt)).toEqual([
          T('13:00'),
          T('11:00'),
          T('10:00'),
        ]);
        expect(await store.states.reportSeen('n-1', 'r-2')).toBe(false);
        expect(await store.states.reportSeen('n-1', 'r-3')).toBe(true);
        // …and pruning again finds nothing more.
        expect(await store.pruneHistory(cutoffs, { window })).toEqual({
          receipts: 0,
          versions: 0,
          contents: 0,
          findings: 0,
          readiness: 0,
        });
      },
    );

    it('forgets nothing replaced after the cutoff', async () => {
      await store.states.touchNode('n-1', { receivedAt: T('13:00'), collectedAt: T('13:00'), errors: [] });
      await put('n-1', 'sysctls', 'sha256:s1', T('13:00'));
      await put('n-1', 'sysctls', 'sha256:s2', T('14:00'));
      await store.readiness.record(readiness('p', 'NO-GO', T('13:00'), ['parity']));
      await store.readiness.record(readiness('p', 'GO', T('14:00')));
      expect(await store.pruneHistory({ history: T('12:00'), receipts: T('12:00') })).toEqual({
        receipts: 0,
        versions: 0,
        contents: 0,
        findings: 0,
        readiness: 0,
      });
      expect((await store.states.versionsSince('n-1', T('00:00'))).map((v) => v.hash)).toEqual([
        'sha256:s1',
        'sha256:s2',
      ]);
    });
  });

  describe('tokens', () => {
    it('keep only hashes: verified, listed, revoked once', async () => {
      expect(await store.tokens.hasAdmin()).toBe(false);
      const admin = await store.tokens.create({ role: 'admin', label: 'first' }, T('10:00'));
      const node = await store.tokens.create({ role: 'node', node: 'n-1' }, T('10:01'));
      expect([admin.info.id, node.info.id]).toEqual([1, 2]);
      expect(await store.tokens.hasAdmin()).toBe(true);
      expect(await store.tokens.verify(node.token)).toEqual({
        id: 2,
        role: 'node',
        node: 'n-1',
        createdAt: T('10:01'),
      });
      expect(await store.tokens.verify('dg_not-a-token')).toBeUndefined();
      expect(await store.tokens.revoke(1, T('11:00'))).toBe(true);
      expect(await store.tokens.revoke(1, T('11:01'))).toBe(false);
      expect(await store.tokens.revoke(Number('abc'), T('11:01'))).toBe(false);
      expect(await store.tokens.verify(admin.token)).toBeUndefined();
      expect(await store.tokens.knows(admin.token)).toBe(true);
      expect(await store.tokens.hasAdmin()).toBe(false);
      expect(await store.tokens.list()).toEqual([
        { id: 1, role: 'admin', label: 'first', createdAt: T('10:00'), revokedAt: T('11:00') },
        { id: 2, role: 'node', node: 'n-1', createdAt: T('10:01') },
      ]);
    });
  });

  describe('runs, plans, agent work and the audit log', () => {
    it('keep runs with their events in order, listed newest first', async () => {
      await store.runs.create(run('r-1', 'running', T('10:00')));
      await store.runs.create(run('r-2', 'running', T('11:00')));
      await store.runs.save({ ...run('r-1', 'failed', T('10:00')), finishedAt: T('10:05'), reason: 'no' });
      expect((await store.runs.list()).map((summary) => summary.id)).toEqual(['r-2', 'r-1']);
      expect(await store.runs.list({ status: 'failed' })).toEqual([
        expect.objectContaining({ id: 'r-1', status: 'failed', finishedAt: T('10:05'), reason: 'no' }),
      ]);
      expect(await store.runs.list({ limit: 1 })).toHaveLength(1);
      expect((await store.runs.get('r-1'))?.status).toBe('failed');
      expect(await store.runs.get('r-9')).toBeUndefined();

      const events = await Promise.all(
        ['one', 'two', 'three'].map((message) =>
          store.runs.appendEvent({ runId: 'r-2', at: T('11:00'), type: 'node-started', message }),
        ),
      );
      expect(events.map((event) => event.seq).sort()).toEqual([1, 2, 3]);
      expect((await store.runs.events('r-2', 1)).map((event) => event.seq)).toEqual([2, 3]);
    });

    it('lock the nodes of a run, all or none, and take over a lock whose holder died', async () => {
      await store.runs.create(run('r-1', 'running', T('10:00')));
      await store.runs.lock(['n-1', 'n-2'], 'r-1', 'one@host', new Date(T('10:00')));
      const refused = store.runs.lock(['n-3', 'n-2'], 'r-2', 'two@host', new Date(T('10:10')));
      await expect(refused).rejects.toBeInstanceOf(ConflictError);
      await expect(refused).rejects.toThrow(/node n-2 is being changed by run r-1/);
      expect((await store.runs.locks()).map((lock) => [lock.node, lock.runId])).toEqual([
        ['n-1', 'r-1'],
        ['n-2', 'r-1'],
      ]);
      await store.runs.heartbeat('r-1', new Date(T('10:20')));
      expect((await store.runs.locks())[0]?.heartbeatAt).toBe(T('10:20'));

      // Not refreshed for longer than the lease: r-1's process is gone.
      await store.runs.lock(['n-2'], 'r-2', 'two@host', new Date(T('10:36')));
      expect((await store.runs.get('r-1'))?.status).toBe('abandoned');
      expect((await store.runs.locks()).map((lock) => [lock.node, lock.runId])).toEqual([['n-2', 'r-2']]);
      await store.runs.unlock('r-2');
      expect(await store.runs.locks()).toEqual([]);
    });

    it('keep plans with their approval, once', async () => {
      const plan = {
        id: 'p-1',
        target: 'node:n-1',
        hash: 'sha256:p',
        via: 'ssh' as const,
        plan: { fixes: [] } as unknown as Plan,
        createdAt: T('10:00'),
        createdBy: 'admin',
        expiresAt: T('11:00'),
      };
      await store.plans.create(plan);
      await expect(store.plans.create(plan)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.plans.approve('p-1', 'boss', T('10:10'))).toBe(true);
      expect(await store.plans.approve('p-1', 'boss', T('10:11'))).toBe(false);
      expect(await store.plans.get('p-1')).toEqual({ ...plan, approvedAt: T('10:10'), approvedBy: 'boss' });
      expect((await store.plans.list()).map((stored) => stored.id)).toEqual(['p-1']);
    });

    it("hand out agents' work once and take its answer once", async () => {
      await store.agentWork.release('r-1', 'n-1', { fixes: 1 }, T('10:00'));
      expect(await store.agentWork.pendingFor('n-2')).toBeUndefined();
      await store.agentWork.claim('r-1', 'n-1', T('10:01'));
      expect(await store.agentWork.pendingFor('n-1')).toEqual({
        runId: 'r-1',
        node: 'n-1',
        releasedAt: T('10:00'),
        claimedAt: T('10:01'),
        work: { fixes: 1 },
      });
      expect(await store.agentWork.complete('r-1', 'n-1', { ok: true }, T('10:02'))).toBe(true);
      expect(await store.agentWork.complete('r-1', 'n-1', { ok: false }, T('10:03'))).toBe(false);
      expect(await store.agentWork.get('r-1', 'n-1')).toMatchObject({
        doneAt: T('10:02'),
        result: { ok: true },
      });
      expect(await store.agentWork.pendingFor('n-1')).toBeUndefined();
    });

    it('keep the audit log, newest first and per run', async () => {
      await store.audit.append({
        at: T('10:00'),
        actor: 'a',
        event: 'run-started',
        runId: 'r-1',
        detail: {},
      });
      await store.audit.append({
        at: T('10:01'),
        actor: 'b',
        event: 'plan-created',
        planId: 'p-1',
        detail: { n: 1 },
      });
      await store.audit.append({ at: T('10:02'), actor: 'a', event: 'run-failed', runId: 'r-1', detail: {} });
      expect((await store.audit.list()).map((event) => [event.id, event.event])).toEqual([
        [3, 'run-failed'],
        [2, 'plan-created'],
        [1, 'run-started'],
      ]);
      expect(await store.audit.list({ limit: 1 })).toHaveLength(1);
      expect((await store.audit.ofRun('r-1')).map((event) => event.event)).toEqual([
        'run-started',
        'run-failed',
      ]);
      expect((await store.audit.list())[1]).toEqual({
        id: 2,
        at: T('10:01'),
        actor: 'b',
        event: 'plan-created',
        planId: 'p-1',
        detail: { n: 1 },
      });
    });
  });

  describe('leases', () => {
    it('are held by one process of those on the store at a time, and taken over when given up', async () => {
      const other = await openStore(location);
      try {
        const first = store.lease('schedules', { checkMs: 100 });
        const told: boolean[] = [];
        first.onChange((held) => told.push(held));
        await waitFor('the first lease held', () => first.held);
        const second = other.lease('schedules', { checkMs: 100 });
        const elsewhere = other.lease('something else', { checkMs: 100 });
        await waitFor('a lease of another name held', () => elsewhere.held);
        // SQLite has one instance, which holds every lease; on PostgreSQL the second waits.
        if (backend === 'postgres') {
          // Both sessions have asked: the holder checks its session, the other tries and is refused.
          const client = new pg.Client({ connectionString: location });
          await client.connect();
          try {
            await waitFor('both sessions at work', async () => {
              const { rows } = await client.query<{ query: string }>(
                "SELECT query FROM pg_stat_activity WHERE application_name LIKE 'driftguard lease schedules %' ORDER BY query",
              );
              const queries = rows.map((row) => row.query);
              return (
                queries.length === 2 &&
                queries[0] === 'SELECT 1' &&
                queries[1]!.includes('pg_try_advisory_lock')
              );
            });
          } finally {
            await client.end();
          }
          expect(second.held).toBe(false);
        }
        await first.release();
        expect(first.held).toBe(false);
        await waitFor('the lease taken over', () => second.held);
        if (backend === 'postgres') expect(told).toEqual([true, false]);
      } finally {
        await other.close();
      }
    });
  });

  describe('broadcasts', () => {
    it("carry a process's messages, in order, to the other processes on the store (none on SQLite)", async () => {
      const other = await openStore(location);
      try {
        const here = store.broadcast('dg_test');
        const there = other.broadcast('dg_test');
        const heardHere: string[] = [];
        const heardThere: string[] = [];
        here.subscribe((message) => heardHere.push(message));
        there.subscribe((message) => heardThere.push(message));
        expect(() => here.publish('x'.repeat(MAX_BROADCAST_BYTES + 1))).toThrow(RangeError);
        if (backend === 'postgres') {
          const client = new pg.Client({ connectionString: location });
          await client.connect();
          try {
            await waitFor('both listening', async () => {
              const { rows } = await client.query(
                "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'driftguard listen dg_test %' AND query = 'LISTEN dg_test'",
              );
              return rows.length === 2;
            });
          } finally {
            await client.end();
          }
          for (const n of [1, 2, 3]) here.publish(`message ${n} ✓`);
          there.publish('back');
          await waitFor('the messages heard', () => heardThere.length === 3 && heardHere.length === 1);
          expect(heardThere).toEqual(['message 1 ✓', 'message 2 ✓', 'message 3 ✓']);
          expect(heardHere).toEqual(['back']);
        } else {
          here.publish('no one to tell');
          expect([heardHere, heardThere]).toEqual([[], []]);
        }
      } finally {
        await other.close();
      }
    });
  });

  describe('evaluations owed', () => {
    it('are marked per report, removed by the evaluation that saw them, and listed when stale', async () => {
      await store.transaction((tx) => tx.evaluations.mark('n-1', T('10:00')));
      await store.evaluations.mark('n-2', T('10:05'));
      const seen = await store.evaluations.pending('n-1');
      expect(seen).toBe(1);
      // A report after the evaluation read the mark: the mark stays for the next evaluation.
      await store.evaluations.mark('n-1', T('10:10'));
      await store.evaluations.done('n-1', seen!);
      expect(await store.evaluations.pending('n-1')).toBe(2);
      expect(await store.evaluations.stale(T('10:06'))).toEqual(['n-2']);
      expect(await store.evaluations.stale(T('10:11'))).toEqual(['n-2', 'n-1']);
      await store.evaluations.done('n-1', 2);
      await store.evaluations.done('n-2', 1);
      expect(await store.evaluations.stale(T('23:59'))).toEqual([]);
      expect(await store.evaluations.pending('n-1')).toBeUndefined();
    });
  });
});

// Only PostgreSQL runs writers side by side; SQLite has one writer at a time.
describe('the postgres store, pruning beside a report being stored', () => {
  afterAll(() => fixtures.postgres.cleanup());

  it('never deletes a text that a version being stored names', async () => {
    const location = await fixtures.postgres.location();
    const store = await openStore(location);
    const ingest = new pg.Client({ connectionString: location });
    await ingest.connect();
    try {
      const version = (hash: string, at: string) =>
        store.states.putCategory({
          node: 'n-1',
          category: 'sysctls',
          hash,
          content: JSON.stringify({ hash }),
          collectedAt: at,
          receivedAt: at,
        });
      await store.states.touchNode('n-1', { receivedAt: T('11:00'), collectedAt: T('11:00'), errors: [] });
      // s1 replaced by s2 before the cutoff: pruning deletes s1's version and then its text…
      await version('sha256:s1', T('09:00'));
      await version('sha256:s2', T('10:00'));
      // …while a report in flight names s1 again: its text is there (ON CONFLICT DO NOTHING),
      // and the new version is not yet committed when pruning looks for versions naming s1.
      await ingest.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      await ingest.query(
        "INSERT INTO category_contents (hash, content) VALUES ('sha256:s1', '{}') ON CONFLICT (hash) DO NOTHING",
      );
      const pruning = store.pruneHistory({ history: T('12:00'), receipts: T('12:00') });
      await waitFor('pruning to wait for the report', async () => {
        const waiting = await ingest.query<{ count: string }>(
          "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'category_contents'::regclass",
        );
        return Number(waiting.rows[0]?.count) > 0;
      });
      const stored = await ingest.query<{ id: string }>(
        `INSERT INTO category_versions (node, category, hash, collected_at, received_at)
         VALUES ('n-1', 'sysctls', 'sha256:s1', $1, $1) RETURNING id`,
        [T('11:00')],
      );
      await ingest.query(
        "UPDATE category_latest SET version_id = $1, hash = 'sha256:s1' WHERE node = 'n-1' AND category = 'sysctls'",
        [stored.rows[0]?.id],
      );
      await ingest.query('COMMIT');

      expect(await pruning).toMatchObject({ versions: 2, contents: 1 }); // s1's and s2's versions; s2's text
      expect(await store.states.latestState('n-1')).toMatchObject({ sysctls: { hash: 'sha256:s1' } });
    } finally {
      await ingest.end();
      await store.close();
    }
  });
});
