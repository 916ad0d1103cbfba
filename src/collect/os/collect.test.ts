import * as path from 'node:path';
import type { CommandRunner } from '../command-runner';
import { FixtureCommandRunner } from '../command-runner';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { collectOs } from './collect';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

const osOf = (node: string) => {
  const root = path.join(FIXTURES, node);
  return collectOs(new DiskRootFs(root), new FixtureCommandRunner(root));
};
const failingRunner: CommandRunner = {
  run: () => Promise.resolve({ code: 127, stdout: '', stderr: 'not found' }),
};

describe('collectOs on fixtures', () => {
  it('reads a Debian 12 node, with arch from proc/sys/kernel/arch', async () => {
    expect(await osOf('pypi-1')).toEqual({
      id: 'debian',
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-56-amd64',
      arch: 'x86_64',
      hostname: 'pypi-1',
    });
  });

  it('reads Rocky 9, whose 5.14 kernel has no kernel.arch: arch comes from captured `uname -m`', async () => {
    expect(await osOf('rpm-el9')).toEqual({
      id: 'rocky',
      versionId: '9.4',
      prettyName: 'Rocky Linux 9.4 (Blue Onyx)',
      kernel: '5.14.0-427.13.1.el9_4.x86_64',
      arch: 'x86_64',
      hostname: 'rpm-el9',
    });
  });
});

describe('collectOs on generated trees', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('falls back to /usr/lib/os-release and /etc/hostname, and leaves unknowns out', async () => {
    root = writeTree({ '/usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\n', '/etc/hostname': 'standby\n' });
    expect(await collectOs(new DiskRootFs(root), failingRunner)).toEqual({
      id: 'debian',
      versionId: '12',
      hostname: 'standby',
    });
  });

  it('prefers /etc/os-release and the running hostname', async () => {
    root = writeTree({
      '/etc/os-release': 'ID=rocky\nVERSION_ID=9.4\n',
      '/usr/lib/os-release': 'ID=debian\n',
      '/proc/sys/kernel/hostname': 'running-name\n',
      '/etc/hostname': 'configured-name\n',
    });
    const info = await collectOs(new DiskRootFs(root), failingRunner);
    expect(info.id).toBe('rocky');
    expect(info.hostname).toBe('running-name');
  });

  it('defaults ID to "linux" and VERSION_ID to empty, as os-release(5) allows', async () => {
    root = writeTree({ '/etc/os-release': 'NAME=Linux\n' });
    expect(await collectOs(new DiskRootFs(root), failingRunner)).toEqual({ id: 'linux', versionId: '' });
  });

  it('fails without any os-release', async () => {
    root = writeTree({ '/etc/hostname': 'x\n' });
    await expect(collectOs(new DiskRootFs(root), failingRunner)).rejects.toMatchObject({ code: 'E_COLLECT' });
  });
});
