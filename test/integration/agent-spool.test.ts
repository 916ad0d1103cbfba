/**
 * The agent's spool across a server outage, with real processes (issue 3, acceptance): the
 * server is stopped (SIGTERM) while the agent runs, the node changes over several intervals,
 * the server is started again on the same store — every spooled report arrives, in order,
 * exactly once, and the spool ends empty.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../../src/model/report';
import { reportKind } from '../../src/model/report';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import type { CliProcess, ServerProcess } from '../helpers/processes';
import {
  api,
  createNodeToken,
  killAll,
  spooledIds,
  startAgent,
  startServer,
  storedReports,
  waitFor,
} from '../helpers/processes';

/** The spooled reports, oldest first, with what the test changes in them. */
function spooled(spool: string): { reportId: string; kind: string; swappiness?: string }[] {
  return spooledIds(spool).flatMap((id) => {
    try {
      const report = JSON.parse(fs.readFileSync(path.join(spool, `${id}.json`), 'utf8')) as Report;
      return [
        {
          reportId: id,
          kind: reportKind(report),
          swappiness: report.categories.sysctls?.live['vm.swappiness'],
        },
      ];
    } catch {
      return []; // delivered and removed between the listing and the read
    }
  });
}

/** `coalesced → into` pairs the agent logged (debug level). */
function coalescings(agent: CliProcess): Map<string, string> {
  return new Map(
    agent
      .logLines()
      .filter((l) => typeof l.coalesced === 'string')
      .map((l) => [l.coalesced as string, l.into as string]),
  );
}

describe('driftguard agent spool across a server outage', () => {
  let work: string;
  let root: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-spool-'));
    root = preparedFixtureRoot('pypi-2');
  });
  afterAll(async () => {
    await killAll();
    for (const dir of [work, root]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every report spooled while the server was down, in order, exactly once', async () => {
    const db = path.join(work, 'driftguard.db');
    let server: ServerProcess = await startServer({ db });
    const spool = path.join(work, 'spool');
    const agent = startAgent({
      server: server.url,
      tokenFile: await createNodeToken(server, 'pypi-2', work),
      root,
      spool,
      args: ['--backoff-max', '2s'],
    });
    await waitFor('a full report and a heartbeat', () =>
      storedReports(db, 'pypi-2').some((r) => r.kind === 'heartbeat'),
    );

    expect(await server.stop()).toBe(0);
    const beforeOutage = storedReports(db, 'pypi-2');
    for (const value of ['41', '42', '43']) {
      fs.writeFileSync(path.join(root, 'proc/sys/vm/swappiness'), `${value}\n`);
      await waitFor(`a spooled delta with vm.swappiness ${value}`, () =>
        spooled(spool).some((r) => r.swappiness === value),
      );
    }
    await waitFor(
      'heartbeats after the last change',
      () => spooled(spool).at(-1)?.kind === 'heartbeat' && coalescings(agent).size > 0,
    );
    const waiting = spooledIds(spool);
    expect(spooled(spool).map((r) => r.kind)).toEqual(
      ['heartbeat', 'delta', 'delta', 'delta', 'heartbeat'].slice(5 - waiting.length),
    );

    server = await startServer({ db, port: server.port });
    await waitFor(
      'an empty spool',
      () =>
        spooledIds(spool).length === 0 &&
        storedReports(db, 'pypi-2').length > beforeOutage.length + waiting.length - 1,
      { timeoutMs: 20_000 },
    );
    const state = (await api(server, '/api/v1/nodes/pypi-2/state')) as {
      sysctls: { live: Record<string, string> };
    };
    expect(state.sysctls.live['vm.swappiness']).toBe('43');

    const stored = storedReports(db, 'pypi-2');
    const ids = stored.map((r) => r.reportId);
    // In order (ids sort in collection order) and once each.
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    // Every report that waited in the spool arrived — or was a heartbeat the agent replaced by
    // a newer one (coalescing), which arrived instead.
    const coalesced = coalescings(agent);
    for (const id of waiting) {
      let arrived = id;
      while (coalesced.has(arrived)) arrived = coalesced.get(arrived)!;
      expect(ids).toContain(arrived);
      if (arrived !== id) expect(waiting.indexOf(id)).toBe(waiting.length - 1); // only the newest heartbeat is still replaceable
    }
    const duringOutage = stored.filter((r) => r.id > beforeOutage.at(-1)!.id && waiting.includes(r.reportId));
    expect(duringOutage.filter((r) => r.kind === 'delta').map((r) => r.changed)).toEqual([
      ['sysctls'],
      ['sysctls'],
      ['sysctls'],
    ]);
    // The restarted server saw no report twice: the agent sent each one once.
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } })
    ).text();
    expect(metrics).not.toMatch(/driftguard_reports_total\{[^}]*outcome="duplicate"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/driftguard_reports_total\{kind="delta",outcome="stored"\} 3/);

    const messages = agent.logLines().map((l) => l.msg as string);
    expect(messages.some((m) => m.startsWith('cannot deliver'))).toBe(true);
    expect(messages).toContain('the server takes reports again; the spool is empty');
    expect(await agent.stop()).toBe(0);
    expect(await server.stop()).toBe(0);
  }, 45_000);
});
