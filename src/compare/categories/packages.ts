import type { PackageRule } from '../../model/desired';
import type { PackageEntry, PackageFlag, PackagesState } from '../../model/state';
import { compareVersions, satisfies } from '../../versions';
import type { Finding, ParitySides } from '../../model/finding';
import { finding, keyedParity, sideName } from '../findings';
import type { CategoryComparator } from '../types';

/** States in which a package is on disk but not usable: an interrupted dpkg run left it so. */
const BROKEN_FLAGS: readonly PackageFlag[] = [
  'half-installed',
  'half-configured',
  'unpacked',
  'reinst-required',
  'triggers-awaited',
  'triggers-pending',
];

function brokenFlags(entry: PackageEntry): PackageFlag[] {
  return (entry.flags ?? []).filter((flag) => BROKEN_FLAGS.includes(flag));
}

/** Installed entries by package name (several when multi-arch). */
function indexByName(items: Record<string, PackageEntry>): Map<string, PackageEntry[]> {
  const index = new Map<string, PackageEntry[]>();
  for (const entry of Object.values(items)) {
    const list = index.get(entry.name);
    if (list) list.push(entry);
    else index.set(entry.name, [entry]);
  }
  return index;
}

/** A rule key is `name` (any architecture) or `name:arch`. */
function entriesForRule(
  ruleKey: string,
  byName: Map<string, PackageEntry[]>,
  items: Record<string, PackageEntry>,
): PackageEntry[] {
  if (ruleKey.includes(':')) {
    const entry = items[ruleKey];
    return entry ? [entry] : [];
  }
  return byName.get(ruleKey) ?? [];
}

function describeRule(rule: PackageRule): string {
  return 'relation' in rule ? `${rule.relation} ${rule.version}` : rule.state;
}

function driftOfRule(ruleKey: string, rule: PackageRule, installed: PackageEntry[], state: PackagesState) {
  if (rule.state === 'absent') {
    return installed.map((entry) =>
      finding({
        category: 'packages',
        key: ruleKey,
        kind: 'unexpected',
        expected: 'absent',
        actual: entry.version,
        message: `${entry.name}:${entry.arch} ${entry.version} is installed, desired absent`,
      }),
    );
  }
  if (installed.length === 0) {
    return [
      finding({
        category: 'packages',
        key: ruleKey,
        kind: 'missing',
        expected: describeRule(rule),
        message: `${ruleKey} is not installed, desired ${describeRule(rule)}`,
      }),
    ];
  }
  if (!('relation' in rule)) return [];
  return installed
    .filter((entry) => !satisfies(state.manager, entry.version, rule.relation, rule.version))
    .map((entry) =>
      finding({
        category: 'packages',
        key: ruleKey,
        kind: 'mismatch',
        expected: `${rule.relation} ${rule.version}`,
        actual: entry.version,
        message: `${entry.name}:${entry.arch} ${entry.version} does not satisfy ${rule.relation} ${rule.version}`,
      }),
    );
}

function packageLabel(entry: PackageEntry): string {
  return `${entry.name}:${entry.arch}`;
}

export const packagesComparator: CategoryComparator<'packages'> = {
  category: 'packages',
  hasRules: (spec) => Object.keys(spec.packages).length > 0,

  drift(spec, state) {
    const byName = indexByName(state.items);
    const findings = Object.entries(spec.packages).flatMap(([ruleKey, rule]) =>
      driftOfRule(ruleKey, rule, entriesForRule(ruleKey, byName, state.items), state),
    );
    // An interrupted dpkg run is drift whatever the roles say: the package is not usable.
    for (const entry of Object.values(state.items)) {
      const flags = brokenFlags(entry);
      if (flags.length === 0) continue;
      findings.push(
        finding({
          category: 'packages',
          key: packageLabel(entry),
          kind: 'unsafe',
          actual: entry.status,
          message: `${packageLabel(entry)} ${entry.version} is ${flags.join(', ')} (an interrupted package run; finish it with dpkg --configure -a or reinstall)`,
        }),
      );
    }
    return findings;
  },

  parity(first, second, ctx) {
    if (first.manager !== second.manager) {
      return [
        finding({
          category: 'packages',
          key: '(manager)',
          kind: 'mismatch',
          expected: first.manager,
          actual: second.manager,
          message: `package managers differ: ${first.manager} on ${sideName(ctx.sides.first)}, ${second.manager} on ${sideName(ctx.sides.second)}`,
        }),
      ];
    }
    return keyedParity('packages', first.items, second.items, ctx, {
      describe: (key, entry) => `${key} ${entry.version}`,
      recorded: (entry) => entry.version,
      ignoredToo: (_key, entry) => ctx.ignored(entry.name),
      compare: (key, a, b) => versionParity(first.manager, key, a, b, ctx.sides),
    });
  },
};

function versionParity(
  manager: PackagesState['manager'],
  key: string,
  a: PackageEntry,
  b: PackageEntry,
  sides: ParitySides,
): Finding[] {
  if (a.version === b.version) return [];
  const order = compareVersions(manager, a.version, b.version);
  const newer = order > 0 ? sides.first : sides.second;
  return [
    finding({
      category: 'packages',
      key,
      kind: 'mismatch',
      side: order === 0 ? 'different' : order > 0 ? 'newer-first' : 'newer-second',
      severity: order === 0 ? 'info' : 'error',
      expected: a.version,
      actual: b.version,
      message:
        order === 0
          ? `${key} versions are spelled differently but compare equal: ${a.version} vs ${b.version}`
          : `${key} newer on ${sideName(newer)}: ${a.version} on ${sides.first.node}, ${b.version} on ${sides.second.node}`,
    }),
  ];
}
