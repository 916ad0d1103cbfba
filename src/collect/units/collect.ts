/**
 * Collects the `units` category: lists the unit search path through the RootFs, simulates
 * systemd-fstab-generator on the node's /etc/fstab (read through the same RootFs, as glibc's
 * getmntent reads it), builds the model, and — only when systemd is running on the node (sd_booted():
 * /run/systemd/system exists) — asks systemctl for active states. A node where systemctl cannot
 * answer simply has no activeState; that is not an error.
 */
import type { UnitsState } from '../../model/state';
import type { CommandRunner } from '../command-runner';
import { parseGetmntent } from '../parsers/getmntent';
import { redactWords } from '../files/redact';
import { FSTAB_PATH } from '../mounts/collect';
import type { RootFs } from '../root-fs';
import { LIST_UNITS_ARGV, parseListUnits } from './active-state';
import { chaseMountPoint } from './chase';
import { simulateFstabGenerator } from './fstab-generator';
import { UnitsModel, withGeneratedUnits } from './model';
import { scanUnitTree } from './tree';

export const FSCK_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** fsck_exists_for_fstype(): is there an `fsck.TYPE` on the node's PATH? */
export function fsckExistsOn(fs: RootFs): (fstype: string) => boolean {
  const cache = new Map<string, boolean>();
  return (fstype) => {
    let exists = cache.get(fstype);
    if (exists === undefined) {
      exists =
        !fstype.includes('/') && FSCK_DIRS.some((dir) => fs.stat(`${dir}/fsck.${fstype}`)?.type === 'file');
      cache.set(fstype, exists);
    }
    return exists;
  };
}

async function activeStates(fs: RootFs, run: CommandRunner): Promise<Map<string, string> | undefined> {
  if (fs.lstat('/run/systemd/system')?.type !== 'directory') return undefined;
  try {
    const result = await run.run(LIST_UNITS_ARGV);
    return result.code === 0 ? parseListUnits(result.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** Everything but active states, synchronously. */
export function collectUnitsSync(fs: RootFs): UnitsState {
  // Read as the generator reads it at boot (glibc's getmntent), its mount points chased on the node.
  const generated = simulateFstabGenerator(parseGetmntent(fs.readText(FSTAB_PATH) ?? ''), {
    fsckExists: fsckExistsOn(fs),
    canonicalize: (where) => chaseMountPoint(fs, where),
  });
  const tree = withGeneratedUnits(scanUnitTree(fs), generated);
  return withoutMountSecrets(new UnitsModel(tree, fs).build());
}

/**
 * Mount units made from fstab record its `What=` and `Options=`, where fstab's secrets (cifs's
 * `password=`) would travel too: redacted as the mounts collector redacts them, with fstab's
 * path, so one secret gives one marker in both. (Only generated units record them.)
 */
function withoutMountSecrets(state: UnitsState): UnitsState {
  for (const unit of Object.values(state.items)) {
    if (!unit.mount) continue;
    const { what, options } = unit.mount;
    unit.mount = {
      ...unit.mount,
      what: redactWords(what, FSTAB_PATH),
      ...(options !== undefined ? { options: redactWords(options, FSTAB_PATH) } : {}),
    };
  }
  return state;
}

export async function collectUnits(fs: RootFs, run: CommandRunner): Promise<UnitsState> {
  // systemctl is spawned first and runs while the unit files are read.
  const pending = activeStates(fs, run);
  const state = collectUnitsSync(fs);
  const states = await pending;
  if (states) {
    for (const [name, item] of Object.entries(state.items)) {
      const active = states.get(name);
      if (active !== undefined) item.activeState = active;
    }
  }
  return state;
}
