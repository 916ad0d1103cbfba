/**
 * The PyPI 2013 pair as it should have been: a copy of the pypi-1 fixture with the fixes the
 * incident report lists applied the way an operator would apply them — on the files, not on
 * the JSON — so the collectors see a conforming node. The secondary's copy differs only in what
 * must differ: its DRBD view (it is Secondary, its peer Primary). Collected as pypi-1 and pypi-2
 * they are an identical, conforming pair.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './cli';
import { fixtureRoot, preparedFixtureRoot } from './fixture-nodes';

const PYPI_GID = 990;

export function correctedPypiRoot(node: 'pypi-1' | 'pypi-2' = 'pypi-1'): string {
  const root = preparedFixtureRoot('pypi-1');
  const at = (nodePath: string) => path.join(root, nodePath);
  // Reboot after a panic, live and persisted.
  fs.writeFileSync(at('/proc/sys/kernel/panic'), '10\n');
  fs.writeFileSync(at('/proc/sys/kernel/panic_on_oops'), '1\n');
  fs.writeFileSync(
    at('/etc/sysctl.d/90-panic.conf'),
    '# reboot after a kernel panic\nkernel.panic = 10\nkernel.panic_on_oops = 1\n',
  );
  // The DRBD device is mounted by the cluster manager on the primary, never at boot.
  const fstab = fs.readFileSync(at('/etc/fstab'), 'utf8');
  const fixed = fstab.replace(
    /^\/dev\/drbd0(\s+)\/srv\/pypi(\s+)ext4(\s+)defaults/m,
    '/dev/drbd0$1/srv/pypi$2ext4$3noauto,defaults',
  );
  if (fixed === fstab)
    throw new Error('the pypi-1 fixture no longer has the DRBD fstab line this helper fixes');
  fs.writeFileSync(at('/etc/fstab'), fixed);
  // pypissh's packaged unit RequiresMountsFor=/srv/pypi: started at boot, it would mount the
  // failover mount on both nodes. The local override keeps the ordering, drops the requirement,
  // and runs only where the cluster manager has mounted /srv/pypi (the documented way to change
  // a vendor unit's dependencies is a full copy in /etc).
  fs.writeFileSync(
    at('/etc/systemd/system/pypissh.service'),
    fs
      .readFileSync(at('/usr/lib/systemd/system/pypissh.service'), 'utf8')
      .replace('RequiresMountsFor=/srv/pypi\n', 'ConditionPathIsMountPoint=/srv/pypi\n'),
  );
  // The application's configuration is readable by its group only.
  fs.chmodSync(at('/etc/pypi/config.ini'), 0o640);
  fs.chownSync(at('/etc/pypi/config.ini'), 0, PYPI_GID);
  if (node === 'pypi-2') {
    for (const file of ['/.driftguard/drbdsetup-status.json', '/proc/drbd']) {
      fs.copyFileSync(path.join(fixtureRoot('pypi-2'), file), at(file));
    }
  }
  return root;
}

/** States of the corrected pair, collected by the real CLI into a new folder (the caller removes it). */
export function collectCorrectedPair(now?: string): string {
  const statesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-corrected-'));
  for (const node of ['pypi-1', 'pypi-2'] as const) {
    const root = correctedPypiRoot(node);
    try {
      const out = path.join(statesDir, `${node}.json`);
      const result = runCli(
        ['collect', '--root', root, '--node', node, '--desired', 'desired-state', '--out', out],
        now ? { env: { DRIFTGUARD_NOW: now } } : {},
      );
      if (result.code !== 0) throw new Error(`collect ${node} failed: ${result.stderr}`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  return statesDir;
}
