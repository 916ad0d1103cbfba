/**
 * `driftguard restore RUN [--node NAME]`: put back every file a run backed up on its nodes —
 * checked against the checksums recorded before the run — as a run of its own. Like apply, it
 * only lists what it would do unless `--yes`: restoring overwrites files that may have been
 * changed on purpose since. Exit 0 restored (or dry run), 1 a file could not be restored, 2 error.
 */
import { restoreRun } from '../../app/enforce/restore';
import { SessionPool, sessionOpener } from '../../app/enforce/sessions';
import { loadDesired } from '../../desired';
import { currentTime } from '../../shared/clock';
import { isRunId } from '../../app/enforce/run-ids';
import { NotFoundError, UsageError } from '../../shared/errors';
import { displayLocation, openStore } from '../../store';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { progressPrinter, renderRun } from '../render/run';
import { cliActor } from './apply';
import type { SessionFlags } from './shared';
import { sessionOptionsFor, storeLocation } from './shared';

export interface RestoreOptions extends SessionFlags {
  desired: string;
  node?: string;
  via?: 'ssh' | 'local';
  yes: boolean;
  db: string;
  json: boolean;
}

export async function runRestore(runId: string, options: RestoreOptions, io: CliIo): Promise<number> {
  if (!isRunId(runId))
    throw new UsageError(`${JSON.stringify(runId)} is not a run id (r-YYYYMMDD-HHMMSS-xxxxxx)`);
  const desired = loadDesired(options.desired);
  const now = () => currentTime(io.env);
  const store = await openStore(storeLocation(options.db, io));
  try {
    const original = await store.runs.get(runId);
    const via = options.via ?? (options.root || original?.via === 'local' ? 'local' : 'ssh');
    if (original?.via === 'agent' && via !== 'local')
      throw new UsageError(
        `run ${runId} went through agents, which cannot restore: on the node, driftguard restore ${runId} --via local --node NAME --desired DIR --db FILE --yes`,
      );
    // The server records an agent's run; on the node, its backup folder is all there is.
    if (!original && (via !== 'local' || !options.node))
      throw new NotFoundError(
        `no run ${runId} in ${displayLocation(options.db)} (driftguard runs lists them); on the node that has its backups: driftguard restore ${runId} --via local --node NAME --desired DIR --db FILE --yes`,
      );
    const pool = new SessionPool(sessionOpener(desired, sessionOptionsFor(via, options, io, now)));
    try {
      const record = await restoreRun(
        {
          runId,
          ...(options.node ? { node: options.node } : {}),
          trigger: 'cli',
          actor: cliActor(),
          dryRun: !options.yes,
          ...(original ? {} : { unrecorded: { via } }),
        },
        {
          store,
          now,
          open: pool.open,
          listener: progressPrinter(io, options.json),
        },
      );
      if (options.json) printJson(io, record);
      else io.out(`\n${renderRun(record, io.colors)}`);
      return record.status === 'succeeded' ? EXIT_OK : EXIT_FINDINGS;
    } finally {
      await pool.closeAll();
    }
  } finally {
    await store.close();
  }
}
