/**
 * How much of a pair is the same, per category: parity's findings say what differs, and a person
 * comparing two nodes in an incident also wants to know how much was compared and found equal
 * ("3 differences among 412 packages", not just "3 differences").
 */
import { fstabByMountPoint, ignoreMatcher } from '../compare';
import { withBuiltInIgnores } from '../compare/built-in-ignores';
import type { ParityTally } from '../model/api';
import type { IgnoreRules } from '../model/desired';
import type { Finding } from '../model/finding';
import type { NodeState } from '../model/state';

/** The categories parity compares item by item, and each node's items as parity keys them. */
const KEYS = {
  packages: (state: NodeState) =>
    state.packages && Object.entries(state.packages.items).map(([key, entry]) => ({ key, name: entry.name })),
  mounts: (state: NodeState) => state.mounts && Object.keys(fstabByMountPoint(state.mounts)).map(plain),
  units: (state: NodeState) => state.units && Object.keys(state.units.items).map(plain),
  sysctls: (state: NodeState) =>
    state.sysctls &&
    [...new Set([...Object.keys(state.sysctls.live), ...Object.keys(state.sysctls.persisted)])].map(plain),
  files: (state: NodeState) => state.files && Object.keys(state.files.items).map(plain),
  users: (state: NodeState) =>
    state.users && [
      ...Object.keys(state.users.users).map(plain),
      ...Object.keys(state.users.groups).map((name) => plain(`group:${name}`)),
    ],
} satisfies Record<keyof ParityTally, (state: NodeState) => { key: string; name: string }[] | undefined>;

/** An item whose ignore rules match its key (packages match on the name without the arch). */
function plain(key: string): { key: string; name: string } {
  return { key, name: key };
}

/**
 * Per category: items present on both nodes and not ignored (`compared`), and those of them no
 * parity finding names (`identical`). A category not collected on either node is left out.
 */
export function parityTally(
  primary: NodeState,
  secondary: NodeState,
  ignore: IgnoreRules | undefined,
  findings: readonly Finding[],
): ParityTally {
  const rules = withBuiltInIgnores(ignore);
  const tally: ParityTally = {};
  for (const category of Object.keys(KEYS) as (keyof ParityTally)[]) {
    const first = KEYS[category](primary);
    const second = KEYS[category](secondary);
    if (!first || !second) continue;
    const ignored = ignoreMatcher(rules[category]);
    const onSecond = new Set(second.map((item) => item.key));
    const differing = new Set(findings.filter((f) => f.category === category).map((f) => f.key));
    const both = first.filter((item) => onSecond.has(item.key) && !ignored(item.name));
    tally[category] = {
      compared: both.length,
      identical: both.filter((item) => !differing.has(item.key)).length,
    };
  }
  return tally;
}
