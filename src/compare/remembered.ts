/**
 * Comparisons remembered while both their inputs live — for inputs that cannot change (frozen):
 * parity of two category values, drift of a value from a node's rules. A server keeps a node's
 * parsed contents by hash (src/store/parsed-contents.ts) and each node's rules per desired state
 * (effectiveSpec), both frozen, and compares the same ones again and again: the node's
 * evaluation after each report, the pair's readiness, the fixes that readiness plans, the
 * monitor's round every minute. Anything not frozen is compared every time, as before: the
 * result depends only on the arguments, so remembering it changes nothing but the time taken.
 */
import type { Finding } from '../model/finding';
import { deepFreeze } from '../shared/deep-freeze';

const results = new WeakMap<object, WeakMap<object, Map<string, readonly Finding[]>>>();

/**
 * `compare()`, or what it gave before for the same `first`, `second` and `context` (a string
 * that holds everything else the comparison reads). Findings given back are frozen: they are
 * shared by every caller.
 */
export function remembered(
  first: object,
  second: object,
  context: string,
  compare: () => Finding[],
): readonly Finding[] {
  if (!Object.isFrozen(first) || !Object.isFrozen(second)) return compare();
  let bySecond = results.get(first);
  if (!bySecond) results.set(first, (bySecond = new WeakMap()));
  let byContext = bySecond.get(second);
  if (!byContext) bySecond.set(second, (byContext = new Map()));
  let findings = byContext.get(context);
  if (!findings) byContext.set(context, (findings = deepFreeze(compare())));
  return findings;
}
