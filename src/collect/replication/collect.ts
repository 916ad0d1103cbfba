/**
 * The replication collector: DRBD resources, their roles, disk and connection states, and how
 * much data is out of sync (PythonAnywhere 2015: slow, half-hung DRBD; PyPI 2013: a secondary
 * that had to be resynced before it could take over).
 *
 * Order of questions, each cheap and side-effect free:
 *   1. /proc/drbd absent → the DRBD module is not loaded: `drbdAvailable: false`. Checked first
 *      on purpose: drbdsetup itself runs `modprobe drbd` when /proc/drbd is missing
 *      (drbd-utils `modprobe_drbd()`), and collecting must not load kernel modules.
 *   2. /proc/drbd says 8.x → its text has the whole status (Debian 12's own kernel ships DRBD
 *      8.4, where `drbdsetup status --json` does not exist); parse it.
 *   3. DRBD 9 → `drbdsetup status --json`. Not installed (127) → `drbdAvailable: false`.
 *      Any other failure or unreadable output → CollectError.
 */
import type { ReplicationState } from '../../model/state';
import { CollectError } from '../../shared/errors';
import { COMMAND_NOT_FOUND } from '../command-runner';
import type { CommandRunner } from '../command-runner';
import type { RootFs } from '../root-fs';
import type { Collector } from '../types';
import { parseDrbdStatusJson, parseProcDrbd } from './parse';

export const DRBD_STATUS_ARGV: readonly string[] = ['drbdsetup', 'status', '--json'];

/** A fresh value each time: states are plain data that callers may keep and change. */
const notAvailable = (): ReplicationState => ({ drbdAvailable: false, drbd: {} });

export async function collectReplication(fs: RootFs, run: CommandRunner): Promise<ReplicationState> {
  const procDrbd = fs.readText('/proc/drbd');
  if (procDrbd === undefined) return notAvailable();

  const parsed = parseProcDrbd(procDrbd);
  if (parsed.resources) return { drbdAvailable: true, drbd: parsed.resources };

  const result = await run.run(DRBD_STATUS_ARGV);
  if (result.code === COMMAND_NOT_FOUND) return notAvailable();
  if (result.code !== 0) {
    const detail = result.stderr.trim() || `exit code ${result.code}`;
    throw new CollectError(`${DRBD_STATUS_ARGV.join(' ')} failed (DRBD ${parsed.version.text}): ${detail}`);
  }
  return { drbdAvailable: true, drbd: parseDrbdStatusJson(result.stdout) };
}

export const replicationCollector: Collector<'replication'> = {
  category: 'replication',
  collect(ctx) {
    return collectReplication(ctx.fs, ctx.run);
  },
};
