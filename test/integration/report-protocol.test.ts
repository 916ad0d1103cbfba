/**
 * The report@1 protocol (src/model/report.ts) through the HTTP client the agent and the sweep
 * really use (`sendReport`, src/app/report-client.ts) against a real `driftguard serve` process:
 * every answer of the server's state machine, and what the client makes of it. Then the agent's
 * own loop over the same client: a report the server lacks content for is completed and resent,
 * an out-of-order one is dropped as superseded.
 *
 * The one stand-in is a proxy answering 5xx, 429 or 408, as one in front of a restarting or
 * overloaded server does: driftguard itself never answers those on purpose.
 * One answer of the server does not reach the client as an answer, and is checked beside it:
 * 415 — the client always sends `application/json`; a hand-made request shows the answer.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import type { DeliveryOutcome, ReportClientOptions } from '../../src/app/report-client';
import { sendReport } from '../../src/app/report-client';
import { categoryHashes } from '../../src/collect';
import type { Report } from '../../src/model/report';
import { reportKind } from '../../src/model/report';
import type { NodeState } from '../../src/model/state';
import { createAgent } from '../../agents/agent';
import type { AgentLog } from '../../agents/log';
import { Spool } from '../../agents/spool';
import { httpTransport } from '../../agents/transport';
import type { Transport } from '../../agents/transport';
import { api, freePort, killAll, startServer, storedReports } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';

const EXAMPLE: NodeState = JSON.parse(fs.readFileSync('examples/states/pypi-2.json', 'utf8')) as NodeState;

/** The example pypi-2 state collected at `collectedAt`, with vm.swappiness set to `swappiness`. */
function stateAt(collectedAt: string, swappiness = '60'): NodeState {
  const state = structuredClone(EXAMPLE);
  state.collectedAt = collectedAt;
  state.sysctls!.live['vm.swappiness'] = swappiness;
  state.hashes = categoryHashes(state);
  return state;
}

const minute = (n: number): string => new Date(Date.UTC(2026, 10, 22, 11, n)).toISOString();
const silent: AgentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('the report protocol through the real client and a real server process', () => {
  let server: ServerProcess;
  let tokens: Record<'pypi1' | 'pypi2' | 'reader', string>;
  let dir: string;

  beforeAll(async () => {
    server = await startServer();
    const create = async (body: object) =>
      ((await api(server, '/api/v1/tokens', { method: 'POST', body })) as { token: string }).token;
    tokens = {
      pypi1: await create({ role: 'node', node: 'pypi-1' }),
      pypi2: await create({ role: 'node', node: 'pypi-2' }),
      reader: await create({ role: 'reader' }),
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-protocol-'));
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000); // a clean stop of serve (SIGTERM) waits for its workers; slower on a loaded machine

  const as = (token: string): ReportClientOptions => ({ server: server.url, token });
  const stored = (): string[] => storedReports(server.db, 'pypi-2').map((row) => row.reportId);

  // The tests below run in order and build on each other: each says what the store holds.
  it('201: a new report is stored and every category it carries is changed', async () => {
    const report = buildReport(stateAt(minute(0)), 'proto-1');
    expect(await sendReport(report, as(tokens.pypi2))).toEqual({
      kind: 'delivered',
      duplicate: false,
      changed: Object.keys(report.categories),
    });
    expect(stored()).toEqual(['proto-1']);
  });

  it('200: the same report again is a duplicate, stored once', async () => {
    const again = buildReport(stateAt(minute(0)), 'proto-1');
    expect(await sendReport(again, as(tokens.pypi2))).toEqual({
      kind: 'delivered',
      duplicate: true,
      changed: [],
    });
    expect(stored()).toEqual(['proto-1']);
  });

  it('409 E_NEEDS_CATEGORIES: the client asks for exactly the missing content; resent with it, stored', async () => {
    const state = stateAt(minute(1), '10');
    // A heartbeat resting on the first report: it names the new sysctls only by hash.
    const heartbeat = buildReport(state, 'proto-2', state.hashes);
    expect(reportKind(heartbeat)).toBe('heartbeat');
    expect(await sendReport(heartbeat, as(tokens.pypi2))).toEqual({
      kind: 'needs-categories',
      categories: ['sysctls'],
    });
    expect(stored()).toEqual(['proto-1']);
    const completed: Report = { ...heartbeat, categories: { sysctls: state.sysctls } };
    expect(await sendReport(completed, as(tokens.pypi2))).toEqual({
      kind: 'delivered',
      duplicate: false,
      changed: ['sysctls'],
    });
    expect(stored()).toEqual(['proto-1', 'proto-2']);
  });

  it('409 E_OUT_OF_ORDER: a report older than the latest is superseded, not stored', async () => {
    const old = buildReport(stateAt(minute(0), '20'), 'proto-0');
    expect(await sendReport(old, as(tokens.pypi2))).toEqual({ kind: 'superseded' });
    expect(stored()).toEqual(['proto-1', 'proto-2']);
  });

  /** The answers the server will not change its mind about: the report must not be retried as is. */
  const refusals: [string, () => [Report, string], number, RegExp][] = [
    [
      '400: content that does not match its hash',
      () => {
        const report = buildReport(stateAt(minute(5)), 'proto-bad-hash');
        report.categories.capacity!.cpus = 64;
        return [report, tokens.pypi2];
      },
      400,
      /capacity/,
    ],
    [
      '400: a report id the schema refuses',
      () => [buildReport(stateAt(minute(5)), 'proto/slash'), tokens.pypi2],
      400,
      /does not match its schema/,
    ],
    [
      '401: an unknown token',
      () => [buildReport(stateAt(minute(5)), 'proto-401'), 'dg_notarealtoken'],
      401,
      /token/,
    ],
    [
      "403: a node's token reporting as another node",
      () => [{ ...buildReport(stateAt(minute(5)), 'proto-403'), node: 'pypi-1' }, tokens.pypi2],
      403,
      /pypi-1/,
    ],
    [
      "403: a reader's token",
      () => [buildReport(stateAt(minute(5)), 'proto-403r'), tokens.reader],
      403,
      /.+/,
    ],
    [
      '422: a node clock far ahead of the server',
      () => [
        buildReport(stateAt(new Date(Date.now() + 3_600_000).toISOString()), 'proto-skew'),
        tokens.pypi2,
      ],
      422,
      /clock/,
    ],
  ];
  it.each(refusals)(
    '%s: rejected with the status and the server message',
    async (_name, make, status, message) => {
      const [report, token] = make();
      const outcome = await sendReport(report, as(token));
      expect(outcome).toEqual({ kind: 'rejected', status, message: expect.stringMatching(message) });
      expect(stored()).toEqual(['proto-1', 'proto-2']);
    },
  );

  it('413: a report over the body limit is rejected, every time — never retried for ever', async () => {
    // The server refuses it from its Content-Length, before reading it; it reads (and throws
    // away) the rest before answering, or the client, still writing, sees EPIPE — a `retry`
    // that an agent would repeat for ever. Sent several times: that race was lost one time in six.
    const report = {
      ...buildReport(stateAt(minute(5)), 'proto-413'),
      padding: 'x'.repeat(65 * 1024 * 1024),
    } as Report;
    for (let attempt = 0; attempt < 6; attempt++)
      expect(await sendReport(report, as(tokens.pypi2))).toEqual({
        kind: 'rejected',
        status: 413,
        message: expect.stringMatching(/too large/),
      });
    expect(stored()).toEqual(['proto-1', 'proto-2']);
  }, 120_000);

  it('415: not JSON (the client never sends it; a hand-made request shows the server answer)', async () => {
    const response = await fetch(`${server.url}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.pypi2}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_UNSUPPORTED_MEDIA');
  });

  it('no server listening: retry, naming the server', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const outcome = await sendReport(buildReport(stateAt(minute(5)), 'proto-away'), {
      server: nobody,
      token: tokens.pypi2,
    });
    expect(outcome).toEqual({ kind: 'retry', message: expect.stringContaining(`cannot reach ${nobody}`) });
  });

  // What a reverse proxy in front of the server answers while driftguard restarts or is
  // overloaded (the server itself never answers these on purpose): a stand-in proxy, as nginx
  // answers, with an HTML body.
  it.each([502, 503, 504, 429, 408])(
    '%i from a proxy in front: retry later, naming the status',
    async (status) => {
      const proxy = http.createServer((_request, response) => {
        response
          .writeHead(status, { 'content-type': 'text/html' })
          .end('<html><body>Bad Gateway</body></html>');
      });
      proxy.listen(0, '127.0.0.1');
      await once(proxy, 'listening');
      try {
        const { port } = proxy.address() as AddressInfo;
        const outcome = await sendReport(buildReport(stateAt(minute(5)), 'proto-proxy'), {
          server: `http://127.0.0.1:${port}`,
          token: tokens.pypi2,
        });
        expect(outcome).toEqual({
          kind: 'retry',
          message: `server answered ${status}: ${http.STATUS_CODES[status]}`,
        });
      } finally {
        proxy.close();
      }
    },
  );

  describe("the agent's loop over HTTP", () => {
    /** Records what the real transport answered; it decides nothing itself. */
    function recorded(inner: Transport): Transport & { answers: [string, DeliveryOutcome['kind']][] } {
      const answers: [string, DeliveryOutcome['kind']][] = [];
      return {
        answers,
        async send(report) {
          const outcome = await inner.send(report);
          answers.push([report.reportId, outcome.kind]);
          return outcome;
        },
      };
    }

    it('drops a superseded report, and completes the heartbeat that rested on it when the server asks', async () => {
      // A node whose agent collects a minute apart, from 12:00 on; pypi-1 so the store is fresh.
      let swappiness = '60';
      let next = 0;
      const collect = async (): Promise<NodeState> => {
        const state = stateAt(new Date(Date.UTC(2026, 10, 22, 12, next++)).toISOString(), swappiness);
        state.node = 'pypi-1';
        state.hashes = categoryHashes(state);
        return state;
      };
      const options = { server: server.url, token: tokens.pypi1 };
      const transport = recorded(httpTransport(options));
      const { spool } = Spool.open(path.join(dir, 'spool'), { maxReports: 100, maxBytes: 64 * 1024 * 1024 });
      try {
        const agent = createAgent({
          collect,
          transport,
          spool,
          intervalMs: 60_000,
          random: () => 0.5,
          log: silent,
        });
        expect(await agent.runOnce()).toEqual({ delivered: 1, waiting: 0 }); // full, 12:00

        // The server is away while the node changes: the delta (12:01, sysctls at 40) waits.
        options.server = `http://127.0.0.1:${await freePort()}`;
        swappiness = '40';
        expect((await agent.runOnce()).waiting).toBe(1);

        // Meanwhile a sweep reports the node as it saw it at 12:01:30 (swappiness 50): the
        // delta is older than that, and its sysctls content never reaches the server.
        const sweep = stateAt('2026-11-22T12:01:30.000Z', '50');
        sweep.node = 'pypi-1';
        sweep.hashes = categoryHashes(sweep);
        expect((await sendReport(buildReport(sweep, 'sweep-1'), as(tokens.pypi1))).kind).toBe('delivered');

        // Back: the delta is superseded; the heartbeat of 12:02 names sysctls at 40 by hash,
        // the server asks for it, the agent adds it from what it holds and the server stores it.
        options.server = server.url;
        expect(await agent.runOnce()).toEqual({ delivered: 1, waiting: 0 });
        const [full, delta, heartbeat] = transport.answers
          .filter(([, kind]) => kind !== 'retry')
          .map(([id]) => id);
        expect(transport.answers.filter(([, kind]) => kind !== 'retry')).toEqual([
          [full, 'delivered'],
          [delta, 'superseded'],
          [heartbeat, 'needs-categories'],
          [heartbeat, 'delivered'],
        ]);
        expect(storedReports(server.db, 'pypi-1').map((row) => row.reportId)).toEqual([
          full,
          'sweep-1',
          heartbeat,
        ]);
        expect(storedReports(server.db, 'pypi-1').at(-1)?.changed).toEqual(['sysctls']);
        const latest = (await api(server, '/api/v1/nodes/pypi-1/state')) as NodeState;
        expect(latest.sysctls?.live['vm.swappiness']).toBe('40');
        expect(spool.count).toBe(0);
      } finally {
        spool.close();
      }
    });
  });
});
