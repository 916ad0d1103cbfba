/**
 * Re-evaluates every pair's readiness on an interval, so its history and the /metrics gauge
 * follow the pair even when nobody asks: a secondary that stops reporting turns NO-GO on
 * its own once its state is older than maxReportAge.
 */
import type { Desired } from '../model/desired';
import { errorMessage } from '../shared/errors';
import type { LiveHub } from './live-events';
import type { PairEvaluation } from './pair-readiness';

export interface ReadinessMonitorOptions {
  desired: () => Desired | undefined;
  now: () => Date;
  intervalMs: number;
  /**
   * Evaluates one pair and records the result: `serve` hands this to its evaluation worker, so
   * the thread that answers HTTP never parses two whole states and plans their fixes.
   */
  evaluatePair: PairEvaluation;
  onError: (pair: string, message: string) => void;
  /** Told of every verdict, so open dashboards follow it. */
  live?: LiveHub;
  /**
   * Whether this instance evaluates now: of several instances on one PostgreSQL store, only the
   * holder of the lease does (always, when absent).
   */
  active?: () => boolean;
}

export interface ReadinessMonitor {
  /** Evaluates these pairs again soon (after a report changed them), without waiting for the round. */
  evaluateSoon(pairs: readonly string[]): void;
  /** Evaluates every pair now (this instance just took over the monitor). */
  evaluateAll(): void;
  stop(): void;
}

/** Reports of a burst are evaluated once: a pair asked for again within this time waits for it. */
const SOON_MS = 250;

export function startReadinessMonitor(options: ReadinessMonitorOptions): ReadinessMonitor {
  const evaluate = async (desired: Desired, pair: string) => {
    try {
      const outcome = await options.evaluatePair(desired, pair, options.now());
      options.live?.publish({ type: 'readiness', pair, ...outcome });
    } catch (err) {
      options.onError(pair, errorMessage(err));
    }
  };
  const active = options.active ?? (() => true);
  let running = false;
  const round = async () => {
    if (running || !active()) return; // a slow round (probes timing out) is not stacked
    running = true;
    try {
      const desired = options.desired();
      for (const pair of Object.keys(desired?.pairs ?? {})) await evaluate(desired as Desired, pair);
    } finally {
      running = false;
    }
  };
  const soon = new Set<string>();
  let soonTimer: NodeJS.Timeout | undefined;
  const evaluateSoon = (pairs: readonly string[]) => {
    if (!active()) return; // the instance holding the lease evaluates in its rounds
    for (const pair of pairs) soon.add(pair);
    if (soonTimer || soon.size === 0) return;
    soonTimer = setTimeout(() => {
      soonTimer = undefined;
      const desired = options.desired();
      const due = [...soon].filter((pair) => desired?.pairs[pair]);
      soon.clear();
      if (desired && active()) for (const pair of due) void evaluate(desired, pair);
    }, SOON_MS);
    soonTimer.unref();
  };
  const timer = setInterval(() => void round(), options.intervalMs);
  timer.unref();
  void round();
  return {
    evaluateSoon,
    evaluateAll: () => void round(),
    stop: () => {
      clearInterval(timer);
      if (soonTimer) clearTimeout(soonTimer);
    },
  };
}
