import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath, MAX_FILE_BYTES, readYamlFolder } from './read-folder';

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

  it('refuses a file larger than MAX_FILE_BYTES without reading it', () => {
    fs.writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    const { issues } = readYamlFolder(dir);
    expect(issues).toEqual([
      {
        message: `file is ${MAX_FILE_BYTES + 1} bytes, more than the ${MAX_FILE_BYTES} a desired-state file may have`,
        at: { file: displayPath(path.join(dir, 'big.yaml')), line: 1, col: 1 },
      },
    ]);
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
