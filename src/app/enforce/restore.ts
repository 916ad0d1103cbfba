/**
 * `restore RUN`: put back every file a run backed up, byte for byte with its mode, owner and
 * times — or remove it, when the run created it — and check each against the checksum recorded
 * before the run changed it. A restore is a run of its own (kind `restore`), recorded and
 * locked like any other. It puts back files: packages installed, units enabled and live sysctl
 * values set by commands stay as they are (the run record lists those commands).
 */
import type { FileSnapshot, FixOutcome, NodeOutcome, RunRecord, RunTrigger, RunVia } from '../../model/run';
import { NotFoundError, errorMessage } from '../../shared/errors';
import { runCommand, snapshotOf } from './apply-node';
import { backupDirOf } from './node-files';
import { RunJournal } from './journal';
import type { RunEnvironment } from './execute';
import type { NodeSession } from './node-session';
import { newRunId } from './run-ids';
import { lockOrRefuse, settleRun, startNode } from './run-lifecycle';

export interface RestoreRequest {
  runId: string;
  /** Only this node of the run. */
  node?: string;
  trigger: RunTrigger;
  actor: string;
  dryRun: boolean;
  /**
   * When the store has no record of the run, restore `node` from its own backup folder, which
   * describes itself: a run that went through agents is recorded on the server, while its
   * backups are on the node. Nothing is then checked against a recorded checksum.
   */
  unrecorded?: { via: RunVia };
}

/** The run as far as the node's backup folder tells it: one node, its backups, no record of the files. */
function unrecordedRun(runId: string, node: string, via: RunVia): RunRecord {
  return {
    id: runId,
    kind: 'apply',
    trigger: 'cli',
    actor: 'unknown',
    via,
    target: `node:${node}`,
    dryRun: false,
    status: 'succeeded',
    startedAt: '',
    nodes: [{ node, wave: 1, status: 'succeeded', fixes: [], backupDir: backupDirOf(runId) }],
  };
}

/** Paths whose change systemd must be told about. */
function needsReload(path: string): boolean {
  return path === '/etc/fstab' || path.startsWith('/etc/systemd/');
}

function sameFile(
  a: { sha256: string | null; mode?: string; uid?: number; gid?: number },
  b: typeof a,
): boolean {
  return a.sha256 === b.sha256 && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}

/** What the run found at each path before it changed it (the first time it touched it), from its record. */
function beforeOf(original: NodeOutcome): Map<string, FileSnapshot> {
  const before = new Map<string, FileSnapshot>();
  for (const fix of original.fixes)
    for (const file of fix.files) if (!before.has(file.path)) before.set(file.path, file.before);
  return before;
}

async function restoreNode(
  session: NodeSession,
  original: NodeOutcome,
  outcome: NodeOutcome,
  options: { dryRun: boolean; now: () => Date },
  step: (message: string, fixId?: string, status?: string) => Promise<void>,
): Promise<void> {
  const backupDir = original.backupDir as string;
  outcome.backupDir = backupDir;
  outcome.where = session.description;
  let entries: { path: string; existed: boolean }[];
  try {
    entries = await session.files.listBackup(backupDir);
  } catch (err) {
    outcome.status = 'failed';
    outcome.error = `cannot read the backups in ${backupDir} on ${original.node}: ${errorMessage(err)}`;
    return;
  }
  if (entries.length === 0) {
    outcome.status = 'failed';
    outcome.error = `${original.node} has no backups in ${backupDir} (removed, or a node reinstalled since)`;
    return;
  }
  const recorded = beforeOf(original);
  outcome.fixes = entries.map((entry): FixOutcome => ({
    fixId: `restore:${entry.path}`,
    category: 'files',
    key: entry.path,
    description: entry.existed
      ? `put ${entry.path} back as it was`
      : `remove ${entry.path}, which the run created`,
    status: options.dryRun ? 'dry-run' : 'pending',
    files: [],
    commands: [],
  }));
  if (options.dryRun) {
    outcome.status = 'dry-run';
    return;
  }
  let reload = false;
  for (const [index, entry] of entries.entries()) {
    const fix = outcome.fixes[index] as FixOutcome;
    fix.startedAt = options.now().toISOString();
    try {
      const facts = await session.files.restore(backupDir, entry.path);
      const after = snapshotOf(facts.after);
      fix.files.push({
        path: entry.path,
        before: snapshotOf(facts.before),
        after,
        ...(entry.existed ? { backup: `${backupDir}/files${entry.path}` } : {}),
      });
      // Checked against what the run recorded before changing it, when the record says.
      const expected = recorded.get(entry.path) ?? (entry.existed ? undefined : { sha256: null });
      if (expected && !sameFile(after, expected))
        throw new Error(
          `${entry.path} does not read back as it was (${after.sha256 ?? 'absent'}, expected ${expected.sha256 ?? 'absent'})`,
        );
      fix.status = 'applied';
      fix.verified = expected !== undefined;
      reload ||= needsReload(entry.path);
    } catch (err) {
      fix.status = 'failed';
      fix.error = errorMessage(err);
    }
    fix.finishedAt = options.now().toISOString();
    await step(
      `${fix.fixId}: ${fix.status === 'applied' ? 'restored' : fix.status}${fix.error ? ` — ${fix.error}` : ''}`,
      fix.fixId,
      fix.status,
    );
    if (fix.status === 'failed') break;
  }
  for (const fix of outcome.fixes) if (fix.status === 'pending') fix.status = 'not-attempted';
  const failed = outcome.fixes.find((f) => f.status === 'failed');
  if (!failed && reload && (await session.systemdRunning()))
    outcome.fixes.at(-1)?.commands.push(await runCommand(session.shell, ['systemctl', 'daemon-reload']));
  outcome.status = failed ? 'failed' : 'succeeded';
  if (failed) outcome.error = failed.error;
}

export async function restoreRun(request: RestoreRequest, env: RunEnvironment): Promise<RunRecord> {
  const recorded = await env.store.runs.get(request.runId);
  let original: RunRecord;
  if (recorded) original = recorded;
  else if (request.unrecorded && request.node)
    original = unrecordedRun(request.runId, request.node, request.unrecorded.via);
  else throw new NotFoundError(`no run ${request.runId} in the store (driftguard runs lists them)`);
  const nodes = original.nodes.filter(
    (node) =>
      node.backupDir &&
      (!recorded || node.fixes.some((fix) => fix.files.length > 0)) &&
      (!request.node || node.node === request.node),
  );
  if (request.node && !original.nodes.some((node) => node.node === request.node))
    throw new NotFoundError(
      `run ${request.runId} did not touch node ${request.node} (it ran on ${original.nodes.map((n) => n.node).join(', ') || 'no node'})`,
    );
  const journal = new RunJournal(env.store, env.now, env.listener);
  const record: RunRecord = {
    id: newRunId(env.now()),
    kind: 'restore',
    trigger: request.trigger,
    actor: request.actor,
    via: original.via,
    target: request.node ? `node:${request.node}` : original.target,
    dryRun: request.dryRun,
    restoreOf: original.id,
    status: 'running',
    startedAt: env.now().toISOString(),
    nodes: nodes.map((node) => ({ node: node.node, wave: 1, status: 'pending', fixes: [] })),
  };
  await journal.start(record);
  const run = { journal, record };
  const nodeNames = record.nodes.map((n) => n.node);
  if (!request.dryRun) await lockOrRefuse(run, env.store, nodeNames, env.now());
  try {
    for (const outcome of record.nodes) {
      const source = nodes.find((n) => n.node === outcome.node) as NodeOutcome;
      let session: NodeSession;
      try {
        session = await env.open(outcome.node);
      } catch (err) {
        outcome.status = 'failed';
        outcome.error = `cannot reach ${outcome.node}: ${errorMessage(err)}`;
        break;
      }
      try {
        await startNode(run, outcome.node, `restoring the backups of ${original.id}`);
        await restoreNode(
          session,
          source,
          outcome,
          { dryRun: request.dryRun, now: env.now },
          (message, fixId, status) =>
            journal.step(record, 'fix-finished', message, {
              node: outcome.node,
              ...(fixId ? { fixId } : {}),
              ...(status ? { status } : {}),
            }),
        );
        await journal.nodeFinished(record, outcome);
      } finally {
        await session.close().catch(() => undefined);
      }
      if ((outcome as NodeOutcome).status === 'failed') break;
    }
    settleRun(record);
    await journal.finish(record);
    return record;
  } finally {
    if (!request.dryRun) await env.store.runs.unlock(record.id);
  }
}
