/**
 * A fleet of N simulated agents against one real `driftguard serve` process (SQLite or
 * PostgreSQL), in the shape of a real fleet: every node first sends a full report, then one
 * report a minute — a heartbeat, or for one node in ten a delta with one category that really
 * changed (a sysctl toggled, a package version bumped), so the server stores it and evaluates
 * drift and parity again.
 *
 *   npm run bench -- fleet --nodes 10000 [--db sqlite|postgres] [--minutes 3] [--probe]
 *
 * Phases, in this order (docs/performance.md, "fleet"):
 *  1. ramp-up: one full report per node, `--concurrency` in flight, until all are evaluated;
 *  2. time-compressed: simulated minutes 1 … 60 − M, each a round in which every node reports
 *     once, collected a minute apart, sent as fast as the server takes them — so the store holds
 *     an hour of history without waiting an hour;
 *  3. real time: the last M = `--minutes` simulated minutes, paced as the fleet would send them
 *     (node i at i/N of each minute: N/60 reports a second), measuring latency, evaluation lag
 *     (the live stream's node-evaluated), server RSS and CPU;
 *  4. the store's size after the 60 simulated minutes;
 *  5. `--probe`: the same nodes report more often, step by step, until p99 ≥ 50 ms, lag ≥ 5 s
 *     or a failure; the last step that held, as nodes at one report a minute.
 */
import * as os from 'node:os';
import { collectNode } from '../src/app/collect-node';
import {
  cpuSeconds,
  failureOf,
  inPool,
  keepAlive,
  mib,
  nodeNames,
  postReport,
  startBenchServer,
} from './fleet-server';
import type { BenchServer, BenchStore, Sent } from './fleet-server';
import { FleetReports } from './fleet-reports';
import type { Outgoing, SimNode } from './fleet-reports';
import { EvaluationWatch, RssSampler } from './fleet-watch';
import { percentile } from './stats';

const TARGET_P99_MS = 50;
const TARGET_LAG_MS = 5000;
const MINUTE_MS = 60_000;
/** Load steps of the probe: how many times a minute each node reports. */
const PROBE_UP = [1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
const PROBE_DOWN = [0.75, 0.5, 0.35, 0.25, 0.1];

interface FleetOptions {
  nodes: number;
  store: BenchStore;
  /** Real-time minutes at the end of the simulated hour. */
  minutes: number;
  simulatedMinutes: number;
  /** One node in this many sends a delta each minute. */
  deltaEvery: number;
  concurrency: number;
  connections: number;
  probe: boolean;
  stepSeconds: number;
  /** `serve --readiness-interval`, when given (default: the server's, every pair once a minute). */
  readinessInterval?: string;
}

function optionsOf(args: Map<string, string>): FleetOptions {
  const number = (name: string, fallback: number) => {
    const value = Number(args.get(name) ?? fallback);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${name} wants a number, not ${args.get(name)}`);
    return value;
  };
  const store = args.get('db') ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres')
    throw new Error(`--db wants sqlite or postgres, not ${store}`);
  return {
    nodes: Math.max(2, Math.round(number('nodes', 1000) / 2) * 2),
    store,
    minutes: number('minutes', 3),
    simulatedMinutes: number('simulated-minutes', 60),
    deltaEvery: Math.max(1, Math.round(100 / number('delta-percent', 10))),
    concurrency: number('concurrency', 16),
    connections: number('connections', 32),
    probe: args.has('probe'),
    stepSeconds: number('step-seconds', 60),
    ...(args.has('readiness-interval') ? { readinessInterval: args.get('readiness-interval') } : {}),
  };
}

/** Answers to a phase's reports. */
class Tally {
  readonly latencies: number[] = [];
  readonly failures = new Map<string, number>();
  sent = 0;

  add(result: Sent): void {
    this.latencies.push(result.ms);
    const failure = failureOf(result);
    if (failure) this.failures.set(failure, (this.failures.get(failure) ?? 0) + 1);
  }

  get failed(): number {
    return [...this.failures.values()].reduce((a, b) => a + b, 0);
  }

  percentile(p: number): number {
    return percentile(
      [...this.latencies].sort((a, b) => a - b),
      p,
    );
  }

  /** `p50 3.1 ms  p99 12.0 ms  failures 0` (failures named by status when there are any). */
  summary(): string {
    const failures = this.failed
      ? `FAILED ${this.failed}: ${[...this.failures].map(([why, n]) => `${n} × ${why}`).join(', ')}`
      : 'failures 0';
    return `p50 ${ms(this.percentile(50))}  p99 ${ms(this.percentile(99))}  ${failures}`;
  }
}

/**
 * CPU used by the server, the store's own processes and this load generator over a phase; on
 * PostgreSQL also the transactions rolled back (a serialization failure is retried by the store
 * from the start: each retry is a rollback).
 */
async function meter(server: BenchServer): Promise<() => Promise<{ seconds: number; text: string }>> {
  const start = performance.now();
  const serverCpu = cpuSeconds(server.pid);
  const storeCpu = server.storeCpuSeconds();
  const benchCpu = process.cpuUsage();
  const transactions = await server.storeTransactions();
  return async () => {
    const seconds = (performance.now() - start) / 1000;
    const share = (cpu: number) => `${((cpu / seconds) * 100).toFixed(0)} %`;
    const bench = process.cpuUsage(benchCpu);
    const parts = [
      `server ${share(cpuSeconds(server.pid) - serverCpu)}`,
      ...(server.store === 'postgres'
        ? [`PostgreSQL backends ${share(server.storeCpuSeconds() - storeCpu)}`]
        : []),
      `load generator ${share((bench.user + bench.system) / 1e6)}`,
    ];
    const now = await server.storeTransactions();
    const rolledBack =
      now && transactions
        ? `; PostgreSQL: ${count(now.commits - transactions.commits)} transactions committed, ${count(now.rollbacks - transactions.rollbacks)} rolled back`
        : '';
    return {
      seconds,
      text: `CPU (of one core; ${os.cpus().length} cores): ${parts.join(', ')}${rolledBack}`,
    };
  };
}

function ms(value: number): string {
  return Number.isNaN(value)
    ? '–'
    : value >= 1000
      ? `${(value / 1000).toFixed(2)} s`
      : `${value.toFixed(1)} ms`;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

interface Window {
  tally: Tally;
  /** Reports offered a second by the schedule, and answered a second. */
  offered: number;
  answered: number;
  lags: number[];
  /** Accepted changes not evaluated within the drain time after the window. */
  owed: number;
  /** How late the generator sent, against the schedule (p99, ms). */
  slipP99: number;
  cpu: string;
  held: boolean;
}

/** The server's logged errors (pino JSON, level ≥ 50), counted by message: why requests failed. */
function serverErrors(log: string): string[] {
  const errors = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as {
      level?: number;
      msg?: string;
      err?: { message?: string };
      error?: string;
    };
    if ((entry.level ?? 0) < 50) continue;
    const what = [entry.msg, entry.err?.message ?? entry.error].filter(Boolean).join(': ').slice(0, 300);
    errors.set(what, (errors.get(what) ?? 0) + 1);
  }
  if (errors.size === 0) return [];
  return [
    `server log: ${[...errors.values()].reduce((a, b) => a + b, 0)} errors`,
    ...[...errors].slice(0, 5).map(([what, n]) => `  ${n} × ${what}`),
  ];
}

class FleetBench {
  private readonly agent;
  private readonly watch = new EvaluationWatch();
  private readonly rss: RssSampler;
  private readonly out: string[] = [];
  /** Reports the server accepted, by kind. */
  private readonly accepted = { full: 0, delta: 0, heartbeat: 0 };

  constructor(
    private readonly options: FleetOptions,
    private readonly server: BenchServer,
    private readonly reports: FleetReports,
  ) {
    this.agent = keepAlive(options.connections);
    // PostgreSQL's backends are looked for every second, so the CPU of those that end is counted.
    this.rss = new RssSampler(server.pid, () => server.storeCpuSeconds());
  }

  private say(line: string): void {
    this.out.push(line);
    process.stdout.write(line + '\n');
  }

  private progress(line: string): void {
    process.stderr.write(`  … ${line}\n`);
  }

  private isDelta(node: SimNode, round: number): boolean {
    return (node.index + round) % this.options.deltaEvery === 0;
  }

  private async send(outgoing: Outgoing, tally: Tally): Promise<void> {
    const name = outgoing.node.name;
    const changes = outgoing.kind !== 'heartbeat';
    if (changes) this.watch.sent(name);
    tally.sent++;
    const result = await postReport(this.agent, this.server.port, this.server.token, outgoing.body);
    tally.add(result);
    if (result.status === 201) {
      this.accepted[outgoing.kind]++;
      outgoing.accepted();
      if (changes) this.watch.accepted(name);
    } else if (changes) this.watch.refused(name);
  }

  private rssLine(): string {
    const now = this.rss.sample();
    return `server RSS ${mib(now.rss)} at the end, ${mib(this.rss.peak)} highest sample, VmHWM ${mib(now.hwm)}`;
  }

  async run(): Promise<void> {
    await this.watch.open(this.server.port, this.server.token);
    const { nodes } = this.reports;
    const n = nodes.length;
    const compressed = Math.max(0, this.options.simulatedMinutes - Math.ceil(this.options.minutes));
    // Simulated minute r of node i was collected at base + r min + i/N min; the compressed rounds
    // end a minute before now, so the real-time reports (collected now) follow them in order.
    const base = Date.now() - (compressed + 1) * MINUTE_MS;
    const at = (round: number, node: SimNode) =>
      new Date(base + round * MINUTE_MS + (node.index / n) * MINUTE_MS).toISOString();

    // 1. ramp-up
    let done = await meter(this.server);
    const ramp = new Tally();
    const rampStart = performance.now();
    // A full report that failed is sent again, as the agent's spool does (else the node's chain
    // would have nothing to build on); at most three times.
    let unsent: readonly SimNode[] = nodes;
    const retried: number[] = [];
    for (let pass = 0; pass < 4 && unsent.length > 0; pass++) {
      if (pass > 0) retried.push(unsent.length);
      await inPool(unsent, this.options.concurrency, (node) =>
        this.send(this.reports.full(node, at(0, node)), ramp),
      );
      unsent = nodes.filter((node) => Object.keys(node.hashes).length === 0);
    }
    const rampSeconds = (performance.now() - rampStart) / 1000;
    const rampEvaluated = await this.caughtUp();
    const rampCpu = await done();
    this.say(
      `ramp-up [real time, ${this.options.concurrency} in flight]: ${count(n)} full reports in ${rampSeconds.toFixed(1)} s = ${count(n / rampSeconds)}/s  ${ramp.summary()}`,
    );
    if (retried.length > 0)
      this.say(
        `  failed ones sent again (${retried.map(count).join(', then ')})${unsent.length ? `: ${count(unsent.length)} nodes never accepted` : ', all accepted'}`,
      );
    this.say(`  all evaluated ${rampEvaluated}; ${rampCpu.text}`);

    // 2. the simulated hour, compressed
    if (compressed > 0) {
      done = await meter(this.server);
      const tally = new Tally();
      const compressedStart = performance.now();
      for (let round = 1; round <= compressed; round++) {
        await inPool(nodes, this.options.concurrency, (node) =>
          this.send(this.reports.next(node, at(round, node), this.isDelta(node, round)), tally),
        );
        if (round % 5 === 0 || round === compressed)
          this.progress(
            `simulated minute ${round} of ${compressed} (time-compressed), ${tally.failed} failed`,
          );
      }
      const seconds = (performance.now() - compressedStart) / 1000;
      const evaluated = await this.caughtUp();
      this.say(
        `simulated minutes 1–${compressed} [time-compressed: as fast as the server answers, ${this.options.concurrency} in flight]: ` +
          `${count(tally.sent)} reports in ${seconds.toFixed(1)} s = ${count(tally.sent / seconds)}/s  ${tally.summary()}`,
      );
      this.say(`  all evaluated ${evaluated}; ${(await done()).text}`);
    }

    // 3. real time
    this.rss.reset();
    const steady = await this.paced(1, this.options.minutes * MINUTE_MS, compressed + 1);
    this.say(
      `the last ${this.options.minutes} simulated minute(s) [REAL TIME: node i reports at i/N of each minute, not waiting for answers, ${this.options.connections} connections]:`,
    );
    this.window(steady);
    this.say(`  ${this.rssLine()}`);

    // 4. the store after the hour
    const size = await this.server.storeSize();
    const { full, delta, heartbeat } = this.accepted;
    this.say(
      `store after ${Number((compressed + this.options.minutes).toFixed(2))} simulated minutes (accepted: ${count(full)} full reports, ${count(delta)} deltas, ${count(heartbeat)} heartbeats): ` +
        `${mib(size.bytes)} (${size.detail}) = ${(size.bytes / n / 1024).toFixed(0)} KiB a node`,
    );

    // 5. probe
    const probed = this.options.probe
      ? await this.probe(steady, compressed + Math.ceil(this.options.minutes) + 1)
      : undefined;

    const target = `targets: ${count(10_000)} nodes at one report a minute (${count(10_000 / 60)} reports/s), p99 < ${TARGET_P99_MS} ms, evaluation lag < ${TARGET_LAG_MS / 1000} s`;
    this.say(target);
    this.say(
      `verdict: ${count(n)} nodes at one report a minute ${steady.held ? 'HELD' : 'NOT HELD'} on ${this.server.store} (p99 ${ms(steady.tally.percentile(99))}, lag p99 ${ms(percentile(steady.lags, 99))}, ${steady.tally.failed} failed, ${steady.owed} not evaluated)` +
        (n < 10_000 ? ` — a smaller fleet than the target's ${count(10_000)}` : ''),
    );
    if (probed) this.say(probed);
    for (const line of serverErrors(this.server.log())) this.say(line);
  }

  /** Waits for every accepted change to be evaluated; says how long after the last answer that took. */
  private async caughtUp(timeoutMs = 600_000): Promise<string> {
    const start = performance.now();
    const owed = await this.watch.drain(timeoutMs);
    const taken = this.watch.take();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const lags = [...taken.lags].sort((a, b) => a - b);
    return owed
      ? `NOT: ${owed} still owed an evaluation ${seconds} s after the last answer`
      : `${seconds} s after the last answer (lag of ${count(lags.length)} changes: p50 ${ms(percentile(lags, 50))}, max ${ms(lags[lags.length - 1] ?? NaN)})`;
  }

  /**
   * Every node reporting `perMinute` times a minute for `durationMs` in real time, spread evenly
   * (node i at i/N of its interval); the generator does not wait for answers (agents do not wait
   * for each other). Then the answers and the evaluations of the window's changes.
   */
  private async paced(perMinute: number, durationMs: number, firstRound: number): Promise<Window> {
    const { nodes } = this.reports;
    const gap = MINUTE_MS / perMinute / nodes.length;
    const tally = new Tally();
    const slips: number[] = [];
    const inflight = new Set<Promise<void>>();
    const done = await meter(this.server);
    this.watch.take();
    const start = performance.now();
    const total = Math.floor(durationMs / gap);
    for (let k = 0; k < total;) {
      const now = performance.now();
      for (; k < total && start + k * gap <= now; k++) {
        slips.push(performance.now() - (start + k * gap));
        const node = nodes[k % nodes.length] as SimNode;
        const round = firstRound + Math.floor(k / nodes.length);
        const sending = this.send(
          this.reports.next(node, new Date().toISOString(), this.isDelta(node, round)),
          tally,
        );
        inflight.add(sending);
        void sending.finally(() => inflight.delete(sending));
      }
      if (k < total) await sleep(Math.max(1, start + k * gap - performance.now()));
    }
    await Promise.all(inflight);
    const answeredIn = Math.max(performance.now() - start, durationMs) / 1000;
    const cpu = (await done()).text;
    // Long enough to measure a lag far beyond the target, short enough not to wait for ever.
    await this.watch.drain(Math.max(30_000, TARGET_LAG_MS * 2));
    const { lags, owed } = this.watch.take();
    lags.sort((a, b) => a - b);
    slips.sort((a, b) => a - b);
    const window: Window = {
      tally,
      offered: total / (durationMs / 1000),
      answered: tally.latencies.length / answeredIn,
      lags,
      owed,
      slipP99: percentile(slips, 99),
      cpu,
      held: false,
    };
    window.held =
      tally.failed === 0 &&
      owed === 0 &&
      tally.percentile(99) < TARGET_P99_MS &&
      (lags.length === 0 || percentile(lags, 99) < TARGET_LAG_MS);
    return window;
  }

  private window(window: Window): void {
    const { tally, lags } = window;
    this.say(
      `  ${count(tally.sent)} reports: offered ${window.offered.toFixed(1)}/s, sustained ${window.answered.toFixed(1)}/s  ${tally.summary()}` +
        (tally.sent < 1000 ? '  (under 1,000 answers: p99 is about the slowest one)' : ''),
    );
    this.say(
      `  evaluation lag (201 → node-evaluated on /api/v1/events) of ${count(lags.length)} changes: p50 ${ms(percentile(lags, 50))}  p99 ${ms(percentile(lags, 99))}  max ${ms(lags[lags.length - 1] ?? NaN)}` +
        (window.owed ? `  NOT EVALUATED within 30 s: ${window.owed}` : ''),
    );
    this.say(`  ${window.cpu}; generator's send slip p99 ${ms(window.slipP99)}`);
  }

  /**
   * Raises (or, when the fleet as given did not hold, lowers) how often each node reports until a
   * step misses a target. k reports a minute from each of N nodes are the server's work of k × N
   * nodes at one a minute — the same mix of heartbeats and deltas, each stored and evaluated the
   * same way; what does not grow with k is the readiness monitor (every pair once a minute) and
   * the number of rows per table, so a real fleet of k × N nodes costs a little more.
   */
  private async probe(steady: Window, firstRound: number): Promise<string> {
    const n = this.reports.nodes.length;
    const steps = steady.held ? PROBE_UP : PROBE_DOWN;
    this.say(
      `probe [REAL TIME, ${this.options.stepSeconds} s a step]: the same ${count(n)} nodes reporting k times a minute = k × ${count(n)} nodes at one report a minute`,
    );
    this.say(
      `  (the same reports a second and the same mix; but the readiness monitor still evaluates ${count(n / 2)} pairs a minute, not k × ${count(n / 2)}: above k = 1 an upper bound)`,
    );
    let held = steady.held ? 1 : undefined;
    let round = firstRound;
    for (const k of steps) {
      this.rss.reset();
      const window = await this.paced(k, this.options.stepSeconds * 1000, round);
      round += Math.ceil(k * (this.options.stepSeconds / 60)) + 1;
      this.say(
        `  k = ${k}: ${count(k * n)} nodes-equivalent, ${window.held ? 'held' : 'MISSED'}  (${this.rssLine()})`,
      );
      this.window(window);
      if (steady.held && !window.held) break;
      if (window.held) held = k;
      if (!steady.held && window.held) break;
    }
    return held === undefined
      ? `largest fleet held on ${this.server.store}: none of the steps down to ${PROBE_DOWN[PROBE_DOWN.length - 1]} × ${count(n)} held`
      : `largest fleet held on ${this.server.store}: ${count(held * n)} nodes at one report a minute (k = ${held} × ${count(n)} nodes)`;
  }

  close(): void {
    this.watch.close();
    this.rss.stop();
    this.agent.destroy();
  }
}

export async function runFleetBench(args: Map<string, string>): Promise<void> {
  const options = optionsOf(args);
  const began = performance.now();
  const { state: host } = await collectNode({ root: '/', node: 'bench', now: new Date() });
  const names = nodeNames(options.nodes);
  const reports = new FleetReports(host, names);
  const sizes = reports.sizes();
  process.stdout.write(
    [
      `driftguard fleet: ${count(options.nodes)} simulated agents in ${count(options.nodes / 2)} pairs against one real server on 127.0.0.1, store ${options.store === 'sqlite' ? 'SQLite (a file, WAL)' : 'PostgreSQL (a private cluster, fsync off)'}`,
      `  ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `  reports (report@1, built with the agent's buildReport): full = this host's state made each node's own (hostname, one package), ${(sizes.full / 1024).toFixed(0)} KB; ` +
        `heartbeat = hashes only; delta = one changed category of the node's own, sysctls (${(sizes.sysctls / 1024).toFixed(0)} KB) or packages (${(sizes.packages / 1024).toFixed(0)} KB), from 1 node in ${options.deltaEvery} each minute`,
      '',
    ].join('\n'),
  );
  const server = await startBenchServer({
    nodes: names,
    store: options.store,
    ...(options.readinessInterval ? { args: ['--readiness-interval', options.readinessInterval] } : {}),
  });
  const bench = new FleetBench(options, server, reports);
  try {
    await bench.run();
  } finally {
    bench.close();
    await server.stop();
  }
  process.stdout.write(
    `  (the whole run: ${((performance.now() - began) / 60_000).toFixed(1)} min; load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n`,
  );
}
