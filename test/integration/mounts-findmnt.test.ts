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
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMountinfo } from '../../src/collect/mounts/parse';
import { parseFstab } from '../../src/collect/parsers/fstab';
import { FIXTURE_NODES_DIR as NODES } from '../helpers/fixture-nodes';

interface FindmntEntry {
  id?: number;
  parent?: number;
  target: string;
  source: string | null;
  fstype: string;
  options?: string;
}

function findmnt(args: string[]): FindmntEntry[] {
  const stdout = execFileSync('findmnt', ['-J', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (JSON.parse(stdout) as { filesystems: FindmntEntry[] }).filesystems;
}

function compareMountinfo(file: string): void {
  const theirs = findmnt([
    '--list',
    '--nofsroot',
    '--tab-file',
    file,
    '-o',
    'ID,PARENT,TARGET,SOURCE,FSTYPE',
  ]).map((entry) => ({
    id: entry.id,
    parent: entry.parent,
    target: entry.target.replace(/ \(deleted\)$/, ''),
    source: entry.source ?? '',
    fstype: entry.fstype,
  }));
  const ours = parseMountinfo(fs.readFileSync(file, 'utf8')).entries.map((entry) => ({
    id: entry.mountId,
    parent: entry.parentId,
    target: entry.mountPoint,
    source: entry.source,
    fstype: entry.fstype,
  }));
  const byId = (a: { id?: number }, b: { id?: number }): number => (a.id ?? 0) - (b.id ?? 0);
  expect(ours.sort(byId)).toEqual(theirs.sort(byId));
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-mountinfo-'));
    try {
      // A copy, so both sides read the very same bytes.
      const copy = path.join(dir, 'mountinfo');
      fs.writeFileSync(copy, fs.readFileSync('/proc/self/mountinfo'));
      compareMountinfo(copy);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-fstab-'));
    try {
      const file = path.join(dir, 'fstab');
      fs.writeFileSync(
        file,
        [
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
        ].join('\n'),
      );
      const theirs = findmnt(['--fstab', '--tab-file', file, '-o', 'SOURCE,TARGET,FSTYPE,OPTIONS']);
      const parsed = parseFstab(fs.readFileSync(file, 'utf8'));
      expect(parsed.entries.map((entry) => entry.file)).toEqual(theirs.map((entry) => entry.target));
      expect(parsed.entries.map((entry) => entry.options.join(','))).toEqual(
        theirs.map((entry) => entry.options ?? ''),
      );
      expect(parsed.warnings.map((warning) => warning.line)).toEqual([2, 3, 4]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
