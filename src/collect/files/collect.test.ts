import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskRootFs } from '../root-fs';
import { collectFiles } from './collect';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { BUILTIN_WATCHES } from './watch-list';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('collectFiles on generated trees', () => {
  let root = '';
  afterEach(() => removeTree(root));

  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;

  function build(extra: Parameters<typeof writeTree>[0] = {}): string {
    return writeTree({
      // The node's own account tables name the owner; this machine's do not matter.
      '/etc/passwd': `nodeuser:x:${uid}:${gid}::/:/bin/sh\n`,
      '/etc/group': 'othergroup:x:4242424:\n',
      '/etc/hosts': { content: '127.0.0.1 localhost\n', mode: 0o644 },
      '/etc/drbd.d/r0.res': 'resource r0 {}\n',
      '/etc/drbd.d/global_common.conf': 'global {}\n',
      '/etc/drbd.d/.r0.res.swp': 'swap',
      '/etc/corosync/authkey': { content: 'secret-key-bytes', mode: 0o644 },
      '/etc/pypi/config.ini': { content: 'password = x\n', mode: 0o640 },
      '/etc/pypi/blob.bin': Buffer.from([1, 2, 0, 3]),
      '/etc/sysctl.conf': 'kernel.panic = 10\n',
      '/etc/sysctl.d/99-sysctl.conf': { symlink: '../sysctl.conf' },
      '/etc/ssh/sshd_config.d': { dir: true, mode: 0o755 },
      '/srv/pypi': { dir: true, mode: 0o750 },
      '/etc/dangling': { symlink: '/nonexistent' },
      ...extra,
    });
  }

  it('records every built-in path, missing ones as exists: false', () => {
    root = build();
    const { items } = collectFiles(new DiskRootFs(root), []);
    expect(items['/etc/fstab']).toEqual({ path: '/etc/fstab', exists: false });
    expect(items['/etc/exports']).toEqual({ path: '/etc/exports', exists: false });
    for (const watch of BUILTIN_WATCHES.filter((w) => !w.path.includes('*')))
      expect(items).toHaveProperty([watch.path]);
  });

  it("describes a regular text file with hash, mode, owner from the node's passwd, size and text", () => {
    root = build();
    const { items } = collectFiles(new DiskRootFs(root), []);
    expect(items['/etc/hosts']).toEqual({
      path: '/etc/hosts',
      exists: true,
      type: 'file',
      mode: '0644',
      owner: 'nodeuser',
      group: String(gid), // no such gid in the node's /etc/group: the number
      sha256: sha256('127.0.0.1 localhost\n'),
      size: 20,
      text: '127.0.0.1 localhost\n',
    });
  });

  it('expands a last-segment glob, skipping hidden files', () => {
    root = build();
    const paths = Object.keys(collectFiles(new DiskRootFs(root), []).items).filter((p) =>
      p.startsWith('/etc/drbd.d/'),
    );
    expect(paths).toEqual(['/etc/drbd.d/global_common.conf', '/etc/drbd.d/r0.res']);
  });

  it('never keeps the text of secrets or of files others may not read, but still hashes them', () => {
    root = build();
    const { items } = collectFiles(new DiskRootFs(root), ['/etc/pypi/config.ini']);
    expect(items['/etc/corosync/authkey']).toMatchObject({
      sha256: sha256('secret-key-bytes'),
      mode: '0644',
    });
    expect(items['/etc/corosync/authkey']).not.toHaveProperty('text');
    expect(items['/etc/pypi/config.ini']).toMatchObject({ sha256: sha256('password = x\n'), mode: '0640' });
    expect(items['/etc/pypi/config.ini']).not.toHaveProperty('text');
  });

  it('hashes binary files without text', () => {
    root = build();
    const info = collectFiles(new DiskRootFs(root), ['/etc/pypi/blob.bin']).items['/etc/pypi/blob.bin'];
    expect(info).toMatchObject({ type: 'file', size: 4, sha256: sha256(Buffer.from([1, 2, 0, 3])) });
    expect(info).not.toHaveProperty('text');
  });

  it('describes a symlink by its target and the content it leads to', () => {
    root = build();
    expect(collectFiles(new DiskRootFs(root), []).items['/etc/sysctl.d/99-sysctl.conf']).toEqual({
      path: '/etc/sysctl.d/99-sysctl.conf',
      exists: true,
      type: 'symlink',
      owner: 'nodeuser',
      group: String(gid),
      target: '../sysctl.conf',
      sha256: sha256('kernel.panic = 10\n'),
      size: 18,
      text: 'kernel.panic = 10\n',
    });
  });

  it('records a dangling symlink with its target only', () => {
    root = build();
    const info = collectFiles(new DiskRootFs(root), ['/etc/dangling']).items['/etc/dangling'];
    expect(info).toMatchObject({ exists: true, type: 'symlink', target: '/nonexistent' });
    expect(info).not.toHaveProperty('sha256');
  });

  it('records a watched directory itself, not its content', () => {
    root = build({ '/srv/pypi/packages/a.tar.gz': 'x' });
    const { items } = collectFiles(new DiskRootFs(root), ['/srv/pypi/']);
    expect(items['/srv/pypi']).toEqual({
      path: '/srv/pypi',
      exists: true,
      type: 'directory',
      mode: '0750',
      owner: 'nodeuser',
      group: String(gid),
    });
    expect(Object.keys(items).filter((p) => p.startsWith('/srv/pypi/'))).toEqual([]);
  });

  it('reports a glob outside the last segment instead of guessing', () => {
    root = build();
    expect(collectFiles(new DiskRootFs(root), ['/etc/*/r0.res']).items['/etc/*/r0.res']).toEqual({
      path: '/etc/*/r0.res',
      exists: false,
      error: 'a "*" is supported in the last path segment only',
    });
  });

  it('shows the owner as a number when the node has no passwd', () => {
    root = writeTree({ '/etc/hosts': '127.0.0.1 localhost\n' });
    expect(collectFiles(new DiskRootFs(root), []).items['/etc/hosts']).toMatchObject({ owner: String(uid) });
  });
});

describe('collectFiles on the PyPI pair', () => {
  const primary = collectFiles(new DiskRootFs(path.join(FIXTURES, 'pypi-1')), ['/etc/pypi/config.ini']).items;
  const secondary = collectFiles(new DiskRootFs(path.join(FIXTURES, 'pypi-2')), [
    '/etc/pypi/config.ini',
  ]).items;

  it('sees that r0.res differs between the nodes, with text to diff', () => {
    expect(primary['/etc/drbd.d/r0.res']?.sha256).not.toBe(secondary['/etc/drbd.d/r0.res']?.sha256);
    expect(primary['/etc/drbd.d/r0.res']?.text).toBe(
      fs.readFileSync(path.join(FIXTURES, 'pypi-1/etc/drbd.d/r0.res'), 'utf8'),
    );
  });

  it('sees identical drbd.conf, hosts and sshd_config on both nodes', () => {
    for (const file of ['/etc/drbd.conf', '/etc/hosts', '/etc/ssh/sshd_config', '/etc/pypi/config.ini']) {
      expect([file, primary[file]?.sha256]).toEqual([file, secondary[file]?.sha256]);
      expect(primary[file]?.exists).toBe(true);
    }
  });
});
