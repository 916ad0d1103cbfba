/**
 * `driftguard serve --db postgres://…` end to end (issue 10): the built server, started once on a
 * SQLite file and once on a PostgreSQL database with the same clock, fed the same states and the
 * same report, gives the same answers to every read the dashboard and the API make — states,
 * history, drift and parity found by the evaluation worker (on its own connection), readiness
 * recorded, trends, metrics.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import type { NodeSummary, PairSummary } from '../../src/model/api';
import type { NodeState } from '../../src/model/state';
import { hashOf } from '../../src/shared/canonical-json';
import { REPO } from '../helpers/cli';
import { startPostgres } from '../helpers/postgres';
import type { TestPostgres } from '../helpers/postgres';
import type { ServerProcess } from '../helpers/processes';
import { api, killAll, startServer, waitFor } from '../helpers/processes';

// The example states were collected at 10:00; the servers' clock is pinned a little later.
const NOW = '2026-11-22T10:30:00.000Z';
const SINCE = '2026-11-22T09:00:00.000Z';

/** Every read of a node and of the pair that the dashboard and the API make. */
const READS = [
  '/api/v1/nodes',
  '/api/v1/nodes/pypi-2',
  '/api/v1/nodes/pypi-2/state',
  '/api/v1/nodes/pypi-1/drift',
  '/api/v1/nodes/pypi-2/drift',
  `/api/v1/nodes/pypi-2/history?since=${SINCE}`,
  `/api/v1/nodes/pypi-2/changes?since=${SINCE}`,
  `/api/v1/nodes/pypi-2/timeline?since=${SINCE}`,
  '/api/v1/pairs',
  '/api/v1/pairs/pypi/parity',
  '/api/v1/pairs/pypi/readiness/latest',
  '/api/v1/pairs/pypi/readiness/history',
  '/api/v1/pairs/pypi/runbook',
  `/api/v1/trends?since=${SINCE}`,
];

/** The open drift of both nodes and the parity of the pair, as the lists count them. */
async function counts(server: ServerProcess): Promise<number[]> {
  const { nodes } = (await api(server, '/api/v1/nodes')) as { nodes: NodeSummary[] };
  const { pairs } = (await api(server, '/api/v1/pairs')) as { pairs: PairSummary[] };
  const drift = (name: string) => nodes.find((node) => node.name === name)?.drift.error ?? 0;
  return [drift('pypi-1'), drift('pypi-2'), pairs[0]?.parity.error ?? 0];
}

/** The store's own gauges of /metrics (the ingest timings are times, which differ). */
async function gauges(server: ServerProcess): Promise<string[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) =>
      /^driftguard_(findings_open|pair_ready|pair_failing_checks|node_report_age_seconds)\{/.test(line),
    )
    .sort();
}

/** pypi-2 with kernel.panic set live, collected ten minutes after the example. */
function panicSet(): ReturnType<typeof buildReport> {
  const state = JSON.parse(
    fs.readFileSync(path.join(REPO, 'examples/states/pypi-2.json'), 'utf8'),
  ) as NodeState;
  state.collectedAt = '2026-11-22T10:10:00.000Z';
  state.sysctls!.live['kernel.panic'] = '10';
  state.hashes.sysctls = hashOf(state.sysctls);
  return buildReport(state, 'panic-set');
}

describe('serve on PostgreSQL', () => {
  let postgres: TestPostgres;
  let dir: string;
  const servers: Partial<Record<'sqlite' | 'postgres', ServerProcess>> = {};

  beforeAll(async () => {
    postgres = await startPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-pg-e2e-'));
  });
  afterAll(async () => {
    await killAll();
    postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every read as the same server on SQLite does, after import, evaluation, a report and readiness', async () => {
    const start = async (db: string) =>
      startServer({
        db,
        env: { DRIFTGUARD_NOW: NOW },
        // Readiness only when asked: a round at start would race the evaluation of the import.
        args: ['--import', path.join(REPO, 'examples/states'), '--readiness-interval', '0s'],
      });
    servers.sqlite = await start(path.join(dir, 'driftguard.db'));
    servers.postgres = await start(await postgres.createDatabase());
    const both = [servers.sqlite, servers.postgres];

    // The evaluation worker has found the drift of both nodes and the parity of the pair.
    const imported = await Promise.all(
      both.map((server) =>
        waitFor('the import evaluated', async () => {
          const found = await counts(server);
          return found.every((count) => count > 0) && found;
        }),
      ),
    );
    expect(imported[1]).toEqual(imported[0]);

    // A report that fixes kernel.panic on pypi-2: a drift finding fewer, a parity finding more
    // (pypi-1 still has 0) — the parity of the pair is recorded after the node's drift.
    for (const server of both) {
      const answer = await api(server, '/api/v1/reports', {
        method: 'POST',
        token: server.adminToken,
        body: panicSet(),
      });
      expect(answer).toEqual({ stored: true, duplicate: false, changed: ['sysctls'] });
    }
    for (const server of both)
      await waitFor('the report evaluated', async () => {
        const { findings } = (await api(server, '/api/v1/pairs/pypi/parity')) as {
          findings: { key: string }[];
        };
        return findings.some((finding) => finding.key === 'kernel.panic');
      });
    const reported = await Promise.all(both.map(counts));
    expect(reported[1]).toEqual(reported[0]);
    expect(reported[0]![1]).toBeLessThan(imported[0]![1]!);

    // Readiness evaluated on request and recorded, on both.
    const verdicts = await Promise.all(
      both.map((server) =>
        api(server, '/api/v1/pairs/pypi/readiness?probes=false', { token: server.adminToken }),
      ),
    );
    expect(verdicts[1]).toEqual(verdicts[0]);
    expect(verdicts[0]).toMatchObject({ pair: 'pypi', verdict: 'NO-GO', evaluatedAt: NOW });

    for (const route of READS) {
      const [onSqlite, onPostgres] = await Promise.all(both.map((server) => api(server, route)));
      expect([route, onPostgres]).toEqual([route, onSqlite]);
    }
    const drift = (await api(servers.postgres, '/api/v1/nodes/pypi-2/drift')) as { findings: unknown[] };
    expect(drift.findings.length).toBeGreaterThan(0);
    const [sqliteGauges, postgresGauges] = (await Promise.all(both.map(gauges))) as [string[], string[]];
    expect(postgresGauges).toEqual(sqliteGauges);
    expect(postgresGauges.some((line) => line.startsWith('driftguard_pair_ready{pair="pypi"} 0'))).toBe(true);

    // The dashboard itself is served from the PostgreSQL-backed server too.
    const page = await fetch(`${servers.postgres.url}/`);
    expect([page.status, (await page.text()).includes('<div id="app"')]).toEqual([200, true]);

    for (const server of both) expect(await server.stop()).toBe(0);
  }, 120_000);
});
