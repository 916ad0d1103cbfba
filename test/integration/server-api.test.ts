/**
 * The server's API on a real SQLite file through fastify's inject(): reports in, drift and
 * parity out, history and "what changed since", the timeline, desired-state reloads, tokens,
 * metrics and the OpenAPI description. (Listening servers and agent processes: server-*.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import { categoryHashes } from '../../src/collect';
import type { NodeState } from '../../src/model/state';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const exampleState = (node: string): NodeState =>
  JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;

/** The parts of an OpenAPI operation the tests look at. */
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}

/** A clock the test moves: reports, evaluations and queries all read it. */
function testClock(start: string) {
  let now = new Date(start);
  return { now: () => now, set: (iso: string) => (now = new Date(iso)) };
}

describe('server API', () => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  let tokenOf: Record<string, string>;
  let desiredDir: string;

  beforeEach(async () => {
    desiredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-desired-'));
    fs.cpSync('desired-state', desiredDir, { recursive: true });
    clock = testClock('2026-11-22T10:05:00.000Z');
    server = await startTestServer({ desiredDir, now: clock.now });
    tokenOf = {};
    for (const node of ['pypi-1', 'pypi-2'])
      tokenOf[node] = (
        await server.store.tokens.create({ role: 'node', node }, clock.now().toISOString())
      ).token;
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(desiredDir, { recursive: true, force: true });
  });

  const post = (token: string, body: unknown) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: body as object,
    });
  const get = (url: string, token = server.adminToken) =>
    server.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  async function reportBoth(): Promise<void> {
    for (const node of ['pypi-1', 'pypi-2'])
      expect((await post(tokenOf[node]!, buildReport(exampleState(node), `${node}-1`))).statusCode).toBe(201);
    await server.evaluator.idle();
  }

  it('takes full reports of both nodes and evaluates drift and parity', async () => {
    await reportBoth();
    const drift = await get('/api/v1/nodes/pypi-2/drift');
    expect(drift.statusCode).toBe(200);
    const keys = drift
      .json()
      .findings.map((f: { category: string; key: string }) => `${f.category} ${f.key}`);
    expect(keys).toEqual(
      expect.arrayContaining(['packages pypissh', 'sysctls kernel.panic', 'mounts /srv/pypi', 'users pypi']),
    );
    expect(drift.json().findings[0].firstSeen).toBe('2026-11-22T10:00:00.000Z'); // when the state was collected
    const parity = await get('/api/v1/pairs/pypi/parity');
    expect(parity.json().findings.map((f: { key: string }) => f.key)).toEqual(
      expect.arrayContaining(['pypissh:all', 'vm.swappiness']),
    );
    const nodes = (await get('/api/v1/nodes')).json().nodes;
    expect(nodes.find((n: { name: string }) => n.name === 'pypi-2')).toMatchObject({
      declared: true,
      drift: { error: 11 },
    });
    expect(nodes.find((n: { name: string }) => n.name === 'localhost')).toMatchObject({ declared: true });
    expect(nodes.find((n: { name: string }) => n.name === 'localhost').lastSeen).toBeUndefined();
  });

  it('answers "what changed on pypi-2 since T", and keeps history only when content changes', async () => {
    await reportBoth();
    const state = exampleState('pypi-2');
    // 11:00 — someone fixes kernel.panic live; nothing else changes.
    clock.set('2026-11-22T11:00:00.000Z');
    state.collectedAt = '2026-11-22T11:00:00.000Z';
    state.sysctls!.live['kernel.panic'] = '10';
    state.hashes = categoryHashes(state);
    const delta = await post(
      tokenOf['pypi-2']!,
      buildReport(state, 'pypi-2-2', exampleState('pypi-2').hashes),
    );
    expect(delta.statusCode).toBe(201);
    expect(delta.json().changed).toEqual(['sysctls']);
    await server.evaluator.idle();
    // 11:01 — a heartbeat: nothing new stored.
    clock.set('2026-11-22T11:01:00.000Z');
    state.collectedAt = '2026-11-22T11:01:00.000Z';
    const heartbeat = await post(tokenOf['pypi-2']!, buildReport(state, 'pypi-2-3', state.hashes));
    expect(heartbeat.json().changed).toEqual([]);
    await server.evaluator.idle();

    const history = (await get('/api/v1/nodes/pypi-2/history?since=2026-11-22T10:30:00Z')).json();
    expect(history.versions.map((v: { category: string }) => v.category)).toEqual(['sysctls']);
    const changes = (await get('/api/v1/nodes/pypi-2/changes?since=2026-11-22T10:30:00Z')).json();
    expect(changes.differences).toHaveLength(1);
    expect(changes.differences[0]).toMatchObject({
      category: 'sysctls',
      key: 'kernel.panic',
      expected: '0',
      actual: '10',
    });
    // The live finding resolved with the state collected at 11:00; the not-persisted one stays open since 10:00.
    const timeline = (await get('/api/v1/nodes/pypi-2/timeline?since=2026-11-22T10:30:00Z')).json();
    expect(
      timeline.findings.map((f: { key: string; aspect: string; resolvedAt?: string }) => [
        f.key,
        f.aspect,
        f.resolvedAt,
      ]),
    ).toEqual([['kernel.panic', 'live', '2026-11-22T11:00:00.000Z']]);
    const open = (await get('/api/v1/nodes/pypi-2/drift'))
      .json()
      .findings.filter((f: { key: string }) => f.key === 'kernel.panic');
    expect(open).toEqual([
      expect.objectContaining({
        aspect: 'persisted',
        firstSeen: '2026-11-22T10:00:00.000Z',
        lastSeen: '2026-11-22T11:00:00.000Z',
      }),
    ]);
  });

  it('refuses a broken edit of the desired state and keeps the last good one running', async () => {
    await reportBoth();
    fs.appendFileSync(
      path.join(desiredDir, 'pypi.yaml'),
      '\n---\nkind: Node\nname: pypi-3\nroles: [no-such-role]\n',
    );
    const reload = await server.app.inject({
      method: 'POST',
      url: '/api/v1/desired/reload',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(reload.statusCode).toBe(422);
    expect(JSON.stringify(reload.json().error.issues)).toContain('no-such-role');
    const status = (await get('/api/v1/desired')).json();
    expect(status.rejected.error.code).toBe('E_DESIRED_INVALID');
    expect(status.loaded.nodes).toBe(3);
    // Still evaluating with the last good state.
    expect((await get('/api/v1/nodes/pypi-2/drift')).json().findings.length).toBeGreaterThan(0);
  });

  it('a node token reports only as its node', async () => {
    const response = await post(tokenOf['pypi-1']!, buildReport(exampleState('pypi-2'), 'x-1'));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('E_FORBIDDEN');
    expect(await server.store.states.node('pypi-2')).toBeUndefined();
  });

  it('manages tokens with an admin token only, showing a secret once', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${server.adminToken}` },
      payload: { role: 'node', node: 'localhost' },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^dg_[A-Za-z0-9_-]{43}$/);
    const list = (await get('/api/v1/tokens')).json().tokens;
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await get('/api/v1/tokens', token)).statusCode).toBe(403);
    const revoked = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(revoked.statusCode).toBe(200);
    expect((await get('/api/v1/nodes', token)).statusCode).toBe(401);
  });

  it('needs a token to read when anonymous reads are off', async () => {
    expect((await server.app.inject({ url: '/api/v1/nodes' })).statusCode).toBe(401);
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('exports drift counts, report ages and ingest counters as Prometheus metrics', async () => {
    await reportBoth();
    clock.set('2026-11-22T10:06:40.000Z');
    const text = (await get('/metrics')).body;
    expect(text).toContain(
      'driftguard_findings_open{scope="node",name="pypi-2",source="drift",category="packages",severity="error"} 1',
    );
    expect(text).toContain('driftguard_node_report_age_seconds{node="pypi-1"} 100');
    expect(text).toContain('driftguard_reports_total{kind="full",outcome="stored"} 2');
  });

  it('describes itself in OpenAPI, every route with its schema', async () => {
    const spec = (await server.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    // The routes the server really registers (a dashboard adds more over time), from fastify's
    // own route tree: `├── /segment (GET, HEAD)`, children indented under their parent.
    const registered: string[] = [];
    const parents: string[] = [];
    for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
      if (!match) continue;
      const depth = match[1]!.length / 4;
      const full = (parents[depth - 1] ?? '') + match[2]!;
      parents[depth] = full;
      for (const method of match[3]!.split(', ')) if (method !== 'HEAD') registered.push(`${method} ${full}`);
    }
    expect(registered).toEqual(
      expect.arrayContaining(['POST /api/v1/reports', 'GET /api/v1/nodes/:name/drift']),
    );
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(
      ([route, operations]) =>
        Object.keys(operations).map(
          (method) => `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
    );
    // Left out of the description on purpose: the dashboard's static files, and the description.
    const undocumented = ['GET /', 'GET /:file', 'GET /api/v1/openapi.json'];
    expect(registered.filter((route) => !documented.includes(route)).sort()).toEqual(undocumented);
    expect(documented.sort()).toEqual(registered.filter((route) => !undocumented.includes(route)).sort());

    // Each operation carries its schema: every path parameter, a request body for the routes
    // that take one, and the answers.
    for (const [route, operations] of Object.entries(
      spec.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${route}`;
        const params = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = (operation.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect({ where, params: declared }).toEqual({ where, params });
        expect({ where, responses: Object.keys(operation.responses ?? {}).length > 0 }).toEqual({
          where,
          responses: true,
        });
      }
    }
    expect(
      spec.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.required,
    ).toContain('reportId');
  });

  it('serves the built dashboard at /, its bundle cached for good and the page never', async () => {
    const page = await get('/');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-cache');
    const bundle = /<script src="(\/app-[A-Z0-9]{8}\.js)"><\/script>/.exec(page.body)?.[1];
    expect(bundle).toBeDefined();
    const script = await get(bundle as string);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
