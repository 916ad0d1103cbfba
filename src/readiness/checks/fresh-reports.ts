import type { ReadinessFinding } from '../../model/readiness';
import type { NodeState } from '../../model/state';
import { formatDuration } from '../../shared/format';
import type { ReadinessCheck, ReadinessContext } from '../types';

function age(state: NodeState, now: Date): number {
  return now.getTime() - Date.parse(state.collectedAt);
}

/**
 * The secondary's state must be recent: a readiness verdict on a stale state is a guess. The
 * primary may be down — that is when one fails over — so its last known state is used, with a
 * warning when it is stale.
 */
export const freshReports: ReadinessCheck = {
  id: 'fresh-reports',
  evaluate(ctx: ReadinessContext) {
    const limit = ctx.pair.readiness.maxReportAgeMs;
    const findings: ReadinessFinding[] = [];
    const sides = [
      { role: 'secondary', node: ctx.pair.secondary, state: ctx.secondary, severity: 'error' as const },
      { role: 'primary', node: ctx.pair.primary, state: ctx.primary, severity: 'warning' as const },
    ];
    for (const side of sides) {
      const base = {
        category: 'node' as const,
        key: side.node,
        node: side.node,
        severity: side.severity,
        aspect: 'report-age',
      };
      if (!side.state) {
        findings.push({
          ...base,
          kind: 'missing',
          message: `the ${side.role} ${side.node} has never reported: nothing to judge it by`,
        });
        continue;
      }
      const elapsed = age(side.state, ctx.now);
      if (elapsed > limit) {
        findings.push({
          ...base,
          kind: 'mismatch',
          expected: `≤ ${formatDuration(limit)}`,
          actual: formatDuration(elapsed),
          message:
            side.role === 'secondary'
              ? `the secondary ${side.node}'s latest state is ${formatDuration(elapsed)} old (collected ${side.state.collectedAt}), older than maxReportAge ${formatDuration(limit)}`
              : `the primary ${side.node}'s last known state is ${formatDuration(elapsed)} old (collected ${side.state.collectedAt}); it is used as it is`,
        });
      }
    }
    const secondaryFailed = findings.some((f) => f.severity === 'error');
    return {
      status: secondaryFailed ? 'fail' : findings.length ? 'warn' : 'pass',
      summary: secondaryFailed
        ? 'the secondary has not reported recently enough'
        : findings.length
          ? 'the secondary is fresh; the primary is not'
          : `both states are fresher than ${formatDuration(limit)}`,
      findings,
    };
  },
};
