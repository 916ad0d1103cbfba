import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FixtureCommandRunner } from '../command-runner';
import { DiskRootFs } from '../root-fs';
import { CollectError } from '../../shared/errors';
import { collectMounts } from './collect';
import { mountsCollector } from './index';
import { FIXTURE_NODES_DIR as NODES } from '../../../test/helpers/fixture-nodes';

describe('collectMounts', () => {
  it('reads fstab and the live mounts of the escapes node', () => {
    const state = collectMounts(new DiskRootFs(path.join(NODES, 'mountinfo-escapes')));
    expect(state.warnings).toBeUndefined();
    expect(state.fstab.map((entry) => entry.file)).toContain('/srv/tab\tdir');
    const stack = state.live.filter((mount) => mount.mountPoint === '/srv/stack');
    expect(stack).toEqual([
      expect.objectContaining({ mountId: 97, source: 'scratch space', overmounted: 2 }),
    ]);
    expect(state.live.map((mount) => mount.mountPoint)).toEqual(
      expect.arrayContaining(['/srv/my data', '/srv/café', '/srv/old dir', '/srv/empty-source']),
    );
  });

  it('shows /srv/pypi mounted on the primary and not on the secondary', () => {
    const primary = collectMounts(new DiskRootFs(path.join(NODES, 'pypi-1')));
    const secondary = collectMounts(new DiskRootFs(path.join(NODES, 'pypi-2')));
    expect(primary.live.find((mount) => mount.mountPoint === '/srv/pypi')).toMatchObject({
      source: '/dev/drbd0',
      fstype: 'ext4',
    });
    expect(secondary.live.find((mount) => mount.mountPoint === '/srv/pypi')).toBeUndefined();
    expect(secondary.fstab.find((entry) => entry.file === '/srv/pypi')?.parsed.nofail).toBe(false);
  });

  describe('on a made-up node', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-mounts-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    function write(file: string, text: string): void {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }

    it("falls back to the process's own mountinfo and records fstab lines it skipped", () => {
      write('proc/self/mountinfo', '28 1 254:1 / / rw - ext4 /dev/vda1 rw\n');
      write('etc/fstab', '/dev/vda1 / ext4 defaults 0 1\nbroken-line\n');
      const state = collectMounts(new DiskRootFs(root));
      expect(state.live).toHaveLength(1);
      expect(state.warnings).toEqual([
        { source: '/etc/fstab', line: 2, message: expect.stringContaining('fields') },
      ]);
    });

    it('has an empty fstab when there is none, and fails when no mountinfo can be read', async () => {
      write('proc/1/mountinfo', '28 1 254:1 / / rw - ext4 /dev/vda1 rw\n');
      expect(collectMounts(new DiskRootFs(root)).fstab).toEqual([]);
      fs.rmSync(path.join(root, 'proc'), { recursive: true });
      expect(() => collectMounts(new DiskRootFs(root))).toThrow(CollectError);
      await expect(
        mountsCollector.collect({
          fs: new DiskRootFs(root),
          run: new FixtureCommandRunner(root),
          watchPaths: [],
        }),
      ).rejects.toThrow(/mountinfo/);
    });
  });
});
