import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decodeOctalEscapes,
  encodeOctalEscapes,
  interpretFstabOptions,
  optionWords,
  parseFstab,
  splitFieldsAt,
  splitMountOptions,
  splitSystemdOptions,
} from './fstab';
import { FIXTURE_NODES_DIR as NODES } from '../../../test/helpers/fixture-nodes';

describe('decodeOctalEscapes', () => {
  it('decodes the escapes fstab and mountinfo use', () => {
    expect(decodeOctalEscapes('/srv/my\\040data')).toBe('/srv/my data');
    expect(decodeOctalEscapes('/srv/tab\\011dir')).toBe('/srv/tab\tdir');
    expect(decodeOctalEscapes('/srv/new\\012line')).toBe('/srv/new\nline');
    expect(decodeOctalEscapes('/srv/back\\134slash')).toBe('/srv/back\\slash');
  });

  it('decodes escaped UTF-8 bytes into one character', () => {
    expect(decodeOctalEscapes('/srv/caf\\303\\251')).toBe('/srv/café');
  });

  it('keeps backslashes that do not start three octal digits', () => {
    expect(decodeOctalEscapes('a\\x20b')).toBe('a\\x20b');
    expect(decodeOctalEscapes('a\\04')).toBe('a\\04');
    expect(decodeOctalEscapes('a\\089')).toBe('a\\089');
  });
});

describe('encodeOctalEscapes', () => {
  it('escapes what would split or confuse a field, and decodes back to the value', () => {
    const value = 'my data\tnew\nline back\\slash café';
    expect(encodeOctalEscapes(value)).toBe('my\\040data\\011new\\012line\\040back\\134slash\\040café');
    expect(decodeOctalEscapes(encodeOctalEscapes(value))).toBe(value);
  });
});

describe('splitFieldsAt', () => {
  it('gives each blank-separated field with where it is in the line', () => {
    expect(splitFieldsAt(' /dev/a\t /b  ext4')).toEqual([
      { text: '/dev/a', start: 1, end: 7 },
      { text: '/b', start: 9, end: 11 },
      { text: 'ext4', start: 13, end: 17 },
    ]);
    expect(splitFieldsAt(' \t ')).toEqual([]);
  });
});

describe('option splitting', () => {
  it('splits like libmount: commas inside double quotes do not split', () => {
    expect(splitMountOptions('rw,"x-a=1,2",noatime')).toEqual(['rw', '"x-a=1,2"', 'noatime']);
    expect(splitMountOptions('')).toEqual([]);
    // Empty words are kept, so joined with commas the field is as written (findmnt shows it so).
    expect(splitMountOptions('a,,b')).toEqual(['a', '', 'b']);
  });

  it('names only the non-empty words as options', () => {
    expect(optionWords({ options: splitMountOptions('rw,,noatime,') })).toEqual(['rw', 'noatime']);
  });

  it('splits like systemd: a backslash escapes a comma, quotes mean nothing', () => {
    expect(splitSystemdOptions('x-systemd.after=a\\,b.service,nofail')).toEqual([
      'x-systemd.after=a,b.service',
      'nofail',
    ]);
    expect(splitSystemdOptions('x-systemd.after=foo\\x2dbar.service')).toEqual([
      'x-systemd.after=foo\\x2dbar.service',
    ]);
    expect(splitSystemdOptions('"a,b"')).toEqual(['"a', 'b"']);
  });
});

describe('interpretFstabOptions', () => {
  it('defaults: auto, fail, no _netdev', () => {
    const parsed = interpretFstabOptions('defaults');
    expect(parsed).toMatchObject({ auto: true, nofail: false, netdev: false, automount: false });
    expect(parsed.systemdRequires).toEqual([]);
  });

  it('the last of noauto/auto and of nofail/fail wins', () => {
    expect(interpretFstabOptions('noauto,auto,nofail,fail')).toMatchObject({ auto: true, nofail: false });
    expect(interpretFstabOptions('auto,noauto,fail,nofail')).toMatchObject({ auto: false, nofail: true });
  });

  it('collects every x-systemd dependency option in order', () => {
    const parsed = interpretFstabOptions(
      'nofail,_netdev,x-systemd.requires=drbd@r0.target,x-systemd.requires=/srv/base,x-systemd.after=a.service,' +
        'x-systemd.before=b.service,x-systemd.wanted-by=multi-user.target,x-systemd.required-by=app.service,' +
        'x-systemd.requires-mounts-for=/var/lib,x-systemd.automount,x-systemd.device-timeout=5s,x-systemd.mount-timeout=1min',
    );
    expect(parsed).toEqual({
      auto: true,
      nofail: true,
      netdev: true,
      systemdRequires: ['drbd@r0.target', '/srv/base'],
      systemdAfter: ['a.service'],
      systemdBefore: ['b.service'],
      systemdWantedBy: ['multi-user.target'],
      systemdRequiredBy: ['app.service'],
      systemdRequiresMountsFor: ['/var/lib'],
      automount: true,
      deviceTimeout: '5s',
      mountTimeout: '1min',
    });
  });

  it('does not take x-systemd.requires-mounts-for for x-systemd.requires', () => {
    expect(interpretFstabOptions('x-systemd.requires-mounts-for=/a').systemdRequires).toEqual([]);
  });
});

describe('parseFstab', () => {
  it("reads pypi-1's fstab: the DRBD line with its line number, no noauto, no nofail", () => {
    const { entries, warnings } = parseFstab(
      fs.readFileSync(path.join(NODES, 'pypi-1', 'etc', 'fstab'), 'utf8'),
    );
    expect(warnings).toEqual([]);
    const drbd = entries.find((entry) => entry.spec === '/dev/drbd0');
    expect(drbd).toMatchObject({
      file: '/srv/pypi',
      vfstype: 'ext4',
      options: ['defaults'],
      freq: 0,
      passno: 2,
    });
    expect(drbd?.parsed).toMatchObject({ auto: true, nofail: false, netdev: false });
    const lines = fs.readFileSync(path.join(NODES, 'pypi-1', 'etc', 'fstab'), 'utf8').split('\n');
    expect(lines[(drbd?.line ?? 0) - 1]).toMatch(/^\/dev\/drbd0\s+\/srv\/pypi/);
    expect(entries.map((entry) => entry.file)).toEqual(['/', 'none', '/media/cdrom0', '/srv/pypi']);
  });

  it('unescapes every field of the escapes fixture', () => {
    const { entries } = parseFstab(
      fs.readFileSync(path.join(NODES, 'mountinfo-escapes', 'etc', 'fstab'), 'utf8'),
    );
    const files = entries.map((entry) => entry.file);
    expect(files).toEqual(
      expect.arrayContaining(['/srv/my data', '/srv/tab\tdir', '/srv/back\\slash', '/srv/café']),
    );
    expect(entries.find((entry) => entry.file === '/mnt/backup')?.spec).toBe('LABEL=Backup Disk');
    expect(entries.find((entry) => entry.file === '/mnt/media-share')?.options).toEqual([
      '_netdev',
      'x-systemd.requires=network-online.target',
      '"x-mount.comment=a,b"',
    ]);
  });

  it('skips malformed lines with a warning naming the line, and keeps going', () => {
    const text = [
      '# comment',
      '',
      '/dev/sda1 / ext4 defaults 0 1',
      '/dev/sdb1 /two-fields',
      '/dev/sdc1 /x ext4 defaults zero 0',
      '/dev/sdd1 /y ext4 defaults 0 two',
      '/dev/sde1 /z ext4',
      '\t/dev/sdf1\t/t\text4\tnoatime\t0\t2\r',
    ].join('\n');
    const { entries, warnings } = parseFstab(text);
    expect(entries.map((entry) => [entry.file, entry.line])).toEqual([
      ['/', 3],
      ['/z', 7],
      ['/t', 8],
    ]);
    expect(entries[1]).toMatchObject({ options: [], freq: 0, passno: 0 });
    expect(entries[2]).toMatchObject({ options: ['noatime'], passno: 2 });
    expect(warnings.map((warning) => warning.line)).toEqual([4, 5, 6]);
    expect(warnings[0]?.message).toMatch(/3 fields/);
  });

  it('returns nothing for an empty fstab', () => {
    expect(parseFstab('')).toEqual({ entries: [], warnings: [] });
  });
});
