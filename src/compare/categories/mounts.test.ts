import type { MountRule } from '../../model/desired';
import type { FstabEntry, LiveMount, MountsState } from '../../model/state';
import { fstab, mountRule, spec } from '../../../test/helpers/states';
import { findingsAbout, pairContext } from '../test-helpers';
import { fstabByMountPoint, mountsComparator, nodeLocalTag } from './mounts';

const aboutPypiMount = findingsAbout('mounts', '/srv/pypi');
const ROOT_UUID = 'UUID=b3d6f0a2-5c1e-4d7a-9f3b-2a8e61c4d901';
const drbd = (line = 12, options = 'noauto') => fstab(line, '/dev/drbd0', '/srv/pypi', 'ext4', options);

function live(mountPoint: string, source: string): LiveMount {
  return {
    mountPoint,
    source,
    fstype: 'ext4',
    options: ['rw', 'relatime'],
    superOptions: ['rw'],
    root: '/',
    mountId: 28,
    parentId: 1,
    device: '8:1',
  };
}
const mounts = (entries: FstabEntry[], mounted: LiveMount[] = []): MountsState => ({
  fstab: entries,
  live: mounted,
});
const driftOf = (rules: Record<string, MountRule>, state: MountsState) =>
  mountsComparator.drift!(spec({ mounts: rules }), state);
const parityOf = (a: FstabEntry[], b: FstabEntry[], ignore?: string[]) =>
  mountsComparator.parity!(mounts(a), mounts(b), pairContext(ignore));

describe('fstabByMountPoint', () => {
  it('keys entries by mount point without trailing slashes, and swap areas by their place', () => {
    const byKey = fstabByMountPoint(
      mounts([
        fstab(12, ROOT_UUID, '/', 'ext4', 'errors=remount-ro'),
        fstab(13, 'UUID=0f3c2d1e-8a7b-4c6d-9e5f-1a2b3c4d5e6f', 'none', 'swap', 'sw'),
        fstab(14, '/dev/drbd0', '/srv/pypi//', 'ext4', 'noauto'),
        fstab(15, '/dev/sdb2', 'none', 'swap', 'sw'),
        fstab(16, 'LABEL=data', '/srv/data/', 'xfs', 'defaults'),
      ]),
    );
    expect(Object.entries(byKey).map(([key, entry]) => [key, entry.line])).toEqual([
      ['/', 12],
      ['swap #1', 13],
      ['/srv/pypi', 14],
      ['swap #2', 15],
      ['/srv/data', 16],
    ]);
  });

  it('lets the later line win when a mount point appears twice, as mount(8) does', () => {
    const byKey = fstabByMountPoint(
      mounts([drbd(12), fstab(20, '/dev/sdb1', '/srv/pypi/', 'ext4', 'defaults')]),
    );
    expect(Object.keys(byKey)).toEqual(['/srv/pypi']);
    expect(byKey['/srv/pypi']).toMatchObject({ spec: '/dev/sdb1', line: 20 });
  });
});

describe('nodeLocalTag', () => {
  it.each([
    [ROOT_UUID, 'UUID='],
    ['PARTUUID=6c1d2e3f-01', 'PARTUUID='],
    ['/dev/disk/by-uuid/b3d6f0a2-5c1e-4d7a-9f3b-2a8e61c4d901', '/dev/disk/by-uuid/'],
    ['/dev/disk/by-partuuid/6c1d2e3f-01', '/dev/disk/by-partuuid/'],
    ['LABEL=pypi', undefined],
    ['PARTLABEL=pypi', undefined],
    ['/dev/drbd0', undefined],
    ['/dev/disk/by-label/pypi', undefined],
    ['nfs.example.org:/export/UUID=', undefined],
  ])('%s: %s', (device, tag) => {
    expect(nodeLocalTag(device)).toBe(tag);
  });
});

describe('mounts: drift', () => {
  const pypi = {
    '/srv/pypi': mountRule({ device: '/dev/drbd0', fstype: 'ext4', options: ['noauto'], failover: true }),
  };

  it.each([
    ['no mount', {}, false],
    ['/srv/pypi', pypi, true],
  ])('asks something of a node when the roles name a mount (%s: %s)', (_what, rules, expected) => {
    expect(mountsComparator.hasRules!(spec({ mounts: rules }))).toBe(expected);
  });

  it('is satisfied by the fstab line the roles describe, even written with a trailing slash', () => {
    expect(driftOf(pypi, mounts([fstab(12, '/dev/drbd0', '/srv/pypi/', 'ext4', 'noauto,nofail')]))).toEqual(
      [],
    );
    expect(driftOf({ '/srv/pypi/': pypi['/srv/pypi'] }, mounts([drbd()]))).toEqual([]);
  });

  it('reports a mount point without an fstab entry, with what the roles want', () => {
    expect(driftOf(pypi, mounts([fstab(12, ROOT_UUID, '/', 'ext4', 'defaults')]))).toStrictEqual([
      aboutPypiMount({
        kind: 'missing',
        expected: { device: '/dev/drbd0', fstype: 'ext4', options: ['noauto'] },
        message: '/srv/pypi has no fstab entry',
      }),
    ]);
  });

  it('reports the wrong device and the wrong type, with the fstab line', () => {
    expect(driftOf(pypi, mounts([fstab(7, '/dev/sdb1', '/srv/pypi', 'xfs', 'noauto')]))).toStrictEqual([
      aboutPypiMount({
        kind: 'mismatch',
        aspect: 'device',
        expected: '/dev/drbd0',
        actual: '/dev/sdb1',
        message: '/srv/pypi mounts /dev/sdb1, desired /dev/drbd0 (fstab line 7)',
      }),
      aboutPypiMount({
        kind: 'mismatch',
        aspect: 'fstype',
        expected: 'ext4',
        actual: 'xfs',
        message: '/srv/pypi is xfs, desired ext4 (fstab line 7)',
      }),
    ]);
  });

  it('checks device and type only when the roles say which', () => {
    const anyDevice = { '/srv/pypi': mountRule({ options: [] }) };
    expect(driftOf(anyDevice, mounts([fstab(7, '/dev/sdb1', '/srv/pypi', 'xfs', 'defaults')]))).toEqual([]);
  });

  it.each([
    ['option', ['noauto'], 'defaults', 'noauto'],
    ['options', ['noauto', 'nofail', '_netdev'], 'nofail,x-systemd.device-timeout=10s', 'noauto, _netdev'],
  ])('names the missing %s and the line as written', (word, wanted, written, lacking) => {
    const rules = { '/srv/pypi': mountRule({ options: wanted }) };
    const entry = fstab(12, '/dev/drbd0', '/srv/pypi', 'ext4', written);
    expect(driftOf(rules, mounts([entry]))).toStrictEqual([
      aboutPypiMount({
        kind: 'mismatch',
        aspect: 'options',
        expected: wanted,
        actual: written.split(','),
        message: `/srv/pypi lacks ${word} ${lacking} (fstab line 12: ${written})`,
      }),
    ]);
  });

  it('calls a failover mount that would be mounted at boot unsafe (PyPI 2013)', () => {
    const rules = { '/srv/pypi': mountRule({ failover: true }) };
    expect(driftOf(rules, mounts([drbd(12, 'defaults,nofail')]))).toStrictEqual([
      aboutPypiMount({
        kind: 'unsafe',
        expected: 'noauto',
        actual: ['defaults', 'nofail'],
        message: '/srv/pypi moves with the primary but would be mounted at boot: add noauto (fstab line 12)',
      }),
    ]);
  });

  describe('a mount that is not a failover one', () => {
    const data = { '/srv/data': mountRule({ fstype: 'xfs' }) };
    const entry = fstab(16, 'LABEL=data', '/srv/data', 'xfs', 'defaults');

    it('warns when the node mounts other things but not it', () => {
      expect(
        driftOf(data, mounts([entry], [live('/', '/dev/sda1'), live('/srv/pypi', '/dev/drbd0')])),
      ).toStrictEqual([
        {
          category: 'mounts',
          key: '/srv/data',
          kind: 'missing',
          severity: 'warning',
          aspect: 'live',
          expected: 'mounted',
          actual: 'not mounted',
          message: '/srv/data is defined but not mounted',
        },
      ]);
    });

    it('is fine when mounted (however the roles spell it), and when the state has no live mounts (a file tree)', () => {
      expect(
        driftOf(data, mounts([entry], [live('/', '/dev/sda1'), live('/srv/data', '/dev/sdc1')])),
      ).toEqual([]);
      expect(driftOf(data, mounts([entry], []))).toEqual([]);
      const slashed = { '/srv/data/': mountRule({ fstype: 'xfs' }) };
      expect(
        driftOf(slashed, mounts([entry], [live('/', '/dev/sda1'), live('/srv/data', '/dev/sdc1')])),
      ).toEqual([]);
    });
  });

  it('does not ask a failover mount to be mounted: the passive node has it unmounted', () => {
    expect(driftOf(pypi, mounts([drbd()], [live('/', '/dev/sda1')]))).toEqual([]);
  });
});

describe('mounts: parity', () => {
  it('finds nothing between the same definitions, disk UUIDs and swap included', () => {
    const first = [
      fstab(12, ROOT_UUID, '/', 'ext4', 'errors=remount-ro'),
      fstab(13, 'UUID=0f3c2d1e-8a7b-4c6d-9e5f-1a2b3c4d5e6f', 'none', 'swap', 'sw'),
      fstab(14, '/dev/disk/by-partuuid/6c1d2e3f-01', '/boot/efi', 'vfat', 'umask=0077'),
      drbd(15, 'noauto,nofail'),
    ];
    const second = [
      fstab(2, 'UUID=77aa0f3c-1d2e-4b5c-8a9d-0e1f2a3b4c5d', '/', 'ext4', 'errors=remount-ro'),
      fstab(3, 'UUID=a1b2c3d4-0000-4c6d-9e5f-1a2b3c4d5e6f', 'none', 'swap', 'sw'),
      fstab(4, '/dev/disk/by-partuuid/0a0b0c0d-01', '/boot/efi', 'vfat', 'umask=0077'),
      drbd(5, 'nofail,noauto'),
    ];
    expect(parityOf(first, second)).toEqual([]);
  });

  it.each([
    ['a disk UUID against a device path', ROOT_UUID, '/dev/sda1'],
    ['a device path against a disk UUID', '/dev/sda1', ROOT_UUID],
    ['two labels', 'LABEL=root', 'LABEL=root2'],
    ['two UUID kinds', ROOT_UUID, 'PARTUUID=6c1d2e3f-01'],
  ])('compares the devices of %s', (_what, a, b) => {
    expect(
      parityOf([fstab(1, a, '/', 'ext4', 'defaults')], [fstab(1, b, '/', 'ext4', 'defaults')]),
    ).toStrictEqual([
      {
        category: 'mounts',
        key: '/',
        kind: 'mismatch',
        side: 'different',
        severity: 'error',
        expected: `${a} / ext4 defaults`,
        actual: `${b} / ext4 defaults`,
        message: `/ fstab entries differ: device ${a} vs ${b} (lines 1 and 1)`,
      },
    ]);
  });

  it('lists every difference of one entry in one finding', () => {
    const first = drbd(4, 'noauto,defaults');
    const second = { ...fstab(9, '/dev/drbd1', '/srv/pypi', 'xfs', 'defaults,nofail,,'), passno: 0 };
    expect(parityOf([first], [second]).map((f) => f.message)).toEqual([
      '/srv/pypi fstab entries differ: device /dev/drbd0 vs /dev/drbd1; type ext4 vs xfs; ' +
        'options only on primary (pypi-1): noauto; options only on secondary (pypi-2): nofail; ' +
        'fsck pass 2 vs 0 (lines 4 and 9)',
    ]);
  });

  it('reports an fstab entry on one node only, recording its line', () => {
    expect(parityOf([drbd(12, 'noauto,nofail')], [])).toStrictEqual([
      aboutPypiMount({
        kind: 'missing',
        side: 'only-first',
        expected: '/dev/drbd0 /srv/pypi ext4 noauto,nofail',
        message: '/srv/pypi (fstab: /dev/drbd0 /srv/pypi ext4 noauto,nofail) only on primary (pypi-1)',
      }),
    ]);
    const swap = fstab(3, '/dev/sdb2', 'none', 'swap', 'sw');
    expect(parityOf([], [swap])).toStrictEqual([
      {
        category: 'mounts',
        key: 'swap #1',
        kind: 'unexpected',
        side: 'only-second',
        severity: 'error',
        actual: '/dev/sdb2 none swap sw',
        message: 'swap #1 (fstab: /dev/sdb2 none swap sw) only on secondary (pypi-2)',
      },
    ]);
  });

  it('skips the mount points the pair ignores', () => {
    expect(parityOf([drbd(4, 'noauto')], [drbd(4, 'defaults')], ['/srv/*'])).toEqual([]);
  });
});
