/**
 * Differential test: the mountinfo and fstab parsers against util-linux's findmnt (package
 * `util-linux`), which reads both through libmount. `findmnt --tab-file FILE` guesses the format
 * (mountinfo when a line starts with two numbers), so the same command checks this host's
 * mountinfo and the fixture files.
 *
 * One deliberate difference: like current libmount, we drop the `\040(deleted)` suffix the kernel
 * appends to a mount point whose directory was removed; findmnt 2.38 (Debian 12) still shows it,
 * so it is stripped from findmnt's answer before comparing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMountinfo } from '../../src/collect/mounts/parse';
import { parseFstab } from '../../src/collect/parsers/fstab';
import { FIXTURE_NODES_DIR as NODES } from '../helpers/fixture-nodes';
import { withTempFile } from '../helpers/temp-tree';

interface FindmntEntry {
  id?: number;
  parent?: number;
  target: string;
  source: string | null;
  fstype: string;
  options?: string;
  'fs-options'?: string;
  'vfs-options'?: string;
  fsroot?: string;
  freq?: number;
  passno?: number;
}

function findmnt(args: string[]): FindmntEntry[] {
  // Bytes, not UTF-8: a mount point may hold any byte (`\\377`), and both sides must see the same.
  const stdout = execFileSync('findmnt', ['-J', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(
    'utf8',
  );
  return (JSON.parse(stdout || '{"filesystems":[]}') as { filesystems: FindmntEntry[] }).filesystems;
}

/** Our mountinfo parse of `file` against findmnt's, every column; returns ours. */
function compareMountinfo(file: string): ReturnType<typeof parseMountinfo> {
  const theirs = findmnt([
    '--list',
    '--nofsroot',
    '--tab-file',
    file,
    '-o',
    'ID,PARENT,TARGET,SOURCE,FSTYPE,FS-OPTIONS,VFS-OPTIONS,FSROOT',
  ]).map((entry) => ({
    ...entry,
    // The one deliberate difference (see the file comment and docs/architecture.md).
    target: entry.target.replace(/ \(deleted\)$/, ''),
    source: entry.source ?? '',
  }));
  const parsed = parseMountinfo(fs.readFileSync(file).toString('utf8'));
  const ours = parsed.entries.map((entry) => ({
    id: entry.mountId,
    parent: entry.parentId,
    target: entry.mountPoint,
    source: entry.source,
    fstype: entry.fstype,
    'fs-options': entry.superOptions.join(','),
    'vfs-options': entry.options.join(','),
    fsroot: entry.root,
  }));
  const byId = (x: { id?: number }, y: { id?: number }): number => (x.id ?? 0) - (y.id ?? 0);
  expect(ours.sort(byId)).toEqual(theirs.sort(byId));
  return parsed;
}

const mountinfoFiles = fs
  .readdirSync(NODES)
  .flatMap((node) => ['proc/1/mountinfo', 'proc/self/mountinfo'].map((file) => path.join(NODES, node, file)))
  .filter((file) => fs.existsSync(file));

const fstabFiles = fs
  .readdirSync(NODES)
  .map((node) => path.join(NODES, node, 'etc', 'fstab'))
  .filter((file) => fs.existsSync(file));

describe('mountinfo parsing agrees with findmnt', () => {
  it("this host's /proc/self/mountinfo", () => {
    // A copy, so both sides read the very same bytes.
    withTempFile('mountinfo', fs.readFileSync('/proc/self/mountinfo'), compareMountinfo);
  });

  it('finds fixture mountinfo files, including the escapes node', () => {
    expect(mountinfoFiles.some((file) => file.includes('mountinfo-escapes'))).toBe(true);
    expect(mountinfoFiles.length).toBeGreaterThanOrEqual(7);
  });

  it.each(mountinfoFiles.map((file) => [path.relative(NODES, file), file]))('%s', (_name, file) => {
    compareMountinfo(file);
  });
});

describe('fstab parsing agrees with findmnt --fstab', () => {
  it.each(fstabFiles.map((file) => [path.relative(NODES, file), file]))('%s', (_name, file) => {
    const theirs = findmnt(['--fstab', '--tab-file', file, '-o', 'SOURCE,TARGET,FSTYPE,OPTIONS']).map(
      (entry) => ({
        source: entry.source,
        target: entry.target,
        fstype: entry.fstype,
        options: entry.options ?? '',
      }),
    );
    const ours = parseFstab(fs.readFileSync(file, 'utf8')).entries.map((entry) => ({
      source: entry.spec,
      target: entry.file,
      fstype: entry.vfstype,
      options: entry.options.join(','),
    }));
    expect(ours).toEqual(theirs);
  });

  it('skips the lines findmnt skips, and keeps the rest, on a malformed fstab', () => {
    const lines = [
      '/dev/sda1 / ext4 defaults 0 1',
      '/dev/sdb1 /only-two-fields',
      '/dev/sdc1 /bad-freq ext4 defaults x 0',
      '/dev/sdd1 /bad-pass ext4 defaults 0 y',
      '/dev/sde1 /no-options ext4',
      '\t  /dev/sdf1\t/tabs\text4\tnoatime,"x-a=1,2"\t0\t2   ',
      '/dev/sdg1 /extra-fields ext4 defaults 0 0 trailing words',
      '# comment',
      '   # indented comment',
      '',
    ];
    withTempFile('fstab', lines.join('\n'), (file) => {
      const theirs = findmnt(['--fstab', '--tab-file', file, '-o', 'SOURCE,TARGET,FSTYPE,OPTIONS']);
      const parsed = parseFstab(fs.readFileSync(file, 'utf8'));
      expect(parsed.entries.map((entry) => entry.file)).toEqual(theirs.map((entry) => entry.target));
      expect(parsed.entries.map((entry) => entry.options.join(','))).toEqual(
        theirs.map((entry) => entry.options ?? ''),
      );
      expect(parsed.warnings.map((warning) => warning.line)).toEqual([2, 3, 4]);
    });
  });
});

describe('hostile input: the same lines kept and skipped, the same fields, as findmnt', () => {
  it('fstab: invalid and out-of-range octal escapes, empty option words, CRLF, huge numbers', () => {
    const lines = [
      '/dev/sda1 /a\\040b ext4 defaults 0 0',
      '/dev/sda2 /c\\9d ext4 defaults 0 0', // not an escape: kept
      '/dev/sda3 /e\\04 ext4 defaults 0 0', // too short: kept
      '/dev/sda4 /f\\400g ext4 defaults 0 0', // \400 is byte 0: the string ends there
      '/dev/sda5 /h\\ ext4 defaults 0 0',
      '/dev/sda6 /caf\\303\\251 ext4 x=\\101 0 0',
      '/dev/sda7 /p\\0000 ext4 defaults 0 0',
      '/dev/sda8 /r\\777 ext4 defaults 0 0',
      '/dev/sdb1 /i ext4 rw,,noatime,,, 0 0', // empty option words, kept as written
      '/dev/sdb2 /j ext4 , 0 0',
      '/dev/sdb3 /k ext4 defaults 99999999999 2147483648', // wrapped to 32 bits
      '/dev/sdb4 /l ext4 defaults 99999999999999999999 0', // beyond a long: the line is refused
      '/dev/sdb5 /m ext4 defaults -1 +2',
      '/dev/sdb6 /n ext4 defaults 0 2\r', // CRLF
      '/dev/sdb7 /o ext4 noauto,nofail\r',
      '/dev/sdb8 /q ext4 defaults 0x1 0',
    ];
    withTempFile('tab', lines.join('\n') + '\n', (file) => {
      const theirs = findmnt([
        '--fstab',
        '--tab-file',
        file,
        '-o',
        'SOURCE,TARGET,FSTYPE,OPTIONS,FREQ,PASSNO',
      ]).map((entry) => ({ ...entry, options: entry.options ?? '' }));
      const parsed = parseFstab(fs.readFileSync(file).toString('utf8'));
      const ours = parsed.entries.map((entry) => ({
        source: entry.spec,
        target: entry.file,
        fstype: entry.vfstype,
        options: entry.options.join(','),
        freq: entry.freq,
        passno: entry.passno,
      }));
      expect(ours).toEqual(theirs);
      expect(parsed.warnings.map((warning) => warning.line)).toEqual([12, 16]);
    });
  });

  it('mountinfo: no or empty super options, huge ids, bad escapes, empty option words, (deleted)', () => {
    const lines = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
      '30 22 8:2 / /srv/gone\\040(deleted) rw,relatime shared:2 - ext4 /dev/sda2 rw',
      '31 22 8:3 / /srv/x\\040(deleted)\\040(deleted) rw shared:3 - ext4 /dev/sda3 rw',
      '32 22 8:4 / /srv/(deleted) rw - ext4 /dev/sda4 rw',
      '33 22 8:5 / /srv/nosuper rw - ext4 /dev/sda5', // no super options: refused
      '34 22 8:6 / /srv/emptysuper rw - ext4 /dev/sda6 ', // empty super options: refused
      '35 22 8:7 / /srv/nosource rw - tmpfs  rw', // empty source: kept
      '36 22 8:8 / /srv/bad\\9esc rw - ext4 /dev/sda8 rw',
      '37 22 8:9 / /srv/big\\400 rw - ext4 /dev/sda9 rw',
      '99999999999 22 8:10 / /srv/hugeid rw - ext4 /dev/sda10 rw', // wrapped to 32 bits
      '38 99999999999999999999 8:11 / /srv/hugeparent rw - ext4 /dev/sda11 rw', // refused
      '39 22 8:12 / /srv/emptyopts ,,rw,, - ext4 /dev/sda12 ,,rw,,',
      '40 22 8:13 / /srv/a\\040b(deleted) rw - ext4 /dev/sda13 rw',
      '41 22 8:14 /dir\\040(deleted) /srv/rootdel rw - ext4 /dev/sda14 rw',
      '42 22 8:15 / /srv/nodash rw ext4 /dev/sda15 rw', // no separator: refused
    ];
    withTempFile('tab', lines.join('\n') + '\n', (file) => {
      expect(compareMountinfo(file).badLines).toEqual([5, 6, 11, 15]);
    });
  });
});
