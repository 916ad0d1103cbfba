/**
 * boot-hang on unit tables written out from systemd's rules (test/helpers/boot-units.ts): the
 * rule (systemd.mount(5)) is that a mount from an fstab line without noauto/nofail is in
 * `local-fs.target.requires/` and has `Before=local-fs.target` (`remote-fs.target` with
 * `_netdev`), so the target waits for its device; a late device appears only once its provider
 * has run, and a plain service (DefaultDependencies=yes) is After sysinit.target, which is After
 * local-fs.target (systemd.special(7), bootup(7)).
 */
import type { LiveMount, ReplicationState, UnitInfo } from '../../model/state';
import { bootContext, bootUnits, fstabMount } from '../../../test/helpers/boot-units';
import { fstab, unit } from '../../../test/helpers/states';
import { bootHangs, joinOr, timeoutText } from './boot-hang';
import type { BootContext } from './finding';

const R0: ReplicationState = {
  drbdAvailable: true,
  drbd: {
    r0: {
      name: 'r0',
      role: 'Secondary',
      volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
      connections: [],
    },
  },
};

/** drbd-utils' drbd.service as Debian 12 ships it, enabled (multi-user.target.wants/). */
function drbdService(extra: Partial<UnitInfo> = {}): UnitInfo {
  return unit('drbd.service', {
    wants: ['network-online.target'],
    after: ['network-online.target'],
    wantedByLinks: ['multi-user.target'],
    ...extra,
  });
}

function live(mountPoint: string, source: string): LiveMount {
  return {
    mountPoint,
    source,
    fstype: 'ext4',
    options: [],
    superOptions: [],
    root: '/',
    mountId: 40,
    parentId: 1,
    device: '147:0',
  };
}

/** A node with these fstab lines (line 17 on, as on pypi-1) and units. */
function node(
  lines: [spec: string, file: string, vfstype: string, options: string][],
  extra: UnitInfo[],
  { liveMounts = [], replication = R0 }: { liveMounts?: LiveMount[]; replication?: ReplicationState } = {},
): BootContext {
  const entries = lines.map(([spec, file, vfstype, options], i) =>
    fstab(17 + i, spec, file, vfstype, options),
  );
  const mountUnits = entries.filter((entry) => entry.vfstype !== 'swap').map(fstabMount);
  return bootContext(bootUnits(...mountUnits, ...extra), {
    mounts: { fstab: entries, live: liveMounts },
    replication,
  });
}

const ADVICE_DRBD_R0 =
  'LINBIT advises nofail,x-systemd.requires=drbd@r0.target, or noauto when a cluster manager mounts it';

describe('bootHangs', () => {
  it('finds the PyPI 2013 hang, whole: DRBD mount required by local-fs.target, drbd.service after it', () => {
    const ctx = node([['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults']], [drbdService()]);
    expect(bootHangs(ctx)).toEqual([
      {
        category: 'mounts',
        key: '/srv/pypi',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'boot-hang',
        message: `/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; ${ADVICE_DRBD_R0}.`,
        evidence: [
          '/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2',
          'local-fs.target → Requires srv-pypi.mount (link local-fs.target.requires/)',
          'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
          'srv-pypi.mount After dev-drbd0.device (implicit): /dev/drbd0 appears only once DRBD resource r0 is up (drbd.service, drbd@r0.service or drbd@r0.target)',
          'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
          'drbd@r0.service, drbd@r0.target: not installed',
        ],
        actual: { options: 'defaults', requiredBy: 'local-fs.target' },
      },
    ]);
  });

  it.each([
    ['nofail (local-fs.target only wants it and does not wait)', 'nofail'],
    ['noauto (the boot does not mount it)', 'noauto'],
    ['noauto,nofail', 'noauto,nofail'],
    ['_netdev (remote-fs.target, which drbd.service is not ordered after)', '_netdev'],
  ])('is safe with %s', (_why, options) => {
    expect(bootHangs(node([['/dev/drbd0', '/srv/pypi', 'ext4', options]], [drbdService()]))).toEqual([]);
  });

  it('is safe on an ordinary disk, a bind mount and a swap line, whatever DRBD does', () => {
    const ctx = node(
      [
        ['/dev/sdb1', '/srv/data', 'ext4', 'defaults'],
        ['/srv/data/web', '/var/www', 'none', 'bind'],
        ['/dev/drbd1', 'none', 'swap', 'sw'],
      ],
      [drbdService()],
    );
    expect(bootHangs(ctx)).toEqual([]);
  });

  it('finds the hang that comes through a mount needed first: an ordinary disk mounted under a DRBD mount', () => {
    // systemd.mount(5): a mount requires and is ordered after the mounts of its parent paths
    // (RequiresMountsFor=). nofail on the DRBD line takes it out of local-fs.target's waits, but
    // /srv/pypi/data is still waited for, and it cannot be mounted while /srv/pypi is not.
    const ctx = node(
      [
        ['/dev/drbd0', '/srv/pypi', 'ext4', 'nofail'],
        ['/dev/sdb1', '/srv/pypi/data', 'ext4', 'defaults'],
      ],
      [drbdService()],
    );
    expect(bootHangs(ctx)).toEqual([
      {
        category: 'mounts',
        key: '/srv/pypi/data',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'boot-hang',
        message:
          '/srv/pypi/data (/etc/fstab line 18) is required by local-fs.target and needs /srv/pypi mounted first, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for that device, then /srv/pypi fails, /srv/pypi/data with it, and local-fs.target too; give /srv/pypi/data the same options as /srv/pypi (nofail, or noauto when a cluster manager mounts it).',
        evidence: [
          '/etc/fstab:18: /dev/sdb1 /srv/pypi/data ext4 defaults 0 2',
          'local-fs.target After srv-pypi-data.mount (Before= in srv-pypi-data.mount)',
          'srv-pypi-data.mount → Requires srv-pypi.mount: /srv/pypi/data needs /srv/pypi mounted first',
          'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
          'drbd@r0.service, drbd@r0.target: not installed',
        ],
        actual: { options: 'defaults', requiredBy: 'local-fs.target' },
      },
    ]);
    // The same line with nofail is not waited for: nothing hangs.
    expect(
      bootHangs(
        node(
          [
            ['/dev/drbd0', '/srv/pypi', 'ext4', 'nofail'],
            ['/dev/sdb1', '/srv/pypi/data', 'ext4', 'nofail'],
          ],
          [drbdService()],
        ),
      ),
    ).toEqual([]);
  });

  it('follows x-systemd.requires= and BindsTo= to a mount needed first; not Wants=, a service, or a masked mount', () => {
    // systemd.unit(5): a unit's start fails with a unit it Requires= or BindsTo= and is ordered
    // after; Wants= never fails it. /srv/data is on an ordinary disk and not beneath /srv/pypi,
    // so only the dependency written here ties it to the DRBD mount.
    const drbdLine: [string, string, string, string] = ['/dev/drbd0', '/srv/pypi', 'ext4', 'nofail'];
    const required = node(
      [drbdLine, ['/dev/sdb1', '/srv/data', 'ext4', 'defaults,x-systemd.requires=srv-pypi.mount']],
      [drbdService()],
    );
    expect(bootHangs(required)).toEqual([
      {
        category: 'mounts',
        key: '/srv/data',
        kind: 'unsafe',
        severity: 'error',
        node: 'pypi-1',
        aspect: 'boot-hang',
        message:
          '/srv/data (/etc/fstab line 18) is required by local-fs.target and needs /srv/pypi mounted first, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for that device, then /srv/pypi fails, /srv/data with it, and local-fs.target too; give /srv/data the same options as /srv/pypi (nofail, or noauto when a cluster manager mounts it).',
        evidence: [
          '/etc/fstab:18: /dev/sdb1 /srv/data ext4 defaults,x-systemd.requires=srv-pypi.mount 0 2',
          'local-fs.target After srv-data.mount (Before= in srv-data.mount)',
          'srv-data.mount → Requires srv-pypi.mount: /srv/data needs /srv/pypi mounted first',
          'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
          'drbd@r0.service, drbd@r0.target: not installed',
        ],
        actual: { options: 'defaults,x-systemd.requires=srv-pypi.mount', requiredBy: 'local-fs.target' },
      },
    ]);

    // The same /srv/data as a unit file in /etc, tied to /srv/pypi by the dependency given.
    const dataUnit = (dependencies: Partial<UnitInfo>): UnitInfo =>
      unit('srv-data.mount', {
        path: '/etc/systemd/system/srv-data.mount',
        mount: { what: '/dev/sdb1', where: '/srv/data' },
        requiredByLinks: ['local-fs.target'],
        implicit: { requires: ['dev-sdb1.device'], after: ['dev-sdb1.device'] },
        ...dependencies,
      });
    const hangsWith = (...extra: UnitInfo[]): string[] =>
      bootHangs(node([drbdLine], [drbdService(), ...extra])).map((finding) => finding.key);
    expect(hangsWith(dataUnit({ bindsTo: ['srv-pypi.mount'], after: ['srv-pypi.mount'] }))).toEqual([
      '/srv/data',
    ]);
    expect(hangsWith(dataUnit({ wants: ['srv-pypi.mount'], after: ['srv-pypi.mount'] }))).toEqual([]);
    // Through a service that requires /srv/pypi without being ordered after it: the service
    // starts at once whatever becomes of /srv/pypi, so /srv/data does not fail with it.
    const unordered = unit('pypi-ready.service', {
      defaultDependencies: false,
      requires: ['srv-pypi.mount'],
    });
    expect(
      hangsWith(dataUnit({ requires: ['pypi-ready.service'], after: ['pypi-ready.service'] }), unordered),
    ).toEqual([]);
    // A masked mount is never started, so nothing waits for its device — whatever Where= and
    // What= a report gives it.
    const masked = unit('srv-pypi.mount', {
      masked: true,
      mount: { what: '/dev/drbd0', where: '/srv/pypi' },
    });
    expect(
      bootHangs(
        node([drbdLine, ['/dev/sdb1', '/srv/pypi/data', 'ext4', 'defaults']], [drbdService(), masked]),
      ),
    ).toEqual([]);
  });

  it('finds the hang through the source of a bind mount: a directory of a DRBD mount bound elsewhere', () => {
    // mount.c (mount_add_mount_dependencies): a bind mount RequiresMountsFor= its source path,
    // so /var/www needs /srv/pypi mounted first, as a mount beneath it would.
    const ctx = node(
      [
        ['/dev/drbd0', '/srv/pypi', 'ext4', 'nofail'],
        ['/srv/pypi/web', '/var/www', 'none', 'bind'],
      ],
      [drbdService()],
    );
    const [hang, ...more] = bootHangs(ctx);
    expect(more).toEqual([]);
    expect(hang).toMatchObject({ key: '/var/www', aspect: 'boot-hang', severity: 'error' });
    expect(hang?.message).toBe(
      '/var/www (/etc/fstab line 18) is required by local-fs.target and needs /srv/pypi mounted first, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for that device, then /srv/pypi fails, /var/www with it, and local-fs.target too; give /var/www the same options as /srv/pypi (nofail, or noauto when a cluster manager mounts it).',
    );
    expect(hang?.evidence).toContain(
      'var-www.mount → Requires srv-pypi.mount: /var/www needs /srv/pypi mounted first',
    );
  });

  it('is safe when the provider is ordered before local-fs.target on this node', () => {
    const early = drbdService({ defaultDependencies: false, before: ['local-fs-pre.target'], after: [] });
    expect(bootHangs(node([['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults']], [early]))).toEqual([]);
  });

  it('reports a provider that is installed and not enabled as not started, and says nothing brings the device up', () => {
    const ctx = node(
      [['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults']],
      [drbdService({ wantedByLinks: [] }), unit('drbd@.service'), unit('drbd@.target')],
    );
    const [hang, ...rest] = bootHangs(ctx);
    expect(rest).toEqual([]);
    expect(hang?.message).toBe(
      `/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but nothing brings up its device /dev/drbd0 at boot (drbd.service, drbd@r0.service or drbd@r0.target: none is started): the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; ${ADVICE_DRBD_R0}.`,
    );
    expect(hang?.evidence?.slice(3)).toEqual([
      'srv-pypi.mount After dev-drbd0.device (implicit): /dev/drbd0 appears only once DRBD resource r0 is up (drbd.service, drbd@r0.service or drbd@r0.target)',
      'drbd.service, drbd@r0.service, drbd@r0.target: installed, not started at boot',
    ]);
  });

  it('reports a masked provider as masked', () => {
    const ctx = node(
      [['/dev/rbd0', '/srv/pypi', 'ext4', '_netdev']],
      [unit('rbdmap.service', { masked: true })],
    );
    const [hang] = bootHangs(ctx);
    expect(hang?.message).toBe(
      '/srv/pypi (/etc/fstab line 17) is required by remote-fs.target, but nothing brings up its device /dev/rbd0 at boot (rbdmap.service: none is started): the boot waits 90 s for the device, then remote-fs.target fails and what is ordered after it does not start; mount it with _netdev (rbdmap.service maps images before remote-fs-pre.target), or noauto.',
    );
    expect(hang?.evidence).toEqual([
      '/etc/fstab:17: /dev/rbd0 /srv/pypi ext4 _netdev 0 2',
      'remote-fs.target → Requires srv-pypi.mount (link remote-fs.target.requires/)',
      'remote-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
      'srv-pypi.mount After dev-rbd0.device (implicit): /dev/rbd0 appears only once RBD mapping is up (rbdmap.service)',
      'rbdmap.service: masked',
    ]);
    expect(hang?.actual).toEqual({ options: '_netdev', requiredBy: 'remote-fs.target' });
  });

  it('finds remote-fs.target waiting for a provider ordered after it, and passes one ordered before it', () => {
    // rbdmap.service as ceph-common ships it: Before=remote-fs-pre.target; an admin's copy After=remote-fs.target.
    const shipped = unit('rbdmap.service', {
      after: ['network-online.target'],
      before: ['remote-fs-pre.target'],
      wants: ['network-online.target'],
      wantedByLinks: ['multi-user.target'],
    });
    const line: [string, string, string, string] = ['/dev/rbd/rbd/pypi', '/srv/pypi', 'ext4', '_netdev'];
    expect(bootHangs(node([line], [shipped]))).toEqual([]);
    const late = { ...shipped, before: [], after: ['network-online.target', 'remote-fs.target'] };
    const [hang] = bootHangs(node([line], [late]));
    expect(hang?.message).toBe(
      '/srv/pypi (/etc/fstab line 17) is required by remote-fs.target, but its device /dev/rbd/rbd/pypi appears only after rbdmap.service, which starts after remote-fs.target: the boot waits 90 s for the device, then remote-fs.target fails and what is ordered after it does not start; mount it with _netdev (rbdmap.service maps images before remote-fs-pre.target), or noauto.',
    );
    expect(hang?.evidence?.slice(3)).toEqual([
      'srv-pypi.mount After dev-rbd-rbd-pypi.device (implicit): /dev/rbd/rbd/pypi appears only once RBD mapping is up (rbdmap.service)',
      'rbdmap.service → After remote-fs.target',
    ]);
  });

  it('passes multipath when multipathd runs before local-fs-pre.target (Debian), finds it when not enabled', () => {
    const multipathd = unit('multipathd.service', {
      defaultDependencies: false,
      before: ['local-fs-pre.target', 'shutdown.target'],
      wantedByLinks: ['sysinit.target'],
    });
    const line: [string, string, string, string] = ['/dev/mapper/mpatha', '/srv/pypi', 'ext4', 'defaults'];
    expect(bootHangs(node([line], [multipathd]))).toEqual([]);
    const [hang] = bootHangs(node([line], [{ ...multipathd, wantedByLinks: [] }]));
    expect(hang?.message).toBe(
      '/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but nothing brings up its device /dev/mapper/mpatha at boot (multipathd.service: none is started): the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; enable multipathd.service (Debian orders it before local-fs-pre.target), or add nofail.',
    );
  });

  it('counts iscsi.service and open-iscsi.service once when one is an alias of the other', () => {
    const what = '/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2013-03.org.python:pypi-lun-0';
    const openIscsi = unit('open-iscsi.service', { wantedByLinks: [] });
    const alias = unit('iscsi.service', { aliasOf: 'open-iscsi.service' });
    const [hang] = bootHangs(node([[what, '/srv/pypi', 'ext4', 'defaults']], [openIscsi, alias]));
    expect(hang?.evidence?.slice(-1)).toEqual(['open-iscsi.service: installed, not started at boot']);
    expect(hang?.message).toContain(
      `nothing brings up its device ${what} at boot (open-iscsi.service: none is started)`,
    );
    // Neither installed: both names are shown.
    const [bare] = bootHangs(node([[what, '/srv/pypi', 'ext4', 'defaults']], []));
    expect(bare?.evidence?.slice(-1)).toEqual(['open-iscsi.service, iscsi.service: not installed']);
  });

  it('reports an NBD instance of an installed template as installed but not started', () => {
    const [hang] = bootHangs(
      node([['/dev/nbd0p1', '/srv/pypi', 'ext4', 'defaults']], [unit('nbd@.service')]),
    );
    expect(hang?.evidence?.slice(-2)).toEqual([
      'nbd@nbd0.service: installed, not started at boot',
      'nbd-client.service: not installed',
    ]);
    expect(hang?.message).toContain('(nbd@nbd0.service or nbd-client.service: none is started)');
  });

  it('names every late provider, each of which starts after the target', () => {
    // LINBIT's x-systemd.requires=drbd@r0.target without nofail: the mount now waits for drbd@r0.target itself.
    const ctx = node(
      [['/dev/drbd0', '/srv/pypi', 'ext4', 'x-systemd.requires=drbd@r0.target']],
      [
        drbdService(),
        unit('drbd@.service', { wants: ['network-online.target'], after: ['network-online.target'] }),
        unit('drbd@.target', {
          type: 'target',
          requires: ['drbd@.service'],
          after: ['network-online.target'],
        }),
      ],
    );
    const [hang, ...rest] = bootHangs(ctx);
    expect(rest).toEqual([]);
    expect(hang?.message).toBe(
      `/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but its device /dev/drbd0 appears only after drbd.service, drbd@r0.service or drbd@r0.target, each of which starts after local-fs.target: the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; ${ADVICE_DRBD_R0}.`,
    );
    expect(hang?.evidence?.slice(4)).toEqual([
      'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
      'drbd@r0.service → After sysinit.target (default dependency) → After local-fs.target',
      'drbd@r0.target → After drbd@r0.service (default dependency) → After sysinit.target (default dependency) → After local-fs.target',
    ]);
  });

  it('says "each of which" for two late providers, too', () => {
    const ctx = node(
      [['/dev/drbd0', '/srv/pypi', 'ext4', 'x-systemd.requires=drbd@r0.target']],
      [
        drbdService({ wantedByLinks: [] }),
        unit('drbd@.service'),
        unit('drbd@.target', { type: 'target', requires: ['drbd@.service'] }),
      ],
    );
    expect(bootHangs(ctx)[0]?.message).toContain(
      'its device /dev/drbd0 appears only after drbd@r0.service or drbd@r0.target, each of which starts after local-fs.target:',
    );
  });

  it('takes any provider started in time as enough', () => {
    const ctx = node(
      [['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults']],
      [
        drbdService(),
        unit('drbd@.service', { defaultDependencies: false, before: ['local-fs-pre.target'] }),
        unit('drbd@r0.service', {
          defaultDependencies: false,
          before: ['local-fs-pre.target'],
          wantedByLinks: ['sysinit.target'],
        }),
      ],
    );
    expect(bootHangs(ctx)).toEqual([]);
  });

  it('tells a device named by UUID by what is mounted at its mount point now', () => {
    const uuid = '0f3c2d1e-8a7b-4c6d-9e5f-1a2b3c4d5e6f';
    const lines: [string, string, string, string][] = [[`UUID=${uuid}`, '/srv/pypi', 'ext4', 'defaults']];
    const ctx = node(lines, [drbdService()], { liveMounts: [live('/srv/pypi', '/dev/drbd0')] });
    const [hang] = bootHangs(ctx);
    expect(hang?.message).toBe(
      `/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but its device /dev/disk/by-uuid/${uuid} (/dev/drbd0) appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; ${ADVICE_DRBD_R0}.`,
    );
    expect(hang?.evidence).toEqual([
      `/etc/fstab:17: UUID=${uuid} /srv/pypi ext4 defaults 0 2`,
      'local-fs.target → Requires srv-pypi.mount (link local-fs.target.requires/)',
      'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
      `/srv/pypi is mounted from /dev/drbd0 now: /dev/disk/by-uuid/${uuid} is that DRBD device`,
      `srv-pypi.mount After dev-disk-by\\x2duuid-${uuid.replace(/-/g, '\\x2d')}.device (implicit): /dev/drbd0 appears only once DRBD resource r0 is up (drbd.service, drbd@r0.service or drbd@r0.target)`,
      'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
      'drbd@r0.service, drbd@r0.target: not installed',
    ]);
  });

  it('does not look up a device named by its own path, or mounted from something else, or not mounted now', () => {
    const drbd = [drbdService()];
    expect(
      bootHangs(
        node([['/dev/sdb1', '/srv/pypi', 'ext4', 'defaults']], drbd, {
          liveMounts: [live('/srv/pypi', '/dev/drbd0')],
        }),
      ),
    ).toEqual([]);
    const byUuid: [string, string, string, string][] = [['UUID=0f3c', '/srv/pypi', 'ext4', 'defaults']];
    expect(bootHangs(node(byUuid, drbd, { liveMounts: [live('/srv/pypi', '/dev/sdb1')] }))).toEqual([]);
    expect(bootHangs(node(byUuid, drbd, { liveMounts: [live('/srv/other', '/dev/drbd0')] }))).toEqual([]);
    expect(bootHangs(node(byUuid, drbd))).toEqual([]);
  });

  it('says how long the boot waits when the fstab line sets x-systemd.device-timeout', () => {
    const [seconds] = bootHangs(
      node([['/dev/drbd0', '/srv/pypi', 'ext4', 'x-systemd.device-timeout=10']], [drbdService()]),
    );
    expect(seconds?.message).toContain('the boot waits 10 s for the device');
    expect(seconds?.actual).toEqual({
      options: 'x-systemd.device-timeout=10',
      requiredBy: 'local-fs.target',
    });
    const [twoOptions] = bootHangs(
      node([['/dev/drbd0', '/srv/pypi', 'ext4', 'noatime,x-systemd.device-timeout=10']], [drbdService()]),
    );
    expect(twoOptions?.actual).toEqual({
      options: 'noatime,x-systemd.device-timeout=10',
      requiredBy: 'local-fs.target',
    });
    const [minutes] = bootHangs(
      node([['/dev/drbd0', '/srv/pypi', 'ext4', 'x-systemd.device-timeout=2min']], [drbdService()]),
    );
    expect(minutes?.message).toContain('the boot waits 2min for the device');
  });

  it('names the DRBD instances of the node when the resource of a minor is unknown', () => {
    const ctx = node(
      [['/dev/drbd7', '/srv/pypi', 'ext4', 'defaults']],
      [drbdService(), unit('drbd@.service'), unit('drbd@r1.target', { type: 'target' })],
    );
    const [hang] = bootHangs(ctx);
    expect(hang?.evidence?.slice(3)).toEqual([
      'srv-pypi.mount After dev-drbd7.device (implicit): /dev/drbd7 appears only once DRBD is up (drbd.service or drbd@r1.target)',
      'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
      'drbd@r1.target: installed, not started at boot',
    ]);
    expect(hang?.message).toContain('LINBIT advises nofail,x-systemd.requires=drbd@RESOURCE.target');
  });

  it('takes only loaded drbd@X.service and drbd@X.target units for DRBD instances, whole names', () => {
    // Not a unit whose name only contains one (xdrbd@r2.service; drbd@r3.services.socket, a
    // socket of instance r3.services), nor a masked one.
    const ctx = node(
      [['/dev/drbd7', '/srv/pypi', 'ext4', 'defaults']],
      [
        drbdService(),
        unit('drbd@.service'),
        unit('drbd@r1.target', { type: 'target' }),
        unit('xdrbd@r2.service'),
        unit('drbd@r3.services.socket'),
        unit('drbd@r4.target', { type: 'target', masked: true }),
      ],
    );
    const [hang] = bootHangs(ctx);
    expect(hang?.evidence?.[3]).toBe(
      'srv-pypi.mount After dev-drbd7.device (implicit): /dev/drbd7 appears only once DRBD is up (drbd.service or drbd@r1.target)',
    );
  });

  it('reports a provider some unit names but the node does not have as not installed', () => {
    // pypi-ready.service Wants= drbd@r0.target, which is not on the node: a name, not a unit.
    const ctx = node(
      [['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults']],
      [drbdService(), unit('pypi-ready.service', { wants: ['drbd@r0.target'] })],
    );
    expect(bootHangs(ctx)[0]?.evidence?.slice(-1)).toEqual([
      'drbd@r0.service, drbd@r0.target: not installed',
    ]);
  });

  it('reports each hanging mount, and only those', () => {
    const ctx = node(
      [
        ['/dev/drbd0', '/srv/pypi', 'ext4', 'defaults'],
        ['/dev/sdb1', '/srv/data', 'ext4', 'defaults'],
        ['/dev/nbd1', '/srv/cache', 'ext4', 'defaults'],
        ['/dev/drbd0', '/srv/spare', 'ext4', 'nofail'],
      ],
      [drbdService()],
    );
    expect(bootHangs(ctx).map((finding) => finding.key)).toEqual(['/srv/pypi', '/srv/cache']);
  });

  it('finds a mount unit file (no fstab line) the same way, without fstab evidence', () => {
    // A unit file in /etc: systemd.mount(5) gives it After=local-fs-pre.target, Before=local-fs.target.
    const file = unit('srv-pypi.mount', {
      path: '/etc/systemd/system/srv-pypi.mount',
      mount: { what: '/dev/drbd0', where: '/srv/pypi' },
      requiredByLinks: ['local-fs.target'],
      implicit: { requires: ['dev-drbd0.device'], after: ['dev-drbd0.device'] },
    });
    const [hang] = bootHangs(bootContext(bootUnits(file, drbdService()), { replication: R0 }));
    expect(hang?.message).toBe(
      `/srv/pypi is required by local-fs.target, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; ${ADVICE_DRBD_R0}.`,
    );
    expect(hang?.evidence?.slice(0, 2)).toEqual([
      'local-fs.target → Requires srv-pypi.mount (link local-fs.target.requires/)',
      'local-fs.target After srv-pypi.mount (default dependency)',
    ]);
    expect(hang).not.toHaveProperty('actual');
  });
});

describe('joinOr and timeoutText', () => {
  it('joins names with commas and a last "or"', () => {
    expect(joinOr([])).toBe('');
    expect(joinOr(['a'])).toBe('a');
    expect(joinOr(['a', 'b'])).toBe('a or b');
    expect(joinOr(['a', 'b', 'c'])).toBe('a, b or c');
  });

  it('gives systemd’s default device timeout, 90 s, or the one written, in seconds when bare', () => {
    expect(timeoutText(undefined)).toBe('90 s');
    expect(timeoutText(fstab(1, '/dev/drbd0', '/srv', 'ext4', 'defaults'))).toBe('90 s');
    expect(timeoutText(fstab(1, '/dev/drbd0', '/srv', 'ext4', 'x-systemd.device-timeout=0'))).toBe('0 s');
    expect(timeoutText(fstab(1, '/dev/drbd0', '/srv', 'ext4', 'x-systemd.device-timeout=30s'))).toBe('30s');
    expect(timeoutText(fstab(1, '/dev/drbd0', '/srv', 'ext4', 'x-systemd.device-timeout=1.5'))).toBe('1.5');
  });
});
