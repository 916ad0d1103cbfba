/**
 * Differential test: which sysctl.d files are read, and in which order, against systemd itself
 * (Debian package `systemd`, 252): `systemd-analyze cat-config sysctl.d [--root=DIR]` prints
 * `# PATH` before the content of each file systemd-sysctl would read, in reading order —
 * masked entries (a /dev/null symlink, an empty file) included, with no content.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { removeTree, writeTree } from '../helpers/temp-tree';
import { DiskRootFs } from '../../src/collect/root-fs';
import { listSysctlConfFiles } from '../../src/collect/sysctls/config-files';
import { FIXTURE_NODES, FIXTURE_NODES_DIR as FIXTURES } from '../helpers/fixture-nodes';

/** The file list of `systemd-analyze cat-config sysctl.d`, as node paths. */
function systemdFileList(root: string): string[] {
  const args = ['cat-config', 'sysctl.d', '--no-pager', ...(root === '/' ? [] : [`--root=${root}`])];
  const out = execFileSync('systemd-analyze', args, {
    encoding: 'utf8',
    env: { ...process.env, SYSTEMD_COLORS: '0' },
  });
  const prefix = root === '/' ? '' : root;
  const files: string[] = [];
  for (const line of out.split('\n')) {
    // A header is "# " and a path with no blanks; comments inside the files have more words.
    const match = /^# (\/\S+\.conf)$/.exec(line);
    if (match && (match[1] as string).startsWith(prefix + '/'))
      files.push((match[1] as string).slice(prefix.length));
  }
  return files;
}

describe('sysctl.d file precedence equals `systemd-analyze cat-config sysctl.d` (Debian package systemd)', () => {
  it.each([...FIXTURE_NODES])('on the %s fixture', (node) => {
    const root = path.join(FIXTURES, node);
    const expected = systemdFileList(root);
    expect(expected.length).toBeGreaterThan(0);
    expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(expected);
  });

  it('on this host', () => {
    expect(listSysctlConfFiles(new DiskRootFs('/'))).toEqual(systemdFileList('/'));
  });

  describe('on generated trees', () => {
    let root = '';
    afterEach(() => removeTree(root));

    it.each<[string, Parameters<typeof writeTree>[0]]>([
      [
        'merged /usr (/lib → usr/lib)',
        {
          '/usr/lib/sysctl.d/50-a.conf': 'a=1\n',
          '/lib': { symlink: 'usr/lib' },
          '/etc/sysctl.d/50-a.conf': 'a=2\n',
        },
      ],
      [
        'a symlinked /etc/sysctl.d',
        {
          '/srv/conf/10-x.conf': 'x=1\n',
          '/etc/sysctl.d': { symlink: '/srv/conf' },
          '/usr/lib/sysctl.d/10-x.conf': '',
        },
      ],
      [
        'every search directory, hidden and backup names',
        {
          '/etc/sysctl.d/.hidden.conf': 'h=1\n',
          '/etc/sysctl.d/a.conf~': 'b=1\n',
          '/etc/sysctl.d/Z.conf': 'z=1\n',
          '/run/sysctl.d/a.conf': 'a=1\n',
          '/usr/local/lib/sysctl.d/b.conf': 'b=1\n',
          '/usr/lib/sysctl.d/c.conf': 'c=1\n',
          '/lib/sysctl.d/d.conf': 'd=1\n',
          '/lib/sysctl.d/c.conf': 'c=2\n',
        },
      ],
    ])('%s', (_name, tree) => {
      root = writeTree(tree);
      expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(systemdFileList(root));
    });

    it('a dangling symlink hiding a vendor file', () => {
      // cat-config stops with an error on the dangling entry, which itself shows that systemd
      // chose it over the vendor file; its debug log says so explicitly.
      root = writeTree({
        '/usr/lib/sysctl.d/30-x.conf': 'x=1\n',
        '/etc/sysctl.d/30-x.conf': { symlink: '/gone/30-x.conf' },
      });
      let stderr = '';
      try {
        execFileSync('systemd-analyze', ['cat-config', 'sysctl.d', '--no-pager', `--root=${root}`], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_COLORS: '0' },
        });
      } catch (err) {
        stderr = String((err as { stderr?: string }).stderr);
      }
      expect(stderr).toContain(`Skipping overridden file '${root}/usr/lib/sysctl.d/30-x.conf'`);
      expect(stderr).toContain(`Failed to cat ${root}/etc/sysctl.d/30-x.conf`);
      expect(listSysctlConfFiles(new DiskRootFs(root))).toEqual(['/etc/sysctl.d/30-x.conf']);
    });
  });
});
