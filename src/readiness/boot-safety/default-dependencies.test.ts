import type { UnitInfo } from '../../model/state';
import { unit } from '../../../test/helpers/states';
import type { AddedDependency, DependencyContext } from './default-dependencies';
import { typeDependencies } from './default-dependencies';

/** A node whose units are `names`, with mount units at the given mount points. */
function node(names: string[], mounts: Record<string, string> = {}): DependencyContext {
  return { hasUnit: (name) => names.includes(name), mountUnitAt: (path) => mounts[path] };
}

/** `list unit (reason)`, one per dependency, in the order added. */
function deps(info: UnitInfo, ctx: DependencyContext = node([]), name = info.name): string[] {
  return typeDependencies(info, name, ctx).map((d: AddedDependency) => `${d.list} ${d.unit} (${d.reason})`);
}

const noDefaults = { defaultDependencies: false };

describe('typeDependencies: default dependencies by unit type (systemd 252)', () => {
  it('service: Requires+After sysinit.target, After basic.target, Before shutdown.target', () => {
    expect(deps(unit('drbd.service'))).toEqual([
      'requires sysinit.target (default)',
      'after sysinit.target (default)',
      'after basic.target (default)',
      'before shutdown.target (default)',
    ]);
    expect(deps(unit('drbd.service', noDefaults))).toEqual([]);
  });

  it('socket: Before sockets.target, Requires+After sysinit.target, Before shutdown.target; Before its service', () => {
    const ctx = node(['web.service']);
    expect(deps(unit('web.socket'), ctx)).toEqual([
      'before sockets.target (default)',
      'requires sysinit.target (default)',
      'after sysinit.target (default)',
      'before shutdown.target (default)',
      'before web.service (implicit)',
    ]);
    // The Before= on the service is implicit: DefaultDependencies=no keeps it.
    expect(deps(unit('web.socket', noDefaults), ctx)).toEqual(['before web.service (implicit)']);
    expect(deps(unit('web.socket', noDefaults))).toEqual([]);
  });

  it('timer: Requires+After sysinit.target, Before timers.target and shutdown.target; Before its service', () => {
    const ctx = node(['clean.service']);
    expect(deps(unit('clean.timer'), ctx)).toEqual([
      'requires sysinit.target (default)',
      'after sysinit.target (default)',
      'before timers.target (default)',
      'before shutdown.target (default)',
      'before clean.service (implicit)',
    ]);
    expect(deps(unit('clean.timer', noDefaults), ctx)).toEqual(['before clean.service (implicit)']);
    expect(deps(unit('clean.timer', noDefaults))).toEqual([]);
  });

  it('path: Before paths.target, Requires+After sysinit.target, Before shutdown.target; Before its service', () => {
    const ctx = node(['spool.service']);
    expect(deps(unit('spool.path'), ctx)).toEqual([
      'before paths.target (default)',
      'requires sysinit.target (default)',
      'after sysinit.target (default)',
      'before shutdown.target (default)',
      'before spool.service (implicit)',
    ]);
    expect(deps(unit('spool.path', noDefaults), ctx)).toEqual(['before spool.service (implicit)']);
    expect(deps(unit('spool.path', noDefaults))).toEqual([]);
  });

  it('an instance activates the service of the same instance, named after the instance, not the template', () => {
    const ctx = node(['getty@tty1.service', 'getty@.service']);
    expect(deps(unit('getty@.socket', noDefaults), ctx, 'getty@tty1.socket')).toEqual([
      'before getty@tty1.service (implicit)',
    ]);
    // Only the last dot ends the type: a.b.socket activates a.b.service.
    expect(deps(unit('a.b.socket', noDefaults), node(['a.b.service']))).toEqual([
      'before a.b.service (implicit)',
    ]);
  });

  it('target: Before shutdown.target, except shutdown.target itself and with DefaultDependencies=no', () => {
    expect(deps(unit('multi-user.target'))).toEqual(['before shutdown.target (default)']);
    expect(deps(unit('shutdown.target'))).toEqual([]);
    expect(deps(unit('local-fs.target', noDefaults))).toEqual([]);
  });

  it('automount: After local-fs-pre.target, Before local-fs.target and umount.target; Before its mount', () => {
    const ctx = node(['srv-pypi.mount']);
    expect(deps(unit('srv-pypi.automount'), ctx)).toEqual([
      'after local-fs-pre.target (default)',
      'before local-fs.target (default)',
      'before umount.target (default)',
      'before srv-pypi.mount (implicit)',
    ]);
    expect(deps(unit('srv-pypi.automount', noDefaults), ctx)).toEqual(['before srv-pypi.mount (implicit)']);
    expect(deps(unit('srv-pypi.automount'))).toEqual([
      'after local-fs-pre.target (default)',
      'before local-fs.target (default)',
      'before umount.target (default)',
    ]);
  });

  it('swap: Before swap.target and umount.target', () => {
    expect(deps(unit('dev-sdb2.swap'))).toEqual([
      'before swap.target (default)',
      'before umount.target (default)',
    ]);
    expect(deps(unit('dev-sdb2.swap', noDefaults))).toEqual([]);
  });

  it('slice and scope: Before shutdown.target', () => {
    expect(deps(unit('system-drbd.slice'))).toEqual(['before shutdown.target (default)']);
    expect(deps(unit('session-1.scope'))).toEqual(['before shutdown.target (default)']);
    expect(deps(unit('system-drbd.slice', noDefaults))).toEqual([]);
    expect(deps(unit('session-1.scope', noDefaults))).toEqual([]);
  });

  it('device: none (systemd.device(5): "There are no default dependencies for device units")', () => {
    expect(deps(unit('dev-drbd0.device'))).toEqual([]);
  });
});

describe('typeDependencies: mount units', () => {
  const mountsHere = { '/': '-.mount', '/srv': 'srv.mount', '/srv/pypi': 'srv-pypi.mount' };

  it('a mount unit file: Requires+After every mount above it, nearest first; local-fs ordering; umount.target', () => {
    const info = unit('srv-pypi-data.mount', { mount: { what: '/dev/sdc1', where: '/srv/pypi/data' } });
    expect(deps(info, node([], mountsHere))).toEqual([
      'requires srv-pypi.mount (implicit)',
      'after srv-pypi.mount (implicit)',
      'requires srv.mount (implicit)',
      'after srv.mount (implicit)',
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
      'after local-fs-pre.target (default)',
      'before local-fs.target (default)',
      'before umount.target (default)',
    ]);
  });

  it('skips mount points above it that have no mount unit', () => {
    const info = unit('srv-pypi-data.mount', { mount: { what: '/dev/sdc1', where: '/srv/pypi/data' } });
    expect(deps(info, node([], { '/srv': 'srv.mount' }))).toEqual([
      'requires srv.mount (implicit)',
      'after srv.mount (implicit)',
      'after local-fs-pre.target (default)',
      'before local-fs.target (default)',
      'before umount.target (default)',
    ]);
  });

  it('with DefaultDependencies=no keeps the mounts above it (implicit) and nothing else', () => {
    const info = unit('srv.mount', { ...noDefaults, mount: { what: '/dev/sdb1', where: '/srv' } });
    expect(deps(info, node([], mountsHere))).toEqual([
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
    ]);
  });

  it('a mount made from fstab gets the mounts above it here, its default dependencies from the collector', () => {
    const info = unit('srv-pypi.mount', {
      generatedBy: 'systemd-fstab-generator',
      fstabLine: 2,
      mount: { what: '/dev/drbd0', where: '/srv/pypi' },
    });
    expect(deps(info, node([], mountsHere))).toEqual([
      'requires srv.mount (implicit)',
      'after srv.mount (implicit)',
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
    ]);
  });

  describe('the mounts its source path needs (mount.c: RequiresMountsFor= What=)', () => {
    const mounts = { ...mountsHere, '/mnt/nas': 'mnt-nas.mount', '/var': 'var.mount' };
    const fromFstab = (what: string, where: string, type: string, options: string): UnitInfo =>
      unit(`${where.slice(1).replace(/\//g, '-')}.mount`, {
        generatedBy: 'systemd-fstab-generator',
        fstabLine: 3,
        mount: { what, where, type, options },
      });

    // /var/www bound from /srv/pypi/web: its own parents, then the source and the source's parents.
    const withWeb = { ...mounts, '/srv/pypi/web': 'srv-pypi-web.mount' };
    const WEB_BIND_NEEDS = [
      'requires var.mount (implicit)',
      'after var.mount (implicit)',
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
      'requires srv-pypi-web.mount (implicit)',
      'after srv-pypi-web.mount (implicit)',
      'requires srv-pypi.mount (implicit)',
      'after srv-pypi.mount (implicit)',
      'requires srv.mount (implicit)',
      'after srv.mount (implicit)',
    ];

    it('a bind mount needs the mounts of its source, the source itself first', () => {
      expect(deps(fromFstab('/srv/pypi/web', '/var/www', 'none', 'bind'), node([], withWeb))).toEqual(
        WEB_BIND_NEEDS,
      );
      // rbind, and the type spelled bind, are bind mounts too.
      const rbind = deps(fromFstab('/srv/pypi/web', '/var/www', 'none', 'rbind'), node([], mounts));
      expect(rbind).toContain('requires srv-pypi.mount (implicit)');
      expect(deps(fromFstab('/srv/pypi/web', '/var/www', 'bind', 'defaults'), node([], mounts))).toEqual(
        rbind,
      );
    });

    it('a bind mount needs them even when marked _netdev, whether bind/rbind is the type or an option', () => {
      // mount.c: mount_is_bind(p) || mount_is_loop(p) || !mount_is_network(p) — bind wins over _netdev.
      for (const [type, options] of [
        ['none', 'bind,_netdev'],
        ['none', 'rbind,_netdev'],
        ['bind', '_netdev'],
        ['rbind', '_netdev'],
      ] as const)
        expect(deps(fromFstab('/srv/pypi/web', '/var/www', type, options), node([], withWeb))).toEqual(
          WEB_BIND_NEEDS,
        );
    });

    it('a loop mount needs them even on a network share; a network mount does not', () => {
      const image = (options: string, type = 'ext4') =>
        deps(fromFstab('/mnt/nas/disk.img', '/srv/image', type, options), node([], mounts));
      expect(image('loop,_netdev')).toContain('requires mnt-nas.mount (implicit)');
      expect(image('defaults')).toContain('requires mnt-nas.mount (implicit)');
      expect(image('_netdev')).not.toContain('requires mnt-nas.mount (implicit)');
      expect(image('defaults', 'nfs')).not.toContain('requires mnt-nas.mount (implicit)');
      expect(image('defaults', 'fuse.sshfs')).not.toContain('requires mnt-nas.mount (implicit)');
    });

    it('a source that is no path (a device by label, a server share) needs nothing more', () => {
      expect(deps(fromFstab('LABEL=data', '/srv/data', 'ext4', 'defaults'), node([], mounts))).toEqual([
        'requires srv.mount (implicit)',
        'after srv.mount (implicit)',
        'requires -.mount (implicit)',
        'after -.mount (implicit)',
      ]);
      expect(deps(fromFstab('nas:/export', '/srv/data', 'nfs', 'defaults'), node([], mounts))).toEqual(
        deps(fromFstab('LABEL=data', '/srv/data', 'ext4', 'defaults'), node([], mounts)),
      );
    });
  });

  it('/ and /usr get no default dependencies, and / depends on no mount above it', () => {
    expect(deps(unit('-.mount', { mount: { what: '/dev/vda1', where: '/' } }), node([], mountsHere))).toEqual(
      [],
    );
    expect(
      deps(unit('usr.mount', { mount: { what: '/dev/vda2', where: '/usr' } }), node([], mountsHere)),
    ).toEqual(['requires -.mount (implicit)', 'after -.mount (implicit)']);
  });

  it('a mount point that only starts with the same letters is not above it (/srv/py is not above /srv/pypi/data)', () => {
    const info = unit('srv-pypi-data.mount', {
      ...noDefaults,
      mount: { what: '/dev/sdc1', where: '/srv/pypi/data' },
    });
    const near = {
      '/': '-.mount',
      '/srv/py': 'srv-py.mount',
      '/sr': 'sr.mount',
      '/srv/pypi/d': 'srv-pypi-d.mount',
    };
    expect(deps(info, node([], near))).toEqual(['requires -.mount (implicit)', 'after -.mount (implicit)']);
  });

  it('another mount unit at its own mount point is not above it: only the mount points above count', () => {
    // systemd.mount(5): the dependency is on a mount unit it is "beneath"; one at the same path is not.
    const data = unit('srv-data.mount', { ...noDefaults, mount: { what: '/dev/sdc1', where: '/srv/data' } });
    expect(deps(data, node([], { '/': '-.mount', '/srv/data': 'srv-data-old.mount' }))).toEqual([
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
    ]);
    // What= by label: no source path whose mounts it would need (mount.c: only an absolute What=).
    const root = unit('-.mount', { ...noDefaults, mount: { what: 'LABEL=root', where: '/' } });
    expect(deps(root, node([], { '/': 'root-old.mount' }))).toEqual([]);
  });

  it('a mount unit is not its own parent', () => {
    // Where= written with a trailing slash: the first path "above" /srv/ is /srv, its own mount point.
    const info = unit('srv.mount', { ...noDefaults, mount: { what: '/dev/sdb1', where: '/srv/' } });
    expect(deps(info, node([], mountsHere))).toEqual([
      'requires -.mount (implicit)',
      'after -.mount (implicit)',
    ]);
  });

  it('a mount unit without Where= gets only its default dependencies', () => {
    expect(deps(unit('srv.mount'), node([], mountsHere))).toEqual([
      'after local-fs-pre.target (default)',
      'before local-fs.target (default)',
      'before umount.target (default)',
    ]);
  });
});
