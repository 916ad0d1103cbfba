import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../src/shared/errors';
import { readTokenFile } from './token-file';

describe('readTokenFile', () => {
  let dir: string;
  const file = (content: string, mode: number) => {
    const full = path.join(dir, `token-${mode.toString(8)}`);
    fs.writeFileSync(full, content);
    fs.chmodSync(full, mode);
    return full;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-token-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the token of a file only its owner (and group) can read', () => {
    expect(readTokenFile(file('dg_abc123\n', 0o600))).toBe('dg_abc123');
    expect(readTokenFile(file('  dg_abc123  \n', 0o640))).toBe('dg_abc123');
  });

  it.each([0o644, 0o604, 0o602, 0o666])('refuses mode %o like ssh refuses an open key', (mode) => {
    const full = file('dg_abc123\n', mode);
    expect(() => readTokenFile(full)).toThrow(
      `permissions 0${mode.toString(8)} for the token file ${full} are too open`,
    );
    expect(() => readTokenFile(full)).toThrow(`chmod 600 ${full}`);
  });

  it('refuses an empty file, two tokens, a directory and a missing file with a clear error', () => {
    expect(() => readTokenFile(file('\n', 0o600))).toThrow(/must hold exactly one token/);
    expect(() => readTokenFile(file('dg_a dg_b\n', 0o600))).toThrow(/must hold exactly one token/);
    expect(() => readTokenFile(dir)).toThrow(/is not a file/);
    expect(() => readTokenFile(path.join(dir, 'nope'))).toThrow(
      /cannot read the token file .*nope: .*ENOENT/,
    );
  });

  it('a directory is a usage error (E_USAGE), not a file it failed to read (E_IO)', () => {
    let thrown: unknown;
    try {
      readTokenFile(dir);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect(thrown).toMatchObject({ code: 'E_USAGE', message: `--token-file ${dir} is not a file` });
  });
});
