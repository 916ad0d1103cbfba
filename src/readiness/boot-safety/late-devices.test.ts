import type { ReplicationState } from '../../model/state';
import { drbdResourceOf, lateDevice } from './late-devices';

const replication: ReplicationState = {
  drbdAvailable: true,
  drbd: {
    r0: {
      name: 'r0',
      role: 'Primary',
      volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
      connections: [],
    },
    web: {
      name: 'web',
      role: 'Primary',
      volumes: [{ volume: 0, minor: 3, diskState: 'UpToDate' }],
      connections: [],
    },
  },
};

describe('lateDevice', () => {
  it('knows DRBD devices and their resource, by minor or by name', () => {
    expect(lateDevice('/dev/drbd0', replication)).toEqual({
      kind: 'DRBD',
      path: '/dev/drbd0',
      source: 'DRBD resource r0',
      providers: ['drbd.service', 'drbd@r0.service', 'drbd@r0.target'],
      advice:
        'LINBIT advises nofail,x-systemd.requires=drbd@r0.target, or noauto when a cluster manager mounts it',
    });
    expect(lateDevice('/dev/drbd3', replication)?.providers).toContain('drbd@web.target');
    expect(lateDevice('/dev/drbd/by-res/web/0', undefined)?.providers).toEqual([
      'drbd.service',
      'drbd@web.service',
      'drbd@web.target',
    ]);
  });

  it('falls back to every DRBD instance unit when the resource cannot be told', () => {
    expect(lateDevice('/dev/drbd7', replication, ['drbd@a.target'])).toEqual({
      kind: 'DRBD',
      path: '/dev/drbd7',
      source: 'DRBD',
      providers: ['drbd.service', 'drbd@a.target'],
      advice:
        'LINBIT advises nofail,x-systemd.requires=drbd@RESOURCE.target, or noauto when a cluster manager mounts it',
    });
  });

  it('names only drbd.service when the resource cannot be told and no DRBD instance units are given', () => {
    expect(lateDevice('/dev/drbd7', replication)?.providers).toEqual(['drbd.service']);
  });

  it('knows iSCSI, multipath, NBD and RBD devices, with their source, providers and advice', () => {
    const iscsi = '/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2013-11.org.python:x-lun-1';
    expect(lateDevice(iscsi, undefined)).toEqual({
      kind: 'iSCSI',
      path: iscsi,
      source: 'iSCSI login',
      providers: ['open-iscsi.service', 'iscsi.service'],
      advice:
        'mount it with _netdev (after the iSCSI login, under remote-fs.target) and nofail, or noauto when a cluster manager mounts it',
    });
    expect(lateDevice('/dev/mapper/mpatha', undefined)).toEqual({
      kind: 'multipath',
      path: '/dev/mapper/mpatha',
      source: 'multipath',
      providers: ['multipathd.service'],
      advice: 'enable multipathd.service (Debian orders it before local-fs-pre.target), or add nofail',
    });
    expect(lateDevice('/dev/disk/by-id/dm-uuid-mpath-3600a0b80', undefined)?.kind).toBe('multipath');
    expect(lateDevice('/dev/nbd2p1', undefined)).toEqual({
      kind: 'NBD',
      path: '/dev/nbd2p1',
      source: 'NBD connection nbd2',
      providers: ['nbd@nbd2.service', 'nbd-client.service'],
      advice:
        'mount it with _netdev and enable nbd@nbd2.service (ordered before remote-fs-pre.target), or noauto',
    });
    expect(lateDevice('/dev/rbd0', undefined)).toEqual({
      kind: 'RBD',
      path: '/dev/rbd0',
      source: 'RBD mapping',
      providers: ['rbdmap.service'],
      advice: 'mount it with _netdev (rbdmap.service maps images before remote-fs-pre.target), or noauto',
    });
    expect(lateDevice('/dev/rbd/rbd/pypi', undefined)?.providers).toEqual(['rbdmap.service']);
  });

  it('leaves ordinary devices alone, also a by-path ip- name that is no iSCSI LUN', () => {
    for (const path of [
      '/dev/sdb1',
      '/dev/vda',
      '/dev/mapper/vg-root',
      '/dev/disk/by-path/pci-0000:00:1f.2-ata-1',
      '/dev/disk/by-path/ip-10.0.0.5:3260-lun-1',
      '/dev/nbd',
      '/dev/drbdx',
    ])
      expect(lateDevice(path, replication)).toBeUndefined();
  });
});

describe('lateDevice: the whole device name is matched, digits of any length', () => {
  it('knows /dev/drbdN, /dev/nbdN[pM] and /dev/rbdN[pM] with numbers of two digits', () => {
    expect(lateDevice('/dev/drbd10', replication)).toEqual({
      kind: 'DRBD',
      path: '/dev/drbd10',
      source: 'DRBD',
      providers: ['drbd.service'],
      advice:
        'LINBIT advises nofail,x-systemd.requires=drbd@RESOURCE.target, or noauto when a cluster manager mounts it',
    });
    expect(lateDevice('/dev/nbd12', undefined)).toEqual({
      kind: 'NBD',
      path: '/dev/nbd12',
      source: 'NBD connection nbd12',
      providers: ['nbd@nbd12.service', 'nbd-client.service'],
      advice:
        'mount it with _netdev and enable nbd@nbd12.service (ordered before remote-fs-pre.target), or noauto',
    });
    expect(lateDevice('/dev/nbd0p12', undefined)?.source).toBe('NBD connection nbd0');
    expect(lateDevice('/dev/rbd12', undefined)?.kind).toBe('RBD');
    expect(lateDevice('/dev/rbd0p12', undefined)?.kind).toBe('RBD');
    expect(lateDevice('/dev/rbd0p1', undefined)?.kind).toBe('RBD');
  });

  it('leaves alone paths that only contain or start with such a name (an image file, a longer name)', () => {
    for (const path of [
      '/srv/images/dev/drbd0',
      '/dev/drbd0x',
      '/srv/images/dev/nbd0',
      '/dev/nbd0x',
      '/srv/images/dev/rbd0',
      '/dev/rbd0x',
    ])
      expect(lateDevice(path, replication)).toBeUndefined();
  });

  it('knows a multipath device by its dm-name-mpath name under /dev/disk/by-id', () => {
    expect(lateDevice('/dev/disk/by-id/dm-name-mpatha', undefined)).toEqual({
      kind: 'multipath',
      path: '/dev/disk/by-id/dm-name-mpatha',
      source: 'multipath',
      providers: ['multipathd.service'],
      advice: 'enable multipathd.service (Debian orders it before local-fs-pre.target), or add nofail',
    });
  });

  it('a name with -iscsi- that is not under /dev/disk/by-path/ip- is no iSCSI LUN', () => {
    expect(lateDevice('/srv/images/backup-iscsi-lun1.img', undefined)).toBeUndefined();
    expect(lateDevice('/dev/disk/by-path/pci-0000:00:1f.2-iscsi-1', undefined)).toBeUndefined();
  });
});

describe('drbdResourceOf', () => {
  it('tells the resource of a DRBD path by minor or by name, and none for other paths', () => {
    expect(drbdResourceOf('/dev/drbd3', replication)).toBe('web');
    expect(drbdResourceOf('/dev/drbd7', replication)).toBeUndefined();
    expect(drbdResourceOf('/dev/drbd/by-res/r0/0', undefined)).toBe('r0');
    expect(drbdResourceOf('/dev/drbd/by-disk/vg0/r0', replication)).toBeUndefined();
    // A resource with several volumes is found by the minor of any of them, not only when all share it.
    const twoVolumes: ReplicationState = {
      drbdAvailable: true,
      drbd: {
        pg: {
          name: 'pg',
          role: 'Primary',
          volumes: [
            { volume: 0, minor: 1, diskState: 'UpToDate' },
            { volume: 1, minor: 2, diskState: 'UpToDate' },
          ],
          connections: [],
        },
      },
    };
    expect(drbdResourceOf('/dev/drbd2', twoVolumes)).toBe('pg');
    // The mount fixes ask it about any device whose mount can hang the boot, multipath ones too.
    expect(drbdResourceOf('/dev/mapper/mpatha', replication)).toBeUndefined();
    expect(drbdResourceOf('/dev/disk/by-id/dm-uuid-mpath-3600a0b80', replication)).toBeUndefined();
  });
});
