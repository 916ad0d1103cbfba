/**
 * The `boot-safety` readiness check's analysis (DESIGN §8): would this node hang or misbehave on
 * its next boot? Pure: a NodeState and the node's role spec in, findings out.
 *   - boot-hang (mounts): a mount local-fs.target/remote-fs.target requires and waits for, on a
 *     device only a unit ordered after that target (or none started) brings up — the PyPI 2013
 *     hang (boot-hang.ts);
 *   - failover-at-boot (mounts): a `failover: true` mount the boot mounts (failover-at-boot.ts);
 *   - ordering-cycle (units): a cycle among the units the boot starts (ordering-cycle.ts);
 *   - after (units): a desired `after:` the graph does not hold (desired-after.ts).
 * All four read one graph built the way systemd builds it (graph.ts).
 */
import type { RoleSpec } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { NodeState } from '../../model/state';
import { bootHangs } from './boot-hang';
import { desiredAfter } from './desired-after';
import { failoverAtBoot } from './failover-at-boot';
import type { BootContext } from './finding';
import { bootGraph } from './graph';
import { orderingCycles } from './ordering-cycle';
import { bootTransaction } from './transaction';

export { bootGraph, BootGraph } from './graph';
export type { GraphNode, OrderingEdge, PullEdge } from './graph';
export { bootTransaction, transactionOf, Transaction } from './transaction';
export { formatOrdering, formatPulls, orderingPath } from './ordering';
export { orderingKnots, shortestCycle } from './cycles';
export { bootChains } from './chain';

/** The aspect of a finding that says the analysis could not be made. */
export const BOOT_SAFETY_UNKNOWN = 'boot-safety-unknown';

/** Findings that say the analysis could not be made, as a warning rather than a silent pass. */
function cannotCheck(state: NodeState, message: string): Finding {
  return {
    category: 'units',
    key: 'units',
    kind: 'missing',
    severity: 'warning',
    aspect: BOOT_SAFETY_UNKNOWN,
    node: state.node,
    message,
  };
}

export function bootSafety(state: NodeState, spec: RoleSpec): Finding[] {
  const units = state.units;
  if (!units) {
    const error = state.errors.find((entry) => entry.collector === 'units');
    return [
      cannotCheck(
        state,
        `Boot safety of ${state.node} cannot be checked: its units were not collected${error ? ` (${error.message})` : ''}.`,
      ),
    ];
  }
  const graph = bootGraph(units);
  if (graph.defaultTarget === undefined) {
    return [
      cannotCheck(
        state,
        `Boot safety of ${state.node} cannot be checked: it has no ${units.defaultTarget ?? 'default.target'} to boot into.`,
      ),
    ];
  }
  const ctx: BootContext = { state, units, graph, boot: bootTransaction(graph) };
  return [
    ...bootHangs(ctx),
    ...failoverAtBoot(ctx, spec),
    ...orderingCycles(ctx),
    ...desiredAfter(ctx, spec),
  ];
}
