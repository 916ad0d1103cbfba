/**
 * Builders for NodeStates and role specs in unit tests of the pure engine: a small, readable
 * state per test instead of a fixture file, with only the categories the test is about.
 */
import type { MountRule, RoleSpec, UnitRule } from '../../src/model/desired';
import type { CategoryValues, FstabEntry, NodeState, PackageEntry, UnitInfo } from '../../src/model/state';
import { emptyUnitDependencies, STATE_SCHEMA_ID } from '../../src/model/state';
import { parseFstab } from '../../src/collect/parsers/fstab';

export function state(node: string, values: Partial<CategoryValues> = {}): NodeState {
  return {
    schema: STATE_SCHEMA_ID,
    node,
    collectedAt: '2026-11-22T10:00:00.000Z',
    errors: [],
    hashes: {},
    ...values,
  };
}

export function spec(parts: Partial<RoleSpec> = {}): RoleSpec {
  return { packages: {}, sysctls: {}, mounts: {}, units: {}, files: {}, users: {}, ...parts };
}

export function dpkg(
  ...entries: [name: string, version: string, extra?: Partial<PackageEntry>][]
): CategoryValues['packages'] {
  const items: Record<string, PackageEntry> = {};
  for (const [name, version, extra] of entries) {
    const entry: PackageEntry = { name, arch: 'amd64', version, status: 'install ok installed', ...extra };
    items[`${entry.name}:${entry.arch}`] = entry;
  }
  return { manager: 'dpkg', items };
}

/** One fstab line, parsed by the real parser, as line `line` of the file. */
export function fstab(
  line: number,
  spec: string,
  file: string,
  vfstype: string,
  options: string,
): FstabEntry {
  const text = `${'\n'.repeat(line - 1)}${spec} ${file} ${vfstype} ${options} 0 2\n`;
  const [entry] = parseFstab(text).entries;
  if (!entry) throw new Error(`not an fstab line: ${text}`);
  return entry;
}

export function mountRule(rule: Partial<MountRule>): MountRule {
  return { options: [], failover: false, ...rule };
}

export function unitRule(rule: Partial<UnitRule>): UnitRule {
  return { after: [], ...rule };
}

export function unit(name: string, extra: Partial<UnitInfo> = {}): UnitInfo {
  return {
    name,
    type: name.slice(name.lastIndexOf('.') + 1),
    path: `/lib/systemd/system/${name}`,
    dropIns: [],
    masked: false,
    enablement: 'enabled',
    defaultDependencies: true,
    ...emptyUnitDependencies(),
    ...extra,
  };
}

export function units(...list: UnitInfo[]): CategoryValues['units'] {
  return { items: Object.fromEntries(list.map((u) => [u.name, u])) };
}
