import { parseGetmntent } from '../parsers/getmntent';
import {
  fstabSpecToNode,
  isNetworkFsType,
  renderGeneratedUnit,
  simulateFstabGenerator,
} from './fstab-generator';

function generate(text: string, fsckExists: (type: string) => boolean = () => true) {
  return simulateFstabGenerator(parseGetmntent(text), { fsckExists });
}

function linksOf(result: ReturnType<typeof generate>, unit: string): string[] {
  return result.links.filter((link) => link.unit === unit).map((link) => `${link.target}.${link.kind}`);
}

describe('simulateFstabGenerator', () => {
  it('turns the PyPI DRBD line into a mount required by local-fs.target that waits for dev-drbd0.device', () => {
    const result = generate('/dev/drbd0  /srv/pypi  ext4  defaults  0  2\n');
    const unit = result.units.find((u) => u.name === 'srv-pypi.mount');
    expect(unit).toMatchObject({
      type: 'mount',
      fstabLine: 1,
      mount: { what: '/dev/drbd0', where: '/srv/pypi', type: 'ext4' },
    });
    expect(linksOf(result, 'srv-pypi.mount')).toEqual(['local-fs.target.requires']);
    const lines = unit?.assignments.map((a) => `${a.key}=${a.value}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'Before=local-fs.target',
        'Requires=systemd-fsck@dev-drbd0.service',
        'After=blockdev@dev-drbd0.target',
      ]),
    );
    expect(unit?.implicit).toMatchObject({
      requires: ['dev-drbd0.device'],
      after: expect.arrayContaining(['dev-drbd0.device', 'local-fs-pre.target']),
    });
    expect(renderGeneratedUnit(unit!)).toContain('[Mount]\nWhat=/dev/drbd0\nWhere=/srv/pypi\nType=ext4\n');
  });

  it("follows LINBIT's advice: nofail + x-systemd.requires=drbd@r0.target is only wanted, and ordered after DRBD", () => {
    const result = generate('/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd@r0.target 0 0\n');
    const unit = result.units.find((u) => u.name === 'srv-pypi.mount');
    expect(linksOf(result, 'srv-pypi.mount')).toEqual(['local-fs.target.wants']);
    const lines = unit?.assignments.map((a) => `${a.key}=${a.value}`);
    expect(lines).toEqual(expect.arrayContaining(['After=drbd@r0.target', 'Requires=drbd@r0.target']));
    expect(lines).not.toContain('Before=local-fs.target');
    expect(unit?.implicit?.before ?? []).not.toContain('local-fs.target');
  });

  it('does not link a noauto mount, and sends _netdev and network file systems to remote-fs.target', () => {
    const result = generate(
      '/dev/drbd0 /srv/pypi ext4 noauto 0 0\n/dev/sdc1 /mnt/iscsi ext4 _netdev 0 0\nsrv:/x /mnt/nfs nfs4 defaults 0 0\n',
    );
    expect(linksOf(result, 'srv-pypi.mount')).toEqual([]);
    expect(linksOf(result, 'mnt-iscsi.mount')).toEqual(['remote-fs.target.requires']);
    expect(linksOf(result, 'mnt-nfs.mount')).toEqual(['remote-fs.target.requires']);
    expect(result.units.find((u) => u.name === 'mnt-nfs.mount')?.implicit?.wants).toEqual([
      'network-online.target',
    ]);
    expect(isNetworkFsType('fuse.sshfs')).toBe(true);
    expect(isNetworkFsType('ext4')).toBe(false);
  });

  it('makes automount and swap units, and honours wanted-by/required-by instead of the default target', () => {
    const result = generate(
      '/dev/sdd1 /mnt/auto ext4 noauto,x-systemd.automount 0 0\n/dev/sda2 none swap sw,nofail 0 0\n/dev/sdf1 /mnt/w ext4 x-systemd.wanted-by=multi-user.target,x-systemd.required-by=app.service 0 0\n',
    );
    expect(result.units.map((u) => u.name)).toEqual([
      'mnt-auto.mount',
      'mnt-auto.automount',
      'dev-sda2.swap',
      'mnt-w.mount',
    ]);
    expect(linksOf(result, 'mnt-auto.automount')).toEqual(['local-fs.target.requires']);
    expect(linksOf(result, 'mnt-auto.mount')).toEqual([]);
    expect(linksOf(result, 'dev-sda2.swap')).toEqual(['swap.target.wants']);
    expect(linksOf(result, 'mnt-w.mount')).toEqual(['multi-user.target.wants', 'app.service.requires']);
  });

  it('skips API file systems, non-paths and duplicates, saying why; always links systemd-remount-fs', () => {
    const result = generate(
      'proc /proc proc defaults 0 0\n/dev/sdj1 none ext4 defaults 0 0\n/dev/a /dup ext4 defaults 0 0\n/dev/b /dup ext4 defaults 0 0\n',
    );
    expect(result.units.map((u) => u.name)).toEqual(['dup.mount']);
    expect(result.units[0]?.mount?.what).toBe('/dev/a');
    expect(result.skipped.map((s) => s.line)).toEqual([1, 2, 4]);
    expect(linksOf(result, 'systemd-remount-fs.service')).toEqual(['local-fs.target.wants']);
  });

  it('skips the fsck dependency when the node has no fsck helper for the type, and ignores noauto on /', () => {
    const result = generate(
      'UUID=1 / xfs noauto 0 1\n/dev/sdb1 /data xfs defaults 0 2\n',
      (type) => type !== 'xfs',
    );
    expect(linksOf(result, '-.mount')).toEqual(['local-fs.target.requires']);
    expect(
      result.units
        .find((u) => u.name === 'data.mount')
        ?.assignments.some((a) => a.value.startsWith('systemd-fsck@')),
    ).toBe(false);
  });

  it('turns LABEL=/UUID= into /dev/disk/by-* paths', () => {
    expect(fstabSpecToNode('LABEL=Backup Disk')).toBe('/dev/disk/by-label/Backup\\x20Disk');
    expect(fstabSpecToNode('UUID=abcd')).toBe('/dev/disk/by-uuid/abcd');
    expect(fstabSpecToNode('/dev/sda1')).toBe('/dev/sda1');
  });
});
