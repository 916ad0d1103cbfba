import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandResult, CommandRunner } from '../command-runner';
import { FixtureCommandRunner } from '../command-runner';
import { DiskRootFs } from '../root-fs';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { collectReplication } from './collect';
import { FIXTURE_NODES_DIR as FIXTURES } from '../../../test/helpers/fixture-nodes';

const sample = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

/** A runner that answers every command the same way and remembers what it was asked. */
function answering(result: CommandResult): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run(argv) {
      calls.push([...argv]);
      return Promise.resolve(result);
    },
  };
}

describe('collectReplication on the PyPI pair', () => {
  it.each([
    ['pypi-1', 'Primary', 'pypi-2', 'Secondary'],
    ['pypi-2', 'Secondary', 'pypi-1', 'Primary'],
  ])(
    'reads %s as %s, connected to %s (%s), UpToDate both sides, nothing out of sync',
    async (node, role, peer, peerRole) => {
      const root = path.join(FIXTURES, node);
      const state = await collectReplication(new DiskRootFs(root), new FixtureCommandRunner(root));
      expect(state.drbdAvailable).toBe(true);
      const r0 = state.drbd['r0'];
      expect(r0?.role).toBe(role);
      expect(r0?.volumes[0]?.diskState).toBe('UpToDate');
      expect(r0?.connections).toEqual([
        {
          peer,
          connectionState: 'Connected',
          peerRole,
          peerDevices: [
            { volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate', outOfSyncBytes: 0 },
          ],
        },
      ]);
    },
  );
});

describe('collectReplication without DRBD', () => {
  let root = '';
  afterEach(() => removeTree(root));

  it('says "not available" without running drbdsetup when /proc/drbd is absent (drbdsetup would modprobe)', async () => {
    root = writeTree({ '/etc/hostname': 'x\n' });
    const runner = answering({ code: 0, stdout: '[]', stderr: '' });
    expect(await collectReplication(new DiskRootFs(root), runner)).toEqual({
      drbdAvailable: false,
      drbd: {},
    });
    expect(runner.calls).toEqual([]);
  });

  it('says "not available" when drbdsetup is not installed (exit 127)', async () => {
    root = writeTree({ '/proc/drbd': sample('proc-drbd-9.2.txt') });
    const runner = answering({ code: 127, stdout: '', stderr: 'drbdsetup: command not found' });
    expect(await collectReplication(new DiskRootFs(root), runner)).toEqual({
      drbdAvailable: false,
      drbd: {},
    });
    expect(runner.calls).toEqual([['drbdsetup', 'status', '--json']]);
  });

  it("fails with drbdsetup's message on any other exit code", async () => {
    root = writeTree({ '/proc/drbd': sample('proc-drbd-9.2.txt') });
    const runner = answering({
      code: 20,
      stdout: '',
      stderr: "Could not connect to 'drbd' generic netlink family\n",
    });
    await expect(collectReplication(new DiskRootFs(root), runner)).rejects.toThrow(/generic netlink family/);
  });

  it('fails on malformed output', async () => {
    root = writeTree({ '/proc/drbd': sample('proc-drbd-9.2.txt') });
    const runner = answering({ code: 0, stdout: '[{"name": "r0"', stderr: '' });
    await expect(collectReplication(new DiskRootFs(root), runner)).rejects.toMatchObject({
      code: 'E_COLLECT',
    });
  });

  it('reads DRBD 8.4 from /proc/drbd and never runs drbdsetup', async () => {
    root = writeTree({ '/proc/drbd': sample('proc-drbd-8.4.txt') });
    const runner = answering({ code: 0, stdout: '[]', stderr: '' });
    const state = await collectReplication(new DiskRootFs(root), runner);
    expect(state.drbdAvailable).toBe(true);
    expect(Object.keys(state.drbd)).toEqual(['drbd0', 'drbd1', 'drbd2']);
    expect(runner.calls).toEqual([]);
  });
});
