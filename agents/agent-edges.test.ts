/**
 * The agent's loop answer by answer: a scripted server (the transport is the one thing outside
 * the machine), a real spool in a temp dir, a small node state, and the log lines written.
 * Timers and the clock are jest's fake ones where the loop runs on its own (start/stop), so
 * every interval, backoff and log throttle is asserted at its exact millisecond.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { categoryHashes } from '../src/collect';
import type { DeliveryOutcome } from '../src/app/report-client';
import type { Report } from '../src/model/report';
import { reportKind } from '../src/model/report';
import type { NodeState } from '../src/model/state';
import type { AgentOptions } from './agent';
import { createAgent } from './agent';
import type { SpoolLimits } from './spool';
import { Spool } from './spool';
import type { Transport } from './transport';
import { MemoryLog } from '../test/helpers/memory-log';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const DELIVERED: DeliveryOutcome = { kind: 'delivered', duplicate: false, changed: [] };

class Node {
  cpus = 4;
  swappiness = '60';
  failWith: Error | undefined;
  private minute = 0;
  collect = async (): Promise<NodeState> => {
    if (this.failWith) throw this.failWith;
    const state = {
      schema: 'driftguard/state@1',
      node: 'pypi-2',
      collectedAt: new Date(T0 + 60_000 * this.minute++).toISOString(),
      capacity: { cpus: this.cpus, memoryBytes: 1024 },
      sysctls: { live: { 'vm.swappiness': this.swappiness }, persisted: {} },
      errors: [],
      hashes: {},
    } as unknown as NodeState;
    state.hashes = categoryHashes(state);
    return state;
  };
}

type Answer = DeliveryOutcome | Error | ((report: Report) => DeliveryOutcome);

/** The server's answers, one per send (delivered when none is scripted); records what was sent. */
class ScriptedServer implements Transport {
  readonly answers: Answer[] = [];
  readonly sent: Report[] = [];
  async send(report: Report): Promise<DeliveryOutcome> {
    this.sent.push(structuredClone(report));
    const answer = this.answers.shift() ?? DELIVERED;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(report) : answer;
  }
}

describe('the agent, answer by answer', () => {
  let tmp: string;
  let spoolDir: string;
  let node: Node;
  let server: ScriptedServer;
  let log: MemoryLog;
  let spools: Spool[];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-edges-'));
    spoolDir = path.join(tmp, 'spool');
    node = new Node();
    server = new ScriptedServer();
    log = new MemoryLog();
    spools = [];
  });
  afterEach(() => {
    jest.useRealTimers();
    for (const spool of spools) spool.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function openSpool(limits: SpoolLimits = { maxReports: 100, maxBytes: 1024 * 1024 }): Spool {
    const { spool } = Spool.open(spoolDir, limits);
    spools.push(spool);
    return spool;
  }
  function agent(spool = openSpool(), options: Partial<AgentOptions> = {}) {
    return createAgent({
      collect: node.collect,
      transport: server,
      spool,
      intervalMs: 60_000,
      random: () => 0.5,
      now: () => new Date(T0),
      log,
      ...options,
    });
  }
  const kinds = () => server.sent.map(reportKind);
  const spooled = () =>
    fs
      .readdirSync(spoolDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  const quarantined = () =>
    fs.existsSync(path.join(spoolDir, 'quarantine'))
      ? fs.readdirSync(path.join(spoolDir, 'quarantine')).sort()
      : [];
  const about = (report: Report) => ({
    reportId: report.reportId,
    kind: reportKind(report),
    collectedAt: report.collectedAt,
  });

  describe('delivered', () => {
    it('logs a new report with content at info with what changed; a heartbeat or a duplicate at debug', async () => {
      const a = agent();
      server.answers.push({ kind: 'delivered', duplicate: false, changed: ['capacity', 'sysctls'] });
      expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
      expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 }); // heartbeat
      node.cpus = 8;
      server.answers.push({ kind: 'delivered', duplicate: true, changed: [] });
      await a.runOnce(); // delta, stored before (a retry)
      expect(kinds()).toEqual(['full', 'heartbeat', 'delta']);
      const [full, heartbeat, delta] = server.sent as [Report, Report, Report];
      expect(log.lines).toEqual([
        { level: 'info', fields: { ...about(full), changed: ['capacity', 'sysctls'] }, message: 'delivered' },
        { level: 'debug', fields: { ...about(heartbeat), duplicate: false }, message: 'delivered' },
        { level: 'debug', fields: { ...about(delta), duplicate: true }, message: 'delivered' },
      ]);
      expect(Object.keys(delta.categories)).toEqual(['capacity']);
      expect(spooled()).toEqual([]);
    });

    it('rests the next report on what the server took when the spool is empty', async () => {
      const a = agent();
      await a.runOnce();
      node.swappiness = '10';
      await a.runOnce();
      expect(kinds()).toEqual(['full', 'delta']);
      expect(Object.keys(server.sent[1]!.categories)).toEqual(['sysctls']);
    });
  });

  describe('superseded', () => {
    it('drops the report with a warning, and sends the next one full (the server’s base is unknown)', async () => {
      const a = agent();
      server.answers.push({ kind: 'superseded' });
      expect(await a.runOnce()).toEqual({ delivered: 0, waiting: 0 });
      expect(log.lines).toEqual([
        {
          level: 'warn',
          fields: about(server.sent[0]!),
          message: 'the server holds a newer state of this node: dropped this older report',
        },
      ]);
      expect(spooled()).toEqual([]);
      await a.runOnce(); // nothing changed on the node, yet the server's base is unknown
      expect(kinds()).toEqual(['full', 'full']);
    });

    it('forgets what the server took before: the next report is full, not a delta on that', async () => {
      const a = agent();
      await a.runOnce(); // full, delivered: the server's base is known
      node.swappiness = '61';
      server.answers.push({ kind: 'superseded' });
      await a.runOnce(); // the delta is superseded
      await a.runOnce(); // nothing changed since: still full, for the server's base is unknown
      expect(kinds()).toEqual(['full', 'delta', 'full']);
    });
  });

  describe('needs-categories', () => {
    it('adds the content the agent holds and sends the same report again, logging what it added', async () => {
      const a = agent();
      await a.runOnce();
      server.answers.push({ kind: 'needs-categories', categories: ['sysctls'] });
      expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
      const [, heartbeat, completed] = server.sent as [Report, Report, Report];
      expect(reportKind(heartbeat)).toBe('heartbeat');
      expect(completed.reportId).toBe(heartbeat.reportId);
      expect(completed.categories).toEqual({ sysctls: { live: { 'vm.swappiness': '60' }, persisted: {} } });
      expect(
        log.lines.find((line) => line.level === 'info' && line.message.startsWith('the server lacks')),
      ).toEqual({
        level: 'info',
        fields: { ...about(heartbeat), categories: ['sysctls'] },
        message: 'the server lacks content this report names by hash: sending it again with that content',
      });
    });

    it('takes content it no longer holds from a later spooled report that carries it', async () => {
      const earlier = agent();
      await earlier.runOnce(); // full at 60: delivered
      server.answers.push({ kind: 'retry', message: 'away' });
      await earlier.runOnce(); // a heartbeat naming sysctls at 60 waits
      spools.pop()!.close(); // restart

      const a = agent(openSpool());
      server.answers.push({ kind: 'retry', message: 'away' });
      await a.runOnce(); // the new run's first report is full (sysctls at 60), behind the heartbeat
      node.swappiness = '61'; // the agent now holds 61: 60 is only in the spooled full report
      server.answers.push({ kind: 'needs-categories', categories: ['sysctls'] });
      expect(await a.runOnce()).toEqual({ delivered: 3, waiting: 0 });
      const heartbeat = server.sent[1]!;
      expect(reportKind(heartbeat)).toBe('heartbeat');
      const resent = server.sent.filter((r) => r.reportId === heartbeat.reportId);
      expect(resent.map((r) => r.categories)).toEqual([
        {},
        {},
        {},
        { sysctls: { live: { 'vm.swappiness': '60' }, persisted: {} } },
      ]);
      expect(kinds().slice(-3)).toEqual(['delta', 'full', 'delta']);
    });

    it('drops the report when neither the agent nor the spool has the content, and sends a full one next', async () => {
      const a = agent();
      await a.runOnce(); // full at 60: delivered, so no longer spooled
      server.answers.push({ kind: 'retry', message: 'away' });
      await a.runOnce(); // a heartbeat naming sysctls at 60 waits
      node.swappiness = '61'; // the agent moves on; no spooled report carries 60
      server.answers.push({ kind: 'needs-categories', categories: ['sysctls'] });
      log.clear();
      const round = await a.runOnce(); // collects a delta at 61, then delivers: the heartbeat is dropped
      expect(round).toEqual({ delivered: 1, waiting: 0 });
      const dropped = server.sent[1]!;
      expect(reportKind(dropped)).toBe('heartbeat');
      expect(log.lines.filter((line) => line.level === 'warn')).toEqual([
        {
          level: 'warn',
          fields: { ...about(dropped), categories: ['sysctls'] },
          message:
            'the server lacks content this agent no longer holds: dropped the report; the next report will be full',
        },
      ]);
      await a.runOnce();
      expect(kinds()).toEqual(['full', 'heartbeat', 'heartbeat', 'delta', 'full']);
      expect(quarantined()).toEqual([]);
    });

    it('quarantines a report the server asks to complete with content it already carries', async () => {
      const a = agent();
      server.answers.push({ kind: 'needs-categories', categories: ['capacity', 'sysctls'] });
      expect(await a.runOnce()).toEqual({ delivered: 0, waiting: 0 });
      const [full] = server.sent as [Report];
      expect(quarantined()).toEqual([`${full.reportId}.json`, `${full.reportId}.json.reason`]);
      const reason = 'the server asks again for capacity, sysctls, which the report carries';
      expect(fs.readFileSync(path.join(spoolDir, 'quarantine', `${full.reportId}.json.reason`), 'utf8')).toBe(
        `${reason}\n`,
      );
      expect(log.lines).toEqual([
        {
          level: 'error',
          fields: {
            ...about(full),
            file: path.join(spoolDir, 'quarantine', `${full.reportId}.json`),
            reason,
          },
          message:
            'the server will never accept this report: moved it to quarantine; the next report will be full',
        },
      ]);
      await a.runOnce();
      expect(kinds()).toEqual(['full', 'full']);
    });
  });

  describe('rejected', () => {
    it.each([400, 413, 415, 422])(
      '%i: moves the bytes to quarantine and goes on with the next report',
      async (status) => {
        const spool = openSpool();
        const a = agent(spool);
        server.answers.push({ kind: 'retry', message: 'away' });
        await a.runOnce(); // full waits
        server.answers.push({ kind: 'rejected', status, message: 'no such bytes' });
        expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 }); // the heartbeat behind it goes on
        const [full] = server.sent as [Report];
        expect(quarantined()).toEqual([`${full.reportId}.json`, `${full.reportId}.json.reason`]);
        expect(
          fs.readFileSync(path.join(spoolDir, 'quarantine', `${full.reportId}.json.reason`), 'utf8'),
        ).toBe(`the server refused it (${status}): no such bytes\n`);
        expect(log.lines.filter((line) => line.level === 'error').map((line) => line.fields.reason)).toEqual([
          `the server refused it (${status}): no such bytes`,
        ]);
        expect(spool.count).toBe(0);
        await a.runOnce();
        expect(kinds()).toEqual(['full', 'full', 'heartbeat', 'full']);
      },
    );

    it.each([401, 403, 404, 409])(
      '%i: keeps the report, says to check the setup, and stops the round',
      async (status) => {
        const a = agent();
        server.answers.push({ kind: 'retry', message: 'away' });
        await a.runOnce();
        log.clear();
        server.answers.push({ kind: 'rejected', status, message: 'not you' });
        const problem = `the server refused the report (${status}): not you`;
        expect(await a.runOnce()).toEqual({ delivered: 0, waiting: 2, problem });
        expect(server.sent).toHaveLength(2); // the heartbeat behind it was not tried
        expect(log.lines).toEqual([
          {
            level: 'error',
            fields: { ...about(server.sent[1]!), attempt: 2, waiting: 2 },
            message: `${problem} — check the agent's token and --server; the reports stay spooled until it is fixed`,
          },
        ]);
        expect(quarantined()).toEqual([]);
        expect(spooled()).toHaveLength(2);
      },
    );
  });

  describe('retry', () => {
    it('keeps the report, warns with the attempt and what waits, and counts attempts until the server answers', async () => {
      const a = agent();
      server.answers.push({ kind: 'retry', message: 'cannot reach s1' });
      expect(await a.runOnce()).toEqual({ delivered: 0, waiting: 1, problem: 'cannot reach s1' });
      server.answers.push(new Error('socket hang up')); // a transport that throws is a retry too
      expect(await a.runOnce()).toEqual({ delivered: 0, waiting: 2, problem: 'socket hang up' });
      const [first] = server.sent as [Report];
      expect(log.lines).toEqual([
        {
          level: 'warn',
          fields: { ...about(first), attempt: 1, waiting: 1 },
          message: 'cannot deliver (cannot reach s1); the reports stay spooled',
        },
        {
          level: 'warn',
          fields: { ...about(first), attempt: 2, waiting: 2 }, // the full report, and a heartbeat behind it
          message: 'cannot deliver (socket hang up); the reports stay spooled',
        },
      ]);
      log.clear();
      expect(await a.runOnce()).toEqual({ delivered: 2, waiting: 0 });
      expect(log.lines.at(-1)).toEqual({
        level: 'info',
        fields: { delivered: 2 },
        message: 'the server takes reports again; the spool is empty',
      });
      server.answers.push({ kind: 'retry', message: 'cannot reach s1' });
      log.clear();
      await a.runOnce();
      expect(log.lines.map((line) => line.fields.attempt)).toEqual([1]); // counted afresh
    });

    it('says the server is back only once, and only after trouble', async () => {
      const a = agent();
      await a.runOnce();
      await a.runOnce();
      expect(log.said).not.toContain('info the server takes reports again; the spool is empty');
      server.answers.push({ kind: 'retry', message: 'away' });
      await a.runOnce();
      await a.runOnce();
      await a.runOnce();
      expect(log.said.filter((line) => line.includes('takes reports again'))).toHaveLength(1);
    });

    it('logs a lasting problem once a minute, the attempts between at debug, a new problem at once', async () => {
      jest.useFakeTimers({ now: T0 });
      const a = agent();
      const fail = (message: string) => server.answers.push({ kind: 'retry', message });
      fail('down');
      await a.runOnce(); // T0
      jest.setSystemTime(T0 + 59_999);
      fail('down');
      await a.runOnce();
      fail('other');
      await a.runOnce(); // a different problem: at once
      jest.setSystemTime(T0 + 59_999 + 59_999);
      fail('other');
      await a.runOnce();
      jest.setSystemTime(T0 + 59_999 + 60_000);
      fail('other');
      await a.runOnce(); // a minute after it was last logged
      const attempts = log.lines.filter((line) => line.fields.attempt !== undefined);
      expect(attempts.map((line) => `${line.level} ${line.message} #${String(line.fields.attempt)}`)).toEqual(
        [
          'warn cannot deliver (down); the reports stay spooled #1',
          'debug cannot deliver (down) #2',
          'warn cannot deliver (other); the reports stay spooled #3',
          'debug cannot deliver (other) #4',
          'warn cannot deliver (other); the reports stay spooled #5',
        ],
      );
    });
  });

  it('skips a spooled report that vanished, says so, and sends a full report next', async () => {
    const spool = openSpool();
    const a = agent(spool);
    server.answers.push({ kind: 'retry', message: 'away' });
    await a.runOnce();
    const [gone] = spooled() as [string];
    fs.rmSync(path.join(spoolDir, gone));
    log.clear();
    expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
    expect(log.lines[0]).toEqual({
      level: 'error',
      fields: {
        reportId: gone.replace(/\.json$/, ''),
        err: expect.stringMatching(`^cannot read the spooled report ${path.join(spoolDir, gone)}: .*ENOENT`),
      },
      message: 'a spooled report vanished or cannot be read: skipped; the next report will be full',
    });
    // The heartbeat collected in the same round rested on the vanished one: the next is full.
    await a.runOnce();
    expect(kinds()).toEqual(['full', 'heartbeat', 'full']);
  });

  it('moves a spooled report that cannot be parsed to quarantine, says so, and sends a full report next', async () => {
    const spool = openSpool();
    const a = agent(spool);
    server.answers.push({ kind: 'retry', message: 'away' });
    await a.runOnce();
    const [broken] = spooled() as [string];
    fs.writeFileSync(path.join(spoolDir, broken), '{"truncated":');
    log.clear();
    expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
    const quarantined = path.join(spoolDir, 'quarantine', broken);
    expect(log.lines[0]).toEqual({
      level: 'error',
      fields: {
        reportId: broken.replace(/\.json$/, ''),
        err: expect.stringMatching(`^cannot read the spooled report ${path.join(spoolDir, broken)}: `),
        file: quarantined,
      },
      message: 'a spooled report cannot be read: moved to quarantine; the next report will be full',
    });
    expect(fs.readFileSync(quarantined, 'utf8')).toBe('{"truncated":');
    expect(fs.readFileSync(`${quarantined}.reason`, 'utf8')).toBe(
      `cannot be read: ${log.lines[0]!.fields.err}\n`,
    );
    await a.runOnce();
    expect(kinds()).toEqual(['full', 'heartbeat', 'full']);
  });

  it('logs each coalesced heartbeat, and a spool full with what it dropped', async () => {
    const spool = openSpool({ maxReports: 2, maxBytes: 1024 * 1024 });
    const a = agent(spool);
    for (let i = 0; i < 3; i++) {
      server.answers.push({ kind: 'retry', message: 'away' });
      await a.runOnce(); // full, heartbeat, heartbeat (coalesced)
    }
    const ids = spooled().map((f) => f.replace(/\.json$/, ''));
    expect(log.lines.filter((line) => line.fields.coalesced !== undefined)).toEqual([
      {
        level: 'debug',
        fields: { coalesced: expect.stringMatching(/-00000002$/), into: ids[1] },
        message: 'nothing changed: heartbeat replaces the undelivered heartbeat before it',
      },
    ]);
    node.cpus = 5;
    server.answers.push({ kind: 'retry', message: 'away' });
    log.clear();
    await a.runOnce(); // a delta: three reports, the heartbeat goes
    const warn = log.lines.find((line) => line.message.startsWith('spool full'));
    expect(warn).toEqual({
      level: 'warn',
      fields: {
        dropped: [`${ids[1]} (heartbeat, collected ${new Date(T0 + 120_000).toISOString()})`],
        waiting: 2,
        bytes: spool.bytes,
        limits: { maxReports: 2, maxBytes: 1024 * 1024 },
      },
      message: 'spool full: dropped the oldest reports (their history is lost); the next report will be full',
    });
    server.answers.push({ kind: 'retry', message: 'away' });
    await a.runOnce();
    expect(spool.list().map((e) => e.kind)).toEqual(['full', 'full']); // the delta went too
  });

  describe('start and stop', () => {
    beforeEach(() => jest.useFakeTimers({ now: T0 }));

    it('collects at once, then every interval ± jitter, and delivers each report', async () => {
      const a = agent(undefined, { intervalMs: 1000, jitter: 0.2, random: () => 0 });
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(server.sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(799); // 1000 × (1 − 0.2)
      expect(server.sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(800);
      expect(kinds()).toEqual(['full', 'heartbeat', 'heartbeat']);
      await a.stop();
    });

    it('counts the interval from the start of a collection: a slow one does not push the next back', async () => {
      const starts: number[] = [];
      const slowCollect = async (): Promise<NodeState> => {
        starts.push(Date.now());
        const state = await node.collect();
        await new Promise<void>((resolve) => setTimeout(resolve, 300)); // the collectors take 300 ms
        return state;
      };
      const a = agent(undefined, { collect: slowCollect, intervalMs: 1000, jitter: 0 });
      a.start();
      await jest.advanceTimersByTimeAsync(1999);
      expect(starts).toEqual([T0, T0 + 1000]);
      await jest.advanceTimersByTimeAsync(1);
      expect(starts).toEqual([T0, T0 + 1000, T0 + 2000]);
      expect(kinds()).toEqual(['full', 'heartbeat']);
      const stopped = a.stop();
      await jest.advanceTimersByTimeAsync(300); // stop() waits for the collection under way
      await stopped;
    });

    it('waits longer with a random draw near 1, and exactly the interval at 0.5', async () => {
      const late = agent(undefined, { intervalMs: 1000, jitter: 0.2, random: () => 0.75 });
      late.start();
      await jest.advanceTimersByTimeAsync(1099); // 1000 × (1 + 0.2 × 0.5)
      expect(server.sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent).toHaveLength(2);
      await late.stop();
      spools.pop()!.close();
      const before = server.sent.length;
      const even = agent(openSpool(), { intervalMs: 1000 }); // default jitter 0.1, random 0.5
      even.start();
      await jest.advanceTimersByTimeAsync(999);
      expect(server.sent.length - before).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent.length - before).toBe(2);
      await even.stop();
    });

    it('defaults to a jitter of a tenth of the interval', async () => {
      const a = agent(undefined, { intervalMs: 1000, random: () => 0 });
      a.start();
      await jest.advanceTimersByTimeAsync(899);
      expect(server.sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent).toHaveLength(2);
      await a.stop();
    });

    it('backs off after a failure: the same report again after the backoff, with the wait logged', async () => {
      const a = agent(undefined, { intervalMs: 600_000, backoff: { baseMs: 1000, maxMs: 60_000 } });
      server.answers.push({ kind: 'retry', message: 'down' }, { kind: 'retry', message: 'down' });
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(log.lines.at(-1)?.fields.retryInMs).toBe(500); // 0.5 × 1000
      await jest.advanceTimersByTimeAsync(499);
      expect(server.sent).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent).toHaveLength(2);
      expect(log.lines.at(-1)).toEqual({
        level: 'debug',
        fields: { ...about(server.sent[0]!), attempt: 2, waiting: 1, retryInMs: 1000 }, // 0.5 × 2000
        message: 'cannot deliver (down)',
      });
      await jest.advanceTimersByTimeAsync(1000);
      expect(server.sent.map((r) => r.reportId)).toEqual(Array(3).fill(server.sent[0]!.reportId));
      expect(log.said.at(-1)).toBe('info the server takes reports again; the spool is empty');
      await a.stop();
    });

    it('does not deliver at a collection while a backoff runs: the report waits for the retry', async () => {
      const a = agent(undefined, {
        intervalMs: 1000,
        random: () => 0.5,
        jitter: 0,
        backoff: { baseMs: 10_000, maxMs: 10_000 },
      });
      server.answers.push({ kind: 'retry', message: 'down' });
      a.start();
      await jest.advanceTimersByTimeAsync(4999); // collections every second; the retry is due at 5000
      expect(server.sent).toHaveLength(1);
      expect(spooled()).toHaveLength(2); // the full report, and the heartbeats coalesced into one
      await jest.advanceTimersByTimeAsync(1);
      expect(server.sent[1]!.reportId).toBe(server.sent[0]!.reportId); // the same report first
      expect(spooled()).toEqual([]);
      await a.stop();
    });

    it('goes on collecting after a failed collection, and logs it', async () => {
      const a = agent(undefined, { intervalMs: 1000, jitter: 0 });
      node.failWith = new Error('dpkg-query: not found');
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(log.lines).toContainEqual({
        level: 'error',
        fields: { err: 'dpkg-query: not found' },
        message: 'collection failed; trying again at the next interval',
      });
      expect(server.sent).toHaveLength(0);
      node.failWith = undefined;
      await jest.advanceTimersByTimeAsync(1000);
      expect(kinds()).toEqual(['full']);
      await a.stop();
    });

    it('says at start what an earlier run left, delivers it first, and says at stop what waits', async () => {
      const first = agent();
      server.answers.push({ kind: 'retry', message: 'down' });
      await first.runOnce();
      server.answers.push({ kind: 'retry', message: 'down' });
      node.cpus = 6;
      await first.runOnce();
      spools.pop()!.close();
      const left = spooled();
      log.clear();

      const spool = openSpool();
      const a = agent(spool, { intervalMs: 1000 });
      a.start();
      a.start(); // a second start does nothing
      expect(log.lines).toEqual([
        {
          level: 'info',
          fields: {
            run: expect.stringMatching(/^[0-9a-z]{19}$/),
            intervalMs: 1000,
            spool: spoolDir,
            waiting: 2,
          },
          message: 'agent started; delivering 2 reports left by an earlier run first',
        },
      ]);
      await jest.advanceTimersByTimeAsync(0);
      expect(server.sent.slice(2, 4).map((r) => `${r.reportId}.json`)).toEqual(left);
      await expect(a.runOnce()).rejects.toThrow('runOnce() is for an agent that was not started');
      server.answers.push({ kind: 'retry', message: 'down' });
      await jest.advanceTimersByTimeAsync(1000);
      log.clear();
      await a.stop();
      expect(log.lines).toEqual([
        {
          level: 'info',
          fields: { waiting: 1 },
          message: 'agent stopped; 1 reports wait in the spool for the next run',
        },
      ]);
      const sent = server.sent.length;
      await jest.advanceTimersByTimeAsync(600_000);
      expect(server.sent).toHaveLength(sent); // no timer survives stop()
      expect(spool.count).toBe(1);
    });

    it('counts a single report left by an earlier run', async () => {
      server.answers.push({ kind: 'retry', message: 'down' });
      await agent().runOnce();
      spools.pop()!.close();
      log.clear();
      const a = agent(openSpool());
      a.start();
      expect(log.lines.map((line) => line.message)).toEqual([
        'agent started; delivering 1 reports left by an earlier run first',
      ]);
      await a.stop();
    });

    it('stopped during a collection, neither delivers nor schedules another', async () => {
      let finish!: () => void;
      let collections = 0;
      const slowCollect = async (): Promise<NodeState> => {
        collections++;
        const state = await node.collect();
        await new Promise<void>((resolve) => (finish = resolve));
        return state;
      };
      const a = agent(undefined, { collect: slowCollect, intervalMs: 1000 });
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(collections).toBe(1);
      const stopped = a.stop();
      finish();
      await stopped;
      await jest.advanceTimersByTimeAsync(10_000);
      expect(collections).toBe(1);
      expect(server.sent).toEqual([]); // spooled, not sent: the loop had stopped
      expect(spooled()).toHaveLength(1);
    });

    it('starts and stops with an empty spool in so many words', async () => {
      const a = agent();
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      await a.stop();
      expect(log.lines.filter((line) => line.message.startsWith('agent '))).toEqual([
        {
          level: 'info',
          fields: { run: expect.any(String), intervalMs: 60_000, spool: spoolDir, waiting: 0 },
          message: 'agent started',
        },
        { level: 'info', fields: { waiting: 0 }, message: 'agent stopped' },
      ]);
    });

    it('stop() lets the report under way finish and leaves the rest spooled', async () => {
      const first = agent();
      for (let i = 0; i < 3; i++) {
        server.answers.push({ kind: 'retry', message: 'down' });
        node.cpus = 10 + i;
        await first.runOnce();
      }
      spools.pop()!.close();
      // Only the first send waits: an agent that went on sending after stop() is then seen in
      // what reached the server, not as a test that hangs.
      let release!: () => void;
      let sends = 0;
      const slow: Transport = {
        send: async (report) => {
          if (++sends === 1) await new Promise<void>((resolve) => (release = resolve));
          return server.send(report);
        },
      };
      const spool = openSpool();
      const a = agent(spool, { transport: slow });
      a.start();
      await jest.advanceTimersByTimeAsync(0);
      const stopped = a.stop();
      release();
      await stopped;
      expect(server.sent).toHaveLength(4);
      expect(spool.count).toBe(3); // two left by the first run, and the one collected at start
    });
  });
});

describe('the agent when the spool fails under a delivery', () => {
  let tmp: string;
  let spool: Spool;
  let log: MemoryLog;
  let node: Node;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-io-'));
    spool = Spool.open(path.join(tmp, 'spool')).spool;
    log = new MemoryLog();
    node = new Node();
  });
  afterEach(() => {
    jest.useRealTimers();
    spool.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The server refuses the bytes (400) while someone removed the file being sent: quarantine cannot move it. */
  function vanishingServer(): ScriptedServer {
    const server = new ScriptedServer();
    server.answers.push((report) => {
      fs.rmSync(path.join(spool.dir, `${report.reportId}.json`));
      return { kind: 'rejected', status: 400, message: 'schema' };
    });
    return server;
  }

  it('runOnce() reports the failure as the round’s problem, and the next round heals', async () => {
    const server = vanishingServer();
    const a = createAgent({
      collect: node.collect,
      transport: server,
      spool,
      intervalMs: 1000,
      log,
      random: () => 0.5,
    });
    const round = await a.runOnce();
    // The spool had taken the entry off its queue before the move failed: nothing waits.
    expect(round).toEqual({ delivered: 0, waiting: 0, problem: expect.stringMatching(/ENOENT/) });
    expect(log.lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      `warn cannot deliver (${round.problem!}); the reports stay spooled`,
    ]);
    expect(await a.runOnce()).toEqual({ delivered: 1, waiting: 0 });
    expect(server.sent.map(reportKind)).toEqual(['full', 'full']);
  });

  it('the started loop logs it and tries again after the backoff instead of failing', async () => {
    jest.useFakeTimers({ now: T0 });
    const server = vanishingServer();
    const a = createAgent({
      collect: node.collect,
      transport: server,
      spool,
      intervalMs: 600_000,
      backoff: { baseMs: 1000, maxMs: 1000 },
      log,
      random: () => 0.5,
    });
    a.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(log.lines.at(-1)).toEqual({
      level: 'warn',
      fields: expect.objectContaining({ attempt: 1, retryInMs: 500 }),
      message: expect.stringMatching(/^cannot deliver \(.*ENOENT.*\); the reports stay spooled$/),
    });
    await jest.advanceTimersByTimeAsync(499);
    expect(log.lines).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1); // the retry: the loop is alive and finds the spool empty
    expect(log.said.slice(2)).toEqual(['info the server takes reports again; the spool is empty']);
    expect(spool.count).toBe(0);
    expect(server.sent).toHaveLength(1);
    await a.stop();
  });
});
