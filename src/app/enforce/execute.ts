/**
 * Carrying out a plan (DESIGN §9), the I/O shell around the pure planner:
 *
 *   1. record the run; take the lock of every node it changes (a node held by another run
 *      refuses the whole run: 409 naming that run);
 *   2. connect to every node the plan read and collect it afresh; a node whose configuration
 *      differs from the plan's basis makes the plan stale: refused, nothing changed;
 *   3. a dry run stops here (it takes no lock and changes nothing);
 *   4. wave by wave — a pair's secondary, verified, then its primary — apply each node's fixes,
 *      verifying each by re-collecting the node and looking for the findings it addressed;
 *   5. stop at the first failure: the rest is recorded as not attempted.
 */
import { findingsFor, fingerprintOf, staleAgainst } from '../../enforce';
import type { Desired } from '../../model/desired';
import type { Fix, Plan } from '../../model/plan';
import { changesOf } from '../../model/plan';
import type { NodeOutcome, RunRecord, RunTrigger, RunVia } from '../../model/run';
import { verifyCategories } from '../../model/run';
import type { NodeState } from '../../model/state';
import { StalePlanError, errorMessage } from '../../shared/errors';
import type { Store } from '../../store';
import { applyNodeFixes, pendingOutcome } from './apply-node';
import { RunJournal } from './journal';
import type { RunListener } from './journal';
import { backupDirOf } from './node-files';
import type { NodeSession } from './node-session';
import { newRunId } from './run-ids';
import type { RecordedRun } from './run-lifecycle';
import { endEarly, lockOrRefuse, settleRun, startNode } from './run-lifecycle';

export interface RunRequest {
  plan: Plan;
  desired: Desired;
  trigger: RunTrigger;
  actor: string;
  via: RunVia;
  dryRun: boolean;
  planId?: string;
  /** States of some plan nodes collected through the run's own sessions a moment ago: not collected again. */
  fresh?: ReadonlyMap<string, NodeState>;
}

export interface RunEnvironment {
  store: Store;
  now: () => Date;
  /** Opens a session to a node (SSH or local); the run closes it. */
  open: (node: string) => Promise<NodeSession>;
  listener?: RunListener;
}

/** A new run record with every node and fix pending. */
function newRunRecord(request: RunRequest, now: Date): RunRecord {
  const changes = changesOf(request.plan);
  return {
    id: newRunId(now),
    kind: 'apply',
    trigger: request.trigger,
    actor: request.actor,
    via: request.via,
    target: request.plan.target,
    dryRun: request.dryRun,
    planHash: request.plan.hash,
    ...(request.planId ? { planId: request.planId } : {}),
    status: 'running',
    startedAt: now.toISOString(),
    nodes: request.plan.waves.flatMap((wave, index) =>
      wave.map((node): NodeOutcome => ({
        node,
        wave: index + 1,
        status: 'pending',
        fixes: changes.filter((fix) => fix.node === node).map(pendingOutcome),
      })),
    ),
  };
}

/**
 * A run that could not even be planned (a node not reached, no state): recorded as failed with
 * its reason, like any other run — a scheduled enforcement that did nothing must say why.
 */
export async function recordFailedRun(
  env: Pick<RunEnvironment, 'store' | 'now' | 'listener'>,
  run: { target: string; trigger: RunTrigger; actor: string; via: RunVia },
  reason: string,
): Promise<RunRecord> {
  const journal = new RunJournal(env.store, env.now, env.listener);
  const record: RunRecord = {
    id: newRunId(env.now()),
    kind: 'apply',
    ...run,
    dryRun: false,
    status: 'running',
    startedAt: env.now().toISOString(),
    nodes: [],
  };
  await journal.start(record);
  return endEarly({ journal, record }, 'failed', reason);
}

/** The messages of the findings `fix` addressed that are still there in `states`. */
export function unresolved(
  desired: Desired,
  fix: Fix,
  states: ReadonlyMap<string, NodeState>,
  now: Date,
): string[] {
  const findings = findingsFor(desired, fix.node, (node) => states.get(node), now);
  const open = new Map(findings.map((f) => [fingerprintOf(f), f.message]));
  return fix.addresses.flatMap((print) => (open.has(print) ? [open.get(print) as string] : []));
}

/** A run under way: recorded and locked already; `done` settles when it ends. */
export interface StartedRun {
  record: RunRecord;
  done: Promise<RunRecord>;
}

export interface RunContext extends RecordedRun {
  request: RunRequest;
  env: RunEnvironment;
}

/**
 * Records the run and takes the lock of every node it changes before anything else happens, so
 * that a second run on a node is refused at once (ConflictError, after the refused run is
 * recorded). A dry run takes no lock.
 */
export async function beginRun(request: RunRequest, env: RunEnvironment): Promise<RunContext> {
  const journal = new RunJournal(env.store, env.now, env.listener);
  const record = newRunRecord(request, env.now());
  await journal.start(record);
  if (!request.dryRun)
    await lockOrRefuse({ journal, record }, env.store, request.plan.waves.flat(), env.now());
  return { request, env, journal, record };
}

/** Runs `drive`, then settles the record's status from its nodes, and always lets go of the locks. */
export async function finishRun(ctx: RunContext, drive: () => Promise<void>): Promise<RunRecord> {
  const { record, journal, env } = ctx;
  try {
    await drive();
    if (record.status !== 'running') return record; // ended early: refused or unreachable
    if (ctx.request.dryRun) {
      for (const node of record.nodes) {
        node.status = 'dry-run';
        for (const fix of node.fixes) fix.status = 'dry-run';
      }
      record.status = 'succeeded';
    } else settleRun(record);
    await journal.finish(record);
    return record;
  } catch (err) {
    if (record.status === 'running') {
      record.status = 'failed';
      record.reason = errorMessage(err);
      await journal.finish(record);
    }
    throw err;
  } finally {
    if (!ctx.request.dryRun) await env.store.runs.unlock(record.id);
  }
}

/** Refuses the run when a node's fresh state is not the ground the plan stands on. */
async function checkBasis(ctx: RunContext, node: string, fresh: NodeState): Promise<void> {
  const stale = staleAgainst(ctx.request.plan.nodes.find((n) => n.node === node)?.basis ?? {}, fresh);
  if (stale.length === 0) return;
  const planned = ctx.request.plan.nodes.find((n) => n.node === node);
  const reason = `stale plan: the ${stale.join(', ')} of ${node} changed since the plan was made (state of ${planned?.collectedAt}); nothing was changed — plan again`;
  await endEarly(ctx, 'refused', reason);
  throw new StalePlanError(reason, { run: ctx.record.id, node, categories: stale });
}

/** The fixes of every node through sessions (SSH or local), wave by wave, each verified. */
async function driveSessions(ctx: RunContext, sessions: Map<string, NodeSession>): Promise<void> {
  const { request, env, journal, record } = ctx;
  const { plan, desired } = request;
  // Every node the plan read, connected and collected afresh: the ground the plan stands on.
  const states = new Map<string, NodeState>();
  for (const planNode of plan.nodes) {
    let session: NodeSession;
    try {
      session = await env.open(planNode.node);
    } catch (err) {
      await endEarly(ctx, 'failed', `cannot reach ${planNode.node}: ${errorMessage(err)}`);
      return;
    }
    sessions.set(planNode.node, session);
    const fresh = request.fresh?.get(planNode.node) ?? (await session.collect());
    states.set(planNode.node, fresh);
    await checkBasis(ctx, planNode.node, fresh);
  }
  if (request.dryRun) return;

  let failed = false;
  for (const wave of plan.waves) {
    if (failed) break;
    await Promise.all(
      wave.map(async (node) => {
        const fixes = changesOf(plan, node);
        const outcome = await startNode(ctx, node, `${fixes.length} fixes`);
        const session = sessions.get(node) as NodeSession;
        const ok = await applyNodeFixes({
          session,
          fixes,
          outcome,
          backupDir: backupDirOf(record.id),
          now: env.now,
          stopped: () => failed,
          step: (type, message, about) => journal.step(record, type, message, { node, ...about }),
          readSource: async (source, path) => {
            const from = sessions.get(source);
            if (!from) throw new Error(`${source} is not part of this run`);
            return from.files.read(path);
          },
          verify: async (fix) => {
            const fresh = await session.collect(verifyCategories(fix));
            states.set(node, { ...(states.get(node) as NodeState), ...fresh, errors: fresh.errors });
            return unresolved(desired, fix, states, env.now());
          },
        });
        if (!ok) failed = true;
        await journal.nodeFinished(record, outcome);
      }),
    );
  }
}

/** Starts a run through SSH or local sessions; locks are taken before this resolves. */
export async function startRun(request: RunRequest, env: RunEnvironment): Promise<StartedRun> {
  const ctx = await beginRun(request, env);
  const sessions = new Map<string, NodeSession>();
  const done = finishRun(ctx, () => driveSessions(ctx, sessions)).finally(() =>
    Promise.all([...sessions.values()].map((session) => session.close().catch(() => undefined))),
  );
  return { record: ctx.record, done };
}

/** Carries a plan out and resolves with its record (see the file comment). */
export async function executePlan(request: RunRequest, env: RunEnvironment): Promise<RunRecord> {
  return (await startRun(request, env)).done;
}
