import { parseFstab } from '../../collect/parsers/fstab';
import { editFstabLine, fstabLine } from './fstab';
import { appendLine, replaceLine } from './lines';
import { addDropInLines, setManagedSysctl } from './managed-files';

describe('fstab line edits', () => {
  it('adds an option and keeps the blanks between fields exactly', () => {
    expect(
      editFstabLine('/dev/drbd0  /srv/pypi\text4   defaults  0  2', {
        options: { add: ['noauto'], remove: [] },
      }),
    ).toBe('/dev/drbd0  /srv/pypi\text4   defaults,noauto  0  2');
  });

  it('removes an option and keeps the others as written, quotes and escapes included', () => {
    const line = 'srv:/x /mnt/a\\040b nfs x-foo="a,b",auto,ro 0 0';
    const edited = editFstabLine(line, { options: { add: ['noauto'], remove: ['auto'] } });
    expect(edited).toBe('srv:/x /mnt/a\\040b nfs x-foo="a,b",ro,noauto 0 0');
    const [entry] = parseFstab(edited).entries;
    expect(entry?.file).toBe('/mnt/a b');
    expect(entry?.parsed.auto).toBe(false);
    expect(entry?.options).toEqual(['x-foo="a,b"', 'ro', 'noauto']);
  });

  it('escapes what it writes, so the parser reads back the same values', () => {
    const edited = editFstabLine('/dev/sdb1 /data ext4 defaults 0 2', {
      spec: '/dev/disk/by-label/my data',
      options: { add: ['x-systemd.requires=drbd@r0.target'], remove: [] },
    });
    const [entry] = parseFstab(edited).entries;
    expect(entry).toMatchObject({
      spec: '/dev/disk/by-label/my data',
      options: ['defaults', 'x-systemd.requires=drbd@r0.target'],
    });
  });

  it('writes the missing fields of a short line when the fsck pass changes', () => {
    expect(editFstabLine('/dev/sdb1 /data ext4', { passno: 2 })).toBe('/dev/sdb1 /data ext4\tdefaults\t0\t2');
  });

  it('keeps a CRLF line ending', () => {
    expect(editFstabLine('/dev/a /b ext4 defaults 0 0\r', { options: { add: ['nofail'], remove: [] } })).toBe(
      '/dev/a /b ext4 defaults,nofail 0 0\r',
    );
  });

  it('refuses a comment or a line with too few fields', () => {
    expect(() => editFstabLine('# /dev/a /b', { passno: 1 })).toThrow(/not an fstab entry/);
  });

  it('changes one line of a file and not a byte elsewhere', () => {
    const text = '# comment\n\n/dev/a  /a ext4 defaults 0 1\n/dev/b /b ext4 defaults 0 2\n';
    const edited = replaceLine(text, 4, (line) =>
      editFstabLine(line, { options: { add: ['noauto'], remove: [] } }),
    );
    expect(edited).toBe('# comment\n\n/dev/a  /a ext4 defaults 0 1\n/dev/b /b ext4 defaults,noauto 0 2\n');
    expect(appendLine('a', 'b')).toBe('a\nb\n');
    expect(appendLine('a\n', 'b')).toBe('a\nb\n');
    expect(fstabLine({ spec: '/dev/drbd0', file: '/srv/x', vfstype: 'ext4', options: [] })).toBe(
      '/dev/drbd0\t/srv/x\text4\tdefaults\t0\t0',
    );
  });
});

describe("driftguard's own files", () => {
  it('creates the sysctl file with a header, then replaces or appends a key', () => {
    const created = setManagedSysctl(undefined, 'kernel.panic', '10');
    expect(created).toMatch(/^# Managed by driftguard.*\n.*\nkernel.panic = 10\n$/);
    const second = setManagedSysctl(created, 'kernel.panic_on_oops', '1');
    expect(second).toBe(`${created}kernel.panic_on_oops = 1\n`);
    expect(setManagedSysctl(second, 'kernel.panic', '30')).toBe(
      second.replace('kernel.panic = 10', 'kernel.panic = 30'),
    );
    // A slash-separated key is the same key (sysctl.d(5)).
    expect(setManagedSysctl('kernel/panic=5\n', 'kernel.panic', '10')).toBe('kernel.panic = 10\n');
  });

  it('adds drop-in lines under [Unit], creating the section when the file ends in another', () => {
    const created = addDropInLines(undefined, [{ directive: 'After', units: ['srv-pypi.mount'] }]);
    expect(created.endsWith('[Unit]\nAfter=srv-pypi.mount\n')).toBe(true);
    expect(addDropInLines(created, [{ directive: 'Wants', units: ['a.service', 'b.service'] }])).toBe(
      `${created}Wants=a.service b.service\n`,
    );
    expect(addDropInLines('[Service]\nNice=5', [{ directive: 'After', units: ['x.mount'] }])).toBe(
      '[Service]\nNice=5\n[Unit]\nAfter=x.mount\n',
    );
  });
});
