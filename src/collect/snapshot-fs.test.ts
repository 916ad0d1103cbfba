import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTree, writeTree } from '../../test/helpers/temp-tree';
import { DiskRootFs } from './root-fs';
import type { RootFs } from './root-fs';
import type { UnknownNeed } from './snapshot-fs';
import { SnapshotRootFs } from './snapshot-fs';

/** Everything under `root`, as a sweep that asked for all of it would file it. */
function snapshotOf(root: string): SnapshotRootFs {
  const snapshot = new SnapshotRootFs(root);
  const visit = (nodePath: string): void => {
    const host = path.join(root, nodePath);
    const stats = fs.lstatSync(host);
    const type = stats.isSymbolicLink()
      ? 'symlink'
      : stats.isFile()
        ? 'file'
        : stats.isDirectory()
          ? 'directory'
          : 'other';
    snapshot.setEntry(nodePath, {
      type,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      size: stats.size,
      ...(type === 'symlink' ? { target: fs.readlinkSync(host) } : {}),
    });
    if (type === 'file') snapshot.setContent(nodePath, fs.readFileSync(host));
    if (type === 'directory') {
      for (const name of fs.readdirSync(host)) visit(nodePath === '/' ? `/${name}` : `${nodePath}/${name}`);
      snapshot.markListed(nodePath);
    }
  };
  visit('/');
  return snapshot;
}

/** Every RootFs answer for a path, errors included (as their codes). */
function answers(rootFs: RootFs, nodePath: string): unknown {
  const attempt = (read: () => unknown): unknown => {
    try {
      const value = read();
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    } catch (err) {
      return { error: (err as NodeJS.ErrnoException).code };
    }
  };
  return {
    text: attempt(() => rootFs.readText(nodePath)),
    bytes: attempt(() => rootFs.readBytes(nodePath)),
    list: attempt(() => rootFs.list(nodePath)),
    lstat: attempt(() => rootFs.lstat(nodePath)),
    stat: attempt(() => rootFs.stat(nodePath)),
    readlink: attempt(() => rootFs.readlink(nodePath)),
  };
}

describe('SnapshotRootFs answers like DiskRootFs on the same tree', () => {
  let root: string;
  beforeAll(() => {
    root = writeTree({
      '/etc/fstab': '/dev/sda1 / ext4 defaults 0 1\n',
      '/etc/secret': { content: 'x', mode: 0o600 },
      '/etc/empty': '',
      '/etc/binary': Buffer.from([0, 1, 2, 255]),
      '/etc/os-release': { symlink: '../usr/lib/os-release' },
      '/usr/lib/os-release': 'ID=debian\n',
      '/usr/lib/systemd/system/ssh.service': '[Unit]\n',
      '/lib': { symlink: 'usr/lib' },
      '/etc/systemd/system/sshd.service': { symlink: '/lib/systemd/system/ssh.service' },
      '/etc/systemd/system/masked.service': { symlink: '/dev/null' },
      '/etc/loop-a': { symlink: 'loop-b' },
      '/etc/loop-b': { symlink: 'loop-a' },
      '/etc/dangling': { symlink: '/nowhere/at/all' },
      '/etc/up-and-out': { symlink: '../../../../usr/lib/os-release' },
      '/etc/dir-link': { symlink: 'systemd/system' },
      '/srv/data': { dir: true, mode: 0o2750 },
    });
  });
  afterAll(() => removeTree(root));

  const probes = [
    '/',
    '/etc',
    '/etc/fstab',
    '/etc/secret',
    '/etc/empty',
    '/etc/binary',
    '/etc/os-release',
    '/lib',
    '/lib/systemd/system',
    '/lib/systemd/system/ssh.service',
    '/etc/systemd/system/sshd.service',
    '/etc/systemd/system/masked.service',
    '/etc/loop-a',
    '/etc/dangling',
    '/etc/up-and-out',
    '/etc/dir-link',
    '/etc/dir-link/sshd.service',
    '/etc/fstab/not-a-dir',
    '/etc/missing',
    '/missing/deeper/still',
    '/srv/data',
    '/etc/./systemd/../fstab',
    'etc//fstab',
  ];

  it.each(probes)('%s', (probe) => {
    const snapshot = snapshotOf(root);
    const unknown: UnknownNeed[] = [];
    snapshot.onUnknown = (need) => unknown.push(need);
    expect(answers(snapshot, probe)).toEqual(answers(new DiskRootFs(root), probe));
    // A snapshot of everything has no blind spot — except /dev/null, which lives outside the tree.
    expect(unknown.filter((need) => !need.path.startsWith('/dev'))).toEqual([]);
  });
});

describe('what a snapshot does not know', () => {
  function partial(): { snapshot: SnapshotRootFs; needs: UnknownNeed[] } {
    const snapshot = new SnapshotRootFs('test');
    const dir = { type: 'directory' as const, mode: 0o755, uid: 0, gid: 0, size: 4096 };
    snapshot.setEntry('/', dir);
    snapshot.setEntry('/etc', dir);
    snapshot.setEntry('/etc/hosts', { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 10 });
    snapshot.setEntry('/etc/link', {
      type: 'symlink',
      mode: 0o777,
      uid: 0,
      gid: 0,
      size: 12,
      target: '/opt/x/y.conf',
    });
    const needs: UnknownNeed[] = [];
    snapshot.onUnknown = (need) => needs.push(need);
    return { snapshot, needs };
  }

  it('asks for what it lacks and answers "missing" meanwhile', () => {
    const { snapshot, needs } = partial();
    expect(snapshot.readText('/etc/hosts')).toBeUndefined(); // stat known, content not
    expect(snapshot.list('/etc')).toBeUndefined(); // not listed
    expect(snapshot.readText('/etc/link')).toBeUndefined(); // target's parents unknown
    expect(snapshot.lstat('/var/lib/dpkg/status')).toBeUndefined();
    expect(needs).toEqual([
      { kind: 'content', path: '/etc/hosts' },
      { kind: 'list', path: '/etc' },
      { kind: 'stat', path: '/opt/x/y.conf' },
      { kind: 'stat', path: '/var/lib/dpkg/status' },
    ]);
  });

  it('knows absence from a complete listing or an explicit answer, without asking', () => {
    const { snapshot, needs } = partial();
    snapshot.markListed('/etc');
    snapshot.markAbsent('/opt');
    expect(snapshot.lstat('/etc/shadow')).toBeUndefined();
    expect(snapshot.readText('/etc/link')).toBeUndefined();
    expect(snapshot.list('/etc')?.map((e) => [e.name, e.type])).toEqual([
      ['hosts', 'file'],
      ['link', 'symlink'],
    ]);
    expect(needs).toEqual([]);
  });

  it('throws the read error the node gave, and refuses withheld secrets with EACCES', () => {
    const { snapshot } = partial();
    snapshot.setContentGap('/etc/hosts', { kind: 'read-error', code: 'EIO', message: 'Input/output error' });
    expect(() => snapshot.readText('/etc/hosts')).toThrow(expect.objectContaining({ code: 'EIO' }));
    snapshot.setContentGap('/etc/hosts', { kind: 'withheld', reason: 'a secret', sha256: 'ab'.repeat(32) });
    expect(() => snapshot.readBytes('/etc/hosts')).toThrow(/a secret/);
    expect(snapshot.withheldHash('/etc/hosts')).toBe('ab'.repeat(32));
    snapshot.setContent('/etc/hosts', Buffer.from('127.0.0.1 localhost\n'));
    expect(snapshot.readText('/etc/hosts')).toBe('127.0.0.1 localhost\n');
  });

  it('reads /dev/null as empty and refuses other device contents', () => {
    const { snapshot } = partial();
    const device = { type: 'other' as const, mode: 0o666, uid: 0, gid: 0, size: 0 };
    snapshot.setEntry('/dev/null', device);
    snapshot.setEntry('/dev/zero', device);
    expect(snapshot.readText('/dev/null')).toBe('');
    expect(() => snapshot.readText('/dev/zero')).toThrow(expect.objectContaining({ code: 'EIO' }));
  });

  it('serves content of a file it never stat-ed, but not its lstat facts', () => {
    const { snapshot, needs } = partial();
    snapshot.setContent('/proc/self/mountinfo', Buffer.from('22 1 8:1 / / rw - ext4 /dev/sda1 rw\n'));
    expect(snapshot.readText('/proc/self/mountinfo')).toMatch(/ext4/);
    expect(snapshot.lstat('/proc/self/mountinfo')).toBeUndefined();
    expect(needs).toEqual([{ kind: 'stat', path: '/proc/self/mountinfo' }]);
  });

  it('files paths reached through a known symlinked directory under the symlink target', () => {
    const { snapshot } = partial();
    const dir = { type: 'directory' as const, mode: 0o755, uid: 0, gid: 0, size: 4096 };
    snapshot.setEntry('/lib', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 7, target: 'usr/lib' });
    snapshot.setEntry('/usr', dir);
    expect(snapshot.canonicalPath('/lib/systemd/system/ssh.service')).toBe(
      '/usr/lib/systemd/system/ssh.service',
    );
    expect(snapshot.canonicalPath('/lib')).toBe('/lib'); // the last component is not followed
  });

  it('follows a bind: a directory seen under two names', () => {
    const { snapshot } = partial();
    const dir = { type: 'directory' as const, mode: 0o755, uid: 0, gid: 0, size: 4096 };
    snapshot.setEntry('/srv', dir);
    snapshot.setEntry('/srv/a', dir);
    snapshot.setEntry('/srv/a/f', { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1 });
    snapshot.setContent('/srv/a/f', Buffer.from('1'));
    snapshot.bind('/srv/b', '/srv/a');
    expect(snapshot.readText('/srv/b/f')).toBe('1');
  });
});
