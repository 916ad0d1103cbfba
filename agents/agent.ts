/**
 * The node agent's loop (DESIGN §10): collect on an interval with jitter, turn each state into a
 * report that carries only what the server will not already have, spool it, and deliver the
 * spool in order with backoff while the server is away.
 *
 * The parts are injected — `collect()` (a state), a `Transport` (a report to an outcome), the
 * `Spool`, the clock and the random source — so the same loop runs as `driftguard agent`, inside
 * `driftguard serve` for the server's own host, and in tests without timers or sockets
 * (`runOnce`).
 *
 * Report chain. A report omits the content of categories whose hash equals its *base*: the
 * hashes of the report before it in the spool, or, when the spool is empty, of the last report
 * the server accepted. Delivered in order, each report then omits only content the server has
 * when it gets there. The first report of a run is full (the agent knows nothing of the server),
 * and so is the first after the chain was broken (a report dropped from a full spool, quarantined,
 * or superseded). When the server still lacks something (`needs-categories`), the content is
 * looked up by hash in the state the agent holds and in the spool and added to the report; if the
 * agent no longer has it, the report is dropped and the next one is full.
 *
 * What each server answer does (src/app/report-client.ts):
 *   delivered (new or duplicate)  remove from the spool, reset the backoff
 *   superseded                    remove: the server has a newer state of this node
 *   needs-categories              complete the report and send it again, or drop it (see above)
 *   rejected 400/413/415/422      the server will never take these bytes: move the file to
 *                                 quarantine/ (kept for a person), log an error, go on
 *   rejected, any other status    a setup problem (token revoked or for another node, wrong
 *                                 URL): log an error, KEEP the report, back off — fixing the
 *                                 token must not have cost the data collected meanwhile
 *   retry (unreachable, 5xx)      back off: exponential with full jitter, capped; collection
 *                                 goes on at its interval meanwhile, into the spool
 */
import { buildReport } from '../src/app/build-report';
import type { DeliveryOutcome } from '../src/app/report-client';
import type { Report } from '../src/model/report';
import type { Category, NodeState } from '../src/model/state';
import { errorMessage } from '../src/shared/errors';
import type { BackoffPolicy } from './backoff';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { completeReport } from './complete-report';
import type { AgentLog } from './log';
import { silentLog } from './log';
import { nextRunId, reportIdOf } from './report-ids';
import type { Spool, SpooledReport } from './spool';
import type { Transport } from './transport';

export interface AgentOptions {
  collect: () => Promise<NodeState>;
  transport: Transport;
  spool: Spool;
  intervalMs: number;
  /** Each wait is the interval ± this fraction, at random: a fleet started together drifts apart. */
  jitter?: number;
  backoff?: BackoffPolicy;
  now?: () => Date;
  /** A number in [0, 1). */
  random?: () => number;
  log?: AgentLog;
}

export interface DeliveryRound {
  /** Reports the server took in this round (duplicates included). */
  delivered: number;
  /** Reports left in the spool. */
  waiting: number;
  /** Why delivery stopped before the spool was empty. */
  problem?: string;
}

export interface Agent {
  /** Starts the loop: delivers what an earlier run left in the spool, then collects at once and on every interval. */
  start(): void;
  /** Stops the loop: waits for the collection and the delivery under way; every undelivered report stays spooled. */
  stop(): Promise<void>;
  /** One collection and one delivery round, without timers (tests, `--once`). */
  runOnce(): Promise<DeliveryRound>;
}

/** A problem that lasts is logged again this often (the attempts in between at debug level). */
const PROBLEM_LOG_EVERY_MS = 60_000;

/** Statuses that mean "these bytes are wrong", not "this agent is set up wrong". */
const NEVER_ACCEPTED = new Set([400, 413, 415, 422]);

type About = { reportId: string; kind: string; collectedAt: string };
/** The server cannot take the report now: wait and try the same report again. */
type Blocked = {
  next: false;
  problem: string;
  about: About;
  /** a setup problem (token, URL), not an outage */ setup: boolean;
};
type Step = { next: true; delivered: boolean } | Blocked;

class NodeAgent implements Agent {
  private readonly runId: string;
  private seq = 0;
  /** Hashes of the last report the server took; undefined = unknown (send full). */
  private lastAccepted: Partial<Record<Category, string>> | undefined;
  private forceFull = true;
  /** The latest collected state: the content the agent can still send by hash. */
  private held: NodeState | undefined;
  private failures = 0;
  /** Set while a problem is being retried: the recovery gets one log line too. */
  private troubled = false;
  private lastProblem: string | undefined;
  private lastProblemLoggedAt = 0;

  private running = false;
  private stopping = false;
  private collectTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private collecting: Promise<void> | undefined;
  private delivering: Promise<DeliveryRound> | undefined;

  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly log: AgentLog;
  private readonly backoff: BackoffPolicy;
  private readonly jitter: number;

  constructor(private readonly options: AgentOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLog;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.jitter = options.jitter ?? 0.1;
    this.runId = nextRunId(
      this.now(),
      options.spool.list().map((entry) => entry.reportId),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    const { spool } = this.options;
    this.log.info(
      { run: this.runId, intervalMs: this.options.intervalMs, spool: spool.dir, waiting: spool.count },
      spool.count > 0
        ? `agent started; delivering ${spool.count} reports left by an earlier run first`
        : 'agent started',
    );
    this.kick();
    this.scheduleCollection(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    clearTimeout(this.collectTimer);
    clearTimeout(this.retryTimer);
    this.collectTimer = this.retryTimer = undefined;
    await this.collecting;
    await this.delivering;
    const waiting = this.options.spool.count;
    this.log.info(
      { waiting },
      waiting > 0 ? `agent stopped; ${waiting} reports wait in the spool for the next run` : 'agent stopped',
    );
  }

  async runOnce(): Promise<DeliveryRound> {
    if (this.running) throw new Error('runOnce() is for an agent that was not started');
    await this.collectAndSpool();
    return this.deliverAll();
  }

  // ------------------------------------------------------------------------------------------
  // collection

  private scheduleCollection(delayMs: number): void {
    this.collectTimer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.collectTimer = undefined;
    const started = Date.now();
    this.collecting = this.collectAndSpool().catch((err: unknown) =>
      this.log.error({ err: errorMessage(err) }, 'collection failed; trying again at the next interval'),
    );
    await this.collecting;
    this.collecting = undefined;
    if (!this.running) return;
    this.kick();
    const wait = this.options.intervalMs * (1 + this.jitter * (2 * this.random() - 1));
    this.scheduleCollection(Math.max(0, wait - (Date.now() - started)));
  }

  private async collectAndSpool(): Promise<void> {
    const { spool } = this.options;
    const state = await this.options.collect();
    this.held = state;
    const base = this.forceFull ? undefined : (spool.newest()?.hashes ?? this.lastAccepted);
    const report = buildReport(state, reportIdOf(this.runId, ++this.seq), base);
    const { entry, coalesced, evicted } = spool.append(report);
    this.forceFull = false;
    for (const old of coalesced) {
      this.log.debug(
        { coalesced: old.reportId, into: entry.reportId },
        'nothing changed: heartbeat replaces the undelivered heartbeat before it',
      );
    }
    if (evicted.length > 0) {
      this.forceFull = true;
      this.log.warn(
        {
          dropped: evicted.map((old) => `${old.reportId} (${old.kind}, collected ${old.collectedAt})`),
          waiting: spool.count,
          bytes: spool.bytes,
          limits: spool.limits,
        },
        'spool full: dropped the oldest reports (their history is lost); the next report will be full',
      );
    }
  }

  // ------------------------------------------------------------------------------------------
  // delivery

  /** Starts a delivery round unless one runs or the backoff says wait. */
  private kick(): void {
    if (!this.running || this.delivering || this.retryTimer) return;
    this.delivering = this.deliverAll().finally(() => {
      this.delivering = undefined;
    });
  }

  /** Sends spooled reports oldest first until the spool is empty or the server cannot take one. */
  private async deliverAll(): Promise<DeliveryRound> {
    const { spool } = this.options;
    let delivered = 0;
    for (let entry = spool.oldest(); entry && !this.stopping; entry = spool.oldest()) {
      let step: Step;
      try {
        step = await this.deliver(entry);
      } catch (err) {
        // The spool failed under the delivery (a file removed behind the agent's back, a full
        // disk): wait and try again like an outage, rather than rejecting out of the loop.
        const { reportId, kind, collectedAt } = entry;
        step = {
          next: false,
          problem: errorMessage(err),
          about: { reportId, kind, collectedAt },
          setup: false,
        };
      }
      if (!step.next) {
        this.failures++;
        this.troubled = true;
        this.reportProblem(step);
        return { delivered, waiting: spool.count, problem: step.problem };
      }
      this.failures = 0; // the server answered
      if (step.delivered) delivered++;
    }
    if (this.troubled && spool.count === 0) {
      this.troubled = false;
      this.lastProblem = undefined;
      this.log.info({ delivered }, 'the server takes reports again; the spool is empty');
    }
    return { delivered, waiting: spool.count };
  }

  /**
   * Logs a failed attempt — once when a problem starts or changes, then once a minute while it
   * lasts (the attempts in between at debug level) — and, while the loop runs, schedules the
   * next attempt after the backoff.
   */
  private reportProblem(step: Blocked): void {
    const fields: Record<string, unknown> = {
      ...step.about,
      attempt: this.failures,
      waiting: this.options.spool.count,
    };
    if (this.running && !this.stopping) {
      const delay = backoffDelay(this.backoff, this.failures, this.random());
      fields.retryInMs = delay;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, delay);
    }
    const now = Date.now();
    const repeat = step.problem === this.lastProblem && now - this.lastProblemLoggedAt < PROBLEM_LOG_EVERY_MS;
    if (repeat) {
      this.log.debug(fields, `cannot deliver (${step.problem})`);
      return;
    }
    this.lastProblem = step.problem;
    this.lastProblemLoggedAt = now;
    if (step.setup)
      this.log.error(
        fields,
        `${step.problem} — check the agent's token and --server; the reports stay spooled until it is fixed`,
      );
    else this.log.warn(fields, `cannot deliver (${step.problem}); the reports stay spooled`);
  }

  private async deliver(entry: SpooledReport): Promise<Step> {
    const { spool } = this.options;
    let report: Report;
    try {
      report = spool.read(entry);
    } catch (err) {
      // A file that is there but cannot be parsed is kept for a person, as at open; one that
      // vanished is simply gone: quarantine() takes the entry off the queue even when the move fails.
      let kept: string | undefined;
      try {
        kept = spool.quarantine(entry, `cannot be read: ${errorMessage(err)}`);
      } catch {
        // nothing to keep
      }
      this.forceFull = true;
      this.log.error(
        { reportId: entry.reportId, err: errorMessage(err), ...(kept ? { file: kept } : {}) },
        kept
          ? 'a spooled report cannot be read: moved to quarantine; the next report will be full'
          : 'a spooled report vanished or cannot be read: skipped; the next report will be full',
      );
      return { next: true, delivered: false };
    }
    spool.busy = entry.file;
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.options.transport.send(report);
    } catch (err) {
      outcome = { kind: 'retry', message: errorMessage(err) };
    } finally {
      spool.busy = undefined;
    }
    return this.handle(entry, report, outcome);
  }

  private handle(entry: SpooledReport, report: Report, outcome: DeliveryOutcome): Step {
    const { spool } = this.options;
    const about: About = { reportId: report.reportId, kind: entry.kind, collectedAt: report.collectedAt };
    switch (outcome.kind) {
      case 'delivered': {
        spool.remove(entry);
        this.lastAccepted = report.hashes;
        if (entry.kind === 'heartbeat' || outcome.duplicate)
          this.log.debug({ ...about, duplicate: outcome.duplicate }, 'delivered');
        else this.log.info({ ...about, changed: outcome.changed }, 'delivered');
        return { next: true, delivered: true };
      }
      case 'superseded': {
        spool.remove(entry);
        this.lastAccepted = undefined;
        this.log.warn(about, 'the server holds a newer state of this node: dropped this older report');
        return { next: true, delivered: false };
      }
      case 'needs-categories': {
        const completion = completeReport(report, outcome.categories, (category, hash) =>
          this.held?.hashes[category] === hash ? this.held[category] : spool.findContent(category, hash),
        );
        if (completion.kind === 'complete') {
          spool.replace(entry, completion.report);
          this.log.info(
            { ...about, categories: outcome.categories },
            'the server lacks content this report names by hash: sending it again with that content',
          );
          return { next: true, delivered: false };
        }
        if (completion.kind === 'unavailable') {
          spool.remove(entry);
          this.forceFull = true;
          this.log.warn(
            { ...about, categories: completion.categories },
            'the server lacks content this agent no longer holds: dropped the report; the next report will be full',
          );
          return { next: true, delivered: false };
        }
        return this.quarantine(
          entry,
          about,
          `the server asks again for ${completion.categories.join(', ')}, which the report carries`,
        );
      }
      case 'rejected': {
        if (NEVER_ACCEPTED.has(outcome.status))
          return this.quarantine(
            entry,
            about,
            `the server refused it (${outcome.status}): ${outcome.message}`,
          );
        return {
          next: false,
          problem: `the server refused the report (${outcome.status}): ${outcome.message}`,
          about,
          setup: true,
        };
      }
      case 'retry':
        return { next: false, problem: outcome.message, about, setup: false };
    }
  }

  private quarantine(entry: SpooledReport, about: About, reason: string): Step {
    const file = this.options.spool.quarantine(entry, reason);
    this.forceFull = true;
    this.log.error(
      { ...about, file, reason },
      'the server will never accept this report: moved it to quarantine; the next report will be full',
    );
    return { next: true, delivered: false };
  }
}

export function createAgent(options: AgentOptions): Agent {
  return new NodeAgent(options);
}
