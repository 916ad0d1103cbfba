/**
 * How long the agent waits before trying the server again: exponential backoff with "full
 * jitter" (a uniformly random wait between 0 and the doubled cap). When a server comes back after
 * an outage, a fleet of agents whose waits are spread over the whole window reconnects as a
 * trickle instead of a stampede at the same second.
 */
export interface BackoffPolicy {
  /** Cap of the first wait; each failure doubles it. */
  baseMs: number;
  /** Largest cap: waits never exceed it however long the outage lasts. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Waits below this (or below the base, if smaller) are raised to it: full jitter can draw ~0 ms,
 * and an agent that retries in a tight loop against a dead server only burns the CPU of the node
 * it is meant to watch.
 */
const FLOOR_MS = 100;

/** The wait after the `failures`-th failure in a row (1 = the first), given a random number in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40); // 2^40 s is beyond any cap: no overflow
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.max(Math.min(FLOOR_MS, policy.baseMs), Math.floor(random * cap));
}
