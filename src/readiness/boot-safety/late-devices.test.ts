import type { ReplicationState } from '../../model/state';
import { lateDevice } from './late-devices';

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
    expect(lateDevice('/dev/drbd0', replication)).toMatchObject({
      kind: 'DRBD',
      source: 'DRBD resource r0',
      providers: ['drbd.service', 'drbd@r0.service', 'drbd@r0.target'],
    });
    expect(lateDevice('/dev/drbd3', replication)?.providers).toContain('drbd@web.target');
    expect(lateDevice('/dev/drbd/by-res/web/0', undefined)?.providers).toEqual([
      'drbd.service',
      'drbd@web.service',
      'drbd@web.target',
    ]);
    expect(lateDevice('/dev/drbd0', replication)?.advice).toContain(
      'nofail,x-systemd.requires=drbd@r0.target',
    );
  });

  it('falls back to every DRBD instance unit when the resource cannot be told', () => {
    expect(lateDevice('/dev/drbd7', replication, ['drbd@a.target'])).toMatchObject({
      source: 'DRBD',
      providers: ['drbd.service', 'drbd@a.target'],
    });
  });

  it('knows iSCSI, multipath, NBD and RBD devices', () => {
    expect(
      lateDevice('/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2013-11.org.python:x-lun-1', undefined),
    ).toMatchObject({
      kind: 'iSCSI',
      providers: ['open-iscsi.service', 'iscsi.service'],
    });
    expect(lateDevice('/dev/mapper/mpatha', undefined)?.kind).toBe('multipath');
    expect(lateDevice('/dev/disk/by-id/dm-uuid-mpath-3600a0b80', undefined)?.kind).toBe('multipath');
    expect(lateDevice('/dev/nbd2p1', undefined)).toMatchObject({
      kind: 'NBD',
      providers: ['nbd@nbd2.service', 'nbd-client.service'],
    });
    expect(lateDevice('/dev/rbd0', undefined)?.kind).toBe('RBD');
    expect(lateDevice('/dev/rbd/rbd/pypi', undefined)?.providers).toEqual(['rbdmap.service']);
  });

  it('leaves ordinary devices alone', () => {
    for (const path of [
      '/dev/sdb1',
      '/dev/vda',
      '/dev/mapper/vg-root',
      '/dev/disk/by-path/pci-0000:00:1f.2-ata-1',
      '/dev/nbd',
      '/dev/drbdx',
    ])
      expect(lateDevice(path, replication)).toBeUndefined();
  });
});
