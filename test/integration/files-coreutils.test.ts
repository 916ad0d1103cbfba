/**
 * Differential test: what the files collector records against coreutils (Debian package
 * coreutils): `sha256sum` for content, `stat` for type, mode, owner, group, size and link target.
 * On this host owner names come from the same /etc/passwd and /etc/group either way; on a
 * fixture tree they would not (stat names owners with this machine's accounts), so fixture
 * paths are compared on content, mode and size only.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { collectFiles } from '../../src/collect/files/collect';
import { DiskRootFs } from '../../src/collect/root-fs';
import { FIXTURE_NODES_DIR as FIXTURES } from '../helpers/fixture-nodes';

const sha256sum = (hostPath: string) =>
  `sha256:${execFileSync('sha256sum', ['--', hostPath], { encoding: 'utf8' }).split(' ')[0]}`;

/** `stat` fields; `-L` follows a symlink like the collector does for content. */
function stat(hostPath: string, follow = false) {
  const format = '%F|%a|%U|%G|%s';
  const out = execFileSync('stat', [...(follow ? ['-L'] : []), '-c', format, '--', hostPath], {
    encoding: 'utf8',
  });
  const [type, mode, owner, group, size] = out.trim().split('|') as [string, string, string, string, string];
  return { type, mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
}

const TYPES: Record<string, string> = {
  'regular file': 'file',
  'regular empty file': 'file',
  directory: 'directory',
  'symbolic link': 'symlink',
};

describe('files of this host equal sha256sum and stat (Debian package coreutils)', () => {
  const watched = [
    '/etc/passwd',
    '/etc/group',
    '/etc/hosts',
    '/etc/sysctl.conf',
    '/etc/os-release',
    '/etc',
    '/usr/lib/os-release',
  ];
  const { items } = collectFiles(new DiskRootFs('/'), watched);

  it.each(watched)('%s', (nodePath) => {
    const info = items[nodePath];
    const own = stat(nodePath);
    expect(info?.exists).toBe(true);
    expect(info?.type).toBe(TYPES[own.type]);
    expect([info?.owner, info?.group]).toEqual([own.owner, own.group]);
    if (info?.type === 'symlink') {
      expect(info.target).toBe(execFileSync('readlink', ['--', nodePath], { encoding: 'utf8' }).trim());
    } else {
      expect(info?.mode).toBe(own.mode);
    }
    if (info?.type !== 'directory') {
      expect(info?.sha256).toBe(sha256sum(nodePath));
      expect(info?.size).toBe(stat(nodePath, true).size);
    }
  });
});

describe('files of a fixture node equal sha256sum and stat (Debian package coreutils)', () => {
  const root = path.join(FIXTURES, 'pypi-1');
  const { items } = collectFiles(new DiskRootFs(root), ['/etc/pypi/config.ini']);
  const present = Object.values(items).filter((info) => info.exists && info.type === 'file');

  it('finds the HA files of the node', () => {
    expect(present.map((info) => info.path)).toEqual(
      expect.arrayContaining([
        '/etc/drbd.conf',
        '/etc/drbd.d/r0.res',
        '/etc/hosts',
        '/etc/ssh/sshd_config',
        '/etc/pypi/config.ini',
      ]),
    );
  });

  it('has the hash, mode and size coreutils sees', () => {
    for (const info of present) {
      const hostPath = path.join(root, info.path);
      const own = stat(hostPath);
      expect([info.path, info.sha256, info.mode, info.size]).toEqual([
        info.path,
        sha256sum(hostPath),
        own.mode,
        own.size,
      ]);
    }
  });
});
