/**
 * The sweep's tar reader (src/sweep/tar.ts) against archives made by GNU tar (Debian: tar) in
 * each format it can write, with the options the remote script uses: long names, empty files,
 * binary content, hard links dereferenced.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTar } from '../../src/sweep/tar';
import { removeTree, writeTree } from '../helpers/temp-tree';

const LONG = `${'d'.repeat(90)}/${'f'.repeat(150)}.conf`;
const FILES: Record<string, Buffer> = {
  'etc/fstab': Buffer.from('/dev/sda1 / ext4 defaults 0 1\n'),
  'etc/empty': Buffer.alloc(0),
  'etc/binary': Buffer.from([0, 255, 1, 254, 10, 13]),
  'etc/exactly-512': Buffer.alloc(512, 'x'),
  'etc/name with spaces': Buffer.from('spaces\n'),
  [LONG]: Buffer.from('long name\n'),
};

describe.each(['gnu', 'pax', 'ustar', 'oldgnu'])('readTar on GNU tar --format=%s', (format) => {
  let root: string;
  beforeAll(() => {
    root = writeTree(
      Object.fromEntries(Object.entries(FILES).map(([name, content]) => [`/${name}`, content])),
    );
    fs.linkSync(path.join(root, 'etc/fstab'), path.join(root, 'etc/fstab.hardlink'));
  });
  afterAll(() => removeTree(root));

  it('returns every regular file with its exact content, directories and links left out', () => {
    const names = [...Object.keys(FILES), 'etc/fstab.hardlink', 'etc'].filter(
      (name) => format !== 'ustar' || name !== LONG, // ustar cannot hold a 150-character file name
    );
    const list = names.map((name) => `./${name}`).join('\0') + '\0';
    const archive = execFileSync(
      'tar',
      ['-c', '-f', '-', `--format=${format}`, '--no-recursion', '--hard-dereference', '--null', '-T', '-'],
      { cwd: root, input: list, maxBuffer: 16 * 1024 * 1024 },
    );
    const files = readTar(archive);
    const expected = names
      .filter((name) => name !== 'etc')
      .map((name) => ({ name: `./${name}`, content: FILES[name] ?? FILES['etc/fstab'] }));
    expect(files.map((f) => ({ name: f.name, content: Buffer.from(f.content) }))).toEqual(expected);
  });
});

it('says so when an archive is cut short', () => {
  const root = writeTree({ '/a': Buffer.alloc(2000, 'a') });
  try {
    const archive = execFileSync('tar', ['-c', '-f', '-', './a'], { cwd: root });
    expect(() => readTar(archive.subarray(0, 1024))).toThrow(/truncated/);
  } finally {
    removeTree(root);
  }
});
