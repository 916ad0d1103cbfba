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
import type { Enforcer } from '../app/enforce/service';
import type { RunRecord } from '../model/run';
import { DriftguardError, errorMessage } from '../shared/errors';
import type { Store } from '../store';
import type { SweepCache } from '../sweep/fingerprint-cache';
import type { SweepOptions } from '../sweep/run';
import { sweepTargets } from '../sweep/run';

export interface ScheduleRun {
  schedule: string;
  mode: ScheduleDecl['mode'];
  startedAt: string;
  finishedAt: string;
  reached: string[];
  failed: { node: string; reason: string; message: string }[];
  /** enforce: the run that applied the plan (see GET /api/v1/runs/ID), however it ended. */
  run?: { id: string; status: string; reason?: string };
  /** What the run did not do, said plainly (e.g. enforcement, which this version does not apply). */
  notes: string[];
}

export interface ScheduleRunDeps {
  store: Store;
  evaluator: EvaluationQueue;
  now: () => Date;
  /** Known hosts and identity for the sweep; throws a clear error when they cannot be loaded. */
  credentials: () => Pick<SweepOptions, 'knownHosts' | 'identity'>;
  /** Carries out `mode: enforce` (absent: enforce schedules only audit, and say so). */
  enforcer?: Enforcer;
  /** A number in [0, 1) for the splay (injected so tests need not wait). */
  random?: () => number;
  /** Fingerprints of the last sweeps, kept between runs: unchanged categories are not fetched again. */
  sweepCache?: SweepCache;
}

/**
 * enforce: plan from the states just swept and apply under every rule of a manual run (waves,
 * backups, verification, stop at the first failure), recorded as a run like any other.
 */
async function enforce(schedule: ScheduleDecl, run: ScheduleRun, enforcer: Enforcer): Promise<void> {
  const actor = `schedule:${schedule.name}`;
  const target = schedule.targets.join(',');
  const about = { target, trigger: 'schedule' as const, actor, via: 'ssh' as const };
  let record: RunRecord;
  if (run.failed.length > 0) {
    record = await enforcer.recordFailure(
      about,
      `not enforced: ${run.failed.map((f) => `${f.node} (${f.message})`).join('; ')} — a plan needs a fresh state of every node`,
    );
  } else {
    try {
      const plan = await enforcer.createPlan(
        { target, via: 'ssh', maxNodesPerWave: schedule.maxNodesPerWave },
        actor,
      );
      const started = await enforcer.start(plan.plan, {
        via: 'ssh',
        dryRun: false,
        trigger: 'schedule',
        actor,
        planId: plan.id,
      });
      record = await started.done;
    } catch (err) {
      // Refused runs (a node locked, a stale plan) are recorded already; anything else is recorded here.
      const recorded = err instanceof DriftguardError ? (err.details.run as string | undefined) : undefined;
      record =
        (recorded && (await enforcer.runRecord(recorded))) ||
        (await enforcer.recordFailure(about, errorMessage(err)));
    }
  }
  run.run = { id: record.id, status: record.status, ...(record.reason ? { reason: record.reason } : {}) };
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
  if (schedule.mode === 'enforce' && !deps.enforcer) {
    run.notes.push('enforce mode: this server runs no enforcement; nothing was applied');
  }
  if (schedule.mode === 'enforce' && schedule.splayMs > 0) {
    // Spread the schedules of many servers that share a cron line.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.floor((deps.random ?? Math.random)() * schedule.splayMs)),
    );
  }
  let credentials: ReturnType<ScheduleRunDeps['credentials']>;
  try {
    credentials = deps.credentials();
  } catch (err) {
    run.failed.push({ node: '*', reason: 'credentials', message: errorMessage(err) });
    if (schedule.mode === 'enforce' && deps.enforcer) await enforce(schedule, run, deps.enforcer);
    run.finishedAt = deps.now().toISOString();
    return run;
  }
  const results = await sweepTargets(desired, schedule.targets, {
    ...credentials,
    now: deps.now,
    watchList: (node) => watchListFor(desired, node),
    ...(deps.sweepCache ? { cache: deps.sweepCache } : {}),
  });
  for (const result of results) {
    if (!result.ok) {
      run.failed.push({ node: result.node, reason: result.reason, message: result.error.message });
      continue;
    }
    try {
      const outcome = await ingestReport(
        deps.store,
        buildReport(result.state, `sweep-${schedule.name}-${result.state.collectedAt}`),
        SERVER_CALLER,
        deps.now(),
      );
      deps.evaluator.reported(result.node, outcome.changed);
      run.reached.push(result.node);
    } catch (err) {
      run.failed.push({ node: result.node, reason: 'ingest', message: errorMessage(err) });
    }
  }
  if (schedule.mode === 'enforce' && deps.enforcer) await enforce(schedule, run, deps.enforcer);
  run.finishedAt = deps.now().toISOString();
  return run;
}
