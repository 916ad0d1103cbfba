/**
 * Dependencies systemd 252 adds to a unit when it loads it, written in no unit file — the ones
 * that decide boot order. Each rule cites the section of the man page that states it
 * ("AUTOMATIC DEPENDENCIES" of systemd.service(5), systemd.socket(5) …, systemd 252 as shipped
 * in Debian 12). What the units collector already recorded as `implicit` (mount units made by
 * systemd-fstab-generator: backing device, local-fs-pre/local-fs, remote-fs, umount.target) is
 * not repeated here.
 *
 * Left out, because a NodeState does not carry what they depend on: Type=dbus services
 * (Requires+After dbus.socket), Sockets=, Unit= of sockets/timers/paths other than the
 * same-named service, OnCalendar= timers (After time-set/time-sync.target), slices of services,
 * quota services of mounts, and the backing device of mount units written as files (their
 * What= is not collected).
 */
import { splitMountOptions } from '../../collect/parsers/fstab';
import { isNetworkMount } from '../../collect/units/fstab-generator';
import type { UnitInfo } from '../../model/state';

export interface AddedDependency {
  list: 'after' | 'before' | 'requires' | 'wants';
  unit: string;
  /** `default`: switched off by DefaultDependencies=no; `implicit`: always there. */
  reason: 'default' | 'implicit';
}

/** What the rules need to know about the rest of the node. */
export interface DependencyContext {
  /** Is there a unit of that name (so an implicit dependency on it can exist)? */
  hasUnit(name: string): boolean;
  /** The mount unit whose mount point is exactly `path`, if one is known. */
  mountUnitAt(path: string): string | undefined;
}

function add(
  out: AddedDependency[],
  reason: AddedDependency['reason'],
  lists: AddedDependency['list'][],
  unit: string,
): void {
  for (const list of lists) out.push({ list, unit, reason });
}

/** `foo.socket` → `foo.service`: the unit a socket, timer or path activates unless Unit= says otherwise. */
function activated(name: string, suffix: string): string {
  return name.slice(0, name.lastIndexOf('.')) + suffix;
}

/** The mount points above `where`, nearest first: `/srv/pypi` → `/srv`, `/`. */
function parentPaths(where: string): string[] {
  const parents: string[] = [];
  let end = where.lastIndexOf('/');
  while (end > 0) {
    parents.push(where.slice(0, end));
    end = where.lastIndexOf('/', end - 1);
  }
  if (where !== '/') parents.push('/');
  return parents;
}

/** mount.c's `mount_is_bind(p) || mount_is_loop(p) || !mount_is_network(p)`. */
function needsItsSourcePath(mount: NonNullable<UnitInfo['mount']>): boolean {
  const words = splitMountOptions(mount.options ?? '');
  const type = mount.type ?? '';
  const bind = ['bind', 'rbind'].includes(type) || words.some((w) => ['bind', 'rbind'].includes(w));
  return bind || words.includes('loop') || !isNetworkMount(words, type);
}

/**
 * The dependencies systemd adds to `unit` (named `name`: an instance name when the unit was
 * instantiated from a template) because of its type. Target units' After= on what they pull in
 * is not here: it depends on the other unit's DefaultDependencies= and on existing ordering, so
 * the graph adds it once every unit is loaded (see `addTargetOrdering`).
 */
export function typeDependencies(unit: UnitInfo, name: string, ctx: DependencyContext): AddedDependency[] {
  const out: AddedDependency[] = [];
  const defaults = unit.defaultDependencies;
  switch (unit.type) {
    case 'service':
      // systemd.service(5): "Service units will have dependencies of type Requires= and After= on
      // sysinit.target, a dependency of type After= on basic.target as well as dependencies of
      // type Conflicts= and Before= on shutdown.target."
      if (defaults) {
        add(out, 'default', ['requires', 'after'], 'sysinit.target');
        add(out, 'default', ['after'], 'basic.target');
        add(out, 'default', ['before'], 'shutdown.target');
      }
      break;
    case 'socket':
      // systemd.socket(5): "Socket units automatically gain a Before= dependency on
      // sockets.target", "a pair of After= and Requires= dependency on sysinit.target, and a pair
      // of Before= and Conflicts= dependencies on shutdown.target"; implicit: "a Before=
      // dependency on the service units they activate".
      if (defaults) {
        add(out, 'default', ['before'], 'sockets.target');
        add(out, 'default', ['requires', 'after'], 'sysinit.target');
        add(out, 'default', ['before'], 'shutdown.target');
      }
      if (ctx.hasUnit(activated(name, '.service')))
        add(out, 'implicit', ['before'], activated(name, '.service'));
      break;
    case 'timer':
      // systemd.timer(5): "Requires= and After= on sysinit.target, a dependency of type Before= on
      // timers.target, as well as Conflicts= and Before= on shutdown.target"; implicit: "a
      // Before= dependency on the service they are supposed to activate".
      if (defaults) {
        add(out, 'default', ['requires', 'after'], 'sysinit.target');
        add(out, 'default', ['before'], 'timers.target');
        add(out, 'default', ['before'], 'shutdown.target');
      }
      if (ctx.hasUnit(activated(name, '.service')))
        add(out, 'implicit', ['before'], activated(name, '.service'));
      break;
    case 'path':
      // systemd.path(5): "Before= on paths.target, dependencies of type After= and Requires= on
      // sysinit.target, and ... Conflicts= and Before= on shutdown.target"; implicit: "An
      // implicit Before= dependency is added between a path unit and the unit it is supposed to
      // activate".
      if (defaults) {
        add(out, 'default', ['before'], 'paths.target');
        add(out, 'default', ['requires', 'after'], 'sysinit.target');
        add(out, 'default', ['before'], 'shutdown.target');
      }
      if (ctx.hasUnit(activated(name, '.service')))
        add(out, 'implicit', ['before'], activated(name, '.service'));
      break;
    case 'target':
      // systemd.target(5): "Target units automatically gain Conflicts= and Before= dependencies
      // against shutdown.target" (target.c skips shutdown.target itself).
      if (defaults && name !== 'shutdown.target') add(out, 'default', ['before'], 'shutdown.target');
      break;
    case 'mount':
      mountDependencies(unit, name, ctx, out);
      break;
    case 'automount':
      // systemd.automount(5): "Before= and Conflicts= on umount.target", "After= dependency on
      // local-fs-pre.target, and a Before= dependency on local-fs.target"; implicit: "An implicit
      // Before= dependency is created between an automount unit and the mount unit it activates".
      if (defaults) {
        add(out, 'default', ['after'], 'local-fs-pre.target');
        add(out, 'default', ['before'], 'local-fs.target');
        add(out, 'default', ['before'], 'umount.target');
      }
      if (ctx.hasUnit(activated(name, '.mount'))) add(out, 'implicit', ['before'], activated(name, '.mount'));
      break;
    case 'swap':
      // systemd.swap(5): "Swap units automatically acquire a Conflicts= and a Before= dependency
      // on umount.target ... as well as a Before=swap.target dependency."
      if (defaults) {
        add(out, 'default', ['before'], 'swap.target');
        add(out, 'default', ['before'], 'umount.target');
      }
      break;
    case 'slice':
    case 'scope':
      // systemd.slice(5), systemd.scope(5): "Conflicts= and Before= on shutdown.target".
      if (defaults) add(out, 'default', ['before'], 'shutdown.target');
      break;
    default:
      // device units: "There are no default dependencies for device units" (systemd.device(5)).
      break;
  }
  return out;
}

function mountDependencies(
  unit: UnitInfo,
  name: string,
  ctx: DependencyContext,
  out: AddedDependency[],
): void {
  const where = unit.mount?.where;
  const required = new Set<string>();
  const requireMountAt = (path: string): void => {
    const other = ctx.mountUnitAt(path);
    if (other === undefined || other === name || required.has(other)) return;
    required.add(other);
    add(out, 'implicit', ['requires', 'after'], other);
  };
  // systemd.mount(5), implicit: "If a mount unit is beneath another mount unit in the file
  // system hierarchy, both a requirement dependency and an ordering dependency between both
  // units are created automatically."
  if (where !== undefined) for (const parent of parentPaths(where)) requireMountAt(parent);
  // mount.c (mount_add_mount_dependencies): RequiresMountsFor= the source path of a bind or loop
  // mount, or of any mount that is not a network one — `/srv/pypi/data /var/www none bind` needs
  // the mount at /srv/pypi, as a mount beneath it would.
  const mount = unit.mount;
  if (mount?.what.startsWith('/') && needsItsSourcePath(mount))
    for (const path of [mount.what, ...parentPaths(mount.what)]) requireMountAt(path);
  // Mount units from fstab carry their default dependencies in `implicit` already (the
  // collector computes them with the nofail/_netdev rules), so only mount unit FILES get them
  // here. mount.c adds none to / and /usr ("guaranteed to stay mounted the whole time").
  if (unit.generatedBy !== undefined || !unit.defaultDependencies) return;
  if (name === '-.mount' || name === 'usr.mount') return;
  // systemd.mount(5): "Mount units referring to local file systems automatically gain an
  // After= dependency on local-fs-pre.target, and a Before= dependency on local-fs.target
  // unless nofail mount option is set", "Before= and Conflicts= on umount.target". The options
  // of a mount unit file are not collected, so it is taken as a local mount without nofail.
  add(out, 'default', ['after'], 'local-fs-pre.target');
  add(out, 'default', ['before'], 'local-fs.target');
  add(out, 'default', ['before'], 'umount.target');
}
