import { optionWords } from '../../collect/parsers/fstab';
import type { MountRule } from '../../model/desired';
import type { Finding, ParitySides } from '../../model/finding';
import type { FstabEntry, MountsState } from '../../model/state';
import { finding, formatList, keyedParity, listDifference, sideName } from '../findings';
import type { CategoryComparator } from '../types';

/** `/srv/pypi/` and `/srv/pypi` are the same mount point. */
function normalizeMountPoint(mountPoint: string): string {
  return mountPoint.length > 1 ? mountPoint.replace(/\/+$/, '') : mountPoint;
}

/**
 * fstab entries keyed by mount point. Swap areas have no mount point (`none`) and each node's
 * swap is its own disk, so they are keyed by their place among the swap lines (`swap #1`).
 * When a mount point appears twice the later line wins, as it does for mount(8) and systemd.
 */
export function fstabByMountPoint(mounts: MountsState): Record<string, FstabEntry> {
  const byKey: Record<string, FstabEntry> = {};
  let swaps = 0;
  for (const entry of mounts.fstab) {
    const key = entry.vfstype === 'swap' ? `swap #${++swaps}` : normalizeMountPoint(entry.file);
    byKey[key] = entry;
  }
  return byKey;
}

/**
 * Tags that name a filesystem by an identifier generated for that very disk. Two nodes never
 * share a disk UUID, so `UUID=a…` on one and `UUID=b…` on the other is the same definition —
 * while `/dev/drbd0` against `/dev/sdb1` is not. Labels are chosen by people and compared.
 */
const NODE_LOCAL_TAGS = ['UUID=', 'PARTUUID=', '/dev/disk/by-uuid/', '/dev/disk/by-partuuid/'];

/** The tag (`UUID=` …) when a device is named by an identifier of one disk of one machine. */
export function nodeLocalTag(device: string): string | undefined {
  return NODE_LOCAL_TAGS.find((prefix) => device.startsWith(prefix));
}

function sameDevice(a: string, b: string): boolean {
  if (a === b) return true;
  const tag = nodeLocalTag(a);
  return tag !== undefined && b.startsWith(tag);
}

function driftOfMount(
  mountPoint: string,
  rule: MountRule,
  entry: FstabEntry | undefined,
  mounts: MountsState,
): Finding[] {
  const base = { category: 'mounts' as const, key: mountPoint };
  if (!entry) {
    return [
      finding({
        ...base,
        kind: 'missing',
        expected: { device: rule.device, fstype: rule.fstype, options: rule.options },
        message: `${mountPoint} has no fstab entry`,
      }),
    ];
  }
  const where = `fstab line ${entry.line}`;
  const findings: Finding[] = [];
  if (rule.device !== undefined && entry.spec !== rule.device) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'device',
        expected: rule.device,
        actual: entry.spec,
        message: `${mountPoint} mounts ${entry.spec}, desired ${rule.device} (${where})`,
      }),
    );
  }
  if (rule.fstype !== undefined && entry.vfstype !== rule.fstype) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'fstype',
        expected: rule.fstype,
        actual: entry.vfstype,
        message: `${mountPoint} is ${entry.vfstype}, desired ${rule.fstype} (${where})`,
      }),
    );
  }
  const absent = rule.options.filter((option) => !entry.options.includes(option));
  if (absent.length > 0) {
    findings.push(
      finding({
        ...base,
        kind: 'mismatch',
        aspect: 'options',
        expected: rule.options,
        actual: entry.options,
        message: `${mountPoint} lacks option${absent.length > 1 ? 's' : ''} ${absent.join(', ')} (${where}: ${entry.options.join(',')})`,
      }),
    );
  }
  if (rule.failover && entry.parsed.auto) {
    findings.push(
      finding({
        ...base,
        kind: 'unsafe',
        expected: 'noauto',
        actual: entry.options,
        message: `${mountPoint} moves with the primary but would be mounted at boot: add noauto (${where})`,
      }),
    );
  }
  const mounted = mounts.live.some((m) => m.mountPoint === normalizeMountPoint(mountPoint));
  if (!rule.failover && mounts.live.length > 0 && !mounted) {
    findings.push(
      finding({
        ...base,
        kind: 'missing',
        aspect: 'live',
        severity: 'warning',
        expected: 'mounted',
        actual: 'not mounted',
        message: `${mountPoint} is defined but not mounted`,
      }),
    );
  }
  return findings;
}

function describeEntry(entry: FstabEntry): string {
  return `${entry.spec} ${entry.file} ${entry.vfstype} ${entry.options.join(',')}`;
}

function compareEntries(key: string, a: FstabEntry, b: FstabEntry, sides: ParitySides): Finding[] {
  const differences: string[] = [];
  if (!sameDevice(a.spec, b.spec)) differences.push(`device ${a.spec} vs ${b.spec}`);
  if (a.vfstype !== b.vfstype) differences.push(`type ${a.vfstype} vs ${b.vfstype}`);
  const options = listDifference(optionWords(a), optionWords(b));
  if (options.onlyA.length)
    differences.push(`options only on ${sideName(sides.first)}: ${formatList(options.onlyA)}`);
  if (options.onlyB.length)
    differences.push(`options only on ${sideName(sides.second)}: ${formatList(options.onlyB)}`);
  if (a.passno !== b.passno) differences.push(`fsck pass ${a.passno} vs ${b.passno}`);
  if (differences.length === 0) return [];
  return [
    finding({
      category: 'mounts',
      key,
      kind: 'mismatch',
      side: 'different',
      expected: describeEntry(a),
      actual: describeEntry(b),
      message: `${key} fstab entries differ: ${differences.join('; ')} (lines ${a.line} and ${b.line})`,
    }),
  ];
}

export const mountsComparator: CategoryComparator<'mounts'> = {
  category: 'mounts',
  hasRules: (spec) => Object.keys(spec.mounts).length > 0,

  drift(spec, mounts) {
    const entries = fstabByMountPoint(mounts);
    return Object.entries(spec.mounts).flatMap(([mountPoint, rule]) =>
      driftOfMount(mountPoint, rule, entries[normalizeMountPoint(mountPoint)], mounts),
    );
  },

  /** fstab definitions only: live mounts differ by design between an active and a passive node. */
  parity(first, second, ctx) {
    return keyedParity('mounts', fstabByMountPoint(first), fstabByMountPoint(second), ctx, {
      describe: (key, entry) => `${key} (fstab: ${describeEntry(entry)})`,
      recorded: describeEntry,
      compare: (key, a, b) => compareEntries(key, a, b, ctx.sides),
    });
  },
};
