/**
 * The server's side of `apply --via agent`: wave by wave, release each node's fixes as work
 * for its agent, wait for the agent's answer, take in the fresh state it sends and verify the
 * fixes against it — the same verification apply over SSH does after each fix, done here once
 * per node because the agent does not hold the desired state.
 */
import type { AgentResult, AgentWork } from '../../model/agent-work';
import { changesOf } from '../../model/plan';
import type { Fix } from '../../model/plan';
import type { FixOutcome, NodeOutcome } from '../../model/run';
import type { NodeState } from '../../model/state';
import { errorMessage } from '../../shared/errors';
import { notResolved } from './apply-node';
import type { RunContext, RunEnvironment, RunRequest, StartedRun } from './execute';
import { beginRun, finishRun, unresolved } from './execute';
import { backupDirOf } from './node-files';
import { outcomeOf, startNode } from './run-lifecycle';

export interface AgentRunOptions {
  /** How long a node's agent has to take and finish its work. */
  timeoutMs: number;
  /** Stores a state an agent sent (as its report), so evaluation and readiness see it. */
  ingest: (state: NodeState) => Promise<void>;
  /** The latest known state of a node (the store's). */
  latest: (node: string) => Promise<NodeState | undefined>;
  /** Wakes the wait when an agent answers (the result route calls it). */
  wake?: (listener: () => void) => () => void;
}

/** How often the server looks for an answer that did not wake it (an answer taken by another process). */
const POLL_MS = 500;

function sleep(ms: number, wake?: AgentRunOptions['wake']): Promise<void> {
  return new Promise((resolve) => {
    const off = wake?.(() => {
      clearTimeout(timer);
      off?.();
      resolve();
    });
    const timer = setTimeout(() => {
      off?.();
      resolve();
    }, ms);
  });
}

async function waitForResult(
  ctx: RunContext,
  node: string,
  options: AgentRunOptions,
): Promise<AgentResult | undefined> {
  // Real elapsed time, not the run's clock (which tests pin): a timeout is about waiting.
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const row = await ctx.env.store.agentWork.get<AgentWork, AgentResult>(ctx.record.id, node);
    if (row?.doneAt && row.result) return row.result;
    if (Date.now() > deadline) return undefined;
    await sleep(POLL_MS, options.wake);
    await ctx.env.store.runs.heartbeat(ctx.record.id, ctx.env.now());
  }
}

/** Takes in what the agent of `node` answered; true when its fixes were applied and verified. */
async function takeResult(
  ctx: RunContext,
  outcome: NodeOutcome,
  result: AgentResult | undefined,
  options: AgentRunOptions,
): Promise<boolean> {
  const { request, env } = ctx;
  if (!result) {
    outcome.status = 'failed';
    outcome.error = `the agent of ${outcome.node} did not finish the work within ${Math.round(options.timeoutMs / 1000)} s (is its apply unit enabled?)`;
    return false;
  }
  if (result.state) await options.ingest(result.state);
  if (result.refused || !result.outcome) {
    outcome.status = 'failed';
    outcome.error = `the agent of ${outcome.node} refused: ${result.refused ?? 'no outcome'}`;
    for (const fix of outcome.fixes) fix.status = 'not-attempted';
    return false;
  }
  // A dry run's agent only checks the plan's ground and applies nothing: its answer has no fixes,
  // and the run keeps the plan's list (each marked dry-run when the run finishes).
  const fixes = request.dryRun ? outcome.fixes : result.outcome.fixes;
  Object.assign(outcome, { ...result.outcome, fixes, wave: outcome.wave, node: outcome.node });
  if (request.dryRun || outcome.status !== 'succeeded')
    return outcome.status === 'succeeded' || request.dryRun;
  const applied = changesOf(request.plan, outcome.node).flatMap((fix): [Fix, FixOutcome][] => {
    const fixOutcome = outcome.fixes.find((f) => f.fixId === fix.id);
    return fixOutcome?.status === 'applied' ? [[fix, fixOutcome]] : [];
  });
  if (!result.state) {
    // Applied as the agent says, but nothing to verify it against.
    for (const [, fixOutcome] of applied) fixOutcome.verified = false;
    return true;
  }
  // Verify here: the agent applied without the desired state; its fresh state says whether it worked.
  const states = new Map<string, NodeState>();
  for (const planNode of request.plan.nodes) {
    const state = planNode.node === outcome.node ? result.state : await options.latest(planNode.node);
    if (state) states.set(planNode.node, state);
  }
  for (const [fix, fixOutcome] of applied) {
    const remaining = unresolved(request.desired, fix, states, env.now());
    fixOutcome.verified = remaining.length === 0;
    if (remaining.length > 0) {
      fixOutcome.status = 'failed';
      fixOutcome.error = notResolved(remaining);
      outcome.status = 'failed';
      outcome.error ??= `${fix.id}: ${fixOutcome.error}`;
    }
  }
  return outcome.status === 'succeeded';
}

async function driveAgents(ctx: RunContext, options: AgentRunOptions): Promise<void> {
  const { request, env, journal, record } = ctx;
  for (const wave of request.plan.waves) {
    for (const node of wave) {
      const planNode = request.plan.nodes.find((n) => n.node === node);
      const work: AgentWork = {
        runId: record.id,
        node,
        target: request.plan.target,
        planHash: request.plan.hash,
        basis: planNode?.basis ?? {},
        fixes: changesOf(request.plan, node),
        backupDir: backupDirOf(record.id),
        dryRun: request.dryRun,
      };
      await env.store.agentWork.release(record.id, node, work, env.now().toISOString());
      await startNode(ctx, node, `${work.fixes.length} fixes released to its agent`, 'agent');
    }
    const answers = await Promise.all(wave.map((node) => waitForResult(ctx, node, options)));
    let failed = false;
    for (const [index, node] of wave.entries()) {
      const outcome = outcomeOf(record, node);
      let ok: boolean;
      try {
        ok = await takeResult(ctx, outcome, answers[index], options);
      } catch (err) {
        outcome.status = 'failed';
        outcome.error = `cannot take in the agent's answer: ${errorMessage(err)}`;
        ok = false;
      }
      if (!ok) failed = true;
      await journal.nodeFinished(record, outcome);
    }
    if (failed) return;
  }
}

/** Starts a run through the nodes' agents; locks are taken before this resolves. */
export async function startAgentRun(
  request: RunRequest,
  env: RunEnvironment,
  options: AgentRunOptions,
): Promise<StartedRun> {
  const ctx = await beginRun(request, env);
  return { record: ctx.record, done: finishRun(ctx, () => driveAgents(ctx, options)) };
}
