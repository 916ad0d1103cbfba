import type { UnitRule } from '../../model/desired';
import type { Finding, ParitySides } from '../../model/finding';
import type { UnitDependencies, UnitEnablement, UnitInfo, UnitsState } from '../../model/state';
import { UNIT_ORDERING_LISTS } from '../../model/state';
import { finding, formatList, keyedParity, listDifference, sideName } from '../findings';
import type { CategoryComparator } from '../types';

/** Enablement states in which the unit starts at boot (or whenever what pulls it in starts). */
const STARTS: ReadonlySet<UnitEnablement> = new Set<UnitEnablement>([
  'enabled',
  'enabled-runtime',
  'static',
  'indirect',
  'generated',
  'alias',
  'linked',
  'linked-runtime',
]);

const MASKED: ReadonlySet<UnitEnablement> = new Set<UnitEnablement>(['masked', 'masked-runtime']);

/** Parity compares the ordering lists; [Install] sections show up as enablement. */
const DEPENDENCY_LISTS = UNIT_ORDERING_LISTS;

function driftOfUnit(name: string, rule: UnitRule, unit: UnitInfo | undefined): Finding[] {
  const base = { category: 'units' as const, key: name };
  if (!unit) {
    // Absent is what "disabled" and "not masked" ask for anyway.
    if (rule.enabled !== true && rule.masked !== true && rule.after.length === 0) return [];
    return [
      finding({
        ...base,
        kind: 'missing',
        expected: rule.masked ? 'masked' : 'enabled',
        message: `${name} does not exist on the node`,
      }),
    ];
  }
  const findings: Finding[] = [];
  const masked = unit.masked || MASKED.has(unit.enablement);
  if (rule.masked === true && !masked) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'masked',
        expected: 'masked',
        actual: unit.enablement,
        message: `${name} is ${unit.enablement}, desired masked`,
      }),
    );
  }
  if (rule.masked === false && masked) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'masked',
        expected: 'not masked',
        actual: unit.enablement,
        message: `${name} is masked`,
      }),
    );
  }
  if (rule.enabled === true && (masked || !STARTS.has(unit.enablement))) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'enablement',
        expected: 'enabled',
        actual: unit.enablement,
        message: `${name} is ${unit.enablement}, desired enabled`,
      }),
    );
  }
  if (rule.enabled === false && (unit.enablement === 'enabled' || unit.enablement === 'enabled-runtime')) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'enablement',
        expected: 'disabled',
        actual: unit.enablement,
        message: `${name} is ${unit.enablement}, desired disabled`,
      }),
    );
  }
  const unordered = rule.after.filter((other) => !unit.after.includes(other));
  if (unordered.length > 0) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'after',
        expected: { after: rule.after },
        actual: { after: unit.after },
        message: `${name} is not ordered after ${unordered.join(', ')} (After=${formatList(unit.after)})`,
      }),
    );
  }
  return findings;
}

function compareUnits(name: string, a: UnitInfo, b: UnitInfo, sides: ParitySides): Finding[] {
  const findings: Finding[] = [];
  if (a.enablement !== b.enablement) {
    findings.push(
      finding({
        category: 'units',
        key: name,
        kind: 'mismatch',
        side: 'different',
        aspect: 'enablement',
        expected: a.enablement,
        actual: b.enablement,
        message: `${name} is ${a.enablement} on ${sideName(sides.first)}, ${b.enablement} on ${sideName(sides.second)}`,
      }),
    );
  }
  const differences = DEPENDENCY_LISTS.flatMap((list) => {
    const { onlyA, onlyB } = listDifference(a[list], b[list]);
    if (onlyA.length === 0 && onlyB.length === 0) return [];
    const parts = [];
    if (onlyA.length) parts.push(`${formatList(onlyA)} only on ${sideName(sides.first)}`);
    if (onlyB.length) parts.push(`${formatList(onlyB)} only on ${sideName(sides.second)}`);
    return [`${capitalize(list)}= ${parts.join('; ')}`];
  });
  if (differences.length > 0) {
    findings.push(
      finding({
        category: 'units',
        key: name,
        kind: 'mismatch',
        side: 'different',
        aspect: 'ordering',
        expected: pickLists(a),
        actual: pickLists(b),
        message: `${name} ordering differs: ${differences.join('; ')}`,
      }),
    );
  }
  return findings;
}

function capitalize(list: string): string {
  return list.charAt(0).toUpperCase() + list.slice(1);
}

function pickLists(unit: UnitInfo): Partial<UnitDependencies> {
  const picked: Partial<UnitDependencies> = {};
  for (const list of DEPENDENCY_LISTS) if (unit[list].length) picked[list] = unit[list];
  return picked;
}

/**
 * The units as configured: without the units systemd-fstab-generator makes, and without the
 * links the generator adds to targets for them (swap.target requiring
 * `dev-disk-by\x2duuid-….swap`). Those mirror fstab, which the mounts category compares with
 * node-local disk ids understood. An ordering an operator wrote against a generated unit
 * (`After=srv-pypi.mount`) is kept. Transient units are left out too: logind makes one for every
 * login (`session-7.scope`, `user-0.slice`) and `systemd-run` for every command it runs — an
 * operator logged in on the primary, or the sweep's own SSH session, is not a difference that
 * makes the secondary unready.
 */
function configuredUnits(units: UnitsState): Record<string, UnitInfo> {
  const linkedByGenerator = new Map<string, Set<string>>();
  for (const unit of Object.values(units.items)) {
    if (!unit.generatedBy) continue;
    for (const target of [...unit.wantedByLinks, ...unit.requiredByLinks]) {
      const linked = linkedByGenerator.get(target) ?? new Set<string>();
      linked.add(unit.name);
      linkedByGenerator.set(target, linked);
    }
  }
  const kept: Record<string, UnitInfo> = {};
  for (const [name, unit] of Object.entries(units.items)) {
    if (unit.generatedBy || unit.enablement === 'transient') continue;
    const generatedLinks = linkedByGenerator.get(name);
    kept[name] = generatedLinks
      ? {
          ...unit,
          wants: unit.wants.filter((other) => !generatedLinks.has(other)),
          requires: unit.requires.filter((other) => !generatedLinks.has(other)),
        }
      : unit;
  }
  return kept;
}

export const unitsComparator: CategoryComparator<'units'> = {
  category: 'units',
  hasRules: (spec) => Object.keys(spec.units).length > 0,

  drift(spec, units) {
    return Object.entries(spec.units).flatMap(([name, rule]) => driftOfUnit(name, rule, units.items[name]));
  },

  parity(first, second, ctx) {
    return keyedParity('units', configuredUnits(first), configuredUnits(second), ctx, {
      describe: (name, unit) => `${name} (${unit.enablement})`,
      recorded: (unit) => unit.enablement,
      compare: (name, a, b) => compareUnits(name, a, b, ctx.sides),
    });
  },
};
