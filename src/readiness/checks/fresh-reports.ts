import type { ReadinessFinding } from '../../model/readiness';
import type { NodeState } from '../../model/state';
import { formatDuration } from '../../shared/format';
import { MAX_CLOCK_SKEW_MS, msAhead } from '../../shared/time';
import type { ReadinessCheck, ReadinessContext } from '../types';

/**
 * How old a state is by this clock. A state stamped ahead of it counts as collected now: its
 * age is never judged on a time ahead of this clock. Stamped further ahead than a node's clock
 * may be (MAX_CLOCK_SKEW_MS), its age cannot be told at all: undefined.
 */
function age(state: NodeState, now: Date): number | undefined {
  const ahead = msAhead(state.collectedAt, now);
  if (ahead > MAX_CLOCK_SKEW_MS) return undefined;
  return Math.max(0, -ahead);
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
      if (elapsed === undefined) {
        const ahead = msAhead(side.state.collectedAt, ctx.now);
        findings.push({
          ...base,
          kind: 'mismatch',
          expected: `collected before ${ctx.now.toISOString()}`,
          actual: side.state.collectedAt,
          message: `the ${side.role} ${side.node}'s latest state is stamped ${side.state.collectedAt}, ${formatDuration(ahead)} ahead of this clock (${ctx.now.toISOString()}): its clock is wrong, and how old the state is cannot be told`,
        });
        continue;
      }
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
