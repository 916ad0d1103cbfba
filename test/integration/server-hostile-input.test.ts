/**
 * Input an attacker, a broken clock or a slow network sends: times with offsets, times from the
 * future, names as long as the schema allows (and longer), bodies that trickle in. Each is
 * answered in the one error shape, and a refusal changes nothing in the store.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { buildReport } from '../../src/app/build-report';
import type { NodeState } from '../../src/model/state';
import { startTestServer, storeSnapshot } from '../helpers/server';
import type { TestServer } from '../helpers/server';

const example = (node: string, collectedAt: string): NodeState => ({
  ...(JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState),
  collectedAt,
});

/** The server's clock in these tests. */
const NOW = new Date('2026-12-06T10:30:00.000Z');

describe('collection times', () => {
  let server: TestServer;
  let token: string;
  beforeEach(async () => {
    server = await startTestServer({ now: () => NOW });
    token = (await server.store.tokens.create({ role: 'node', node: 'pypi-2' }, NOW.toISOString())).token;
  });
  afterEach(() => server.close());

  const send = (state: NodeState, id: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: buildReport(state, id),
    });

  describe('times in reports are instants, compared and stored in UTC', () => {
    it('refuses an older report written with an offset, and takes a newer one after it', async () => {
      expect((await send(example('pypi-2', '2026-12-06T10:00:00Z'), 'a')).statusCode).toBe(201);
      // 12:00+05:00 is 07:00Z: older than 10:00Z, though "12" sorts after "10" as text.
      const older = await send(example('pypi-2', '2026-12-06T12:00:00+05:00'), 'b');
      expect(older.statusCode).toBe(409);
      expect(older.json().error.code).toBe('E_OUT_OF_ORDER');
      const newer = await send(example('pypi-2', '2026-12-06T10:15:00Z'), 'c');
      expect(newer.statusCode).toBe(201);
    });

    it('stores and returns a time sent with an offset in UTC', async () => {
      // 15:10+05:00 is 10:10Z.
      expect((await send(example('pypi-2', '2026-12-06T15:10:00+05:00'), 'a')).statusCode).toBe(201);
      const state = await server.app.inject({
        url: '/api/v1/nodes/pypi-2/state',
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(state.json().collectedAt).toBe('2026-12-06T10:10:00.000Z');
      // A `since` with an offset means the same instant: 10:05Z, before the version of 10:10Z.
      const history = await server.app.inject({
        url: `/api/v1/nodes/pypi-2/history?since=${encodeURIComponent('2026-12-06T15:05:00+05:00')}`,
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(history.statusCode).toBe(200);
      expect(history.json().since).toBe('2026-12-06T10:05:00.000Z');
      // One version of each category the report carried, all of the one report of 10:10Z.
      const versions = history.json().versions as { category: string; collectedAt: string }[];
      expect(versions.length).toBeGreaterThan(0);
      expect(versions.map((v) => [v.category, v.collectedAt])).toEqual(
        ['os', 'capacity', 'packages', 'mounts', 'units', 'sysctls', 'files', 'users', 'replication'].map(
          (category) => [category, '2026-12-06T10:10:00.000Z'],
        ),
      );
    });
  });

  describe('a report from the future', () => {
    it('is refused with 422 naming both clocks, and changes nothing', async () => {
      expect((await send(example('pypi-2', '2026-12-06T10:00:00Z'), 'a')).statusCode).toBe(201);
      await server.evaluator.idle();
      const before = storeSnapshot(server.dbFile);
      const future = await send(example('pypi-2', '2099-01-01T00:00:00Z'), 'b');
      expect(future.statusCode).toBe(422);
      const error = future.json().error;
      expect(error.code).toBe('E_CLOCK_SKEW');
      expect(error.message).toContain('2099-01-01T00:00:00.000Z');
      expect(error.message).toContain(NOW.toISOString());
      await server.evaluator.idle();
      expect(storeSnapshot(server.dbFile)).toBe(before);
      // An honest report after it is taken.
      expect((await send(example('pypi-2', '2026-12-06T10:20:00Z'), 'c')).statusCode).toBe(201);
    });

    it('is taken when the node clock is only a little ahead (within the skew allowed)', async () => {
      expect((await send(example('pypi-2', '2026-12-06T10:32:00Z'), 'a')).statusCode).toBe(201);
    });

    it('does not lock the node out when a store already holds one (stored before it was refused)', async () => {
      const poisoned = example('pypi-2', '2099-01-01T00:00:00.000Z');
      const stored = await server.store.transaction(async (tx) => {
        await tx.states.touchNode('pypi-2', {
          receivedAt: NOW.toISOString(),
          collectedAt: poisoned.collectedAt,
          errors: [],
        });
        return tx.states.node('pypi-2');
      });
      expect(stored?.collectedAt).toBe('2099-01-01T00:00:00.000Z');
      const honest = await send(example('pypi-2', '2026-12-06T10:25:00Z'), 'honest');
      expect(honest.statusCode).toBe(201);
      expect((await server.store.states.node('pypi-2'))?.collectedAt).toBe('2026-12-06T10:25:00.000Z');
    });
  });
});

describe('node names as long as the schema allows', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const get = (url: string) =>
    server.app.inject({ url, headers: { authorization: `Bearer ${server.adminToken}` } });

  it.each([101, 200, 253])('a %i-character node reports and can be read back', async (length) => {
    const name = `n${'x'.repeat(length - 1)}`;
    const state = { ...example('pypi-2', new Date().toISOString()), node: name };
    const sent = await server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${server.adminToken}` },
      payload: buildReport(state, 'long'),
    });
    expect(sent.statusCode).toBe(201);
    for (const route of [
      'state',
      'drift',
      'history?since=2000-01-01T00:00:00Z',
      'timeline?since=2000-01-01T00:00:00Z',
    ])
      expect({ route, status: (await get(`/api/v1/nodes/${name}/${route}`)).statusCode }).toEqual({
        route,
        status: 200,
      });
  });

  it('a name too long for the schema: 400 in the one shape', async () => {
    const response = await get(`/api/v1/nodes/n${'x'.repeat(253)}/state`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('E_REQUEST_INVALID');
  });

  it('a path parameter longer than the router takes: 414 in the one shape', async () => {
    const response = await get(`/api/v1/nodes/n${'x'.repeat(5000)}/state`);
    expect(response.statusCode).toBe(414);
    expect(response.json()).toEqual({
      error: expect.objectContaining({ code: 'E_URI_TOO_LONG', message: expect.any(String), issues: [] }),
    });
  });

  it('a malformed URL: 400 in the one shape', async () => {
    const response = await get('/api/v1/nodes/%E0%A4%A/state');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('E_REQUEST_INVALID');
  });
});

describe('slow requests', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ requestTimeoutMs: 1000 });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    port = (server.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => server.close());

  /** Sends headers promising a body, then one byte every 100 ms; resolves with what came back on close. */
  function trickle(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8');
      socket.write(
        'POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${server.adminToken}\r\nContent-Length: 100000\r\n\r\n{`,
      );
      const timer = setInterval(() => {
        if (socket.writable) socket.write(' ');
      }, 100);
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(answer);
      });
    });
  }

  it('are answered 408 in the one shape and closed, all 50 of them', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => trickle()));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
      expect(body.error.code).toBe('E_REQUEST_TIMEOUT');
    }
  }, 20_000);
});

describe('bodies that would poison a prototype', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  /** A real report of pypi-2 with `extra` spliced in as raw JSON text after its first `{`. */
  const postRaw = (extra: string) => {
    const report = JSON.stringify(buildReport(example('pypi-2', new Date().toISOString()), 'poison'));
    return server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      payload: `{${extra},${report.slice(1)}`,
    });
  };

  it.each([
    ['__proto__', '"__proto__":{"polluted":true}'],
    ['__proto__ written with \\u escapes', '"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true}'],
    ['constructor.prototype', '"constructor":{"prototype":{"polluted":true}}'],
    ['constructor.prototype with an escaped key', '"\\u0063onstructor":{"prototype":{"polluted":true}}'],
  ])('%s: 400 in the one shape, nothing stored, no object polluted', async (_label, extra) => {
    const before = storeSnapshot(server.dbFile);
    const response = await postRaw(extra);
    expect(response.statusCode).toBe(400);
    // Refused by the parser itself, before the schema (which would refuse an unknown key too).
    expect(response.json()).toEqual({
      error: expect.objectContaining({
        code: 'E_REQUEST_INVALID',
        message: expect.stringContaining('not valid JSON'),
      }),
    });
    expect(storeSnapshot(server.dbFile)).toBe(before);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('a report whose text holds "proto" or a \\u escape harmlessly is taken', async () => {
    // An unknown top-level key is refused by the schema (400 too), so the words go in a value.
    const state = example('pypi-2', new Date().toISOString());
    state.errors = [{ collector: 'users', code: 'E_IO', message: 'protocol \u00e9rror — constructor' }];
    const text = JSON.stringify(buildReport(state, 'harmless')).replace('\u00e9', '\\u00e9');
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      payload: text,
    });
    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: 201,
      body: expect.objectContaining({ stored: true }),
    });
  });

  it('malformed and empty JSON: 400 in the one shape', async () => {
    for (const payload of ['{"schema":', '']) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        payload,
      });
      expect({ payload, status: response.statusCode, code: response.json().error.code }).toEqual({
        payload,
        status: 400,
        code: expect.stringMatching(/^E_/),
      });
    }
  });
});
