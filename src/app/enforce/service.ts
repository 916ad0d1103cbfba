import { EventEmitter } from 'node:events';
/**
 * Enforcement on the server: plans made from the stored states, approved by an admin, run over
 * SSH or through the nodes' agents; restores; the agents' side of the conversation. The API
 * routes and the schedules call this and nothing below it.
 */
import { buildReport } from '../build-report';
import type { EvaluationQueue } from '../evaluate';
import { ingestReport, SERVER_CALLER } from '../ingest';
import { makePlan } from '../../enforce';
import type { AgentResult, AgentWork } from '../../model/agent-work';
import type { Desired } from '../../model/desired';
import type { RunRecord, RunTrigger, RunVia } from '../../model/run';
import type { NodeState } from '../../model/state';
import { AuthError, ConflictError, NotFoundError, RequestError } from '../../shared/errors';
import type { Store, StoredPlan, TokenInfo } from '../../store';
import type { SshIdentity } from '../../transport/identity';
import type { KnownHosts } from '../../transport/known-hosts';
import { startAgentRun } from './agent-driver';
import type { RunEventHub } from './events';
import type { RunEnvironment, StartedRun } from './execute';
import { recordFailedRun, startRun } from './execute';
import type { NodeSession } from './node-session';
import { restoreRun } from './restore';
import { newPlanId } from './run-ids';
import { sessionOpener } from './sessions';
import { statesForPlan } from './plan-states';

export interface EnforcerDeps {
  store: Store;
  desired: () => Desired | undefined;
  now: () => Date;
  evaluator: EvaluationQueue;
  events: RunEventHub;
  /** Known hosts and login key for runs over SSH; throws a clear error when they cannot be loaded. */
  credentials: () => { knownHosts: KnownHosts; identity: SshIdentity };
  /** How long a plan may be approved and run after it was made (default 1 h). */
  planTtlMs?: number;
  /** How long a node's agent has to carry out its work (default 10 min). */
  agentTimeoutMs?: number;
}

export interface PlanRequest {
  target: string;
  via?: 'ssh' | 'agent';
  maxNodesPerWave?: number;
}

const DEFAULT_PLAN_TTL_MS = 60 * 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Who, for the records: a token's label (or its role and id). */
export function actorOf(caller: TokenInfo | undefined): string {
  if (!caller) return 'anonymous';
  return caller.label ? `${caller.label} (token ${caller.id})` : `${caller.role} token ${caller.id}`;
}

export class Enforcer {
  /** Runs started by this process that have not ended (so the process can wait for them at exit). */
  private readonly running = new Map<string, Promise<RunRecord>>();
  private readonly answers = new EventEmitter();
  /** Live run events, for the API's event streams. */
  readonly events: RunEventHub;

  constructor(private readonly deps: EnforcerDeps) {
    this.events = deps.events;
  }

  private desired(): Desired {
    const desired = this.deps.desired();
    if (!desired) throw new ConflictError('the server has no valid desired state loaded');
    return desired;
  }

  private latest = (node: string): Promise<NodeState | undefined> => this.deps.store.states.latestState(node);

  async createPlan(request: PlanRequest, actor: string): Promise<StoredPlan> {
    const now = this.deps.now();
    const desired = this.desired();
    const states = await statesForPlan(this.deps.store, desired, request.target);
    const plan = makePlan({
      desired,
      target: request.target,
      stateOf: (node) => states.get(node),
      now,
      ...(request.maxNodesPerWave ? { maxNodesPerWave: request.maxNodesPerWave } : {}),
    });
    const stored = await this.deps.store.plans.create({
      id: newPlanId(now),
      target: plan.target,
      hash: plan.hash,
      via: request.via ?? 'ssh',
      plan,
      createdAt: now.toISOString(),
      createdBy: actor,
      expiresAt: new Date(now.getTime() + (this.deps.planTtlMs ?? DEFAULT_PLAN_TTL_MS)).toISOString(),
    });
    await this.deps.store.audit.append({
      at: now.toISOString(),
      actor,
      event: 'plan-created',
      planId: stored.id,
      detail: { target: plan.target, hash: plan.hash, via: stored.via, fixes: plan.fixes.length },
    });
    return stored;
  }

  async plan(id: string): Promise<StoredPlan> {
    const stored = await this.deps.store.plans.get(id);
    if (!stored) throw new NotFoundError(`no plan ${id}`);
    return stored;
  }

  /** A plan that may still be approved or run at `now`. */
  private async unexpiredPlan(id: string, now: Date): Promise<StoredPlan> {
    const stored = await this.plan(id);
    if (Date.parse(stored.expiresAt) <= now.getTime())
      throw new ConflictError(`plan ${id} expired at ${stored.expiresAt}: make a new one`);
    return stored;
  }

  async approve(id: string, actor: string): Promise<StoredPlan> {
    const now = this.deps.now();
    const stored = await this.unexpiredPlan(id, now);
    if (!(await this.deps.store.plans.approve(id, actor, now.toISOString())))
      throw new ConflictError(
        `plan ${id} was approved already, by ${stored.approvedBy} at ${stored.approvedAt}`,
      );
    await this.deps.store.audit.append({
      at: now.toISOString(),
      actor,
      event: 'plan-approved',
      planId: id,
      detail: { hash: stored.hash },
    });
    return this.plan(id);
  }

  /**
   * Where a run happens. The SSH credentials are read at its first open, once for the whole run:
   * an agent run needs none, and credentials that cannot be loaded fail the run as "cannot reach"
   * the node, like any other reason a node cannot be reached.
   */
  private environment(desired: Desired): RunEnvironment {
    let opener: ((node: string) => Promise<NodeSession>) | undefined;
    return {
      store: this.deps.store,
      now: this.deps.now,
      listener: (event) => this.deps.events.publish(event),
      open: async (node) => {
        opener ??= sessionOpener(desired, {
          via: 'ssh',
          ...this.deps.credentials(),
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          now: this.deps.now,
        });
        return opener(node);
      },
    };
  }

  private track(started: StartedRun): StartedRun {
    const done = started.done
      .catch(() => started.record)
      .finally(() => this.running.delete(started.record.id));
    this.running.set(started.record.id, done);
    return started;
  }

  /** Starts an approved plan (a dry run needs no approval); a node held by another run refuses at once. */
  async runPlan(
    id: string,
    options: { dryRun: boolean; trigger?: RunTrigger },
    actor: string,
  ): Promise<StartedRun> {
    const stored = await this.unexpiredPlan(id, this.deps.now());
    if (!options.dryRun && !stored.approvedAt)
      throw new ConflictError(
        `plan ${id} is not approved: an admin approves it first (POST /api/v1/plans/${id}/approve)`,
      );
    return this.start(stored.plan, {
      via: stored.via,
      dryRun: options.dryRun,
      trigger: options.trigger ?? 'api',
      actor,
      planId: id,
    });
  }

  /** Starts a plan made here (schedules): no approval step, the schedule is the approval. */
  async start(
    plan: StoredPlan['plan'],
    options: { via: RunVia; dryRun: boolean; trigger: RunTrigger; actor: string; planId?: string },
  ): Promise<StartedRun> {
    const desired = this.desired();
    const request = {
      plan,
      desired,
      trigger: options.trigger,
      actor: options.actor,
      via: options.via,
      dryRun: options.dryRun,
      ...(options.planId ? { planId: options.planId } : {}),
    };
    const env = this.environment(desired);
    const started =
      options.via === 'agent'
        ? await startAgentRun(request, env, {
            timeoutMs: this.deps.agentTimeoutMs ?? 10 * 60_000,
            ingest: (state) => this.ingest(state),
            latest: this.latest,
            wake: (listener) => {
              this.answers.on('answer', listener);
              return () => this.answers.off('answer', listener);
            },
          })
        : await startRun(request, env);
    return this.track(started);
  }

  async restore(
    runId: string,
    options: { node?: string; dryRun: boolean },
    actor: string,
  ): Promise<RunRecord> {
    const run = await this.deps.store.runs.get(runId);
    if (!run) throw new NotFoundError(`no run ${runId}`);
    if (run.via === 'agent')
      throw new RequestError(
        `run ${runId} went through agents: restore it on the node from its backups (driftguard restore ${runId} --via local --node NAME --desired DIR --db FILE --yes)`,
      );
    return restoreRun(
      {
        runId,
        ...(options.node ? { node: options.node } : {}),
        trigger: 'api',
        actor,
        dryRun: options.dryRun,
      },
      this.environment(this.desired()),
    );
  }

  /** Whether released work waits for `node` — what the collecting daemon asks before starting its apply unit. */
  async pendingWork(node: string, caller: TokenInfo): Promise<{ pending: boolean; runId?: string }> {
    this.checkNodeCaller(node, caller);
    const row = await this.deps.store.agentWork.pendingFor(node);
    return row && !row.claimedAt ? { pending: true, runId: row.runId } : { pending: false };
  }

  /** The oldest released work of `node`, claimed for its agent; undefined when there is none. */
  async claimWork(node: string, caller: TokenInfo): Promise<AgentWork | undefined> {
    this.checkNodeCaller(node, caller);
    const row = await this.deps.store.agentWork.pendingFor<AgentWork, AgentResult>(node);
    if (!row) return undefined;
    if (row.claimedAt)
      throw new ConflictError(
        `the work of run ${row.runId} for ${node} was claimed at ${row.claimedAt} and never answered: the apply unit may have died mid-way; look at the node, the run fails at its timeout`,
        { run: row.runId },
      );
    await this.deps.store.agentWork.claim(row.runId, node, this.deps.now().toISOString());
    return row.work;
  }

  /** An agent's answer: stored once, then the run's wait is woken. */
  async takeAnswer(runId: string, node: string, result: AgentResult, caller: TokenInfo): Promise<void> {
    this.checkNodeCaller(node, caller);
    if (result.runId !== runId || result.node !== node)
      throw new RequestError(
        `the answer is for run ${result.runId} on ${result.node}, posted to ${runId}/${node}`,
      );
    const row = await this.deps.store.agentWork.get(runId, node);
    if (!row) throw new NotFoundError(`run ${runId} released no work for ${node}`);
    if (!(await this.deps.store.agentWork.complete(runId, node, result, this.deps.now().toISOString())))
      throw new ConflictError(`run ${runId} has the answer of ${node} already`);
    this.answers.emit('answer');
  }

  private checkNodeCaller(node: string, caller: TokenInfo): void {
    if (caller.role === 'admin') return;
    if (caller.role === 'node' && caller.node === node) return;
    throw new AuthError('E_FORBIDDEN', `this token may not take or answer work for node ${node}`);
  }

  private async ingest(state: NodeState): Promise<void> {
    const outcome = await ingestReport(
      this.deps.store,
      buildReport(state, `apply-${state.node}-${state.collectedAt}`),
      SERVER_CALLER,
      this.deps.now(),
    );
    this.deps.evaluator.reported(state.node, outcome.changed);
  }

  runRecord(id: string): Promise<RunRecord | undefined> {
    return this.deps.store.runs.get(id);
  }

  /** Records a run that could not start (nothing to plan from), with its reason. */
  recordFailure(
    run: { target: string; trigger: RunTrigger; actor: string; via: RunVia },
    reason: string,
  ): Promise<RunRecord> {
    return recordFailedRun(
      { store: this.deps.store, now: this.deps.now, listener: (e) => this.events.publish(e) },
      run,
      reason,
    );
  }

  /** Waits for the runs this process started (at shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }
}
