/**
 * Readiness on the server: evaluated from the store's latest states, recorded as history (when
 * did this pair last say GO, and what changed on it since), and re-evaluated on a schedule so
 * history and /metrics follow a pair that nobody asks about.
 */
import type { Desired } from '../model/desired';
import type { ReadinessHistory } from '../model/api';
import type { Readiness } from '../model/readiness';
import type { NodeState } from '../model/state';
import { NotFoundError } from '../shared/errors';
import type { ReadinessRecord, Store } from '../store';

export type { ReadinessHistory };
import { checkReadiness } from './check-readiness';
import type { LiveHub } from './live-events';
import { changesSince } from './queries';
import type { StateSource } from './state-source';

export class StoreStateSource implements StateSource {
  readonly description = 'the server store';

  constructor(private readonly store: Store) {}

  async latest(node: string): Promise<NodeState> {
    const state = await this.store.states.latestState(node);
    if (!state) throw new NotFoundError(`node ${node} has never reported`);
    return state;
  }
}

/** What the readiness monitor needs to know of an evaluation: the verdict, and whether it changed. */
export interface PairEvaluationOutcome {
  verdict: Readiness['verdict'];
  changed: boolean;
  /** When it was evaluated (ISO 8601). */
  at: string;
}

/** Evaluates one pair's readiness and records it in the store's history. */
export type PairEvaluation = (desired: Desired, pair: string, now: Date) => Promise<PairEvaluationOutcome>;

/** Evaluates one pair from the store's latest states and records the result in its history. */
async function evaluateAndRecord(
  store: Store,
  desired: Desired,
  pair: string,
  options: { now: Date; probeTimeoutMs?: number | undefined },
): Promise<{ result: Readiness; outcome: PairEvaluationOutcome }> {
  const result = await checkReadiness(desired, new StoreStateSource(store), pair, {
    now: options.now,
    probes: options.probeTimeoutMs === undefined ? false : { timeoutMs: options.probeTimeoutMs },
  });
  const { changed } = await store.transaction((tx) => tx.readiness.record(result), {
    serializeOn: `readiness:${pair}`,
  });
  return { result, outcome: { verdict: result.verdict, changed, at: result.evaluatedAt } };
}

/** Evaluates, records, and tells the live stream (the API route asking for a pair now). */
export async function evaluatePairReadiness(
  store: Store,
  desired: Desired,
  pair: string,
  options: { now: Date; probeTimeoutMs?: number; live?: LiveHub },
): Promise<Readiness> {
  const { result, outcome } = await evaluateAndRecord(store, desired, pair, options);
  options.live?.publish({ type: 'readiness', pair, ...outcome });
  return result;
}

/** Evaluates and records, telling no one: the readiness monitor publishes what it gets back. */
export function pairEvaluationWith(store: Store, probeTimeoutMs: number | undefined): PairEvaluation {
  return async (desired, pair, now) =>
    (await evaluateAndRecord(store, desired, pair, { now, probeTimeoutMs })).outcome;
}

export async function readinessHistory(
  store: Store,
  desired: Desired,
  pair: string,
): Promise<ReadinessHistory> {
  const declared = desired.pairs[pair];
  if (!declared) throw new NotFoundError(`no pair ${pair} in the desired state`);
  const brief = (record: ReadinessRecord) => ({
    verdict: record.verdict,
    failing: record.failing,
    evaluatedAt: record.evaluatedAt,
    lastEvaluatedAt: record.lastEvaluatedAt,
  });
  const records = await store.readiness.history(pair);
  const lastGo = await store.readiness.lastGo(pair);
  const result: ReadinessHistory = { pair, history: records.map(brief) };
  if (records[0]) result.current = brief(records[0]);
  if (lastGo) {
    result.lastGo = { evaluatedAt: lastGo.evaluatedAt, lastEvaluatedAt: lastGo.lastEvaluatedAt };
    if (await store.states.node(declared.secondary))
      result.secondaryChangesSinceLastGo = await changesSince(
        store,
        declared.secondary,
        lastGo.lastEvaluatedAt,
      );
  }
  return result;
}
