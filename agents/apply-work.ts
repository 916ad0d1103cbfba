/**
 * The agent's apply step (`driftguard agent --apply`), meant to run in a separate, privileged
 * oneshot unit (agents/driftguard-apply.service) — the collecting daemon stays read-only. It
 * claims the approved work the server released for this node, refuses work that is not for
 * this node or no longer fits it (the plan's basis), applies the fixes locally with backups,
 * and answers with what it did and a fresh state, which the server verifies.
 */
import { applyNodeFixes } from '../src/app/enforce/apply-node';
import type { NodeSession } from '../src/app/enforce/node-session';
import { localSession } from '../src/app/enforce/node-session';
import { requestJson, refusal } from '../src/app/api-client';
import type { WatchList } from '../src/collect/types';
import { staleAgainst } from '../src/enforce';
import type { AgentResult, AgentWork } from '../src/model/agent-work';
import type { NodeOutcome } from '../src/model/run';
import { ServerError } from '../src/shared/errors';
import type { AgentLog } from './log';

export interface ApplyWorkOptions {
  server: string;
  token: string;
  node: string;
  root: string;
  now: () => Date;
  log: AgentLog;
  /**
   * The paths the node's roles watch, and the sensitive ones among them (asked of the server):
   * collected as the collecting agent does, so a secret's content stays on the node.
   */
  watchList: WatchList;
}

/** How long the server has to hand over the work, and to take the answer (which carries a whole state). */
const CLAIM_TIMEOUT_MS = 30_000;
const ANSWER_TIMEOUT_MS = 60_000;

/** Why this agent will not carry `work` out, or undefined. Defence in depth: the server already only hands a node its own work. */
export function refusalOf(work: AgentWork, node: string): string | undefined {
  if (work.node !== node) return `the work is for node ${work.node}; this agent is ${node}`;
  const foreign = work.fixes.find((fix) => fix.node !== node);
  if (foreign) return `fix ${foreign.id} is for node ${foreign.node}; this agent is ${node}`;
  return undefined;
}

async function claim(options: ApplyWorkOptions): Promise<AgentWork | undefined> {
  const pathname = `/api/v1/nodes/${encodeURIComponent(options.node)}/work/claim`;
  const answer = await requestJson(options.server, 'POST', pathname, options.token, CLAIM_TIMEOUT_MS, {});
  if (answer.status === 204) return undefined;
  if (answer.status !== 200) throw refusal(options.server, pathname, answer);
  const work = (answer.body as { work?: AgentWork } | undefined)?.work;
  if (!work) throw new ServerError(`${pathname} answered without work`);
  return work;
}

async function answer(options: ApplyWorkOptions, result: AgentResult): Promise<void> {
  const pathname = `/api/v1/runs/${encodeURIComponent(result.runId)}/nodes/${encodeURIComponent(result.node)}/result`;
  const reply = await requestJson(options.server, 'POST', pathname, options.token, ANSWER_TIMEOUT_MS, result);
  if (reply.status !== 200) throw refusal(options.server, pathname, reply);
}

/** Carries the work out on this node (no HTTP): the part tests drive directly. */
export async function carryOut(
  work: AgentWork,
  session: NodeSession,
  options: Pick<ApplyWorkOptions, 'node' | 'now' | 'log'>,
): Promise<AgentResult> {
  const base = { runId: work.runId, node: options.node };
  const refused = refusalOf(work, options.node);
  if (refused) return { ...base, refused };
  const before = await session.collect();
  const stale = staleAgainst(work.basis, before);
  if (stale.length > 0)
    return {
      ...base,
      refused: `stale plan: the ${stale.join(', ')} of ${options.node} changed since the plan was made; nothing was changed`,
      state: before,
    };
  const outcome: NodeOutcome = { node: options.node, wave: 0, status: 'running', fixes: [] };
  if (work.dryRun) {
    outcome.status = 'dry-run';
    return { ...base, outcome, state: before };
  }
  await applyNodeFixes({
    session,
    fixes: work.fixes,
    outcome,
    backupDir: work.backupDir,
    now: options.now,
    stopped: () => false,
    step: (type, message) => options.log.info({ run: work.runId, step: type }, message),
  });
  return { ...base, outcome, state: await session.collect() };
}

/** Claims, applies and answers; 'none' when the server has no work for this node. */
export async function applyPendingWork(options: ApplyWorkOptions): Promise<'none' | AgentResult> {
  const work = await claim(options);
  if (!work) return 'none';
  options.log.info(
    { run: work.runId, fixes: work.fixes.length },
    'applying the approved fixes for this node',
  );
  const session = localSession(options.node, options.root, {
    watchPaths: options.watchList.paths,
    sensitivePaths: options.watchList.sensitive,
    now: options.now,
  });
  let result: AgentResult;
  try {
    result = await carryOut(work, session, options);
  } finally {
    await session.close();
  }
  await answer(options, result);
  if (result.refused) options.log.error({ run: work.runId }, `refused: ${result.refused}`);
  else options.log.info({ run: work.runId, status: result.outcome?.status }, 'applied; the server verifies');
  return result;
}
