/**
 * The agent's loop against a real server (the fastify routes, ingest and a SQLite store, in this
 * process, listening on a loopback port) through the real HTTP client (`sendReport`, the one
 * `driftguard agent` uses), with a scripted node and real outages (a port nobody listens on):
 * what reaches the server, in which order, and what the spool keeps meanwhile. Every answer the
 * agent acts on is the real client's reading of the real server's HTTP answer; the one answer
 * scripted is `superseded`, which stands for another reporter (a sweep) storing a newer state in
 * between. The protocol answer by answer, against a server process: test/integration/report-protocol.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeliveryOutcome } from '../src/app/report-client';
import { sendReport } from '../src/app/report-client';
import { categoryHashes } from '../src/collect';
import type { Report } from '../src/model/report';
import { reportKind } from '../src/model/report';
import type { NodeState } from '../src/model/state';
import type { AddressInfo } from 'node:net';
import { freePort } from '../test/helpers/processes';
import { startTestServer } from '../test/helpers/server';
import type { TestServer } from '../test/helpers/server';
import type { Agent, AgentOptions } from './agent';
import { createAgent } from './agent';
import { Spool } from './spool';
import type { Transport } from './transport';
import { MemoryLog } from '../test/helpers/memory-log';

const EXAMPLE: NodeState = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../examples/states/pypi-2.json'), 'utf8'),
) as NodeState;

/** The node as the agent would collect it: the example pypi-2 state with a few knobs. */
class FakeNode {
  swappiness = '60';
  cpus = 4;
  /** The next collection's capacity content no longer matches its hash (a collector bug). */
  corruptNext = false;
  private minute = 0;
  collect = async (): Promise<NodeState> => {
    const state = structuredClone(EXAMPLE);
    state.collectedAt = new Date(Date.UTC(2026, 10, 22, 10, this.minute++)).toISOString();
    state.sysctls!.live['vm.swappiness'] = this.swappiness;
    state.capacity!.cpus = this.cpus;
    state.hashes = categoryHashes(state);
    if (this.corruptNext) state.capacity!.cpus += 1;
    this.corruptNext = false;
    return state;
  };
}

/**
 * The real client against the real server, or against a port nobody listens on while `down`;
 * records what was sent and what the client made of each answer.
 */
class ServerTransport implements Transport {
  down = false;
  /** Scripted answers that take precedence over the server's (one per send): `superseded` only. */
  readonly script: DeliveryOutcome[] = [];
  readonly sent: Report[] = [];
  readonly answers: DeliveryOutcome['kind'][] = [];
  constructor(
    readonly server: TestServer,
    private readonly url: string,
    private readonly unreachable: string,
    public token: string,
  ) {}
  get store() {
    return this.server.store;
  }
  async send(report: Report): Promise<DeliveryOutcome> {
    const outcome =
      this.script.shift() ??
      (await sendReport(report, { server: this.down ? this.unreachable : this.url, token: this.token }));
    this.sent.push(report);
    this.answers.push(outcome.kind);
    return outcome;
  }
  /** Report ids the store holds for the node, in the order it stored them. */
  async storedIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, report] of this.sent.entries())
      if (
        this.answers[i] === 'delivered' &&
        (await this.store.states.reportSeen(report.node, report.reportId))
      )
        ids.push(report.reportId);
    return ids;
  }
}

describe('agent', () => {
  let dir: string;
  let server: TestServer;
  let store: TestServer['store'];
  let transport: ServerTransport;
  let nodeToken: string;
  let node: FakeNode;
  let log: MemoryLog;
  const spools: Spool[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-'));
    server = await startTestServer();
    store = server.store;
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.app.server.address() as AddressInfo;
    nodeToken = (await store.tokens.create({ role: 'node', node: 'pypi-2' }, new Date().toISOString())).token;
    transport = new ServerTransport(
      server,
      `http://127.0.0.1:${port}`,
      `http://127.0.0.1:${await freePort()}`,
      nodeToken,
    );
    node = new FakeNode();
    log = new MemoryLog();
  });
  afterEach(async () => {
    for (const spool of spools.splice(0)) spool.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function openSpool(limits = { maxReports: 1000, maxBytes: 64 * 1024 * 1024 }): Spool {
    const { spool } = Spool.open(path.join(dir, 'spool'), limits);
    spools.push(spool);
    return spool;
  }
  function agent(spool = openSpool(), options: Partial<AgentOptions> = {}): Agent {
    return createAgent({
      collect: node.collect,
      transport,
      spool,
      intervalMs: 60_000,
      random: () => 0.5,
      log,
      ...options,
    });
  }
  const kinds = () => transport.sent.map(reportKind);
  const deliveredKinds = () =>
    transport.sent.filter((_, i) => transport.answers[i] === 'delivered').map(reportKind);
  const spooledIds = () =>
    fs
      .readdirSync(path.join(dir, 'spool'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
  const latestSwappiness = async () =>
    (await store.states.latestState('pypi-2'))?.sysctls?.live['vm.swappiness'];

  it('sends a full report first, a heartbeat when nothing changed, then only what changed', async () => {
    const a = agent();
    expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
    await a.runOnce();
    node.swappiness = '10';
    await a.runOnce();
    expect(kinds()).toEqual(['full', 'heartbeat', 'delta']);
    expect(Object.keys(transport.sent[2]!.categories)).toEqual(['sysctls']);
    expect(transport.answers).toEqual(['delivered', 'delivered', 'delivered']);
    expect(await latestSwappiness()).toBe('10');
    expect(spooledIds()).toEqual([]);
  });

  it('spools while the server is away and delivers in order, each delta resting on the one before', async () => {
    const a = agent();
    await a.runOnce();
    transport.down = true;
    for (const value of ['11', '12', '12', '13']) {
      node.swappiness = value;
      const round = await a.runOnce();
      expect(round.problem).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    }
    node.cpus = 8;
    await a.runOnce();
    const waiting = spooledIds();
    expect(waiting).toHaveLength(5);
    expect([...waiting].sort()).toEqual(waiting);

    transport.down = false;
    const round = await a.runOnce();
    expect(round).toEqual({ delivered: 6, waiting: 0 });
    // Every spooled report arrived, oldest first, with no request for missing content.
    expect(await transport.storedIds()).toEqual(expect.arrayContaining(waiting));
    const delivered = transport.sent
      .filter((_, i) => transport.answers[i] === 'delivered')
      .map((r) => r.reportId);
    expect(delivered.slice(1, 6)).toEqual(waiting);
    expect(transport.answers).not.toContain('needs-categories');
    expect((await store.states.latestState('pypi-2'))?.capacity?.cpus).toBe(8);
    expect(
      (await store.states.versionsSince('pypi-2', '2000-01-01T00:00:00Z')).filter(
        (v) => v.category === 'sysctls',
      ),
    ).toHaveLength(4);
  });

  it('coalesces undelivered heartbeats into the newest, and logs it', async () => {
    const a = agent();
    await a.runOnce();
    transport.down = true;
    node.swappiness = '20';
    await a.runOnce(); // delta
    await a.runOnce(); // heartbeat
    await a.runOnce(); // heartbeat replaces the one before
    await a.runOnce(); // and again
    const waiting = spooledIds();
    expect(waiting).toHaveLength(2);
    expect(log.lines.filter((line) => line.fields.coalesced !== undefined)).toHaveLength(2);
    transport.down = false;
    await a.runOnce(); // one more heartbeat, coalesced too, then delivery
    expect(deliveredKinds()).toEqual(['full', 'delta', 'heartbeat']);
  });

  it('a restarted agent delivers what the last run spooled first, then a full report under a later id', async () => {
    const first = agent();
    transport.down = true;
    await first.runOnce();
    node.swappiness = '30';
    await first.runOnce();
    const left = spooledIds();
    spools.pop()!.close(); // the process ends (or is killed): the files stay

    transport.down = false;
    const second = agent(openSpool());
    const round = await second.runOnce();
    expect(round).toEqual({ delivered: 3, waiting: 0 });
    const ids = transport.sent.filter((_, i) => transport.answers[i] === 'delivered').map((r) => r.reportId);
    expect(ids.slice(0, 2)).toEqual(left);
    expect(ids[2]! > left[1]!).toBe(true);
    expect(reportKind(transport.sent.at(-1)!)).toBe('full');
    expect(await latestSwappiness()).toBe('30');
  });

  it('a report stored just before a kill -9 (its file still spooled) is sent again and stored once', async () => {
    const first = agent();
    transport.down = true;
    await first.runOnce();
    const [id] = spooledIds();
    // The server stores it, and the agent dies before it removes the file.
    transport.down = false;
    const spool = spools.pop()!;
    await transport.send(spool.read(spool.oldest()!));
    spool.close();
    const second = agent(openSpool());
    expect(await second.runOnce()).toEqual({ delivered: 2, waiting: 0 });
    expect(transport.sent.flatMap((r, i) => (r.reportId === id ? [transport.answers[i]] : []))).toEqual([
      'retry',
      'delivered',
      'delivered',
    ]);
    expect(
      log.lines.find((line) => line.fields.reportId === id && line.message === 'delivered')?.fields.duplicate,
    ).toBe(true);
    expect(
      (await store.states.versionsSince('pypi-2', '2000-01-01T00:00:00Z')).filter(
        (v) => v.category === 'packages',
      ),
    ).toHaveLength(1);
  });

  it('completes a report when the server lacks content it names by hash', async () => {
    const a = agent();
    await a.runOnce();
    transport.down = true;
    node.swappiness = '40';
    await a.runOnce(); // delta carrying sysctls
    transport.down = false;
    // The delta is superseded (say a sweep reported a newer state meanwhile): the heartbeat
    // behind it names sysctls content the server never got.
    transport.script.push({ kind: 'superseded' });
    const round = await a.runOnce(); // collects a heartbeat resting on the delta, then delivers
    expect(round.waiting).toBe(0);
    expect(transport.answers.slice(-3)).toEqual(['superseded', 'needs-categories', 'delivered']);
    const resent = transport.sent.at(-1)!;
    expect(transport.sent.at(-2)!.reportId).toBe(resent.reportId);
    expect(Object.keys(resent.categories)).toEqual(['sysctls']);
    expect(await latestSwappiness()).toBe('40');
  });

  it('drops a report whose missing content it no longer holds, and sends a full one next', async () => {
    const a = agent();
    await a.runOnce();
    transport.down = true;
    node.swappiness = '50';
    await a.runOnce(); // delta: sysctls at 50
    await a.runOnce(); // heartbeat: names sysctls at 50
    node.swappiness = '51'; // the agent's state moves on: 50 is only in the delta's file
    transport.down = false;
    transport.script.push({ kind: 'superseded' });
    // Collects a delta (sysctls at 51); the delta at 50 is superseded, so the heartbeat names
    // content that was only in the superseded file: dropped. The newest delta carries its own.
    await a.runOnce();
    expect(transport.answers.slice(-3)).toEqual(['superseded', 'needs-categories', 'delivered']);
    expect(log.at('warn')).toContain(
      'the server lacks content this agent no longer holds: dropped the report; the next report will be full',
    );
    expect(await latestSwappiness()).toBe('51');
    await a.runOnce();
    expect(reportKind(transport.sent.at(-1)!)).toBe('full');
    expect(spooledIds()).toEqual([]);
  });

  it('quarantines a report the server will never accept and goes on; the next report is full', async () => {
    const a = agent();
    await a.runOnce();
    node.corruptNext = true;
    node.swappiness = '60';
    node.cpus = 6;
    const round = await a.runOnce();
    expect(round).toEqual({ delivered: 0, waiting: 0 });
    const quarantine = fs.readdirSync(path.join(dir, 'spool', 'quarantine'));
    expect(quarantine).toHaveLength(2);
    expect(
      fs.readFileSync(
        path.join(
          dir,
          'spool',
          'quarantine',
          quarantine.find((f) => f.endsWith('.reason'))!,
        ),
        'utf8',
      ),
    ).toMatch(/refused it \(400\)/);
    expect(log.at('error')).toHaveLength(1);
    await a.runOnce();
    expect(reportKind(transport.sent.at(-1)!)).toBe('full');
    expect((await store.states.latestState('pypi-2'))?.capacity?.cpus).toBe(6);
  });

  it('keeps the reports when the token is refused, and says so', async () => {
    const a = agent();
    transport.token = 'dg_notarealtoken';
    const round = await a.runOnce();
    expect(round).toEqual({
      delivered: 0,
      waiting: 1,
      problem: 'the server refused the report (401): unknown or revoked token',
    });
    expect(spooledIds()).toHaveLength(1);
    expect(log.at('error')[0]).toMatch(/check the agent's token/);
    transport.token = nodeToken; // the operator puts the right token in place
    expect(await a.runOnce()).toEqual({ delivered: 2, waiting: 0 });
  });

  it('when the spool is full drops the oldest deltas first, keeps full reports, and sends a full one next', async () => {
    const a = agent(openSpool({ maxReports: 3, maxBytes: 64 * 1024 * 1024 }));
    transport.down = true;
    await a.runOnce(); // full
    for (const value of ['1', '2', '3']) {
      node.swappiness = value;
      await a.runOnce(); // deltas; the third overflows: the delta at 1 goes
    }
    const kindOf = (id: string) =>
      reportKind(JSON.parse(fs.readFileSync(path.join(dir, 'spool', `${id}.json`), 'utf8')) as Report);
    expect(spooledIds().map(kindOf)).toEqual(['full', 'delta', 'delta']);
    expect(log.at('warn').filter((m) => m.startsWith('spool full'))).toHaveLength(1);
    node.swappiness = '4';
    await a.runOnce(); // forced full; the delta at 2 goes
    expect(spooledIds().map(kindOf)).toEqual(['full', 'delta', 'full']);
    expect(log.lines.find((line) => line.message.startsWith('spool full'))?.fields.dropped).toEqual([
      expect.stringMatching(/-00000002 \(delta, collected/),
    ]);
    transport.down = false;
    node.swappiness = '5';
    expect((await a.runOnce()).waiting).toBe(0);
    expect(await latestSwappiness()).toBe('5');
  });

  it("converges on the node's last state through random outages, restarts and superseded reports", async () => {
    const random = seeded(20261122);
    let spool = openSpool({ maxReports: 6, maxBytes: 64 * 1024 * 1024 });
    let a = agent(spool);
    for (let step = 0; step < 120; step++) {
      const dice = random();
      if (dice < 0.3) node.swappiness = String(Math.floor(random() * 5));
      else if (dice < 0.4) node.cpus = 2 + Math.floor(random() * 3);
      else if (dice < 0.5) transport.down = !transport.down;
      else if (dice < 0.55) transport.script.push({ kind: 'superseded' });
      else if (dice < 0.6) {
        spools.splice(spools.indexOf(spool), 1);
        spool.close(); // restart (kill -9 leaves the same files)
        spool = openSpool({ maxReports: 6, maxBytes: 64 * 1024 * 1024 });
        a = agent(spool);
      }
      await a.runOnce();
      expect(spool.count).toBeLessThanOrEqual(6);
    }
    transport.down = false;
    await a.runOnce();
    expect(spool.count).toBe(0);
    const latest = (await store.states.latestState('pypi-2'))!;
    const last = await node.collect();
    expect(latest.hashes).toEqual(last.hashes);
    // The server took reports in the order they were collected, and the scenario went through
    // every kind of answer.
    const stored = transport.sent.filter((_, i) => transport.answers[i] === 'delivered');
    expect(stored.map((r) => r.collectedAt)).toEqual(stored.map((r) => r.collectedAt).sort());
    expect(stored.map((r) => r.reportId)).toEqual(stored.map((r) => r.reportId).sort());
    expect(new Set(transport.answers)).toEqual(
      new Set(['delivered', 'retry', 'superseded', 'needs-categories']),
    );
  }, 30_000); // 120 rounds over HTTP, each delivery evaluated by the server

  it('runs on its interval, backs off while the server is away, and stops without losing a report', async () => {
    const spool = openSpool();
    const a = agent(spool, { intervalMs: 30, backoff: { baseMs: 10, maxMs: 40 }, random: Math.random });
    transport.down = true;
    a.start();
    await until(() => transport.answers.filter((k) => k === 'retry').length >= 4);
    expect(spool.count).toBeGreaterThanOrEqual(1);
    transport.down = false;
    // Back: the spool empties (over real HTTP a round may collect the next report meanwhile, so
    // the wait is for the agent to say so, not for a number of deliveries).
    await until(() => log.at('info').includes('the server takes reports again; the spool is empty'));
    expect(transport.answers.filter((k) => k === 'delivered').length).toBeGreaterThanOrEqual(1);
    await a.stop();
    const after = transport.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(transport.sent.length).toBe(after); // no timer survives stop()
    // Whatever was collected is either stored or still spooled: nothing fell between.
    for (const id of spooledIds()) expect(await store.states.reportSeen('pypi-2', id)).toBe(false);
  });

  it('stop() waits for the delivery under way, then sends nothing more: the reports behind it stay spooled', async () => {
    transport.down = true;
    const earlier = agent();
    await earlier.runOnce();
    await earlier.runOnce(); // two reports the next run finds spooled
    spools.pop()!.close();
    transport.down = false;
    let release: (() => void) | undefined;
    const slow: Transport = {
      send: async (report) => {
        // Only the first send waits: a round that went on after stop() would send the rest at once.
        if (!release) await new Promise<void>((resolve) => (release = resolve));
        return transport.send(report);
      },
    };
    const spool = openSpool();
    const a = agent(spool, { transport: slow });
    a.start();
    await until(() => release !== undefined && spool.count === 3); // and the report collected at start
    const stopped = a.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    release!();
    await stopped;
    expect(transport.answers).toEqual(['retry', 'retry', 'delivered']);
    expect(spool.count).toBe(2);
  });

  it('goes on collecting while a delivery waits, and starts no second delivery beside it', async () => {
    let inFlight = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: Transport = {
      send: async (report) => {
        most = Math.max(most, ++inFlight);
        try {
          await gate;
          return await transport.send(report);
        } finally {
          inFlight--;
        }
      },
    };
    let collections = 0;
    const collect = () => {
      collections++;
      return node.collect();
    };
    const a = agent(openSpool(), { transport: gated, collect, intervalMs: 20 });
    a.start();
    // The second collection has ended with a kick at the delivery round, which still waits.
    await until(() => collections >= 3);
    open();
    await a.stop();
    expect(most).toBe(1);
  });
});

/** A small deterministic PRNG (mulberry32): the random scenario is the same at every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
