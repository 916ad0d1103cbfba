/**
 * Enforcement over the API, on a real SQLite file through fastify's inject() and a listening
 * server for the event stream: plans from the stored states, approval by an admin only,
 * refusals (not approved, expired, a node locked by another run), runs through agents with the
 * work visible only to the node's own token, the event stream, and an audit log no one can edit.
 * (Runs that change real sandbox nodes over SSH: enforce-fixers, enforce-safety and
 * enforce-incident.test.ts; through a real agent and by schedule: enforce-agent.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { importStates } from '../../src/app/import-states';
import type { AgentWork } from '../../src/model/agent-work';
import type { Plan } from '../../src/model/plan';
import type { RunEvent, RunRecord } from '../../src/model/run';
import { waitFor } from '../helpers/processes';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const START = '2026-11-22T10:05:00.000Z';

describe('enforcement API', () => {
  let server: TestServer;
  let now: Date;
  let desiredDir: string;
  let tokens: Record<string, string>;

  beforeEach(async () => {
    desiredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-desired-'));
    fs.cpSync('desired-state', desiredDir, { recursive: true });
    now = new Date(START);
    server = await startTestServer({ desiredDir, now: () => now, agentTimeoutMs: 60_000 });
    await importStates(server.store, server.holder.desired, 'examples/states', now);
    await server.evaluator.idle();
    const at = now.toISOString();
    tokens = {
      admin: server.adminToken,
      reader: (await server.store.tokens.create({ role: 'reader' }, at)).token,
      'pypi-1': (await server.store.tokens.create({ role: 'node', node: 'pypi-1' }, at)).token,
      'pypi-2': (await server.store.tokens.create({ role: 'node', node: 'pypi-2' }, at)).token,
    };
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(desiredDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who: string, payload?: object) =>
    server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload ? { payload } : {}),
    });

  async function makePlan(
    via: 'ssh' | 'agent' = 'ssh',
  ): Promise<{ id: string; plan: Plan; expiresAt: string }> {
    const answer = await call('POST', '/api/v1/plans', 'admin', { target: 'pair:pypi', via });
    expect(answer.statusCode).toBe(201);
    return answer.json();
  }

  it('makes a plan from the stored states; only an admin may, anyone who reads may look at it', async () => {
    for (const who of ['reader', 'pypi-2'])
      expect((await call('POST', '/api/v1/plans', who, { target: 'pair:pypi' })).statusCode).toBe(403);
    const made = await makePlan();
    expect(made.plan.waves).toEqual([['pypi-2'], ['pypi-1']]);
    expect(made.plan.fixes.some((f) => f.id === 'pypi-2/packages/pypissh:all')).toBe(true);
    const read = await call('GET', `/api/v1/plans/${made.id}`, 'reader');
    expect(read.statusCode).toBe(200);
    expect(read.json().plan.hash).toBe(made.plan.hash);
    const list = await call('GET', '/api/v1/plans', 'reader');
    expect(list.json().plans[0]).toMatchObject({ id: made.id, target: 'pair:pypi', changes: 14, advice: 4 });
    const bad = await call('POST', '/api/v1/plans', 'admin', { target: 'pair:pypi; reboot' });
    expect(bad.statusCode).toBe(400);
    const unknown = await call('POST', '/api/v1/plans', 'admin', { target: 'pair:pypy' });
    expect([unknown.statusCode, unknown.json().error.message]).toEqual([
      404,
      expect.stringContaining('did you mean `pypi`'),
    ]);
  });

  it('runs only an approved plan that has not expired, approved once, by an admin', async () => {
    const { id, expiresAt } = await makePlan();
    const early = await call('POST', `/api/v1/plans/${id}/run`, 'admin', {});
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'E_CONFLICT']);
    expect(early.json().error.message).toContain('not approved');
    expect((await call('POST', `/api/v1/plans/${id}/approve`, 'reader')).statusCode).toBe(403);
    const approved = await call('POST', `/api/v1/plans/${id}/approve`, 'admin');
    expect(approved.statusCode).toBe(200);
    expect(approved.json().approvedBy).toBe('test (token 1)');
    expect((await call('POST', `/api/v1/plans/${id}/approve`, 'admin')).statusCode).toBe(409);
    now = new Date(Date.parse(expiresAt) + 1);
    const late = await call('POST', `/api/v1/plans/${id}/run`, 'admin', {});
    expect([late.statusCode, late.json().error.message]).toEqual([409, expect.stringContaining('expired')]);
  });

  it('refuses a second run on a node with 409 naming the running run, and records the refusal', async () => {
    const { id } = await makePlan();
    await call('POST', `/api/v1/plans/${id}/approve`, 'admin');
    await server.store.runs.lock(['pypi-2'], 'r-20261122-100000-aaaaaa', 'elsewhere', now);
    const refused = await call('POST', `/api/v1/plans/${id}/run`, 'admin', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'E_CONFLICT',
      runningRun: 'r-20261122-100000-aaaaaa',
    });
    const runId = refused.json().error.run as string;
    const run = (await call('GET', `/api/v1/runs/${runId}`, 'reader')).json() as RunRecord;
    expect(run).toMatchObject({ status: 'refused', trigger: 'api', actor: 'test (token 1)' });
    expect(run.reason).toContain('being changed by run r-20261122-100000-aaaaaa');
    const audit = (await call('GET', '/api/v1/audit', 'reader')).json().events as {
      event: string;
      runId?: string;
    }[];
    expect(audit.map((e) => e.event)).toEqual([
      'run-refused',
      'run-started',
      'plan-approved',
      'plan-created',
    ]);
    // The lock of a process that died is taken over once its lease has run out.
    now = new Date(now.getTime() + 16 * 60_000);
    await server.store.runs.lock(['pypi-2'], 'r-20261122-101600-bbbbbb', 'here', now);
    expect(await server.store.runs.locks()).toEqual([
      expect.objectContaining({ node: 'pypi-2', runId: 'r-20261122-101600-bbbbbb' }),
    ]);
  });

  it('keeps the audit log append-only, in the database itself and in the API', async () => {
    await makePlan();
    const db = new Database(server.dbFile);
    try {
      expect(() => db.prepare("UPDATE audit_events SET actor = 'someone else'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    for (const method of ['POST', 'DELETE'] as const)
      expect(
        (await call(method, '/api/v1/audit', 'admin', method === 'POST' ? {} : undefined)).statusCode,
      ).toBe(404);
    expect((await call('GET', '/api/v1/audit', 'reader')).json().events).toHaveLength(1);
  });

  it("releases each wave's work to its node's agent only, secondary first, and ends on the agent's refusal", async () => {
    const { id, plan } = await makePlan('agent');
    await call('POST', `/api/v1/plans/${id}/approve`, 'admin');
    const started = await call('POST', `/api/v1/plans/${id}/run`, 'admin', {});
    expect(started.statusCode).toBe(202);
    const runId = started.json().run.id as string;
    // Wave 1 is the secondary's: the primary has nothing waiting yet.
    await waitFor(
      "pypi-2's work to be released",
      async () => (await call('GET', '/api/v1/nodes/pypi-2/work', 'pypi-2')).json().pending === true,
      { timeoutMs: 10_000, everyMs: 50 },
    );
    expect((await call('GET', '/api/v1/nodes/pypi-1/work', 'pypi-1')).json()).toEqual({ pending: false });
    // A node's token sees and takes only its own node's work.
    expect((await call('GET', '/api/v1/nodes/pypi-2/work', 'pypi-1')).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/nodes/pypi-2/work/claim', 'pypi-1', {})).statusCode).toBe(403);
    const claimed = await call('POST', '/api/v1/nodes/pypi-2/work/claim', 'pypi-2', {});
    expect(claimed.statusCode).toBe(200);
    const work = claimed.json().work as AgentWork;
    expect(work).toMatchObject({
      runId,
      node: 'pypi-2',
      dryRun: false,
      backupDir: `/var/lib/driftguard/backups/${runId}`,
    });
    expect(work.fixes.every((f) => f.node === 'pypi-2' && f.action === 'change')).toBe(true);
    // All of the plan's changes for pypi-2, in the plan's order: none left out, none added.
    expect(work.fixes.map((f) => f.id)).toEqual(
      plan.fixes.filter((f) => f.node === 'pypi-2' && f.action === 'change').map((f) => f.id),
    );
    expect(work.fixes).toHaveLength(10);
    expect(Object.keys(work.basis).sort()).toEqual(['files', 'mounts', 'packages', 'sysctls', 'units']);
    // Taken once: a second claim (an apply unit started twice) must not apply it again.
    const again = await call('POST', '/api/v1/nodes/pypi-2/work/claim', 'pypi-2', {});
    expect([again.statusCode, again.json().error.message]).toEqual([
      409,
      expect.stringContaining('never answered'),
    ]);
    const answer = {
      runId,
      node: 'pypi-2',
      refused: 'stale plan: the packages of pypi-2 changed since the plan was made',
    };
    expect(
      (await call('POST', `/api/v1/runs/${runId}/nodes/pypi-2/result`, 'pypi-1', answer)).statusCode,
    ).toBe(403);
    expect(
      (await call('POST', `/api/v1/runs/${runId}/nodes/pypi-2/result`, 'pypi-2', answer)).statusCode,
    ).toBe(200);
    expect(
      (await call('POST', `/api/v1/runs/${runId}/nodes/pypi-2/result`, 'pypi-2', answer)).statusCode,
    ).toBe(409);
    await server.enforcer.idle();
    const run = (await call('GET', `/api/v1/runs/${runId}`, 'reader')).json() as RunRecord;
    expect(run.status).toBe('failed');
    expect(run.reason).toContain('the agent of pypi-2 refused: stale plan');
    expect(run.nodes.map((n) => [n.node, n.status])).toEqual([
      ['pypi-2', 'failed'],
      ['pypi-1', 'not-attempted'],
    ]);
    // The primary's work was never released; nothing waits for either node.
    expect((await call('GET', '/api/v1/nodes/pypi-1/work', 'pypi-1')).json()).toEqual({ pending: false });
    expect((await call('POST', '/api/v1/nodes/pypi-2/work/claim', 'pypi-2', {})).statusCode).toBe(204);
    expect(await server.store.runs.locks()).toEqual([]);
  });

  it('streams the events of a run: replayed from the start, ids in order, ending with the run', async () => {
    const { id } = await makePlan();
    // Over SSH with no credentials: the run fails at once, without changing anything.
    const started = await call('POST', `/api/v1/plans/${id}/run`, 'admin', { dryRun: true });
    expect(started.statusCode).toBe(202);
    await server.enforcer.idle();
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}${started.json().events}`, {
      headers: { authorization: `Bearer ${tokens['reader']}` },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text())
      .split('\n\n')
      .filter((block) => block.startsWith('id: '))
      .map(
        (block) =>
          JSON.parse(
            block
              .split('\n')
              .find((l) => l.startsWith('data: '))
              ?.slice(6) ?? '{}',
          ) as RunEvent,
      );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'failed' });
    expect(events.at(-1)?.message).toContain('cannot reach pypi-1: this test server has no SSH credentials');
  });
});
