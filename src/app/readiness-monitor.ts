/**
 * Re-evaluates every pair's readiness on an interval, so its history and the /metrics gauge
 * follow the pair even when nobody asks: a secondary that stops reporting turns NO-GO on
 * its own once its state is older than maxReportAge.
 */
import type { Desired } from '../model/desired';
import { errorMessage } from '../shared/errors';
import type { Store } from '../store';
import { evaluatePairReadiness } from './pair-readiness';

export interface ReadinessMonitorOptions {
  store: Store;
  desired: () => Desired | undefined;
  now: () => Date;
  intervalMs: number;
  probeTimeoutMs: number;
  onError: (pair: string, message: string) => void;
}

export function startReadinessMonitor(options: ReadinessMonitorOptions): () => void {
  let running = false;
  const round = async () => {
    if (running) return; // a slow round (probes timing out) is not stacked
    running = true;
    try {
      const desired = options.desired();
      for (const pair of Object.keys(desired?.pairs ?? {})) {
        try {
          await evaluatePairReadiness(options.store, desired as Desired, pair, {
            now: options.now(),
            probeTimeoutMs: options.probeTimeoutMs,
          });
        } catch (err) {
          options.onError(pair, errorMessage(err));
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void round(), options.intervalMs);
  timer.unref();
  void round();
  return () => clearInterval(timer);
}
