/**
 * Several `driftguard serve` processes on one PostgreSQL store (issue 10, stage 2). Everything is
 * asserted on what the store holds — which session holds the lease, the rows the instances
 * wrote — and every wait is a bounded poll for a condition, never a timing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { buildReport } from '../../src/app/build-report';
import type { NodeState } from '../../src/model/state';
import { hashOf } from '../../src/shared/canonical-json';
import { REPO } from '../helpers/cli';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import { startPostgres } from '../helpers/postgres';
import type { TestPostgres } from '../helpers/postgres';
import type { ServerProcess } from '../helpers/processes';
import {
  api,
  createNodeToken,
  freePort,
  killAll,
  spooledIds,
  startAgent,
  startServer,
  storedReportsOf,
  waitFor,
} from '../helpers/processes';

const LEASE = 'schedules-and-readiness';

/** A pair on two nodes no one can reach, and an enforce schedule every minute (it records a failed run). */
async function writeDesired(dir: string): Promise<string> {
  const closed = await freePort();
  const desired = path.join(dir, 'desired');
  fs.mkdirSync(desired);
  fs.writeFileSync(
    path.join(desired, 'fleet.yaml'),
    `
kind: Role
name: base
packages: { dpkg: present }
---
kind: Node
name: web-1
roles: [base]
ssh: { host: 127.0.0.1, port: ${closed}, user: root }
---
kind: Node
name: web-2
roles: [base]
ssh: { host: 127.0.0.1, port: ${closed}, user: root }
---
kind: Pair
name: web
primary: web-1
secondary: web-2
---
kind: Schedule
name: every-minute
cron: '* * * * *'
targets: [pair:web]
mode: enforce
`,
  );
  return desired;
}

/** The example pypi-2 as `node`, collected `agoMs` before now (kernel.panic set to `panic`, if given), as report `reportId`. */
function reportOf(
  node: string,
  reportId: string,
  agoMs = 1000,
  panic?: string,
): ReturnType<typeof buildReport> {
  const state = JSON.parse(
    fs.readFileSync(path.join(REPO, 'examples/states/pypi-2.json'), 'utf8'),
  ) as NodeState;
  state.node = node;
  state.collectedAt = new Date(Date.now() - agoMs).toISOString();
  if (panic !== undefined) {
    state.sysctls!.live['kernel.panic'] = panic;
    state.hashes.sysctls = hashOf(state.sysctls);
  }
  return buildReport(state, reportId);
}

/** `GET /api/v1/events` of `server`, read in the background into `text`. */
function openEvents(server: ServerProcess): { text: () => string; close: () => void } {
  const controller = new AbortController();
  let text = '';
  void (async () => {
    const response = await fetch(`${server.url}/api/v1/events`, { signal: controller.signal });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
  })().catch(() => undefined);
  return { text: () => text, close: () => controller.abort() };
}

describe('several instances on one PostgreSQL', () => {
  let postgres: TestPostgres;
  let dir: string;
  let db: string;
  let desired: string;
  let client: pg.Client;

  beforeAll(async () => {
    postgres = await startPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-multi-'));
    desired = await writeDesired(dir);
  });
  beforeEach(async () => {
    db = await postgres.createDatabase();
    client = new pg.Client({ connectionString: db });
    await client.connect();
  });
  afterEach(async () => {
    await killAll();
    await client.end();
  });
  afterAll(() => {
    postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The pid of the server process whose session holds the lease, if any does. */
  async function leaseHolder(): Promise<number | undefined> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE $1`,
      [`driftguard lease ${LEASE} pid %`],
    );
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0] ? Number(/pid (\d+)$/.exec(rows[0].name)?.[1]) : undefined;
  }

  async function scheduleRuns(): Promise<string[]> {
    const { rows } = await client.query<{ started_at: string }>(
      "SELECT started_at FROM runs WHERE trigger = 'schedule' ORDER BY started_at",
    );
    return rows.map((row) => row.started_at);
  }

  async function lastReadiness(): Promise<string | undefined> {
    const { rows } = await client.query<{ at: string | null }>(
      "SELECT max(last_evaluated_at) AS at FROM readiness_history WHERE pair = 'web'",
    );
    return rows[0]?.at ?? undefined;
  }

  const serve = () =>
    startServer({
      db,
      desired,
      args: ['--readiness-interval', '1s', '--identity', path.join(dir, 'no-key')],
    });

  it('run schedules and the readiness monitor on one of them; the other takes over when it is killed', async () => {
    const a = await serve();
    await waitFor('A holds the lease', async () => (await leaseHolder()) === a.pid);
    const b = await serve();
    await waitFor('readiness evaluated', lastReadiness);
    await waitFor('a scheduled run', async () => (await scheduleRuns()).length > 0, { timeoutMs: 90_000 });
    expect(await leaseHolder()).toBe(a.pid); // B started, and A kept it

    await a.kill9();
    await a.exited;
    await waitFor('B holds the lease', async () => (await leaseHolder()) === b.pid);
    // A is dead and B holds the lease: whatever is recorded from now on, B recorded.
    const readinessBefore = await lastReadiness();
    const runsBefore = (await scheduleRuns()).length;
    await waitFor(
      'readiness evaluated by B',
      async () => ((await lastReadiness()) ?? '') > (readinessBefore ?? ''),
    );
    await waitFor('a scheduled run by B', async () => (await scheduleRuns()).length > runsBefore, {
      timeoutMs: 90_000,
    });

    // Never two runs of one minute: only one instance ran the schedule at a time.
    const minutes = (await scheduleRuns()).map((at) => at.slice(0, 16));
    expect(new Set(minutes).size).toBe(minutes.length);
    expect(b.alive).toBe(true);
    expect(await (b as ServerProcess).stop()).toBe(0);
  }, 240_000);

  it('tell the dashboards connected to every instance what happened on any of them', async () => {
    const a = await startServer({ db, args: ['--readiness-interval', '0s'] });
    const b = await startServer({ db, args: ['--readiness-interval', '0s'] });
    // Both listen on the store's channel (their LISTEN has been answered).
    await waitFor('both instances listening', async () => {
      const { rows } = await client.query<{ name: string }>(
        `SELECT application_name AS name FROM pg_stat_activity
          WHERE application_name LIKE 'driftguard listen driftguard_live pid %' AND query = 'LISTEN driftguard_live'`,
      );
      return rows.length === 2;
    });
    const onB = openEvents(b);
    await waitFor('the stream of B open', () => onB.text().includes('event: hello'));

    const answer = await api(a, '/api/v1/reports', {
      method: 'POST',
      token: a.adminToken,
      body: reportOf('pypi-2', 'to-a'),
    });
    expect(answer).toMatchObject({ stored: true, duplicate: false });
    const events = () =>
      onB
        .text()
        .split('\n\n')
        .slice(0, -1) // the last is not complete yet
        .filter((block) => block.startsWith('event: node-'))
        .map(
          (block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { type: string; node: string },
        );
    await waitFor('B told of the report to A and its evaluation', () => {
      const seen = events().map((event) => `${event.type} ${event.node}`);
      return seen.includes('node-reported pypi-2') && seen.includes('node-evaluated pypi-2');
    });
    // Once each: B's stream is told of A's events, and never of them twice.
    const seen = events().map((event) => `${event.type} ${event.node}`);
    expect(seen.filter((event) => event === 'node-reported pypi-2')).toHaveLength(1);
    onB.close();
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 120_000);

  it('take the reports of an agent given both, in its spool order, while either is down', async () => {
    const a = await startServer({ db, args: ['--readiness-interval', '0s'] });
    const b = await startServer({ db, args: ['--readiness-interval', '0s'] });
    const root = preparedFixtureRoot('pypi-2');
    const spool = path.join(dir, 'spool-failover');
    const agent = startAgent({
      server: a.url,
      tokenFile: await createNodeToken(a, 'pypi-2', dir),
      root,
      spool,
      args: ['--server', b.url, '--backoff-max', '1s'],
    });
    try {
      const stored = () => storedReportsOf(db, 'pypi-2');
      await waitFor('reports through A', async () => (await stored()).length >= 2, { timeoutMs: 30_000 });

      // A killed: the agent goes on with B.
      await a.kill9();
      await a.exited;
      const beforeB = (await stored()).length;
      await waitFor('reports through B while A is down', async () => (await stored()).length >= beforeB + 3, {
        timeoutMs: 30_000,
      });

      // Both down: the reports wait in the spool…
      await b.kill9();
      await b.exited;
      // (changes on the node, each a delta: heartbeats in a row are coalesced in the spool)
      for (const swappiness of [31, 32, 33]) {
        const before = spooledIds(spool).length;
        fs.writeFileSync(path.join(root, 'proc/sys/vm/swappiness'), `${swappiness}\n`);
        await waitFor('the change spooled', () => spooledIds(spool).length > before, { timeoutMs: 30_000 });
      }
      const spooled = spooledIds(spool);
      // …and A, back, takes them, oldest first, and the agent goes on with it.
      const again = await startServer({ db, port: a.port, args: ['--readiness-interval', '0s'] });
      await waitFor(
        'the spool delivered to A',
        async () => {
          const ids = (await stored()).map((report) => report.reportId);
          return (
            spooled.every((id) => ids.includes(id)) && (await stored()).length > beforeB + 3 + spooled.length
          );
        },
        { timeoutMs: 30_000 },
      );

      const reports = await stored();
      const ids = reports.map((report) => report.reportId);
      expect(new Set(ids).size).toBe(ids.length); // none stored twice
      // Stored in the order they were collected (the spool's order), whichever instance took each.
      const collected = reports.map((report) => report.collectedAt);
      expect(collected).toEqual([...collected].sort());
      expect(ids.filter((id) => spooled.includes(id))).toEqual(spooled);
      expect(agent.alive).toBe(true);
      expect(await again.stop()).toBe(0);
    } finally {
      await agent.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);

  it('store a report sent to either once, and evaluate it once, on the instance that took it', async () => {
    const a = await startServer({ db, args: ['--readiness-interval', '0s'] });
    const b = await startServer({ db, args: ['--readiness-interval', '0s'] });
    await waitFor('both instances listening', async () => {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_stat_activity
          WHERE application_name LIKE 'driftguard listen driftguard_live pid %' AND query = 'LISTEN driftguard_live'`,
      );
      return rows.length === 2;
    });
    // A's stream is told of the evaluations of both instances (each publishes one per evaluation).
    const onA = openEvents(a);
    await waitFor('the stream of A open', () => onA.text().includes('event: hello'));
    const evaluations = () =>
      onA
        .text()
        .split('\n\n')
        .slice(0, -1)
        .filter((block) => block.startsWith('event: node-evaluated'))
        .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { node: string })
        .filter((event) => event.node === 'pypi-2').length;
    const send = (server: ServerProcess, report: ReturnType<typeof buildReport>) =>
      api(server, '/api/v1/reports', { method: 'POST', token: server.adminToken, body: report });

    const first = reportOf('pypi-2', 'r-1', 3000);
    const second = reportOf('pypi-2', 'r-2', 2000, '10');
    expect(await send(a, first)).toMatchObject({ stored: true, duplicate: false });
    await waitFor('r-1 evaluated', () => evaluations() === 1);
    expect(await send(b, second)).toMatchObject({ stored: true, duplicate: false, changed: ['sysctls'] });
    await waitFor('r-2 evaluated', () => evaluations() === 2);
    // Each sent again to the other instance: a duplicate there, stored once, not evaluated again…
    expect(await send(b, first)).toMatchObject({ duplicate: true });
    expect(await send(a, second)).toMatchObject({ duplicate: true });
    // …which a report to each, sent after them, shows: A's events and B's reach the stream in the
    // order each instance published them, and the evaluations of r-3 and r-4 are the third and
    // the fourth, not the fifth and the sixth.
    expect(await send(a, reportOf('pypi-2', 'r-3', 1000, '20'))).toMatchObject({ duplicate: false });
    await waitFor('r-3 evaluated', () => evaluations() >= 3);
    expect(evaluations()).toBe(3);
    expect(await send(b, reportOf('pypi-2', 'r-4', 500, '30'))).toMatchObject({ duplicate: false });
    await waitFor('r-4 evaluated', () => evaluations() >= 4);
    expect(evaluations()).toBe(4);
    const { rows } = await client.query<{ report_id: string }>(
      "SELECT report_id FROM reports WHERE node = 'pypi-2' ORDER BY id",
    );
    expect(rows.map((row) => row.report_id)).toEqual(['r-1', 'r-2', 'r-3', 'r-4']);
    onA.close();
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 120_000);

  it('evaluate a report whose instance died before evaluating it, on the instance holding the lease', async () => {
    const a = await startServer({ db, args: ['--readiness-interval', '0s'] });
    await waitFor('A holds the lease', async () => (await leaseHolder()) === a.pid);
    const b = await startServer({ db, args: ['--readiness-interval', '0s'] });
    const owed = async () =>
      (await client.query<{ node: string }>('SELECT node FROM evaluation_pending')).rows.map(
        (row) => row.node,
      );
    const drift = async () =>
      (
        await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM findings WHERE scope = 'node:pypi-2' AND resolved_at IS NULL",
        )
      ).rows[0]!.n;
    expect(
      await api(a, '/api/v1/reports', {
        method: 'POST',
        token: a.adminToken,
        body: reportOf('pypi-2', 'r-1'),
      }),
    ).toMatchObject({ stored: true });
    await waitFor(
      'r-1 evaluated, and owed no more',
      async () => (await drift()) > 0 && (await owed()).length === 0,
    );
    const found = await drift();

    await a.kill9();
    await a.exited;
    await waitFor('B holds the lease', async () => (await leaseHolder()) === b.pid);
    // What a crash between a report's transaction and its evaluation leaves behind: the report
    // stored and marked as owed an evaluation (here, long ago), its findings never recorded.
    await client.query("DELETE FROM findings WHERE scope = 'node:pypi-2'");
    await client.query(
      "INSERT INTO evaluation_pending (node, seq, marked_at) VALUES ('pypi-2', 1, '2000-01-01T00:00:00.000Z')",
    );
    await waitFor('B evaluated what A owed', async () => (await owed()).length === 0, { timeoutMs: 45_000 });
    expect(await drift()).toBe(found);
    expect(await b.stop()).toBe(0);
  }, 120_000);
});
