import type { Desired, PairDecl, RoleSpec } from '../model/desired';
import type { CheckResult, ProbeResult, ReadinessCheckId, ReadinessFinding } from '../model/readiness';
import type { NodeState } from '../model/state';

/** Everything a readiness evaluation looks at; no I/O happens inside `readiness()`. */
export interface ReadinessInput {
  pair: PairDecl;
  desired: Desired;
  /** Latest known states; a node that never reported is undefined. */
  primary?: NodeState;
  secondary?: NodeState;
  now: Date;
  /** Results of the declared reachability probes, run by the caller; undefined = not run. */
  probes?: ProbeResult[];
}

/** The input with what several checks need worked out once. */
export interface ReadinessContext extends ReadinessInput {
  primarySpec: RoleSpec;
  secondarySpec: RoleSpec;
}

export interface ReadinessCheck {
  id: ReadinessCheckId;
  evaluate(ctx: ReadinessContext): Omit<CheckResult, 'id'>;
}

/** The status a list of findings gives: fail on any error, warn on any warning, else pass. */
export function statusOf(findings: readonly ReadinessFinding[]): CheckResult['status'] {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

/** A check result from its findings and the words for each outcome. */
export function resultOf(
  findings: ReadinessFinding[],
  words: { pass: string; fail: (n: number) => string; warn?: (n: number) => string },
): Omit<CheckResult, 'id'> {
  const status = statusOf(findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  // A failure counts its errors; warnings beside them are said apart ("1 cause", not "2 causes"
  // for one cause and one node that could not be checked).
  const alsoWarned = warnings > 0 ? `, and ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '';
  const summary =
    status === 'pass'
      ? words.pass
      : status === 'fail'
        ? `${words.fail(errors)}${alsoWarned}`
        : (words.warn ?? words.fail)(warnings);
  return { status, summary, findings };
}
