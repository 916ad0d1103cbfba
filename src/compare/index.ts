/**
 * The compare engine (DESIGN §7): pure functions from desired rules and node states to findings.
 * No I/O, no clock: everything it needs comes in as arguments.
 */
import type { IgnoreRules, RoleSpec } from '../model/desired';
import type { Finding, ParitySides } from '../model/finding';
import { NOT_COLLECTED } from '../model/finding';
import type { Category, CategoryValues, NodeState } from '../model/state';
import { CATEGORIES } from '../model/state';
import { filesComparator } from './categories/files';
import { mountsComparator } from './categories/mounts';
import { packagesComparator } from './categories/packages';
import { sysctlsComparator } from './categories/sysctls';
import { capacityComparator, osComparator } from './categories/system';
import { unitsComparator } from './categories/units';
import { usersComparator } from './categories/users';
import { withBuiltInIgnores } from './built-in-ignores';
import { finding, sideName } from './findings';
import { ignoreMatcher } from './ignore';
import { remembered } from './remembered';
import type { CategoryComparator } from './types';

export { ignoreMatcher } from './ignore';
export { normalizeSysctlValue, persistedFor } from './categories/sysctls';
export { fstabByMountPoint, nodeLocalTag } from './categories/mounts';

type ComparatorTable = { [C in Category]?: CategoryComparator<C> };

/** One comparator per category; replication has none (its health is a readiness check). */
export const comparators: ComparatorTable = {
  os: osComparator,
  capacity: capacityComparator,
  packages: packagesComparator,
  mounts: mountsComparator,
  units: unitsComparator,
  sysctls: sysctlsComparator,
  files: filesComparator,
  users: usersComparator,
};

function comparatorOf<C extends Category>(category: C): CategoryComparator<C> | undefined {
  return comparators[category] as CategoryComparator<C> | undefined;
}

function collectorError(state: NodeState, category: Category): string | undefined {
  return state.errors.find((error) => error.collector === category)?.message;
}

function notCollected(category: Category, state: NodeState, severity: Finding['severity']): Finding {
  const reason = collectorError(state, category);
  return finding({
    category,
    key: NOT_COLLECTED,
    kind: 'missing',
    severity,
    message: `${category} of ${state.node} were not collected${reason ? `: ${reason}` : ''}`,
  });
}

/** How a node differs from what its roles ask. Findings carry the node's name. */
export function drift(spec: RoleSpec, state: NodeState): Finding[] {
  const findings: Finding[] = [];
  for (const category of CATEGORIES) {
    const comparator = comparatorOf(category);
    if (!comparator?.drift || !comparator.hasRules?.(spec)) continue;
    const value = state[category] as CategoryValues[typeof category] | undefined;
    if (value === undefined) {
      // Unknown is not clean: the roles ask something we cannot see.
      findings.push(notCollected(category, state, 'error'));
      continue;
    }
    const compare = () => (comparator.drift as (s: RoleSpec, v: typeof value) => Finding[])(spec, value);
    findings.push(...remembered(spec, value, category, compare));
  }
  return findings.map((result) => ({ ...result, node: state.node }));
}

export interface ParityOptions {
  /** Labels for the two sides: `primary`/`secondary` for a pair, the node names otherwise. */
  labels?: { first: string; second: string };
  /** The pair's ignore globs; the built-in ones (BUILT_IN_PARITY_IGNORE) always apply too. */
  ignore?: IgnoreRules;
  /** Only these categories (default: all that have a comparator). */
  categories?: readonly Category[];
  /**
   * Two states of the same node (then and now) rather than two nodes: the built-in ignores,
   * which exist because two nodes differ by identity, do not apply.
   */
  sameNode?: boolean;
}

/** How two nodes differ, category by category, in Spacewalk's words (only on …, newer on …). */
export function parity(first: NodeState, second: NodeState, options: ParityOptions = {}): Finding[] {
  const sides: ParitySides = {
    first: { node: first.node, label: options.labels?.first ?? first.node },
    second: { node: second.node, label: options.labels?.second ?? second.node },
  };
  const ignore = options.sameNode ? (options.ignore ?? {}) : withBuiltInIgnores(options.ignore);
  const findings: Finding[] = [];
  for (const category of options.categories ?? CATEGORIES) {
    const comparator = comparatorOf(category);
    if (!comparator?.parity) continue;
    const a = first[category] as CategoryValues[typeof category] | undefined;
    const b = second[category] as CategoryValues[typeof category] | undefined;
    if (a === undefined || b === undefined) {
      if (a !== undefined || b !== undefined) {
        const missingOn = a === undefined ? first : second;
        findings.push({
          ...notCollected(category, missingOn, 'warning'),
          message: `${category} cannot be compared: not collected on ${sideName(a === undefined ? sides.first : sides.second)}`,
        });
      }
      continue;
    }
    const patterns = ignore[category];
    const compare = () =>
      (comparator.parity as (x: typeof a, y: typeof b, c: object) => Finding[])(a, b, {
        sides,
        ignored: ignoreMatcher(patterns),
      });
    findings.push(...remembered(a, b, JSON.stringify([category, sides, patterns ?? []]), compare));
  }
  return findings;
}

/** Findings that make `check`/`diff` exit 1: anything above info. */
export function isActionable(result: Finding): boolean {
  return result.severity !== 'info';
}
