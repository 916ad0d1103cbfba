/**
 * The server's API on a real SQLite file through fastify's inject(): reports in, drift and
 * parity out, history, auth. (Listening servers and agent processes are in server-*.test.ts.)
 */
import * as fs from 'node:fs';
import { buildReport } from '../../src/app/build-report';
import type { NodeState } from '../../src/model/state';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const exampleState = (node: string): NodeState => JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;

describe('server API', () => {
  let server: TestServer;
  let tokenOf: Record<string, string>;

  beforeEach(async () => {
    server = await startTestServer();
    tokenOf = {};
    for (const node of ['pypi-1', 'pypi-2']) {
      tokenOf[node] = server.store.tokens.create({ role: 'node', node }, new Date().toISOString()).token;
    }
  });
  afterEach(() => server.close());

  const post = (token: string, body: unknown) =>
    server.app.inject({ method: 'POST', url: '/api/v1/reports', headers: { authorization: `Bearer ${token}` }, payload: body as object });

  it('takes full reports of both nodes and evaluates drift and parity', async () => {
    for (const node of ['pypi-1', 'pypi-2']) {
      const response = await post(tokenOf[node]!, buildReport(exampleState(node), `${node}-1`));
      expect(response.statusCode).toBe(201);
      expect(response.json().changed).toContain('packages');
    }
    await server.evaluator.idle();
    const drift = await server.app.inject({ url: '/api/v1/nodes/pypi-2/drift', headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(drift.statusCode).toBe(200);
    const keys = drift.json().findings.map((f: { category: string; key: string }) => `${f.category} ${f.key}`);
    expect(keys).toEqual(expect.arrayContaining(['packages pypissh', 'sysctls kernel.panic', 'mounts /srv/pypi', 'users pypi']));
    const parity = await server.app.inject({ url: '/api/v1/pairs/pypi/parity', headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(parity.json().findings.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['pypissh:all', 'vm.swappiness']));
  });

  it('a node token reports only as its node', async () => {
    const response = await post(tokenOf['pypi-1']!, buildReport(exampleState('pypi-2'), 'x-1'));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('E_FORBIDDEN');
    expect(server.store.states.node('pypi-2')).toBeUndefined();
  });
});
