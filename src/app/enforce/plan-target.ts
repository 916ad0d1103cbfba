/**
 * `plan TARGET` against a state source: load the latest states the plan needs — every node the
 * target names, and their pair partners (the model for parity, when they have a state) — then
 * make the plan with the pure planner.
 */
import { normaliseTargets, pairsOf, resolveTargets } from '../../desired';
import { makePlan } from '../../enforce';
import type { Desired } from '../../model/desired';
import type { Plan } from '../../model/plan';
import type { NodeState } from '../../model/state';
import { NotFoundError } from '../../shared/errors';
import type { StateSource } from '../state-source';

/** The nodes a target names, and their pair partners. */
export function nodesNeededFor(desired: Desired, target: string): { named: string[]; partners: string[] } {
  const named = resolveTargets(desired, normaliseTargets(target)).map((node) => node.name);
  const partners = new Set<string>();
  for (const node of named)
    for (const pair of pairsOf(desired, node))
      for (const other of [pair.primary, pair.secondary]) if (!named.includes(other)) partners.add(other);
  return { named, partners: [...partners] };
}

/** Latest states of the named nodes (each required) and of their partners (when there is one). */
async function loadStatesFor(
  desired: Desired,
  target: string,
  source: StateSource,
): Promise<Map<string, NodeState>> {
  const { named, partners } = nodesNeededFor(desired, target);
  const states = new Map<string, NodeState>();
  await Promise.all([
    ...named.map(async (node) => states.set(node, await source.latest(node))),
    ...partners.map(async (node) => {
      try {
        states.set(node, await source.latest(node));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }),
  ]);
  return states;
}

export interface PlanTargetOptions {
  now: Date;
  maxNodesPerWave?: number;
}

export async function planTarget(
  desired: Desired,
  source: StateSource,
  target: string,
  options: PlanTargetOptions,
): Promise<Plan> {
  return planFromStates(desired, target, await loadStatesFor(desired, target, source), options);
}

/** The plan of `target` from states at hand (apply's fresh collection), as `planTarget` makes it. */
export function planFromStates(
  desired: Desired,
  target: string,
  states: ReadonlyMap<string, NodeState>,
  options: PlanTargetOptions,
): Plan {
  return makePlan({
    desired,
    target,
    stateOf: (node) => states.get(node),
    now: options.now,
    ...(options.maxNodesPerWave ? { maxNodesPerWave: options.maxNodesPerWave } : {}),
  });
}
