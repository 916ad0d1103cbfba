/**
 * Enforcement through the agent and by schedule, against a real server (a real SQLite file,
 * listening on a loopback port) and sandbox nodes:
 *   - `apply --via agent`: the server releases the node's fixes, the node's agent (its apply
 *     step, `driftguard agent --apply`, run as the privileged unit would) applies them in the
 *     node and answers with a fresh state, and the server verifies them;
 *   - a `kind: Schedule` in audit mode changes nothing; in enforce mode it applies over SSH and is
 *     recorded exactly like a manual run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../../src/model/run';
import { Scheduler } from '../../src/schedule/scheduler';
import { loadIdentity } from '../../src/transport/identity';
import { readKnownHostsFile } from '../../src/transport/known-hosts';
import { runCliAsync } from '../helpers/cli';
import type { EnforceWorld } from '../helpers/enforce';
import { enforceWorld, nodesYaml } from '../helpers/enforce';
import { expectHostUntouched } from '../helpers/host-fingerprint';
import { waitFor } from '../helpers/processes';
import { startSandboxFleet } from '../helpers/sandbox';
import type { SandboxFleet, SandboxNode } from '../helpers/sandbox';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const ROLE = `kind: Role
name: tuned
sysctls:
  kernel.panic: 10
  vm.swappiness: 10
---
kind: Schedule
name: nightly-audit
cron: '0 3 * * *'
targets: [node:sched-1]
mode: audit
---
kind: Schedule
name: nightly-enforce
cron: '30 3 * * *'
targets: [node:sched-1]
mode: enforce
`;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

expectHostUntouched();

describe('enforcement through the agent and by schedule', () => {
  let fleet: SandboxFleet;
  let world: EnforceWorld;
  let server: TestServer;
  let url: string;
  const tokenFile = (name: string) => path.join(world.dir, `${name}.token`);

  beforeAll(async () => {
    fleet = await startSandboxFleet([{ name: 'agent-1' }, { name: 'sched-1' }]);
    world = enforceWorld(fleet, ROLE + nodesYaml(fleet, { 'agent-1': ['tuned'], 'sched-1': ['tuned'] }));
    server = await startTestServer({
      desiredDir: world.desiredDir,
      credentials: () => ({
        knownHosts: readKnownHostsFile(fleet.knownHostsFile, (message) => {
          throw new Error(message);
        }),
        identity: loadIdentity({ identityFile: fleet.clientKeyFile, env: {} }),
      }),
      agentTimeoutMs: 120_000,
    });
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
    // Token files are read only when they are private to their owner (agents/token-file.ts).
    fs.writeFileSync(tokenFile('admin'), server.adminToken, { mode: 0o600 });
    for (const node of ['agent-1', 'sched-1'])
      fs.writeFileSync(
        tokenFile(node),
        (await server.store.tokens.create({ role: 'node', node }, new Date().toISOString())).token,
        {
          mode: 0o600,
        },
      );
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await fleet?.stop();
    world?.remove();
  });

  /**
   * The node's agent, as its units run it: collecting (--once), or its apply step (--apply) —
   * in a child process that does not block this one, where the server answers.
   */
  function agent(node: SandboxNode, mode: '--once' | '--apply', token = node.name) {
    return runCliAsync([
      'agent',
      mode,
      '--server',
      url,
      '--token-file',
      tokenFile(token),
      '--node',
      node.name,
      '--root',
      node.root,
      '--spool',
      path.join(world.dir, `spool-${node.name}`),
    ]);
  }

  it("dry-runs through the node's agent: the plan's ground is checked on the node, the run lists every fix as dry-run, nothing changes", async () => {
    const node = fleet.nodes['agent-1'] as SandboxNode;
    expect((await agent(node, '--once')).code).toBe(0);
    const post = async (route: string, payload: object) => {
      const answer = await server.app.inject({
        method: 'POST',
        url: route,
        headers: { authorization: `Bearer ${server.adminToken}` },
        payload,
      });
      expect(answer.statusCode).toBeLessThan(300);
      return answer.json();
    };
    const plan = (await post('/api/v1/plans', { target: 'node:agent-1', via: 'agent' })) as { id: string };
    const started = (await post(`/api/v1/plans/${plan.id}/run`, { dryRun: true })) as { run: { id: string } };
    await waitFor('the dry-run work of agent-1', () => server.store.agentWork.pendingFor('agent-1'), {
      timeoutMs: 30_000,
    });
    const answered = await agent(node, '--apply');
    expect({ code: answered.code, stderr: answered.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const run = await waitFor('the dry run to end', async () => {
      const record = await server.store.runs.get(started.run.id);
      return record?.status !== 'running' && record;
    });
    expect(run).toMatchObject({ via: 'agent', dryRun: true, status: 'succeeded' });
    expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status])).toEqual([
      ['agent-1/sysctls/kernel.panic', 'dry-run'],
      ['agent-1/sysctls/vm.swappiness', 'dry-run'],
    ]);
    expect(node.readFile('/proc/sys/kernel/panic')?.toString()).toBe('0\n');
  }, 120_000);

  it("applies an approved plan through the node's agent, which reports, and the server verifies", async () => {
    const node = fleet.nodes['agent-1'] as SandboxNode;
    const reported = await agent(node, '--once');
    expect({ code: reported.code, stderr: reported.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining('report delivered'),
    });
    // The admin's apply waits for the agents; it runs in the background here.
    const apply = runCliAsync([
      'apply',
      'node:agent-1',
      '--via',
      'agent',
      '--server',
      url,
      '--token-file',
      tokenFile('admin'),
      '--yes',
      '--json',
    ]);
    // A token of another node cannot take this node's work.
    await waitFor('the work of agent-1 to be released', () => server.store.agentWork.pendingFor('agent-1'), {
      timeoutMs: 30_000,
    });
    const other = await agent(node, '--apply', 'sched-1');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('may not take or answer work for node agent-1');
    expect(node.readFile('/proc/sys/kernel/panic')?.toString()).toBe('0\n');
    // The node's own agent applies.
    const applied = await agent(node, '--apply');
    expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const approved = await apply;
    expect({ code: approved.code, stderr: approved.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const { run } = JSON.parse(approved.stdout) as { run: RunRecord };
    expect(run).toMatchObject({ via: 'agent', trigger: 'api', status: 'succeeded' });
    expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status, f.verified])).toEqual([
      ['agent-1/sysctls/kernel.panic', 'applied', true],
      ['agent-1/sysctls/vm.swappiness', 'applied', true],
    ]);
    expect(node.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
    expect(node.readFile('/etc/sysctl.d/90-driftguard.conf')?.toString()).toContain('vm.swappiness = 10');
    // Its fresh state reached the server with the answer.
    expect((await server.store.states.latestState('agent-1'))?.sysctls?.live['vm.swappiness']).toBe('10');
    // Nothing more waits for it.
    expect((await agent(node, '--apply')).stderr).toContain('no approved work waits for agent-1');

    // The server cannot restore an agent's run; on the node, its backup folder is enough.
    const refused = await server.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${run.id}/restore`,
      headers: { authorization: `Bearer ${server.adminToken}` },
      payload: { dryRun: false },
    });
    expect({ status: refused.statusCode, body: refused.json() }).toEqual({
      status: 400,
      body: {
        error: expect.objectContaining({ message: expect.stringContaining('--via local --node NAME') }),
      },
    });
    const onNode = [
      'restore',
      run.id,
      '--desired',
      world.desiredDir,
      '--db',
      path.join(world.dir, 'node.db'),
    ];
    const unknown = await runCliAsync([...onNode, '--node', 'agent-1', '--yes']);
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 2,
      stderr: expect.stringContaining(`no run ${run.id} in`),
    });
    const restore = await runCliAsync([
      ...onNode,
      '--via',
      'local',
      '--root',
      node.root,
      '--node',
      'agent-1',
      '--yes',
    ]);
    expect({ code: restore.code, stderr: restore.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining('restore:/etc/sysctl.d/90-driftguard.conf: restored'),
    });
    expect(node.readFile('/etc/sysctl.d/90-driftguard.conf')).toBeUndefined();
  }, 120_000);

  it('changes nothing on an audit schedule, and applies on an enforce schedule, recorded like a manual run', async () => {
    const node = fleet.nodes['sched-1'] as SandboxNode;
    const scheduler = new Scheduler(
      {
        store: server.store,
        evaluator: server.evaluator,
        now: () => new Date(),
        credentials: () => ({
          knownHosts: readKnownHostsFile(fleet.knownHostsFile, () => undefined),
          identity: loadIdentity({ identityFile: fleet.clientKeyFile, env: {} }),
        }),
        enforcer: server.enforcer,
      },
      silent,
    );
    scheduler.load(server.holder.desired as NonNullable<typeof server.holder.desired>);
    try {
      const before = node.fingerprint();
      const audit = await scheduler.runNow('nightly-audit');
      expect(audit).toMatchObject({ mode: 'audit', reached: ['sched-1'], failed: [] });
      expect(audit?.run).toBeUndefined();
      expect(node.fingerprint()).toBe(before);

      const enforced = await scheduler.runNow('nightly-enforce');
      expect(enforced?.run).toMatchObject({ status: 'succeeded' });
      const run = (await server.store.runs.get(enforced?.run?.id as string)) as RunRecord;
      expect(run).toMatchObject({
        trigger: 'schedule',
        actor: 'schedule:nightly-enforce',
        via: 'ssh',
        dryRun: false,
      });
      expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status, f.verified])).toEqual([
        ['sched-1/sysctls/kernel.panic', 'applied', true],
        ['sched-1/sysctls/vm.swappiness', 'applied', true],
      ]);
      expect(node.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
      // The same record as a manual run: same fields, same audit events.
      const manual = (await server.store.runs.list()).find((r) => r.trigger !== 'schedule');
      expect(Object.keys(run).sort()).toEqual(
        Object.keys((await server.store.runs.get(manual?.id as string)) as RunRecord).sort(),
      );
      expect((await server.store.audit.ofRun(run.id)).map((e) => e.event)).toEqual([
        'run-started',
        'run-succeeded',
      ]);
      // A schedule whose node cannot be reached is recorded as a failed run, with the reason.
      await node.stop();
      const unreachable = await scheduler.runNow('nightly-enforce');
      expect(unreachable?.run).toMatchObject({ status: 'failed' });
      expect(unreachable?.run?.reason).toMatch(/not enforced: sched-1 \(.*unreachable/);
    } finally {
      scheduler.stop();
    }
  }, 120_000);
});
