/**
 * The PyPI 2013 primary as it should have been: a copy of the pypi-1 fixture with the fixes the
 * incident report lists applied the way an operator would apply them — on the files, not on
 * the JSON — so the collectors see a conforming node. Collected once as pypi-1 and once as
 * pypi-2 it is an identical, conforming pair.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { preparedFixtureRoot } from './fixture-nodes';

const PYPI_GID = 990;

export function correctedPypiRoot(): string {
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
  // The application's configuration is readable by its group only.
  fs.chmodSync(at('/etc/pypi/config.ini'), 0o640);
  fs.chownSync(at('/etc/pypi/config.ini'), 0, PYPI_GID);
  return root;
}
