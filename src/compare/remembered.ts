/**
 * Parity of two category values, remembered while both values live — for values that cannot
 * change (frozen). A server keeps a node's parsed contents by hash (src/store/parsed-contents.ts,
 * frozen there), and compares the same two against each other again and again: the node's
 * evaluation after each report, the pair's readiness, the fixes that readiness plans, and the
 * monitor's round every minute. Anything not frozen is compared every time, as before: the
 * result depends only on the arguments, so remembering it changes nothing but the time taken.
 */
import type { Finding } from '../model/finding';
import { deepFreeze } from '../shared/deep-freeze';

const remembered = new WeakMap<object, WeakMap<object, Map<string, readonly Finding[]>>>();

/**
 * `compare()`, or what it gave before for the same `first`, `second` and `context` (a string
 * that holds everything else the comparison reads). Findings given back are frozen: they are
 * shared by every caller.
 */
export function rememberedParity(
  first: object,
  second: object,
  context: string,
  compare: () => Finding[],
): readonly Finding[] {
  if (!Object.isFrozen(first) || !Object.isFrozen(second)) return compare();
  let bySecond = remembered.get(first);
  if (!bySecond) remembered.set(first, (bySecond = new WeakMap()));
  let byContext = bySecond.get(second);
  if (!byContext) bySecond.set(second, (byContext = new Map()));
  let findings = byContext.get(context);
  if (!findings) byContext.set(context, (findings = deepFreeze(compare())));
  return findings;
}
