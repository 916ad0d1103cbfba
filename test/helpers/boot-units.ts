/**
 * Unit tables for unit tests of the boot-safety rules (src/readiness/boot-safety): Debian 12's
 * boot targets, abridged to the dependencies that order a boot, and the mount unit
 * systemd-fstab-generator makes of one fstab line, written out from the documented rules — not
 * from the collector — so that a test's expectation can be read off the rules:
 *   - systemd-fstab-generator(8), systemd.mount(5): a line without noauto is linked into the
 *     target's `.requires/` (`.wants/` with nofail); the target is remote-fs.target for `_netdev`
 *     or a network file system, else local-fs.target; the unit has `Before=` that target unless
 *     nofail; `x-systemd.requires=X` is `Requires=X`+`After=X`, `x-systemd.after=`/`before=` are
 *     `After=`/`Before=`;
 *   - systemd.mount(5), AUTOMATIC DEPENDENCIES (added by PID 1, kept in `implicit`): the backing
 *     device (`Requires=`+`After=dev-….device`, not for bind mounts), `After=local-fs-pre.target`
 *     (network: `After=network.target network-online.target remote-fs-pre.target`,
 *     `Wants=network-online.target`), `Before=` the target unless nofail, `Before=`+`Conflicts=`
 *     umount.target.
 * The generator's `After=blockdev@….target` and fsck lines are left out: these nodes have no
 * such units, and an ordering on a unit that does not exist orders nothing.
 */
import type { FstabEntry, UnitInfo, UnitsState } from '../../src/model/state';
import type { BootContext } from '../../src/readiness/boot-safety/finding';
import { bootGraph } from '../../src/readiness/boot-safety/graph';
import { bootTransaction } from '../../src/readiness/boot-safety/transaction';
import { state, unit, units } from './states';
import type { CategoryValues, NodeState } from '../../src/model/state';

/** Debian 12's boot targets as far as they order a boot (systemd.special(7), bootup(7)). */
export function debianTargets(): UnitInfo[] {
  const target = (name: string, extra: Partial<UnitInfo> = {}): UnitInfo =>
    unit(name, { type: 'target', ...extra });
  return [
    target('multi-user.target', {
      requires: ['basic.target'],
      after: ['basic.target'],
    }),
    target('basic.target', {
      requires: ['sysinit.target'],
      wants: ['sockets.target', 'timers.target', 'paths.target', 'slices.target'],
      after: ['sysinit.target', 'sockets.target', 'paths.target', 'slices.target'],
    }),
    target('sysinit.target', {
      defaultDependencies: false,
      wants: ['local-fs.target', 'swap.target'],
      after: ['local-fs.target', 'swap.target'],
    }),
    target('local-fs.target', {
      defaultDependencies: false,
      after: ['local-fs-pre.target'],
      // OnFailure=emergency.target is not a dependency that orders or pulls.
    }),
    target('local-fs-pre.target', { defaultDependencies: false }),
    target('remote-fs.target', { after: ['remote-fs-pre.target'], wantedByLinks: ['multi-user.target'] }),
    target('remote-fs-pre.target'),
    target('network.target'),
    target('network-online.target', { requires: ['network.target'], after: ['network.target'] }),
    target('swap.target', { defaultDependencies: false }),
    target('sockets.target', { defaultDependencies: false }),
    target('timers.target', { defaultDependencies: false }),
    target('paths.target', { defaultDependencies: false }),
    target('slices.target', { defaultDependencies: false }),
    target('umount.target', { defaultDependencies: false }),
    target('shutdown.target', { defaultDependencies: false }),
  ];
}

/** systemd-escape --path for paths of letters, digits, `-`, `.`, `_`, `:` and `/`: `-` is `\x2d`, `/` is `-`. */
function escapePath(path: string): string {
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/-/g, '\\x2d'))
    .join('-');
}

/** `/srv/pypi` → `srv-pypi.mount`. */
export function mountNameOf(where: string): string {
  return where === '/' ? '-.mount' : `${escapePath(where)}.mount`;
}

/** `/dev/drbd0` → `dev-drbd0.device`. */
export function deviceNameOf(what: string): string {
  return `${escapePath(what)}.device`;
}

const NETWORK_TYPES = new Set(['nfs', 'nfs4', 'cifs']);

/** The mount unit the generator makes of `entry`, by the rules in the file comment. */
export function fstabMount(entry: FstabEntry): UnitInfo {
  const words = entry.options;
  const last = (yes: string, no: string): boolean =>
    words.reduce((value, word) => (word === yes ? true : word === no ? false : value), false);
  const noauto = last('noauto', 'auto');
  const nofail = last('nofail', 'fail');
  const network = words.includes('_netdev') || NETWORK_TYPES.has(entry.vfstype);
  const target = network ? 'remote-fs.target' : 'local-fs.target';
  const values = (name: string): string[] =>
    words.filter((word) => word.startsWith(`${name}=`)).map((word) => word.slice(name.length + 1));
  const what = entry.spec.startsWith('UUID=') ? `/dev/disk/by-uuid/${entry.spec.slice(5)}` : entry.spec;
  const bind = words.includes('bind') || words.includes('rbind');
  const device = what.startsWith('/dev/') && !bind ? [deviceNameOf(what)] : [];
  const xRequires = values('x-systemd.requires');
  const implicitAfter = network
    ? ['network.target', 'network-online.target', 'remote-fs-pre.target']
    : ['local-fs-pre.target'];
  const mount: NonNullable<UnitInfo['mount']> = { what, where: entry.file };
  if (entry.vfstype !== 'auto') mount.type = entry.vfstype;
  const options = words.join(',');
  if (options !== '' && options !== 'defaults') mount.options = options;
  return unit(mountNameOf(entry.file), {
    path: `/run/systemd/generator/${mountNameOf(entry.file)}`,
    enablement: 'generated',
    generatedBy: 'systemd-fstab-generator',
    fstabLine: entry.line,
    mount,
    after: [...xRequires, ...values('x-systemd.after')],
    before: [...values('x-systemd.before'), ...(nofail ? [] : [target])],
    requires: xRequires,
    requiredByLinks: noauto || nofail ? [] : [target],
    wantedByLinks: noauto || !nofail ? [] : [target],
    implicit: {
      after: [...device, ...implicitAfter],
      before: [...(nofail ? [] : [target]), 'umount.target'],
      ...(device.length > 0 ? { requires: device } : {}),
      ...(network ? { wants: ['network-online.target'] } : {}),
      conflicts: ['umount.target'],
    },
  });
}

/** A unit table: Debian's targets (replaced by any of `list` of the same name) and `list`. */
export function bootUnits(...list: UnitInfo[]): UnitsState {
  const given = new Set(list.map((u) => u.name));
  const table = units(...debianTargets().filter((u) => !given.has(u.name)), ...list);
  table.defaultTarget = 'multi-user.target';
  return table;
}

/** What every rule works from, for a node with these units and other categories. */
export function bootContext(table: UnitsState, values: Partial<CategoryValues> = {}): BootContext {
  const node: NodeState = state('pypi-1', { units: table, ...values });
  const graph = bootGraph(table);
  return { state: node, units: table, graph, boot: bootTransaction(graph) };
}
