import { parseFstab } from '../../collect/parsers/fstab';
import type { FstabEntry, MountsState } from '../../model/state';
import { unit } from '../../../test/helpers/states';
import { fstabEntryOf, fstabEvidence } from './fstab-text';

/** The entries of an fstab as an operator writes it. */
function entries(text: string): FstabEntry[] {
  return parseFstab(text).entries;
}

function only(text: string): FstabEntry {
  const [entry, ...rest] = entries(text);
  expect(rest).toEqual([]);
  return entry as FstabEntry;
}

describe('fstabEvidence', () => {
  it('writes the line back as it reads, prefixed with its place in /etc/fstab', () => {
    const entry = only('# /etc/fstab\n\n/dev/drbd0  /srv/pypi\text4   defaults   0   2\n');
    expect(fstabEvidence(entry)).toBe('/etc/fstab:3: /dev/drbd0 /srv/pypi ext4 defaults 0 2');
  });

  it('keeps the options as written, in their order, with freq and passno', () => {
    const entry = only('/dev/drbd0 /srv/pypi ext4 noauto,nofail,x-systemd.requires=drbd@r0.target 1 0\n');
    expect(fstabEvidence(entry)).toBe(
      '/etc/fstab:1: /dev/drbd0 /srv/pypi ext4 noauto,nofail,x-systemd.requires=drbd@r0.target 1 0',
    );
  });

  it('writes defaults for a line without an options field, and freq and passno as 0', () => {
    const entry = only('/dev/sdb1 /srv/data ext4\n');
    expect(entry.options).toEqual([]);
    expect(fstabEvidence(entry)).toBe('/etc/fstab:1: /dev/sdb1 /srv/data ext4 defaults 0 0');
  });

  it('escapes space, tab and backslash as fstab does, in every field', () => {
    const entry = only('/dev/disk/by-label/my\\040disk /srv/my\\011data\\134x ext4 x-a=b\\040c 0 2\n');
    expect(entry.file).toBe('/srv/my\tdata\\x');
    expect(fstabEvidence(entry)).toBe(
      '/etc/fstab:1: /dev/disk/by-label/my\\040disk /srv/my\\011data\\134x ext4 x-a=b\\040c 0 2',
    );
  });

  it('escapes a newline in a field (a value that cannot come from a file, but can from a state)', () => {
    const entry: FstabEntry = { ...only('/dev/sdb1 /srv ext4 defaults 0 2\n'), file: '/srv/a\nb' };
    expect(fstabEvidence(entry)).toBe('/etc/fstab:1: /dev/sdb1 /srv/a\\012b ext4 defaults 0 2');
  });
});

describe('fstabEntryOf', () => {
  const text =
    '/dev/vda1 / ext4 errors=remount-ro 0 1\n/dev/drbd0 /srv/pypi ext4 defaults 0 2\n/dev/sdb1 /srv/data ext4 nofail 0 2\n';

  it('finds the entry by the line the generated unit came from', () => {
    const mounts: MountsState = { fstab: entries(text), live: [] };
    expect(fstabEntryOf(mounts, unit('srv-data.mount', { fstabLine: 3 }))).toBe(mounts.fstab[2]);
    expect(fstabEntryOf(mounts, unit('srv-pypi.mount', { fstabLine: 2 }))?.file).toBe('/srv/pypi');
  });

  it('has none for a unit not made from fstab, a line the fstab does not have, or no mounts collected', () => {
    const mounts: MountsState = { fstab: entries(text), live: [] };
    expect(fstabEntryOf(mounts, unit('srv-pypi.mount'))).toBeUndefined();
    expect(fstabEntryOf(mounts, unit('srv-pypi.mount', { fstabLine: 4 }))).toBeUndefined();
    expect(fstabEntryOf(undefined, unit('srv-pypi.mount', { fstabLine: 2 }))).toBeUndefined();
  });
});
