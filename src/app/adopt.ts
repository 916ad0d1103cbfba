/**
 * `adopt NODE`: a desired state written from a healthy node's state, for a team that has a
 * working primary and no desired state yet (goss's `autoadd`, `puppet resource`). Pure: a state
 * in, YAML text out — a Role with what the node has, a Node that takes the role, and a Pair stub
 * in comments (its secondary is not known here).
 *
 * What is adopted, each with a comment saying where it came from:
 *   - packages installed (`present`, or `= VERSION` with pinVersions), but not versioned kernel
 *     packages (`linux-image-6.1.0-26-amd64`: the name changes with every kernel update);
 *   - units enabled or masked;
 *   - sysctls persisted in sysctl.d whose live value agrees (a rule must hold live AND persisted);
 *   - fstab mounts: type, options, and the device unless it names one node's disk (UUID=…);
 *   - the HA configuration files driftguard watches anyway, as `parity: true`.
 * What the desired state could not hold (a name its schema refuses) is left out with a comment.
 * `check NODE` against the result is clean by construction: every rule is what the node has.
 */
import { stringify } from 'yaml';
import { matchesWatchPattern } from '../collect/files/parse';
import { BUILTIN_WATCHES } from '../collect/files/watch-list';
import { namesSecret } from '../collect/files/redact';
import {
  checkAbsolutePath,
  checkFstabField,
  checkFstype,
  checkMountOption,
  checkPackageName,
  checkSysctlKey,
  checkUnitName,
} from '../desired/names';
import type { NodeState } from '../model/state';
import { byText } from '../shared/order';

export interface AdoptOptions {
  role: string;
  /** Packages as `= VERSION` instead of `present`. */
  pinVersions: boolean;
  /** Where the state came from, for the header (`examples/states`, a server URL). */
  source: string;
}

/** Kernel packages whose names carry the version: adopting one pins a kernel by its name. */
const VERSIONED_KERNEL = /^linux-(image|headers|modules|modules-extra)-\d/;

/** Mount point devices that name one node's disk: the same role on the peer would not match. */
const NODE_SPECIFIC_DEVICE = /^(UUID|PARTUUID|LABEL|PARTLABEL)=/;

/** Files whose content differs between nodes by design (built-in parity ignores). */
const DIFFERENT_BY_DESIGN = new Set(['/etc/hostname', '/etc/machine-id', '/etc/fstab']);

const ENABLED = new Set(['enabled', 'enabled-runtime']);
const MASKED = new Set(['masked', 'masked-runtime']);

/** A scalar (key or value) as YAML writes it, quoted when it must be. */
function yamlScalar(value: string | number): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

class Section {
  readonly lines: string[] = [];
  readonly left: string[] = [];

  entry(key: string, value: string, comment?: string): void {
    this.lines.push(`  ${yamlScalar(key)}: ${value}${comment ? `  # ${comment}` : ''}`);
  }

  skip(what: string, why: string): void {
    this.left.push(`  # not adopted: ${what} (${why})`);
  }

  render(name: string, header: string): string[] {
    if (this.lines.length === 0 && this.left.length === 0) return [];
    return ['', `# ${header}`, `${name}:${this.lines.length ? '' : ' {}'}`, ...this.lines, ...this.left];
  }
}

function packagesOf(state: NodeState, options: AdoptOptions): Section {
  const section = new Section();
  const byName = new Map<string, string[]>();
  for (const item of Object.values(state.packages?.items ?? {})) {
    if (item.status !== 'install ok installed' && item.status !== 'installed') continue;
    byName.set(item.name, [...(byName.get(item.name) ?? []), item.version]);
  }
  for (const [name, versions] of [...byName].sort(byText(([packageName]) => packageName))) {
    const refused = checkPackageName(name);
    if (refused) section.skip(name, refused);
    else if (VERSIONED_KERNEL.test(name)) section.skip(name, 'a kernel named by its version');
    else if (options.pinVersions && new Set(versions).size === 1)
      section.entry(name, JSON.stringify(`= ${versions[0] as string}`)); // a JSON string is a YAML one
    else section.entry(name, 'present');
  }
  return section;
}

function unitsOf(state: NodeState): Section {
  const section = new Section();
  for (const [name, unit] of Object.entries(state.units?.items ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const enabled = ENABLED.has(unit.enablement);
    const masked = unit.masked || MASKED.has(unit.enablement);
    if (!enabled && !masked) continue;
    if (unit.generatedBy) continue; // made from fstab: the mounts section covers it
    const refused = checkUnitName(name);
    if (refused) {
      section.skip(name, refused);
      continue;
    }
    section.entry(name, masked ? '{ masked: true }' : '{ enabled: true }', unit.path ?? unit.enablement);
  }
  return section;
}

function sysctlsOf(state: NodeState): Section {
  const section = new Section();
  const live = state.sysctls?.live ?? {};
  const persisted = state.sysctls?.persisted ?? {};
  for (const [key, setting] of Object.entries(persisted).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const refused = checkSysctlKey(key);
    if (refused) section.skip(key, refused);
    else if (live[key] === undefined)
      section.skip(key, `persisted in ${setting.source}, not live on the node`);
    else if (live[key] !== setting.value)
      section.skip(key, `${live[key]} live but ${setting.value} persisted in ${setting.source}`);
    else
      section.entry(
        key,
        yamlScalar(/^-?\d+$/.test(setting.value) ? Number(setting.value) : setting.value),
        setting.source,
      );
  }
  return section;
}

function mountsOf(state: NodeState): Section {
  const section = new Section();
  const live = state.mounts?.live ?? [];
  for (const entry of state.mounts?.fstab ?? []) {
    if (entry.vfstype === 'swap' || !entry.file.startsWith('/')) continue;
    const where = `fstab line ${entry.line}`;
    const refused = checkAbsolutePath(entry.file);
    if (refused) {
      section.skip(entry.file, `${refused}; ${where}`);
      continue;
    }
    // A mount rule asks for the mount to be mounted (failover mounts aside).
    if (live.length > 0 && !live.some((mount) => mount.mountPoint === entry.file)) {
      section.skip(entry.file, `${where}, not mounted: a rule would ask for it mounted`);
      continue;
    }
    const rule: string[] = [];
    if (!NODE_SPECIFIC_DEVICE.test(entry.spec) && checkFstabField(entry.spec) === undefined)
      rule.push(`device: ${yamlScalar(entry.spec)}`);
    // A list of types (`udf,iso9660`) is no one type: the rule leaves the type open.
    if (checkFstype(entry.vfstype) === undefined) rule.push(`fstype: ${yamlScalar(entry.vfstype)}`);
    const options = entry.options.filter(
      (option) =>
        option !== '' &&
        option !== 'defaults' &&
        checkMountOption(option) === undefined &&
        !namesSecret(option.split('=')[0] as string),
    );
    if (options.length) rule.push(`options: [${options.map(yamlScalar).join(', ')}]`);
    const note = NODE_SPECIFIC_DEVICE.test(entry.spec)
      ? `${where}; device ${entry.spec} is this node's own`
      : where;
    section.entry(entry.file, `{ ${rule.join(', ')} }`, note);
  }
  return section;
}

function filesOf(state: NodeState): Section {
  const section = new Section();
  for (const [path, file] of Object.entries(state.files?.items ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!file.exists || file.type !== 'file' || DIFFERENT_BY_DESIGN.has(path)) continue;
    const watch = BUILTIN_WATCHES.find((w) => matchesWatchPattern(path, [w.path]));
    if (!watch) continue;
    if (checkAbsolutePath(path)) continue;
    section.entry(
      path,
      '{ parity: true }',
      file.redacted ? `${watch.why} (its secrets redacted)` : watch.why,
    );
  }
  return section;
}

/** The desired-state YAML adopted from `state`. */
export function adoptState(state: NodeState, options: AdoptOptions): string {
  const node = state.node;
  const lines = [
    `# Desired state adopted from ${node} (${options.source}, collected ${state.collectedAt}) by driftguard adopt.`,
    '# Every rule is what the node had: review it, keep what the node must keep, and delete the rest.',
    '---',
    'kind: Role',
    `name: ${yamlScalar(options.role)}`,
    ...packagesOf(state, options).render(
      'packages',
      `Installed packages (${state.packages?.manager ?? 'none'} on ${node})${options.pinVersions ? ', pinned to their versions' : ''}.`,
    ),
    ...unitsOf(state).render(
      'units',
      `Units enabled or masked on ${node}, with the unit file each comes from.`,
    ),
    ...sysctlsOf(state).render(
      'sysctls',
      `Kernel settings persisted in sysctl.d on ${node} and live there, with the file:line that sets each.`,
    ),
    ...mountsOf(state).render(
      'mounts',
      `Mounts in ${node}'s /etc/fstab. If one moves with the primary (DRBD), add failover: true and noauto.`,
    ),
    ...filesOf(state).render(
      'files',
      `HA configuration on ${node} that must be identical on both nodes of its pair.`,
    ),
    '---',
    'kind: Node',
    `name: ${yamlScalar(node)}`,
    `roles: [${yamlScalar(options.role)}]`,
    '# ssh: { host: …, port: 22, user: root }     # for agentless collection (driftguard sweep)',
    '# probes: [{ name: bmc, tcp: "…:623" }]      # reachability, tried before a failover',
    '# ---',
    '# kind: Pair                                  # once the secondary is declared as a Node too',
    `# name: ${node}-pair`,
    `# primary: ${node}`,
    '# secondary: …',
    '# readiness: { maxReportAge: 10m }',
  ];
  return lines.join('\n') + '\n';
}
