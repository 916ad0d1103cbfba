import * as path from 'node:path';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { listSysctlConfFiles, resolveNodePath, selectConfFiles } from './config-files';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

describe('selectConfFiles', () => {
  it("keeps the first directory's file of each name and orders by name", () => {
    const files = selectConfFiles([
      { dir: '/etc/sysctl.d', names: ['50-a.conf', '99-sysctl.conf', 'README.sysctl'] },
      { dir: '/run/sysctl.d', names: ['10-b.conf', '50-a.conf'] },
      { dir: '/usr/lib/sysctl.d', names: ['50-a.conf', '60-c.conf', '.hidden.conf', 'x.conf.dpkg-old'] },
    ]);
    expect(files).toEqual([
      '/run/sysctl.d/10-b.conf',
      '/etc/sysctl.d/50-a.conf',
      '/usr/lib/sysctl.d/60-c.conf',
      '/etc/sysctl.d/99-sysctl.conf',
    ]);
  });
});

describe('listSysctlConfFiles on the sysctl-precedence fixture', () => {
  const files = listSysctlConfFiles(new DiskRootFs(path.join(FIXTURES, 'sysctl-precedence')));

  it('applies the directory precedence and basename order of systemd', () => {
    expect(files).toEqual([
      '/etc/sysctl.d/10-vendor-tuning.conf', // the /dev/null mask hides /usr/lib's
      '/run/sysctl.d/20-cloud.conf', // the empty-file mask hides /usr/lib's
      '/etc/sysctl.d/50-pid-max.conf',
      '/run/sysctl.d/60-runtime.conf',
      '/usr/local/lib/sysctl.d/70-local.conf',
      '/lib/sysctl.d/80-legacy.conf',
      '/usr/lib/sysctl.d/85-both.conf', // /usr/lib is searched before /lib
      '/etc/sysctl.d/90-forwarding.conf',
      '/usr/lib/sysctl.d/99-protect-links.conf',
      '/etc/sysctl.d/99-sysctl.conf',
    ]);
  });
});

describe('listSysctlConfFiles on generated trees', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('reads a merged-/usr /lib only once, under /usr/lib', () => {
    root = writeTree({
      '/usr/lib/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 4194304\n',
      '/lib': { symlink: 'usr/lib' },
    });
    expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(['/usr/lib/sysctl.d/50-pid-max.conf']);
  });

  it('names files under the resolved directory when a search-path directory is a symlink', () => {
    root = writeTree({
      '/srv/sysctl/10-site.conf': 'vm.swappiness = 5\n',
      '/etc/sysctl.d': { symlink: '/srv/sysctl' },
    });
    expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(['/srv/sysctl/10-site.conf']);
  });

  it('lets a dangling symlink hide the vendor file of the same name', () => {
    root = writeTree({
      '/usr/lib/sysctl.d/30-x.conf': 'kernel.panic = 3\n',
      '/etc/sysctl.d/30-x.conf': { symlink: '/nonexistent/30-x.conf' },
    });
    expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(['/etc/sysctl.d/30-x.conf']);
  });
});

describe('resolveNodePath', () => {
  it('resolves relative and absolute symlinks inside the root', () => {
    const root = writeTree({
      '/usr/lib/x/file': 'x',
      '/lib': { symlink: 'usr/lib' },
      '/a': { symlink: '/lib/x' },
    });
    try {
      const fs = new DiskRootFs(root);
      expect(resolveNodePath(fs, '/lib/x/file')).toBe('/usr/lib/x/file');
      expect(resolveNodePath(fs, '/a/file')).toBe('/usr/lib/x/file');
      expect(resolveNodePath(fs, '/missing/dir')).toBe('/missing/dir');
    } finally {
      removeTree(root);
    }
  });
});
