/**
 * The stored states a plan reads, loaded before it is made: the planner is pure and synchronous
 * (it asks for states by name), the store is not.
 */
import { normaliseTargets, pairsOf, resolveTargets } from '../../desired';
import type { Desired } from '../../model/desired';
import type { NodeState } from '../../model/state';
import type { Store } from '../../store';

/** The latest states of the target's nodes and of their pairs' nodes (which parity and readiness read). */
export async function statesForPlan(
  store: Store,
  desired: Desired,
  target: string,
): Promise<Map<string, NodeState>> {
  const names = new Set<string>();
  for (const node of resolveTargets(desired, normaliseTargets(target))) {
    names.add(node.name);
    for (const pair of pairsOf(desired, node.name)) names.add(pair.primary).add(pair.secondary);
  }
  const states = new Map<string, NodeState>();
  for (const name of names) {
    const state = await store.states.latestState(name);
    if (state) states.set(name, state);
  }
  return states;
}
