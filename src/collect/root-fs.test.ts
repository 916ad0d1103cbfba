import * as path from 'node:path';
import { removeTree, writeTree } from '../../test/helpers/temp-tree';
import { DiskRootFs, normalizeNodePath } from './root-fs';

describe('normalizeNodePath', () => {
  it.each([
    '/etc/fstab',
    '/',
    '/etc/',
    '//etc//fstab',
    '/etc/./fstab',
    '/etc/../../fstab',
    'etc/fstab',
    '/proc/sys/net/ipv4/conf/eth0.100/rp_filter',
    '/a/..b/.c/...',
    '/a/..',
    '/a/.',
  ])('%s normalises as path.posix.resolve does', (input) => {
    expect(normalizeNodePath(input)).toBe(path.posix.resolve('/', input));
  });
});

describe('DiskRootFs on a tree', () => {
  let root: string;
  beforeAll(() => {
    root = writeTree({
      '/lib/systemd/system/ssh.service': '[Unit]\n',
      '/etc/systemd/system/multi-user.target.wants/ssh.service': {
        symlink: '/lib/systemd/system/ssh.service',
      },
      '/etc/relative': { symlink: '../lib/systemd/system/ssh.service' },
      '/etc/escape': { symlink: '../../../../../../etc/hostname' },
      '/etc/loop': { symlink: '/etc/loop' },
      '/etc/hostname': 'inside\n',
      '/usr/lib/os-release': 'ID=debian\n',
      '/etc/os-release': { symlink: '../usr/lib/os-release' },
    });
  });
  afterAll(() => removeTree(root));

  it('resolves absolute symlink targets inside the root, never on the host', () => {
    const fs = new DiskRootFs(root);
    expect(fs.readText('/etc/systemd/system/multi-user.target.wants/ssh.service')).toBe('[Unit]\n');
    expect(fs.readText('/etc/relative')).toBe('[Unit]\n');
    // `..` cannot climb above the node's root: this reads the tree's /etc/hostname.
    expect(fs.readText('/etc/escape')).toBe('inside\n');
    expect(fs.readText('/etc/os-release')).toBe('ID=debian\n');
  });

  it('tells a symlink from its target and reads the link as stored', () => {
    const fs = new DiskRootFs(root);
    expect(fs.lstat('/etc/os-release')?.type).toBe('symlink');
    expect(fs.stat('/etc/os-release')?.type).toBe('file');
    expect(fs.readlink('/etc/os-release')).toBe('../usr/lib/os-release');
    expect(fs.readlink('/etc/hostname')).toBeUndefined();
  });

  it('answers undefined for what does not exist, and for symlink loops', () => {
    const fs = new DiskRootFs(root);
    expect(fs.readText('/etc/nothing')).toBeUndefined();
    expect(fs.list('/no/such/dir')).toBeUndefined();
    expect(fs.readText('/etc/hostname/below-a-file')).toBeUndefined();
    expect(fs.readText('/etc/loop')).toBeUndefined();
  });

  it('lists a directory sorted, with entry types', () => {
    const fs = new DiskRootFs(root);
    expect(fs.list('/etc')?.slice(0, 3)).toEqual([
      { name: 'escape', type: 'symlink' },
      { name: 'hostname', type: 'file' },
      { name: 'loop', type: 'symlink' },
    ]);
  });
});
