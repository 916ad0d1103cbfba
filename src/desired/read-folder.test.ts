import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath, MAX_FILE_BYTES, MAX_FOLDER_BYTES, readYamlFolder } from './read-folder';

/**
 * What readYamlFolder returns, each text by its length: a failing comparison that held megabyte
 * strings would take jest minutes to print.
 */
function sizesRead(dir: string): { files: [string, number][]; issues: unknown[] } {
  const { files, issues } = readYamlFolder(dir);
  return { files: files.map((f) => [path.basename(f.file), f.text.length]), issues };
}

describe('readYamlFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-desired-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads *.yaml and *.yml directly in the folder, following links to files, by name in UTF-16 order (not the byte order readdir gives)', () => {
    // U+FF5E is EF BD 9E in UTF-8 and U+1F600 is F0 9F 98 80: byte order puts the fullwidth tilde
    // first, UTF-16 (FF5E against D83D DE00) the emoji.
    fs.writeFileSync(path.join(dir, '\u{FF5E}.yaml'), 'tilde');
    fs.writeFileSync(path.join(dir, '\u{1F600}.yaml'), 'emoji');
    fs.writeFileSync(path.join(dir, 'b.yml'), 'b');
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a');
    fs.writeFileSync(path.join(dir, 'Z.yaml'), 'Z');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(dir, '.#a.yaml'), 'lock');
    fs.mkdirSync(path.join(dir, 'old'));
    fs.writeFileSync(path.join(dir, 'old', 'c.yaml'), 'c');
    fs.mkdirSync(path.join(dir, 'dir.yaml'));
    fs.symlinkSync(path.join(dir, 'old', 'c.yaml'), path.join(dir, 'linked.yaml'));
    fs.symlinkSync(path.join(dir, 'missing'), path.join(dir, 'dangling.yaml'));
    const { files, issues } = readYamlFolder(dir);
    expect(issues).toEqual([]);
    expect(files.map((f) => [path.basename(f.file), f.text])).toEqual([
      ['Z.yaml', 'Z'],
      ['a.yaml', 'a'],
      ['b.yml', 'b'],
      ['linked.yaml', 'c'],
      ['\u{1F600}.yaml', 'emoji'],
      ['\u{FF5E}.yaml', 'tilde'],
    ]);
  });

  it('reads a file of exactly MAX_FILE_BYTES, and refuses one byte more without reading it, saying how large it is', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(MAX_FILE_BYTES, 0x20));
    expect(sizesRead(dir)).toEqual({ files: [['big.yaml', MAX_FILE_BYTES]], issues: [] });
    fs.appendFileSync(path.join(dir, 'big.yaml'), ' ');
    expect(sizesRead(dir)).toEqual({
      files: [],
      issues: [
        {
          message: `file is 1.0 MiB (${MAX_FILE_BYTES + 1} bytes), more than the 1.0 MiB a desired-state file may have: split it`,
          at: { file: displayPath(path.join(dir, 'big.yaml')), line: 1, col: 1 },
        },
      ],
    });
  });

  it('refuses an 8 MB file by its size: a desired state is written by hand', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(8_000_000, 0x20));
    expect(readYamlFolder(dir).issues.map((issue) => issue.message)).toEqual([
      'file is 7.6 MiB (8000000 bytes), more than the 1.0 MiB a desired-state file may have: split it',
    ]);
  });

  it('reads a folder of exactly MAX_FOLDER_BYTES, and refuses one byte more, reading none of its files', () => {
    const count = MAX_FOLDER_BYTES / MAX_FILE_BYTES;
    for (let i = 0; i < count; i++)
      fs.writeFileSync(path.join(dir, `f${i}.yaml`), Buffer.alloc(MAX_FILE_BYTES, 0x20));
    expect(sizesRead(dir)).toEqual({
      files: Array.from({ length: count }, (_, i) => [`f${i}.yaml`, MAX_FILE_BYTES]),
      issues: [],
    });
    fs.writeFileSync(path.join(dir, 'one-more.yaml'), ' ');
    expect(sizesRead(dir)).toEqual({
      files: [],
      issues: [
        {
          message: `desired-state folder \`${displayPath(dir)}\` holds 4.0 MiB of YAML, more than the 4.0 MiB a desired state may have`,
        },
      ],
    });
  });

  it('a file it cannot look at (its path longer than the system allows) is a problem at the file, and nothing is read', () => {
    // The folder's own path is short enough to list, the file's is not (PATH_MAX is 4096 on Linux).
    let deep = dir;
    while (deep.length < 3850) deep = path.join(deep, 'd'.repeat(100));
    fs.mkdirSync(deep, { recursive: true });
    fs.symlinkSync(deep, path.join(dir, 'short'));
    const name = `${'n'.repeat(250)}.yaml`;
    fs.writeFileSync(path.join(dir, 'short', name), 'kind: Role\n');
    fs.writeFileSync(path.join(deep, 'a.yaml'), 'a');
    const full = path.join(deep, name);
    try {
      expect(readYamlFolder(deep)).toEqual({
        files: [],
        issues: [
          {
            message: `cannot read file: ENAMETOOLONG: name too long, stat '${full}'`,
            at: { file: displayPath(full), line: 1, col: 1 },
          },
        ],
      });
    } finally {
      fs.rmSync(path.join(dir, 'short', name)); // rmSync of the folder could not reach it by its long path
    }
  });

  it('a file that cannot be read is a problem at the file; the others are read', () => {
    // A real file to stat (size 0) whose first read fails: address 0 is never mapped.
    fs.symlinkSync('/proc/self/mem', path.join(dir, 'mem.yaml'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a');
    expect(readYamlFolder(dir)).toEqual({
      files: [{ file: displayPath(path.join(dir, 'a.yaml')), text: 'a' }],
      issues: [
        {
          message: 'cannot read file: EIO: i/o error, read',
          at: { file: displayPath(path.join(dir, 'mem.yaml')), line: 1, col: 1 },
        },
      ],
    });
  });

  it.each<[string, (dir: string) => string, (shown: string, folder: string) => string]>([
    [
      'missing',
      (dir) => path.join(dir, 'nope'),
      (shown) => `desired-state folder \`${shown}\` does not exist`,
    ],
    [
      'a file',
      (dir) => {
        fs.writeFileSync(path.join(dir, 'f.yaml'), '');
        return path.join(dir, 'f.yaml');
      },
      (shown) => `desired-state folder \`${shown}\` is not a folder`,
    ],
    [
      'a link to itself',
      (dir) => {
        fs.symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop'));
        return path.join(dir, 'loop');
      },
      (shown, folder) =>
        `desired-state folder \`${shown}\` cannot be read (ELOOP: too many symbolic links encountered, scandir '${folder}')`,
    ],
    [
      'without YAML files (only other files and folders)',
      (dir) => {
        fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
        fs.mkdirSync(path.join(dir, 'old.yaml'));
        return dir;
      },
      (shown) => `desired-state folder \`${shown}\` has no *.yaml or *.yml files`,
    ],
  ])('says what is wrong with a folder that is %s', (_, make, message) => {
    const folder = make(dir);
    expect(readYamlFolder(folder)).toEqual({
      files: [],
      issues: [{ message: message(displayPath(folder), folder) }],
    });
  });
});

describe('displayPath', () => {
  it('is relative under the working directory, absolute elsewhere', () => {
    expect(displayPath('/work/x/desired-state/a.yaml', '/work/x')).toBe('desired-state/a.yaml');
    expect(displayPath('desired-state/a.yaml', '/work/x')).toBe('desired-state/a.yaml');
    expect(displayPath('/etc/driftguard/a.yaml', '/work/x')).toBe('/etc/driftguard/a.yaml');
    expect(displayPath('../y/a.yaml', '/work/x')).toBe('/work/y/a.yaml');
    expect(displayPath('/work', '/work/x')).toBe('/work');
    expect(displayPath('/work/x', '/work/x')).toBe('.');
    expect(displayPath('/work/x/..hidden/a.yaml', '/work/x')).toBe('..hidden/a.yaml');
  });
});
