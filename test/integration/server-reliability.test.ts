/**
 * Crash safety with real processes (issue 3, acceptance):
 *  - kill -9 the server during a burst of concurrent reports: after a restart on the same store,
 *    every report that got a 2xx is stored, none twice, and each node's latest state is the
 *    newest content stored — on a SQLite file and on PostgreSQL alike (issue 10);
 *  - kill -9 the agent mid-run, with and without the server, and restart it on the same spool:
 *    nothing lost, nothing stored twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import type { Report } from '../../src/model/report';
import type { NodeState } from '../../src/model/state';
import { hashOf } from '../../src/shared/canonical-json';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import { startPostgres } from '../helpers/postgres';
import type { TestPostgres } from '../helpers/postgres';
import type { CliProcess, ServerProcess } from '../helpers/processes';
import {
  api,
  createNodeToken,
  killAll,
  spooledIds,
  startAgent,
  startServer,
  storedReports,
  storedReportsOf,
  waitFor,
} from '../helpers/processes';

const NODES = ['pypi-1', 'pypi-2', 'debian12-clean', 'dpkg-interrupted', 'sysctl-precedence', 'rpm-el9'];
const PER_NODE = 50;
const T0 = Date.parse('2026-11-22T08:00:00.000Z');

/** 50 full reports per node, each with its own vm.swappiness and a later collectedAt. */
function burst(): Report[] {
  const reports: Report[] = [];
  const examples = new Map(
    NODES.map((node) => [node, fs.readFileSync(`examples/states/${node}.json`, 'utf8')]),
  );
  for (let seq = 0; seq < PER_NODE; seq++) {
    for (const node of NODES) {
      const state = JSON.parse(examples.get(node)!) as NodeState;
      state.collectedAt = new Date(T0 + seq * 60_000).toISOString();
      state.sysctls!.live['vm.swappiness'] = String(seq);
      state.hashes.sysctls = hashOf(state.sysctls);
      reports.push(buildReport(state, `burst-${String(seq).padStart(3, '0')}`));
    }
  }
  return reports;
}

async function post(server: ServerProcess, report: Report): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(report),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('reliability', () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  let postgres: TestPostgres | undefined;
  afterEach(() => killAll());
  afterAll(() => {
    postgres?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A new, empty store of each kind. */
  const stores = {
    sqlite: async () => path.join(tempDir('dg-burst-'), 'driftguard.db'),
    postgres: async () => {
      postgres ??= await startPostgres();
      return postgres.createDatabase();
    },
  };

  it.each(['sqlite', 'postgres'] as const)(
    'kill -9 of the server during a burst loses no acknowledged report and stores none twice (%s)',
    async (backend) => {
      const db = await stores[backend]();
      const server = await startServer({ db });
      const reports = burst();
      const acknowledged = new Set<string>();
      const key = (r: Report) => `${r.node} ${r.reportId}`;
      let killed = false;
      const queue = [...reports];
      const worker = async () => {
        for (let report = queue.shift(); report; report = queue.shift()) {
          const status = await post(server, report).catch(() => 0);
          if (status === 200 || status === 201) acknowledged.add(key(report));
          if (acknowledged.size >= reports.length / 3 && !killed) {
            killed = true;
            server.child.kill('SIGKILL'); // mid-burst: other requests are in flight
          }
        }
      };
      await Promise.all(Array.from({ length: 24 }, worker));
      await server.exited;
      expect(killed).toBe(true);
      expect(acknowledged.size).toBeGreaterThanOrEqual(reports.length / 3);
      expect(acknowledged.size).toBeLessThan(reports.length);

      // Straight from the store, before anything else touches it: every 2xx is there, once.
      const rows = await storedReportsOf(db);
      const stored = new Map<string, number>();
      for (const row of rows)
        stored.set(`${row.node} ${row.reportId}`, (stored.get(`${row.node} ${row.reportId}`) ?? 0) + 1);
      for (const id of acknowledged) expect([id, stored.get(id)]).toEqual([id, 1]);
      expect([...stored.values()].every((count) => count === 1)).toBe(true);

      const restarted = await startServer({ db, port: server.port });
      // Each node's latest state is the content of its newest stored report — at least as new as
      // its newest acknowledged one (a report stored just before the kill may have lost its 2xx).
      for (const node of NODES) {
        const newestStored = rows.filter((r) => r.node === node).at(-1);
        const newestAcked = reports.filter((r) => r.node === node && acknowledged.has(key(r))).at(-1);
        if (!newestStored) {
          expect(newestAcked).toBeUndefined();
          continue;
        }
        const expected = reports.find((r) => r.node === node && r.reportId === newestStored.reportId)!;
        if (newestAcked) expect(newestStored.collectedAt >= newestAcked.collectedAt).toBe(true);
        const latest = (await api(restarted, `/api/v1/nodes/${node}/state`)) as NodeState;
        expect([node, latest.collectedAt, latest.hashes]).toEqual([
          node,
          expected.collectedAt,
          expected.hashes,
        ]);
        expect(latest.sysctls!.live['vm.swappiness']).toBe(
          expected.categories.sysctls!.live['vm.swappiness'],
        );
      }

      // Senders retry what they got no answer for; what was stored is never stored again.
      for (const report of reports) {
        const status = await post(restarted, report);
        if (stored.has(key(report))) expect([key(report), status]).toEqual([key(report), 200]);
        else expect([200, 201, 409]).toContain(status);
      }
      const after = await storedReportsOf(db);
      expect(new Set(after.map((r) => `${r.node} ${r.reportId}`)).size).toBe(after.length);
      for (const node of NODES) {
        const latest = (await api(restarted, `/api/v1/nodes/${node}/state`)) as NodeState;
        expect([node, latest.sysctls!.live['vm.swappiness']]).toEqual([node, String(PER_NODE - 1)]);
      }
      expect(await restarted.stop()).toBe(0);
    },
    120_000,
  );

  it('kill -9 of the agent, with the server up and with it down, loses nothing and stores nothing twice', async () => {
    const work = tempDir('dg-agent-kill-');
    const root = preparedFixtureRoot('pypi-2');
    dirs.push(root);
    const db = path.join(work, 'driftguard.db');
    const spool = path.join(work, 'spool');
    let server: ServerProcess = await startServer({ db });
    const tokenFile = await createNodeToken(server, 'pypi-2', work);
    const agentProcesses: CliProcess[] = [];
    const agent = () => {
      const started = startAgent({
        server: server.url,
        tokenFile,
        root,
        spool,
        args: ['--backoff-max', '2s'],
      });
      agentProcesses.push(started);
      return started;
    };
    const swappiness = async () =>
      ((await api(server, '/api/v1/nodes/pypi-2/state')) as NodeState).sysctls!.live['vm.swappiness'];
    const setSwappiness = (value: string) =>
      fs.writeFileSync(path.join(root, 'proc/sys/vm/swappiness'), `${value}\n`);
    const spooledValues = () =>
      spooledIds(spool).flatMap((id) => {
        try {
          return [
            (JSON.parse(fs.readFileSync(path.join(spool, `${id}.json`), 'utf8')) as Report).categories.sysctls
              ?.live['vm.swappiness'],
          ];
        } catch {
          return [];
        }
      });

    // 1. Server up: kill -9 mid-run (between or during deliveries), restart on the same spool.
    let running = agent();
    await waitFor('the first report', () => storedReports(db, 'pypi-2').length > 0);
    setSwappiness('51');
    await waitFor('vm.swappiness 51 on the server', async () => (await swappiness()) === '51');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await running.kill9();
    running = agent();
    await waitFor('a report from the restarted agent', () =>
      storedReports(db, 'pypi-2').some(
        (r) => r.reportId.split('-')[0] !== storedReports(db, 'pypi-2')[0]!.reportId.split('-')[0],
      ),
    );

    // 2. Server down: the node changes twice, the agent spools, and is killed with a full spool.
    expect(await server.stop()).toBe(0);
    for (const value of ['52', '53']) {
      setSwappiness(value);
      await waitFor(`a spooled report with vm.swappiness ${value}`, () => spooledValues().includes(value));
    }
    await running.kill9();
    const left = spooledIds(spool);
    expect(left.length).toBeGreaterThanOrEqual(2);

    server = await startServer({ db, port: server.port });
    running = agent();
    await waitFor(
      'the spool delivered',
      async () => spooledIds(spool).length === 0 && (await swappiness()) === '53',
    );

    const stored = storedReports(db, 'pypi-2');
    const ids = stored.map((r) => r.reportId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort()); // arrival order = collection order, across three runs
    for (const id of left) expect(ids).toContain(id); // a killed agent coalesces nothing afterwards
    // Each run starts with a full report.
    const runs = [...new Set(ids.map((id) => id.split('-')[0]))];
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(stored.find((r) => r.reportId.startsWith(`${run}-`))!.kind).toBe('full');
    // The history holds each value the node had, once: 51, 52, 53 after the first state.
    const history = (await api(server, '/api/v1/nodes/pypi-2/history?since=2000-01-01T00:00:00Z')) as {
      versions: { category: string; hash: string }[];
    };
    const sysctls = history.versions.filter((v) => v.category === 'sysctls').map((v) => v.hash);
    expect(sysctls).toHaveLength(4);
    expect(new Set(sysctls).size).toBe(4);
    expect(
      history.versions
        .filter((v) => v.category !== 'sysctls')
        .every((v) => stored[0]!.changed.includes(v.category)),
    ).toBe(true);
    expect(history.versions.filter((v) => v.category === 'packages')).toHaveLength(1);

    expect(await running.stop()).toBe(0);
    expect(agentProcesses.slice(0, 2).every((p) => !p.alive)).toBe(true);
  }, 60_000);
});
