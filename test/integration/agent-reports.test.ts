/**
 * A real `driftguard agent` process reporting a copy of the pypi-2 fixture node to a real
 * `driftguard serve` on a loopback port (issue 3, acceptance): reports arrive, drift and parity
 * are evaluated, a change in the tree arrives as a delta that the history answers, and
 * unchanged intervals are heartbeats only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CATEGORIES } from '../../src/model/state';
import { runCli } from '../helpers/cli';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import type { ServerProcess } from '../helpers/processes';
import {
  agentArgs,
  api,
  createNodeToken,
  killAll,
  spooledIds,
  startAgent,
  startServer,
  storedReports,
  waitFor,
} from '../helpers/processes';

interface Finding {
  category: string;
  key: string;
}

describe('driftguard agent → driftguard serve', () => {
  let work: string;
  const roots: string[] = [];
  let server: ServerProcess;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-it-'));
    server = await startServer({ db: path.join(work, 'driftguard.db') });
  }, 30_000);
  afterAll(async () => {
    await killAll();
    for (const dir of [work, ...roots]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports arrive, drift and parity are evaluated, a change arrives as a delta, the rest are heartbeats', async () => {
    // pypi-1 reports once (--once), so that the pair has both sides.
    const root1 = preparedFixtureRoot('pypi-1');
    roots.push(root1);
    const once = runCli(
      agentArgs({
        server: server.url,
        tokenFile: await createNodeToken(server, 'pypi-1', work),
        root: root1,
        spool: path.join(work, 'spool-1'),
        args: ['--once'],
      }),
    );
    expect(once.stderr).toContain(`report delivered to ${server.url}`);
    expect(once.code).toBe(0);

    const root = preparedFixtureRoot('pypi-2');
    roots.push(root);
    const spool = path.join(work, 'spool-2');
    const agent = startAgent({
      server: server.url,
      tokenFile: await createNodeToken(server, 'pypi-2', work),
      root,
      spool,
    });

    const first = await waitFor('the first report of pypi-2', () => storedReports(server.db, 'pypi-2')[0]);
    expect(first.kind).toBe('full');
    expect(first.changed).toEqual([...CATEGORIES]); // a first report stores every category

    const drift = await waitFor('drift of pypi-2', async () => {
      const body = (await api(server, '/api/v1/nodes/pypi-2/drift')) as { findings: Finding[] };
      return body.findings.length > 0 && body.findings.map((f) => `${f.category} ${f.key}`);
    });
    expect(drift).toEqual(
      expect.arrayContaining(['packages pypissh', 'sysctls kernel.panic', 'mounts /srv/pypi', 'users pypi']),
    );
    const parity = await waitFor('parity of the pypi pair', async () => {
      const body = (await api(server, '/api/v1/pairs/pypi/parity')) as { findings: Finding[] };
      return body.findings.length > 0 && body.findings.map((f) => f.key);
    });
    expect(parity).toEqual(expect.arrayContaining(['pypissh:all', 'vm.swappiness', 'pypissh.service']));
    // The agent asked the server which files the node's roles watch, and recorded them.
    const state = (await api(server, '/api/v1/nodes/pypi-2/state')) as {
      files: { items: Record<string, unknown> };
    };
    expect(Object.keys(state.files.items)).toEqual(
      expect.arrayContaining(['/etc/pypi/config.ini', '/etc/drbd.d/r0.res']),
    );

    // A change on the node: one delta with only that category, and the history answers it.
    await waitFor('a heartbeat', () =>
      storedReports(server.db, 'pypi-2').some((r) => r.kind === 'heartbeat'),
    );
    const since = new Date().toISOString();
    fs.writeFileSync(path.join(root, 'proc/sys/vm/swappiness'), '35\n');
    const delta = await waitFor('a delta', () =>
      storedReports(server.db, 'pypi-2').find((r) => r.kind === 'delta'),
    );
    expect(delta.changed).toEqual(['sysctls']);
    const history = (await api(server, `/api/v1/nodes/pypi-2/history?since=${since}`)) as {
      versions: { category: string }[];
    };
    expect(history.versions.map((v) => v.category)).toEqual(['sysctls']);
    const changes = (await api(server, `/api/v1/nodes/pypi-2/changes?since=${since}`)) as {
      differences: { key: string; expected: unknown; actual: unknown }[];
    };
    expect(changes.differences.map((d) => d.key)).toEqual(['vm.swappiness']);

    // Nothing else changes: heartbeats only from here on.
    const after = await waitFor('three more reports', () => {
      const later = storedReports(server.db, 'pypi-2').filter((r) => r.id > delta.id);
      return later.length >= 3 && later;
    });
    expect(after.map((r) => r.kind)).toEqual(after.map(() => 'heartbeat'));
    expect(
      storedReports(server.db, 'pypi-2')
        .filter((r) => r.kind !== 'heartbeat')
        .map((r) => r.kind),
    ).toEqual(['full', 'delta']);

    expect(await agent.stop()).toBe(0);
    expect(spooledIds(spool)).toEqual([]);
    const problems = agent.logLines().filter((line) => (line.level as number) >= 40);
    expect(problems).toEqual([]);
    expect(agent.logLines().at(-1)?.msg).toBe('agent stopped');
  }, 40_000);

  it('reports a node the desired state does not declare, which the server lists as such', async () => {
    const root = preparedFixtureRoot('debian12-clean'); // hostname debian12-clean: not in desired-state/
    roots.push(root);
    const tokenFile = await createNodeToken(server, 'debian12-clean', work);
    const once = runCli(
      agentArgs({ server: server.url, tokenFile, root, spool: path.join(work, 'spool-3'), args: ['--once'] }),
    );
    expect(once.code).toBe(0);
    const delivered = JSON.parse(
      once.stderr
        .split('\n')
        .find((line) => line.includes('"component":"agent"') && line.includes('"msg":"delivered"'))!,
    );
    expect(delivered.kind).toBe('full');
    const nodes = (await api(server, '/api/v1/nodes')) as {
      nodes: { name: string; declared: boolean; pairs: unknown[] }[];
    };
    expect(nodes.nodes.find((n) => n.name === 'debian12-clean')).toMatchObject({
      declared: false,
      pairs: [],
    });
    expect(storedReports(server.db, 'debian12-clean')).toHaveLength(1);
    expect(server.stderr).not.toContain('evaluation failed');
  });

  it('refuses a token file others can read, and bad flags, with exit 2', async () => {
    const token = path.join(work, 'open.token');
    fs.writeFileSync(token, 'dg_whatever\n', { mode: 0o644 });
    fs.chmodSync(token, 0o644);
    const open = runCli(
      agentArgs({
        server: server.url,
        tokenFile: token,
        root: work,
        spool: path.join(work, 'spool-x'),
        args: ['--once'],
      }),
    );
    expect(open.code).toBe(2);
    expect(open.stderr).toContain(`permissions 0644 for the token file ${token} are too open`);
    const interval = runCli(
      agentArgs({
        server: server.url,
        tokenFile: token,
        root: work,
        spool: path.join(work, 'spool-x'),
        interval: 'often',
      }),
    );
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--interval: `often` is not a duration');
    const missing = runCli(['agent', '--token-file', token]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--server <url>' not specified");
  });
});
