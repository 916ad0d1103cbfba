/**
 * One run of a `kind: Schedule`: sweep the nodes its targets name, store what came back as full
 * reports, and evaluate. Scheduled runs go through the same ingest and evaluation as an agent's
 * report or a manual `driftguard sweep --server`, so they are recorded alike.
 */
import { buildReport } from '../app/build-report';
import type { EvaluationQueue } from '../app/evaluate';
import { ingestReport, SERVER_CALLER } from '../app/ingest';
import { watchListFor } from '../desired';
import type { Desired, ScheduleDecl } from '../model/desired';
import { errorMessage } from '../shared/errors';
import type { Store } from '../store';
import type { SweepOptions } from '../sweep/run';
import { sweepTargets } from '../sweep/run';

export interface ScheduleRun {
  schedule: string;
  mode: ScheduleDecl['mode'];
  startedAt: string;
  finishedAt: string;
  reached: string[];
  failed: { node: string; reason: string; message: string }[];
  /** What the run did not do, said plainly (e.g. enforcement, which this version does not apply). */
  notes: string[];
}

export interface ScheduleRunDeps {
  store: Store;
  evaluator: EvaluationQueue;
  now: () => Date;
  /** Known hosts and identity for the sweep; throws a clear error when they cannot be loaded. */
  credentials: () => Pick<SweepOptions, 'knownHosts' | 'identity'>;
}

export async function runSchedule(
  desired: Desired,
  schedule: ScheduleDecl,
  deps: ScheduleRunDeps,
): Promise<ScheduleRun> {
  const startedAt = deps.now().toISOString();
  const run: ScheduleRun = {
    schedule: schedule.name,
    mode: schedule.mode,
    startedAt,
    finishedAt: startedAt,
    reached: [],
    failed: [],
    notes: [],
  };
  if (schedule.mode === 'enforce') {
    run.notes.push('enforce mode: this version detects and reports only; no fix was applied');
  }
  let credentials: ReturnType<ScheduleRunDeps['credentials']>;
  try {
    credentials = deps.credentials();
  } catch (err) {
    run.failed.push({ node: '*', reason: 'credentials', message: errorMessage(err) });
    run.finishedAt = deps.now().toISOString();
    return run;
  }
  const results = await sweepTargets(desired, schedule.targets, {
    ...credentials,
    now: deps.now,
    watchList: (node) => watchListFor(desired, node),
  });
  for (const result of results) {
    if (!result.ok) {
      run.failed.push({ node: result.node, reason: result.reason, message: result.error.message });
      continue;
    }
    try {
      const outcome = ingestReport(
        deps.store,
        buildReport(result.state, `sweep-${schedule.name}-${result.state.collectedAt}`),
        SERVER_CALLER,
        deps.now(),
      );
      if (outcome.changed.length > 0) deps.evaluator.schedule(result.node);
      run.reached.push(result.node);
    } catch (err) {
      run.failed.push({ node: result.node, reason: 'ingest', message: errorMessage(err) });
    }
  }
  run.finishedAt = deps.now().toISOString();
  return run;
}
