/**
 * Bad input to POST /api/v1/reports gets a clear 4xx with the one error shape, and leaves the
 * store exactly as it was; legal but large input (100,000 packages) is stored correctly.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { buildReport } from '../../src/app/build-report';
import { categoryHashes } from '../../src/collect';
import type { NodeState, PackageEntry } from '../../src/model/state';
import { startTestServer, storeSnapshot } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const example = (node: string): NodeState =>
  JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;

describe('bad input to the report endpoint', () => {
  let server: TestServer;
  let pypi2Token: string;
  let readerToken: string;
  let before: string;

  beforeAll(async () => {
    server = await startTestServer({ bodyLimit: 4 * 1024 * 1024 });
    const now = new Date().toISOString();
    pypi2Token = (await server.store.tokens.create({ role: 'node', node: 'pypi-2' }, now)).token;
    readerToken = (await server.store.tokens.create({ role: 'reader' }, now)).token;
    // Something legal in the store first, so "unchanged" means more than "still empty".
    const first = await send(pypi2Token, buildReport(example('pypi-2'), 'first'));
    expect(first.statusCode).toBe(201);
    await server.evaluator.idle();
  });
  afterAll(() => server.close());

  beforeEach(() => {
    before = storeSnapshot(server.dbFile);
  });

  function send(token: string | undefined, payload: string | object, contentType = 'application/json') {
    return server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  }

  async function expectRefused(response: Awaited<ReturnType<typeof send>>, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    await server.evaluator.idle();
    expect(storeSnapshot(server.dbFile)).toBe(before);
    return body.error;
  }

  it('malformed JSON: 400', async () => {
    await expectRefused(
      await send(pypi2Token, '{"schema": "driftguard/report@1", '),
      400,
      'E_REQUEST_INVALID',
    );
  });

  it('not JSON at all: 415', async () => {
    await expectRefused(await send(pypi2Token, 'hello', 'text/plain'), 415, 'E_UNSUPPORTED_MEDIA');
  });

  it('a body over the size limit: 413, through a socket', async () => {
    // A real connection that declares 5 MB and sends 1 KB: the server refuses it from the
    // Content-Length, reads what comes while it keeps coming (so a sender still writing hears
    // the answer: report-protocol.test.ts), and answers once nothing more arrives.
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const size = 5 * 1024 * 1024;
    socket.write(
      `POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${pypi2Token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n{"padding":"${'x'.repeat(1024)}`,
    );
    socket.on('error', () => {}); // the server may reset the connection once it has answered
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await once(socket, 'close');
    const [head, body] = answer.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    const error = JSON.parse(body).error;
    expect(error.code).toBe('E_TOO_LARGE');
    await server.evaluator.idle();
    expect(storeSnapshot(server.dbFile)).toBe(before);
  });

  it('an unknown key, and a wrong type: 400 naming the place', async () => {
    const report = buildReport(example('pypi-2'), 'bad-1') as unknown as Record<string, unknown>;
    const error = await expectRefused(
      await send(pypi2Token, { ...report, extra: 1 }),
      400,
      'E_REQUEST_INVALID',
    );
    expect(JSON.stringify(error.issues)).toContain('unknown key \\"extra\\"');
    const wrongType = buildReport(example('pypi-2'), 'bad-2');
    (wrongType.categories.packages!.items['bash:amd64'] as unknown as { version: number }).version = 5;
    const typed = await expectRefused(await send(pypi2Token, wrongType), 400, 'E_REQUEST_INVALID');
    expect(JSON.stringify(typed.issues)).toContain('/categories/packages/items/bash:amd64/version');
  });

  it('content that does not match its hash: 400', async () => {
    const report = buildReport(example('pypi-2'), 'bad-3');
    report.categories.capacity!.cpus = 64;
    await expectRefused(await send(pypi2Token, report), 400, 'E_REQUEST_INVALID');
  });

  it('no token, an unknown token, a malformed header: 401', async () => {
    const report = buildReport(example('pypi-2'), 'bad-4');
    await expectRefused(await send(undefined, report), 401, 'E_UNAUTHENTICATED');
    await expectRefused(await send('dg_notarealtoken', report), 401, 'E_UNAUTHENTICATED');
    const basic = await server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
      payload: report,
    });
    await expectRefused(basic, 401, 'E_UNAUTHENTICATED');
  });

  it("a node's token used to report as another node, or a reader's token: 403", async () => {
    await expectRefused(await send(pypi2Token, buildReport(example('pypi-1'), 'bad-5')), 403, 'E_FORBIDDEN');
    await expectRefused(await send(readerToken, buildReport(example('pypi-2'), 'bad-6')), 403, 'E_FORBIDDEN');
  });

  it('a heartbeat naming content the server never got: 409 listing what to send', async () => {
    const state = example('pypi-2');
    state.sysctls!.live['vm.swappiness'] = '1';
    state.hashes = categoryHashes(state);
    const heartbeat = buildReport(state, 'bad-7', state.hashes);
    const error = await expectRefused(await send(pypi2Token, heartbeat), 409, 'E_NEEDS_CATEGORIES');
    expect(error.categories).toEqual(['sysctls']);
  });

  it('a report older than the latest: 409 out of order', async () => {
    const old = example('pypi-2');
    old.collectedAt = '2020-01-01T00:00:00.000Z';
    await expectRefused(await send(pypi2Token, buildReport(old, 'bad-8')), 409, 'E_OUT_OF_ORDER');
  });

  it('the same report again: 200, stored once', async () => {
    const again = await send(pypi2Token, buildReport(example('pypi-2'), 'first'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ stored: false, duplicate: true });
    expect(storeSnapshot(server.dbFile)).toBe(before);
  });

  it('an unknown route: 404 in the same shape', async () => {
    const response = await server.app.inject({ url: '/api/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('E_NOT_FOUND');
  });
});

describe('a legal but large report', () => {
  it('stores a node with 100,000 packages correctly', async () => {
    const server = await startTestServer();
    try {
      const token = (
        await server.store.tokens.create({ role: 'node', node: 'pypi-2' }, new Date().toISOString())
      ).token;
      const state = example('pypi-2');
      const items: Record<string, PackageEntry> = {};
      for (let i = 0; i < 100_000; i++) {
        const name = `pkg-${i.toString(36)}`;
        items[`${name}:amd64`] = { name, arch: 'amd64', version: `1.${i}-1`, status: 'install ok installed' };
      }
      state.packages = { manager: 'dpkg', items };
      state.hashes = categoryHashes(state);
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${token}` },
        payload: buildReport(state, 'large-1'),
      });
      expect(response.statusCode).toBe(201);
      const stored = await server.store.states.latestState('pypi-2');
      expect(Object.keys(stored!.packages!.items)).toHaveLength(100_000);
      expect(stored!.packages!.items['pkg-24ow:amd64']?.version).toBe(`1.${parseInt('24ow', 36)}-1`);
      expect(stored!.hashes.packages).toBe(state.hashes.packages);
    } finally {
      await server.close();
    }
  }, 60_000);
});
