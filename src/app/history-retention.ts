/**
 * Keeps the store from growing for ever (`serve --keep-history`): now and then, the history that
 * no question about the kept period needs is forgotten (`Store.pruneHistory`). Of several
 * instances on one PostgreSQL store, only the holder of the schedules' lease prunes.
 */
import type { Pruned, Store } from '../store';
import { errorMessage } from '../shared/errors';

/**
 * Report receipts are kept a day, whatever history is kept: they serve only idempotency (an agent
 * retries a report within seconds to hours), and a 10,000-node fleet leaves 14 million a day.
 */
export const RECEIPTS_KEPT_MS = 24 * 60 * 60 * 1000;

/** How often to prune: an hour of history at a time is small work. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface HistoryRetentionOptions {
  store: Pick<Store, 'pruneHistory'>;
  now: () => Date;
  /** History replaced or resolved longer ago than this is forgotten. */
  keepHistoryMs: number;
  everyMs?: number;
  /** Whether this instance prunes now (the holder of the lease; always, when absent). */
  active?: () => boolean;
  onPruned: (pruned: Pruned) => void;
  onError: (message: string) => void;
}

export interface HistoryRetention {
  /** Prunes now (unless a prune is under way or this instance is not the one that prunes). */
  pruneNow(): Promise<void>;
  stop(): void;
}

export function startHistoryRetention(options: HistoryRetentionOptions): HistoryRetention {
  const active = options.active ?? (() => true);
  let running = false;
  const pruneNow = async () => {
    if (running || !active()) return;
    running = true;
    try {
      const now = options.now().getTime();
      const pruned = await options.store.pruneHistory({
        history: new Date(now - options.keepHistoryMs).toISOString(),
        receipts: new Date(now - RECEIPTS_KEPT_MS).toISOString(),
      });
      options.onPruned(pruned);
    } catch (err) {
      options.onError(errorMessage(err));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pruneNow(), options.everyMs ?? PRUNE_EVERY_MS);
  timer.unref();
  void pruneNow();
  return { pruneNow, stop: () => clearInterval(timer) };
}
