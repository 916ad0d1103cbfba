/**
 * The life of a run record, whatever carries the run out (SSH or local sessions, agents, a
 * restore): locked or refused, its nodes started one by one, ended early with a reason, or
 * settled from its nodes at the end. One place, so that every kind of run ends alike.
 */
import type { NodeOutcome, RunRecord } from '../../model/run';
import { ConflictError } from '../../shared/errors';
import type { Store } from '../../store';
import { RunJournal } from './journal';

/** A run being recorded: its record and the journal that records it. */
export interface RecordedRun {
  journal: RunJournal;
  record: RunRecord;
}

/** The outcome of `node` in the run's record (every node of a run has one from its start). */
export function outcomeOf(record: RunRecord, node: string): NodeOutcome {
  const outcome = record.nodes.find((n) => n.node === node);
  if (!outcome) throw new Error(`run ${record.id} has no node ${node}`);
  return outcome;
}

/** Finishes the record as refused or failed before anything changed, with the reason. */
export async function endEarly(
  run: RecordedRun,
  status: 'refused' | 'failed',
  reason: string,
): Promise<RunRecord> {
  const { journal, record } = run;
  record.status = status;
  record.reason = reason;
  for (const node of record.nodes) {
    node.status = 'not-attempted';
    for (const fix of node.fixes) fix.status = 'not-attempted';
  }
  await journal.finish(record);
  return record;
}

/**
 * Takes the lock of every node the run changes, or ends it as refused: a node held by another
 * run refuses the whole run at once (ConflictError naming that run, and this one).
 */
export async function lockOrRefuse(
  run: RecordedRun,
  store: Store,
  nodes: readonly string[],
  now: Date,
): Promise<void> {
  try {
    await store.runs.lock(nodes, run.record.id, RunJournal.holder(), now);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    await endEarly(run, 'refused', err.message);
    throw new ConflictError(err.message, { ...err.details, run: run.record.id });
  }
}

/** Marks `node` running and says so; returns its outcome. `where` is set first when given (agents). */
export async function startNode(
  run: RecordedRun,
  node: string,
  what: string,
  where?: string,
): Promise<NodeOutcome> {
  const outcome = outcomeOf(run.record, node);
  outcome.status = 'running';
  if (where !== undefined) outcome.where = where;
  await run.journal.step(run.record, 'node-started', `${node}: ${what}`, { node });
  return outcome;
}

/**
 * The run's status once its nodes are done: the nodes it never reached were not attempted, and
 * the first node that failed is why the run failed.
 */
export function settleRun(record: RunRecord): void {
  for (const node of record.nodes) {
    if (node.status !== 'pending') continue;
    node.status = 'not-attempted';
    for (const fix of node.fixes) fix.status = 'not-attempted';
  }
  const firstFailure = record.nodes.find((node) => node.status === 'failed');
  record.status = firstFailure ? 'failed' : 'succeeded';
  if (firstFailure) record.reason = `${firstFailure.node}: ${firstFailure.error ?? 'failed'}`;
}
