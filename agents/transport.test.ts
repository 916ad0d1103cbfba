/**
 * The agent's transports against real HTTP servers on 127.0.0.1 (node:http) and a port nobody
 * listens on: which instance gets each report, what each answer becomes, when the agent is told
 * of a switch, and what the watch list request accepts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Report } from '../src/model/report';
import { REPORT_SCHEMA_ID } from '../src/model/report';
import { ServerError } from '../src/shared/errors';
import { freePort } from '../test/helpers/processes';
import { failoverTransport, fetchWatchList, fromAnyServer, httpTransport } from './transport';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
}

/** A server that records each request and answers the next scripted answer (the last one repeats). */
class ScriptedServer {
  readonly seen: Seen[] = [];
  answers: Answer[] = [];
  url = '';
  private server: http.Server | undefined;

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        this.seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body,
        });
        const answer = (this.answers.length > 1 ? this.answers.shift() : this.answers[0]) ?? { status: 500 };
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function report(id: string): Report {
  return {
    schema: REPORT_SCHEMA_ID,
    reportId: id,
    node: 'pypi-2',
    collectedAt: '2026-11-22T10:00:00.000Z',
    hashes: { capacity: `sha256:${'1'.repeat(64)}` },
    errors: [],
    categories: { capacity: { cpus: 4, memoryBytes: 1024 } },
  };
}

const STORED: Answer = { status: 201, body: { stored: true, changed: ['capacity'] } };
const DOWN: Answer = { status: 503, body: { error: { code: 'E_UNAVAILABLE', message: 'store is down' } } };

describe('httpTransport', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await new ScriptedServer().start();
  });
  afterEach(() => server.close());

  it('POSTs the report as JSON with the bearer token to /api/v1/reports and returns the outcome', async () => {
    server.answers = [STORED];
    const transport = httpTransport({ server: server.url, token: 'dg_node' });
    expect(await transport.send(report('r-1'))).toEqual({
      kind: 'delivered',
      duplicate: false,
      changed: ['capacity'],
    });
    expect(server.seen).toEqual([
      {
        method: 'POST',
        url: '/api/v1/reports',
        authorization: 'Bearer dg_node',
        contentType: 'application/json',
        body: JSON.stringify(report('r-1')),
      },
    ]);
  });

  it.each<[string, Answer, unknown]>([
    ['201 stored', STORED, { kind: 'delivered', duplicate: false, changed: ['capacity'] }],
    [
      '200 duplicate',
      { status: 200, body: { stored: false, duplicate: true } },
      { kind: 'delivered', duplicate: true, changed: [] },
    ],
    [
      '409 E_NEEDS_CATEGORIES',
      { status: 409, body: { error: { code: 'E_NEEDS_CATEGORIES', categories: ['sysctls', 'os'] } } },
      { kind: 'needs-categories', categories: ['sysctls', 'os'] },
    ],
    [
      '409 E_OUT_OF_ORDER',
      { status: 409, body: { error: { code: 'E_OUT_OF_ORDER', message: 'older' } } },
      { kind: 'superseded' },
    ],
    [
      '400',
      { status: 400, body: { error: { code: 'E_SCHEMA', message: 'hash mismatch' } } },
      { kind: 'rejected', status: 400, message: 'hash mismatch' },
    ],
    [
      '401',
      { status: 401, body: { error: { message: 'unknown or revoked token' } } },
      { kind: 'rejected', status: 401, message: 'unknown or revoked token' },
    ],
    [
      '403',
      { status: 403, body: { error: { message: 'token of another node' } } },
      { kind: 'rejected', status: 403, message: 'token of another node' },
    ],
    ['413 without a body', { status: 413 }, { kind: 'rejected', status: 413, message: 'Payload Too Large' }],
    [
      '415',
      { status: 415, body: { error: { message: 'not JSON' } } },
      { kind: 'rejected', status: 415, message: 'not JSON' },
    ],
    ['503', DOWN, { kind: 'retry', message: 'server answered 503: store is down' }],
  ])('reads %s', async (_name, answer, outcome) => {
    server.answers = [answer];
    expect(await httpTransport({ server: server.url, token: 't' }).send(report('r-1'))).toEqual(outcome);
  });
});

describe('failoverTransport', () => {
  let a: ScriptedServer;
  let b: ScriptedServer;
  let c: ScriptedServer;
  let nobody: string;
  let switches: [string, string, string][];
  beforeEach(async () => {
    a = await new ScriptedServer().start();
    b = await new ScriptedServer().start();
    c = await new ScriptedServer().start();
    nobody = `http://127.0.0.1:${await freePort()}`;
    switches = [];
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await c.close();
  });
  const transport = (servers: string[]) =>
    failoverTransport({
      servers,
      token: 'dg_node',
      onSwitch: (from, to, why) => void switches.push([from, to, why]),
    });
  const urls = (server: ScriptedServer) => server.seen.map((s) => s.url);

  it('sends to the first instance while it answers, and never tells of a switch', async () => {
    a.answers = [STORED];
    b.answers = [STORED];
    const t = transport([a.url, b.url]);
    expect((await t.send(report('r-1'))).kind).toBe('delivered');
    expect((await t.send(report('r-2'))).kind).toBe('delivered');
    expect(a.seen.map((s) => JSON.parse(s.body).reportId)).toEqual(['r-1', 'r-2']);
    expect(a.seen.every((s) => s.authorization === 'Bearer dg_node')).toBe(true);
    expect(b.seen).toEqual([]);
    expect(switches).toEqual([]);
  });

  it('sends the same report to the next instance when one fails, then stays with that one', async () => {
    a.answers = [DOWN];
    b.answers = [STORED];
    const t = transport([a.url, b.url]);
    expect(await t.send(report('r-1'))).toEqual({
      kind: 'delivered',
      duplicate: false,
      changed: ['capacity'],
    });
    expect(switches).toEqual([[a.url, b.url, 'server answered 503: store is down']]);
    a.answers = [STORED]; // a is back, but the agent stays where the last report went
    expect((await t.send(report('r-2'))).kind).toBe('delivered');
    expect(urls(a)).toEqual(['/api/v1/reports']);
    expect(b.seen.map((s) => JSON.parse(s.body).reportId)).toEqual(['r-1', 'r-2']);
    expect(switches).toHaveLength(1);
  });

  it('goes round the list from the current instance, and names every failure it skipped', async () => {
    a.answers = [DOWN, STORED];
    b.answers = [STORED, DOWN];
    c.answers = [DOWN];
    const t = transport([a.url, b.url, c.url, nobody]);
    // Move to b first: a fails once.
    await t.send(report('r-1'));
    expect(switches).toEqual([[a.url, b.url, 'server answered 503: store is down']]);
    // Now b fails, c fails, nobody listens: wraps round to a.
    const outcome = await t.send(report('r-2'));
    expect(outcome.kind).toBe('delivered');
    expect(switches[1]![0]).toBe(b.url);
    expect(switches[1]![1]).toBe(a.url);
    expect(switches[1]![2]).toMatch(
      new RegExp(
        '^server answered 503: store is down; server answered 503: store is down; ' +
          `cannot reach ${nobody.replace(/[.]/g, '\\.')}: .*ECONNREFUSED`,
      ),
    );
    expect(urls(c)).toEqual(['/api/v1/reports']);
  });

  it('answers retry with every failure when no instance takes the report, and does not move', async () => {
    a.answers = [DOWN];
    b.answers = [{ status: 500, body: { error: { message: 'boom' } } }];
    const t = transport([a.url, b.url]);
    expect(await t.send(report('r-1'))).toEqual({
      kind: 'retry',
      message: 'server answered 503: store is down; server answered 500: boom',
    });
    expect(switches).toEqual([]);
    a.answers = [STORED];
    b.answers = [STORED];
    await t.send(report('r-2'));
    expect(urls(a)).toHaveLength(2); // still starts with the first instance
    expect(urls(b)).toHaveLength(1);
  });

  it.each<[string, Answer, string]>([
    ['a refusal', { status: 401, body: { error: { message: 'unknown token' } } }, 'rejected'],
    ['a superseded report', { status: 409, body: { error: { code: 'E_OUT_OF_ORDER' } } }, 'superseded'],
    [
      'a request for content',
      { status: 409, body: { error: { code: 'E_NEEDS_CATEGORIES', categories: ['os'] } } },
      'needs-categories',
    ],
  ])('takes %s from an instance as its answer: no other instance is asked', async (_name, answer, kind) => {
    a.answers = [answer];
    b.answers = [STORED];
    const t = transport([a.url, b.url]);
    expect((await t.send(report('r-1'))).kind).toBe(kind);
    expect(b.seen).toEqual([]);
    expect(switches).toEqual([]);
  });

  it('switches on an answer other than retry from the next instance (a refusal there too)', async () => {
    a.answers = [DOWN];
    b.answers = [{ status: 403, body: { error: { message: 'token of another node' } } }];
    const t = transport([a.url, b.url]);
    expect(await t.send(report('r-1'))).toEqual({
      kind: 'rejected',
      status: 403,
      message: 'token of another node',
    });
    expect(switches).toEqual([[a.url, b.url, 'server answered 503: store is down']]);
  });

  it('gives each instance its timeout, then tries the next', async () => {
    const silent = http.createServer(() => {
      // takes the request, never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      b.answers = [STORED];
      const t = failoverTransport({
        servers: [url, b.url],
        token: 'x',
        timeoutMs: 50,
        onSwitch: (from, to, why) => void switches.push([from, to, why]),
      });
      expect((await t.send(report('r-1'))).kind).toBe('delivered');
      expect(switches).toEqual([[url, b.url, expect.stringMatching(/^cannot reach .*timeout/i)]]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('works without an onSwitch listener', async () => {
    a.answers = [DOWN];
    b.answers = [STORED];
    const t = failoverTransport({ servers: [a.url, b.url], token: 'x' });
    expect((await t.send(report('r-1'))).kind).toBe('delivered');
    expect(urls(b)).toEqual(['/api/v1/reports']);
  });
});

describe('fromAnyServer', () => {
  it('returns the first answer, asking no further server', async () => {
    const asked: string[] = [];
    const answer = await fromAnyServer(['s1', 's2', 's3'], async (server) => {
      asked.push(server);
      if (server === 's1') throw new Error('s1 away');
      return `from ${server}`;
    });
    expect(answer).toBe('from s2');
    expect(asked).toEqual(['s1', 's2']);
  });

  it('throws the last failure when none answers', async () => {
    const asked: string[] = [];
    await expect(
      fromAnyServer(['s1', 's2'], async (server) => {
        asked.push(server);
        throw new Error(`${server} away`);
      }),
    ).rejects.toThrow(/^s2 away$/);
    expect(asked).toEqual(['s1', 's2']);
  });

  it('throws a ServerError when there is no server to ask', async () => {
    const failure = fromAnyServer([], async () => 'never');
    await expect(failure).rejects.toThrow(ServerError);
    await expect(failure).rejects.toThrow(/^no server to ask$/);
  });
});

describe('fetchWatchList', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await new ScriptedServer().start();
  });
  afterEach(() => server.close());
  const fetchFor = (node: string) => fetchWatchList(node, { server: server.url, token: 'dg_node' });

  it('GETs the node’s watch list with the token, the node name escaped', async () => {
    server.answers = [{ status: 200, body: { paths: ['/etc/a', '/etc/b'], sensitive: ['/etc/b'] } }];
    expect(await fetchFor('pypi 2/x')).toEqual({ paths: ['/etc/a', '/etc/b'], sensitive: ['/etc/b'] });
    expect(server.seen).toEqual([
      {
        method: 'GET',
        url: '/api/v1/nodes/pypi%202%2Fx/watch',
        authorization: 'Bearer dg_node',
        contentType: undefined,
        body: '',
      },
    ]);
  });

  it('takes a server that predates sensitive paths as naming none', async () => {
    server.answers = [{ status: 200, body: { paths: ['/etc/a'] } }];
    expect(await fetchFor('pypi-2')).toEqual({ paths: ['/etc/a'], sensitive: [] });
    server.answers = [{ status: 200, body: { paths: [], sensitive: null } }];
    expect(await fetchFor('pypi-2')).toEqual({ paths: [], sensitive: [] });
  });

  it('throws the server’s refusal, in its words', async () => {
    server.answers = [{ status: 403, body: { error: { message: 'token of another node' } } }];
    await expect(fetchFor('pypi-2')).rejects.toThrow(
      new ServerError(`${server.url} answered 403 for /api/v1/nodes/pypi-2/watch: token of another node`),
    );
  });

  it.each<[string, unknown]>([
    ['no body', undefined],
    ['no paths', { sensitive: [] }],
    ['paths that are not a list', { paths: '/etc/a' }],
    ['a path that is not a string', { paths: ['/etc/a', 7] }],
    ['sensitive paths that are not a list', { paths: ['/etc/a'], sensitive: '/etc/a' }],
    ['a sensitive path that is not a string', { paths: ['/etc/a'], sensitive: [null] }],
  ])('throws when the answer has %s', async (_name, body) => {
    server.answers = [{ status: 200, body }];
    await expect(fetchFor('pypi-2')).rejects.toThrow(
      new ServerError('/api/v1/nodes/pypi-2/watch answered without a list of paths'),
    );
  });

  it('throws a ServerError naming the server when it cannot be reached', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    await expect(fetchWatchList('pypi-2', { server: nobody, token: 't' })).rejects.toThrow(
      new RegExp(`^cannot reach ${nobody.replace(/[.]/g, '\\.')}: .*ECONNREFUSED`),
    );
  });

  it('gives up after its timeout', async () => {
    const silent = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      await expect(fetchWatchList('pypi-2', { server: url, token: 't', timeoutMs: 50 })).rejects.toThrow(
        /^cannot reach .*: .*(TimeoutError|aborted due to timeout)/,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
