import { NOT_COLLECTED } from '../../model/finding';
import type { NodeState } from '../../model/state';
import { bootSafety as analyse } from '../boot-safety';
import type { ReadinessCheck } from '../types';
import { resultOf } from '../types';

/**
 * Would either node hang or loop at its next boot? Both: the PyPI 2013 primary hung mounting
 * its DRBD device, and a failover is often followed by a reboot of the old primary.
 */
export const bootSafety: ReadinessCheck = {
  id: 'boot-safety',
  evaluate(ctx) {
    const nodes = [
      { state: ctx.primary, spec: ctx.primarySpec },
      { state: ctx.secondary, spec: ctx.secondarySpec },
    ].filter((n): n is { state: NodeState; spec: typeof n.spec } => n.state !== undefined);
    const findings = nodes.flatMap(({ state, spec }) =>
      state.units && state.mounts
        ? analyse(state, spec)
        : [
            {
              category: 'units' as const,
              key: NOT_COLLECTED,
              kind: 'missing' as const,
              severity: 'warning' as const,
              node: state.node,
              message: `units or mounts of ${state.node} were not collected: its boot cannot be checked`,
            },
          ],
    );
    return resultOf(findings, {
      pass: 'both nodes would boot: no hang, no ordering cycle',
      fail: (n) => `a boot would hang or loop (${n} ${n === 1 ? 'cause' : 'causes'})`,
      // Warnings only: a node's boot could not be checked (one warning per node), nothing found.
      warn: (n) => `no hang or loop found, but ${n} ${n === 1 ? 'boot' : 'boots'} could not be checked`,
    });
  },
};
