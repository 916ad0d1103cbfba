/**
 * `driftguard apply TARGET`: plan and carry out the fixes of a node or a pair (DESIGN §9) —
 * a dry run unless `--yes`. The plan comes from a fresh collection of the nodes (default), from
 * `--states DIR` / `--server URL`, or from a reviewed plan file (`--plan FILE`, refused if it was
 * edited or if the nodes changed since). The run is recorded in the store (`--db`), like the
 * server's and the schedules' runs. Exit 0 applied (or dry run), 1 a fix failed, 2 refused or error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodesNeededFor, planFromStates, planTarget } from '../../app/enforce/plan-target';
import type { PlanTargetOptions } from '../../app/enforce/plan-target';
import { executePlan } from '../../app/enforce/execute';
import type { NodeSession } from '../../app/enforce/node-session';
import { SessionPool, sessionOpener } from '../../app/enforce/sessions';
import { loadDesired, normaliseTarget } from '../../desired';
import { planCategories, planHash } from '../../enforce';
import type { Desired } from '../../model/desired';
import type { Plan } from '../../model/plan';
import { PLAN_SCHEMA_ID } from '../../model/plan';
import type { RunEvent, RunRecord, RunVia } from '../../model/run';
import type { NodeState } from '../../model/state';
import { currentTime } from '../../shared/clock';
import { IoError, StateError, UsageError, errorMessage } from '../../shared/errors';
import { getJson, openStream, refusal, requestJson } from '../../app/api-client';
import { openStore } from '../../store';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { renderPlan } from '../render/plan';
import { progressPrinter, renderRun } from '../render/run';
import type { SessionFlags, StateOptions } from './shared';
import { readToken, sessionOptionsFor, stateSourceFrom, storeLocation } from './shared';

export interface ApplyOptions extends Partial<StateOptions>, SessionFlags {
  desired: string;
  via?: string;
  yes: boolean;
  plan?: string;
  db: string;
  maxNodesPerWave?: string;
  json: boolean;
}

/** Who ran it, for the run record: the local user at this host. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry for the uid (a container): keep "unknown"
  }
  return `${user}@${os.hostname()}`;
}

function viaOf(options: ApplyOptions): RunVia {
  const via = options.via ?? (options.root ? 'local' : 'ssh');
  if (via !== 'ssh' && via !== 'local' && via !== 'agent')
    throw new UsageError(`--via must be ssh, local or agent, not ${JSON.stringify(via)}`);
  if (options.root && via !== 'local') throw new UsageError('--root is for --via local');
  if (via === 'agent' && !options.server)
    throw new UsageError(
      '--via agent goes through the server the agents poll: add --server URL (and an admin --token-file)',
    );
  if (via === 'agent' && (options.plan || options.states))
    throw new UsageError(
      '--via agent plans on the server, from its stored states: leave out --plan and --states',
    );
  return via;
}

/** Reads a run's server-sent events until it ends, handing each to `onEvent`. */
async function followEvents(
  server: string,
  runId: string,
  token: string | undefined,
  onEvent: (event: RunEvent) => void,
): Promise<void> {
  const stream = await openStream(server, `/api/v1/runs/${encodeURIComponent(runId)}/events`, token);
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) onEvent(JSON.parse(data.slice('data: '.length)) as RunEvent);
    }
  }
}

/**
 * `--via agent`: the server makes the plan from its stored states, the admin token approves it
 * (not for a dry run), and the nodes' agents carry it out; this command follows the run.
 */
async function applyThroughServer(target: string, options: ApplyOptions, io: CliIo): Promise<number> {
  const server = options.server as string;
  const token = readToken(options.tokenFile, io.env);
  const post = async (pathname: string, body: object): Promise<unknown> => {
    const answer = await requestJson(server, 'POST', pathname, token, 60_000, body);
    if (answer.status >= 300) throw refusal(server, pathname, answer);
    return answer.body;
  };
  const stored = (await post('/api/v1/plans', { target, via: 'agent' })) as { id: string; plan: Plan };
  if (!options.json) io.out(renderPlan(stored.plan, io.colors, { dryRun: !options.yes }));
  if (options.yes) await post(`/api/v1/plans/${stored.id}/approve`, {});
  const started = (await post(`/api/v1/plans/${stored.id}/run`, { dryRun: !options.yes })) as {
    run: { id: string };
  };
  await followEvents(server, started.run.id, token, progressPrinter(io, options.json));
  const pathname = `/api/v1/runs/${started.run.id}`;
  const answer = await getJson(server, pathname, token, 30_000);
  if (answer.status !== 200) throw refusal(server, pathname, answer);
  const run = answer.body as RunRecord;
  if (options.json) printJson(io, { plan: stored.plan, run });
  else io.out(`\n${renderRun(run, io.colors)}`);
  return run.status === 'succeeded' ? EXIT_OK : EXIT_FINDINGS;
}

/** A plan file as `plan --out` wrote it; refused when edited since (its content hash) or for another target. */
function readPlanFile(file: string, target: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(fs.readFileSync(file, 'utf8')) as Plan;
  } catch (err) {
    throw new IoError(`cannot read the plan ${file}: ${errorMessage(err)}`, err);
  }
  if (plan?.schema !== PLAN_SCHEMA_ID || !Array.isArray(plan.fixes) || !Array.isArray(plan.waves))
    throw new StateError(`${file} is not a driftguard plan (${PLAN_SCHEMA_ID})`);
  if (planHash(plan) !== plan.hash)
    throw new StateError(
      `${file} was changed after it was made: its content does not have its hash ${plan.hash}; make a new plan`,
    );
  if (normaliseTarget(target) !== plan.target)
    throw new UsageError(`${file} is a plan for ${plan.target}, not ${normaliseTarget(target)}`);
  return plan;
}

/** The target's nodes collected through their sessions; partners too when reachable (for parity). */
async function collectForPlan(
  desired: Desired,
  target: string,
  pool: SessionPool,
  via: 'ssh' | 'local',
  io: CliIo,
): Promise<Map<string, NodeState>> {
  const { named, partners } = nodesNeededFor(desired, target);
  const states = new Map<string, NodeState>();
  const collect = async (node: string) =>
    states.set(node, await (await pool.open(node)).collect(planCategories(desired, node)));
  // Every collection ends before a failure is reported: closing the sessions while a node is
  // still sending its dump would cut its script off before it removes its temporary folder.
  const failed = (await Promise.allSettled(named.map(collect))).find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed) throw failed.reason;
  for (const node of partners) {
    if (via === 'local' || !desired.nodes[node]?.ssh) {
      io.err(
        `driftguard: warning: no state of ${node} (the pair partner): parity fixes need it — give --server URL or --states DIR\n`,
      );
      continue;
    }
    await collect(node).catch((err: unknown) =>
      io.err(
        `driftguard: warning: cannot collect ${node} (the pair partner): ${errorMessage(err)}; parity fixes are left out\n`,
      ),
    );
  }
  return states;
}

export async function runApply(target: string, options: ApplyOptions, io: CliIo): Promise<number> {
  const desired = loadDesired(options.desired);
  const now = () => currentTime(io.env);
  const via = viaOf(options);
  if (via === 'agent') return applyThroughServer(target, options, io);
  const maxNodesPerWave = options.maxNodesPerWave === undefined ? undefined : Number(options.maxNodesPerWave);
  if (maxNodesPerWave !== undefined && (!Number.isInteger(maxNodesPerWave) || maxNodesPerWave < 1))
    throw new UsageError(
      `--max-nodes-per-wave wants a whole number of at least 1, not ${options.maxNodesPerWave}`,
    );
  const pool = new SessionPool(sessionOpener(desired, sessionOptionsFor(via, options, io, now)));
  const planOptions = (): PlanTargetOptions => ({
    now: now(),
    ...(maxNodesPerWave ? { maxNodesPerWave } : {}),
  });
  const store = await openStore(storeLocation(options.db, io));
  try {
    let plan: Plan;
    let fresh: Map<string, NodeState> | undefined;
    if (options.plan) plan = readPlanFile(path.resolve(io.cwd, options.plan), target);
    else if (options.states || options.server)
      plan = await planTarget(
        desired,
        stateSourceFrom({ ...options, json: options.json }, io.env),
        target,
        planOptions(),
      );
    else {
      fresh = await collectForPlan(desired, target, pool, via, io);
      plan = planFromStates(desired, target, fresh, planOptions());
    }
    if (!options.json) io.out(renderPlan(plan, io.colors, { dryRun: !options.yes }));
    const run: RunRecord = await executePlan(
      {
        plan,
        desired,
        trigger: 'cli',
        actor: cliActor(),
        via,
        dryRun: !options.yes,
        ...(fresh ? { fresh } : {}),
      },
      {
        store,
        now,
        open: (node): Promise<NodeSession> => pool.open(node),
        listener: progressPrinter(io, options.json),
      },
    );
    if (options.json) printJson(io, { plan, run });
    else io.out(`\n${renderRun(run, io.colors)}`);
    return run.status === 'succeeded' ? EXIT_OK : EXIT_FINDINGS;
  } finally {
    await pool.closeAll();
    await store.close();
  }
}
