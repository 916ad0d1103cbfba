import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath, MAX_FILE_BYTES, MAX_FOLDER_BYTES, readYamlFolder } from './read-folder';

describe('readYamlFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-desired-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads *.yaml and *.yml directly in the folder, by name in byte order, following links to files', () => {
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
    ]);
  });

  it('refuses a file larger than MAX_FILE_BYTES without reading it, saying how large it is', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    const { issues } = readYamlFolder(dir);
    expect(issues).toEqual([
      {
        message: `file is 1.0 MiB (${MAX_FILE_BYTES + 1} bytes), more than the 1.0 MiB a desired-state file may have: split it`,
        at: { file: displayPath(path.join(dir, 'big.yaml')), line: 1, col: 1 },
      },
    ]);
  });

  it('refuses an 8 MB file by its size: a desired state is written by hand', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(8_000_000, 0x20));
    expect(readYamlFolder(dir).issues.map((issue) => issue.message)).toEqual([
      'file is 7.6 MiB (8000000 bytes), more than the 1.0 MiB a desired-state file may have: split it',
    ]);
  });

  it('refuses a folder whose files together are too large, reading none of them', () => {
    const each = MAX_FILE_BYTES - 10;
    const count = Math.floor(MAX_FOLDER_BYTES / each) + 1;
    for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, `f${i}.yaml`), Buffer.alloc(each, 0x20));
    const { files, issues } = readYamlFolder(dir);
    expect(files).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(`more than the 4.0 MiB a desired state may have`);
  });

  it('says when the folder is missing, is a file, or has no YAML', () => {
    const file = path.join(dir, 'f.yaml');
    fs.writeFileSync(file, '');
    expect(readYamlFolder(path.join(dir, 'nope')).issues[0]?.message).toMatch(/` does not exist$/);
    expect(readYamlFolder(file).issues[0]?.message).toMatch(/` is not a folder$/);
    fs.rmSync(file);
    expect(readYamlFolder(dir).issues[0]?.message).toMatch(/` has no \*\.yaml or \*\.yml files$/);
  });
});

describe('displayPath', () => {
  it('is relative under the working directory, absolute elsewhere', () => {
    expect(displayPath('/work/x/desired-state/a.yaml', '/work/x')).toBe('desired-state/a.yaml');
    expect(displayPath('desired-state/a.yaml', '/work/x')).toBe('desired-state/a.yaml');
    expect(displayPath('/etc/driftguard/a.yaml', '/work/x')).toBe('/etc/driftguard/a.yaml');
    expect(displayPath('../y/a.yaml', '/work/x')).toBe('/work/y/a.yaml');
    expect(displayPath('/work/x', '/work/x')).toBe('.');
    expect(displayPath('/work/x/..hidden/a.yaml', '/work/x')).toBe('..hidden/a.yaml');
  });
});
