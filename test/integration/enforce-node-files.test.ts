/**
 * The file primitives of apply and restore (src/app/enforce/node-files.ts) — one constant sh
 * script run through a NodeShell — on real files in a temporary folder of this machine, and
 * through a real sshd: atomic writes that keep or set mode and owner, backups and restores
 * byte for byte with mode, owner and times, and data that looks like shell staying data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFiles } from '../../src/app/enforce/node-files';
import { sha256Hex } from '../../src/shared/canonical-json';
import { loadIdentity } from '../../src/transport/identity';
import { readKnownHostsFile } from '../../src/transport/known-hosts';
import { LocalShell, SshShell } from '../../src/transport/node-shell';
import { connectSsh } from '../../src/transport/ssh';
import type { TestSshd } from '../helpers/sshd';
import { startSshd } from '../helpers/sshd';

const NOBODY = 65534;

describe('files on a node, through the one script', () => {
  let dir: string;
  const files = new NodeFiles(new LocalShell('/'));
  const at = (name: string) => path.join(dir, name);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tells a missing path, a file with its checksum, a directory and a link apart', async () => {
    fs.writeFileSync(at('f'), 'hello\n', { mode: 0o640 });
    fs.symlinkSync('../elsewhere', at('l'));
    expect(await files.facts(at('nothing'))).toEqual({ type: 'missing' });
    expect(await files.facts(at('f'))).toEqual({
      type: 'file',
      mode: '0640',
      uid: 0,
      gid: 0,
      size: 6,
      sha256: `sha256:${sha256Hex('hello\n')}`,
    });
    expect(await files.facts(dir)).toMatchObject({ type: 'dir', mode: '0700' });
    expect(await files.facts(at('l'))).toEqual({ type: 'symlink', target: '../elsewhere' });
  });

  it('writes a new file 0644 root in a new directory, and keeps the mode and owner of one it replaces', async () => {
    await files.write(at('sub/dir/new.conf'), 'a = 1\n');
    expect(fs.readFileSync(at('sub/dir/new.conf'), 'utf8')).toBe('a = 1\n');
    expect(fs.statSync(at('sub/dir/new.conf')).mode & 0o7777).toBe(0o644);
    fs.writeFileSync(at('kept'), 'old\n', { mode: 0o600 });
    fs.chownSync(at('kept'), NOBODY, NOBODY);
    await files.write(at('kept'), 'new\n');
    const stat = fs.statSync(at('kept'));
    expect([stat.mode & 0o7777, stat.uid, stat.gid, fs.readFileSync(at('kept'), 'utf8')]).toEqual([
      0o600,
      NOBODY,
      NOBODY,
      'new\n',
    ]);
    await files.write(at('kept'), 'newer\n', { mode: '0640', owner: 'root', group: String(NOBODY) });
    const changed = fs.statSync(at('kept'));
    expect([changed.mode & 0o7777, changed.uid, changed.gid]).toEqual([0o640, 0, NOBODY]);
    // Nothing left beside it: the temporary file was renamed over the target.
    expect(fs.readdirSync(dir).sort()).toEqual(['kept', 'sub']);
  });

  it('sets an owner without touching the group (chown user: would change both)', async () => {
    fs.writeFileSync(at('f'), 'x');
    fs.chownSync(at('f'), 0, NOBODY);
    await files.setAttributes(at('f'), { owner: String(NOBODY) });
    const stat = fs.statSync(at('f'));
    expect([stat.uid, stat.gid]).toEqual([NOBODY, NOBODY]);
    await files.setAttributes(at('f'), { group: '0', mode: '0600' });
    const after = fs.statSync(at('f'));
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([NOBODY, 0, 0o600]);
  });

  it('backs up and restores byte for byte, with mode, owner and modification time', async () => {
    const content = Buffer.from([0, 1, 2, 255, 10, 13, 10]);
    fs.writeFileSync(at('data'), content, { mode: 0o600 });
    fs.chownSync(at('data'), NOBODY, 0);
    fs.utimesSync(at('data'), 1_000_000, 1_000_000);
    const backups = at('backups/r-1');
    const facts = await files.backup(backups, at('data'));
    expect(facts).toMatchObject({ type: 'file', sha256: `sha256:${sha256Hex(content)}` });
    expect(await files.backup(backups, at('absent'))).toEqual({ type: 'missing' });
    await files.write(at('data'), 'replaced\n', { mode: '0644', owner: '0' });
    // Restore answers with what it found and what it left.
    const restored = await files.restore(backups, at('data'));
    expect(restored.before).toMatchObject({ type: 'file', sha256: `sha256:${sha256Hex('replaced\n')}` });
    expect(restored.after).toMatchObject({ type: 'file', sha256: `sha256:${sha256Hex(content)}` });
    const stat = fs.statSync(at('data'));
    expect(fs.readFileSync(at('data'))).toEqual(content);
    expect([stat.mode & 0o7777, stat.uid, stat.gid, stat.mtimeMs]).toEqual([0o600, NOBODY, 0, 1_000_000_000]);
    expect(await files.read(at('data'))).toEqual(content);
    // The backup folder says what it holds: restore needs nothing else.
    expect(await files.listBackup(backups)).toEqual([
      { path: at('absent'), existed: false },
      { path: at('data'), existed: true },
    ]);
    // A path that did not exist is removed by its restore; a second backup keeps the first copy.
    fs.writeFileSync(at('absent'), 'created by the run\n');
    expect(await files.backup(backups, at('absent'))).toMatchObject({ type: 'file' });
    expect(await files.restore(backups, at('absent'))).toEqual({
      before: expect.objectContaining({ type: 'file' }),
      after: { type: 'missing' },
    });
    expect(await files.listBackup(at('no-such-run'))).toEqual([]);
  });

  it('keeps paths that look like shell as data', async () => {
    const hostile = at(`a b'c"$(touch ${at('pwned')});d`);
    await files.write(hostile, "it's; `rm -rf /`\n");
    expect(fs.readFileSync(hostile, 'utf8')).toBe("it's; `rm -rf /`\n");
    expect(fs.existsSync(at('pwned'))).toBe(false);
    await files.remove(hostile);
    expect(fs.existsSync(hostile)).toBe(false);
  });

  it('says which file could not be written and why', async () => {
    fs.writeFileSync(at('plain'), 'x');
    await expect(files.write(at('plain/under-a-file'), 'y')).rejects.toThrow(
      /write .*under-a-file.* failed \(exit 3\)/,
    );
  });
});

describe('argv over SSH', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd.stop());

  it('reaches the node as the same words, whatever they hold, and reports exit codes and stderr', async () => {
    const connection = await connectSsh({
      node: 'n',
      host: sshd.host,
      port: sshd.port,
      user: 'root',
      knownHosts: readKnownHostsFile(sshd.knownHostsFile, (message) => {
        throw new Error(message);
      }),
      identity: loadIdentity({ identityFile: sshd.clientKeyFile, env: {} }),
      connectTimeoutMs: 10_000,
    });
    const shell = new SshShell(connection, 'ssh://test');
    try {
      const words = ["it's", '$(reboot)', 'a b', '`x`', '*', '-n', '; true', 'ü'];
      const echoed = await shell.run(['printf', '%s\\n', ...words]);
      expect(echoed.code).toBe(0);
      expect(echoed.stdout.toString('utf8')).toBe(words.map((w) => `${w}\n`).join(''));
      const failed = await shell.run(['sh', '-c', 'echo broken >&2; exit 7']);
      expect([failed.code, failed.stderr.trim()]).toEqual([7, 'broken']);
      const input = await shell.run(['wc', '-c'], { input: Buffer.alloc(100_000, 1) });
      expect(input.stdout.toString().trim()).toBe('100000');
      const sbin = await shell.run(['sh', '-c', 'command -v sysctl']);
      expect(sbin.stdout.toString().trim()).toMatch(/sbin\/sysctl$/);
    } finally {
      await shell.close();
    }
  });
});
