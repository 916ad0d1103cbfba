/**
 * Runs: what enforcement did and is doing — runs and plans newest first, the nodes locked by a
 * run now, the audit log — and, for an admin, a plan made from the stored states. Re-read when
 * a run progresses or a plan is made or approved.
 */
import type { NodeSummary, PairSummary, WhoAmI } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import { api } from '../api';
import { ErrorBox, PageHeader, Time } from '../components/common';
import { Loaded } from '../components/loaded';
import { DryRunTag, Elapsed, StatusBadge } from '../components/run-status';
import type { AuditEvent, NodeLock, PlanListItem, RunSummary, StoredPlan } from '../../../src/model/api';
import { planExpired } from '../enforce-api';
import { plural } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import { useAction } from '../use-action';

const runEvents = (event: LiveEvent) => event.type === 'run';
const planEvents = (event: LiveEvent) => event.type === 'plan';
const enforcementEvents = (event: LiveEvent) => event.type === 'run' || event.type === 'plan';

function RunsTable({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return <p class="muted">No runs yet.</p>;
  return (
    <div class="table-scroll">
      <table aria-label="Runs" data-runs>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Target</th>
            <th scope="col">Kind</th>
            <th scope="col">Who</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} class={run.status === 'failed' ? 'bad' : ''}>
              <th scope="row">
                <a href={href.run(run.id)} class="mono">
                  {run.id}
                </a>
              </th>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{run.target}</td>
              <td>
                {run.kind} <DryRunTag dryRun={run.dryRun} />
              </td>
              <td>
                {run.actor}{' '}
                <span class="muted">
                  ({run.trigger} via {run.via})
                </span>
              </td>
              <td>
                <Time at={run.startedAt} label="started" />
              </td>
              <td>
                <Elapsed from={run.startedAt} to={run.finishedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlansTable({ plans }: { plans: PlanListItem[] }) {
  if (plans.length === 0) return <p class="muted">No plans yet.</p>;
  return (
    <div class="table-scroll">
      <table aria-label="Plans" data-plans>
        <thead>
          <tr>
            <th scope="col">Plan</th>
            <th scope="col">Target</th>
            <th scope="col">Changes</th>
            <th scope="col">For a person</th>
            <th scope="col">Approved</th>
            <th scope="col">Made</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          {plans.map((plan) => (
            <tr key={plan.id} data-plan={plan.id}>
              <th scope="row">
                <a href={href.plan(plan.id)} class="mono">
                  {plan.id}
                </a>
              </th>
              <td>
                {plan.target} <span class="muted">via {plan.via}</span>
              </td>
              <td>{plan.changes}</td>
              <td>{plan.advice}</td>
              <td>
                {plan.approvedAt ? (
                  <span>
                    by {plan.approvedBy} <Time at={plan.approvedAt} label="approved" />
                  </span>
                ) : (
                  <span class="muted">not approved</span>
                )}
              </td>
              <td>
                {plan.createdBy} <Time at={plan.createdAt} label="made" />
              </td>
              <td>
                {planExpired(plan) ? (
                  <span class="tag stale-tag">expired</span>
                ) : (
                  <Time at={plan.expiresAt} label="expires" />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LocksList({ locks }: { locks: NodeLock[] }) {
  if (locks.length === 0) return <p class="muted">No node is being changed now.</p>;
  return (
    <ul data-locks>
      {locks.map((lock) => (
        <li key={lock.node}>
          <a href={href.node(lock.node)}>{lock.node}</a> is held by run{' '}
          <a href={href.run(lock.runId)} class="mono">
            {lock.runId}
          </a>{' '}
          <span class="muted">
            ({lock.holder}, since <Time at={lock.acquiredAt} label="locked" />, last heartbeat{' '}
            <Time at={lock.heartbeatAt} label="heartbeat" />)
          </span>
        </li>
      ))}
    </ul>
  );
}

function AuditLog({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p class="muted">Nothing recorded yet.</p>;
  return (
    <div class="table-scroll">
      <table aria-label="Audit log" data-audit>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Who</th>
            <th scope="col">About</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-audit-event={event.event}>
              <td>
                <Time at={event.at} />
              </td>
              <td>{event.event}</td>
              <td>{event.actor}</td>
              <td>
                {event.planId && (
                  <a href={href.plan(event.planId)} class="mono">
                    {event.planId}
                  </a>
                )}{' '}
                {event.runId && (
                  <a href={href.run(event.runId)} class="mono">
                    {event.runId}
                  </a>
                )}{' '}
                {event.node && <a href={href.node(event.node)}>{event.node}</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An admin's plan for a pair or a node, from the states the server has; opens the new plan. */
function MakePlan() {
  const pairs = useResource<{ pairs: PairSummary[] }>('/pairs');
  const nodes = useResource<{ nodes: NodeSummary[] }>('/nodes');
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const made = await action.run(() =>
      api.post<StoredPlan>('/plans', { target: form.get('target'), via: form.get('via') }),
    );
    if (made) location.hash = href.plan(made.id);
  };
  return (
    <form class="make-plan" onSubmit={(event) => void submit(event)} aria-label="Make a plan">
      <label>
        Target{' '}
        <select name="target" required>
          <optgroup label="Pairs (secondary first, then primary)">
            {pairs.data?.pairs.map((pair) => (
              <option key={pair.name} value={`pair:${pair.name}`}>
                pair:{pair.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Nodes">
            {nodes.data?.nodes.map((node) => (
              <option key={node.name} value={`node:${node.name}`}>
                node:{node.name}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label>
        Via{' '}
        <select name="via">
          <option value="ssh">ssh (the server connects)</option>
          <option value="agent">agent (each node applies its own)</option>
        </select>
      </label>
      <button type="submit" class="primary" disabled={action.busy}>
        {action.busy ? 'Making the plan…' : 'Make a plan'}
      </button>
      <span class="muted">Nothing runs yet: a plan is reviewed, approved, then run.</span>
      {(pairs.error ?? nodes.error) && <ErrorBox error={(pairs.error ?? nodes.error) as Error} />}
      {action.error && <ErrorBox error={action.error} />}
    </form>
  );
}

export function RunsPage({ who }: { who: WhoAmI }) {
  const runs = useResource<{ runs: RunSummary[] }>('/runs?limit=50', runEvents);
  const plans = useResource<{ plans: PlanListItem[] }>('/plans?limit=50', planEvents);
  const locks = useResource<{ locks: NodeLock[] }>('/locks', runEvents);
  const audit = useResource<{ events: AuditEvent[] }>('/audit?limit=100', enforcementEvents);
  return (
    <>
      <PageHeader title="Runs">
        Plans, approvals and runs: dry run by default, approved before applied, a pair's secondary before its
        primary.
      </PageHeader>
      <section aria-labelledby="make-plan">
        <h2 id="make-plan">Make a plan</h2>
        {who.role === 'admin' ? (
          <MakePlan />
        ) : (
          <p class="note">
            Making, approving and running plans needs an admin token; you are signed in as {who.role}.
          </p>
        )}
      </section>
      <section aria-labelledby="runs">
        <h2 id="runs">
          Runs{' '}
          {runs.data && <span class="muted">({plural(runs.data.runs.length, 'run')}, newest first)</span>}
        </h2>
        <Loaded resource={runs}>{(data) => <RunsTable runs={data.runs} />}</Loaded>
      </section>
      <section aria-labelledby="locks">
        <h2 id="locks">Nodes being changed</h2>
        <Loaded resource={locks}>{(data) => <LocksList locks={data.locks} />}</Loaded>
      </section>
      <section aria-labelledby="plans">
        <h2 id="plans">Plans</h2>
        <Loaded resource={plans}>{(data) => <PlansTable plans={data.plans} />}</Loaded>
      </section>
      <section aria-labelledby="audit">
        <h2 id="audit">
          Audit log <span class="muted">(append-only, newest first)</span>
        </h2>
        <Loaded resource={audit}>{(data) => <AuditLog events={data.events} />}</Loaded>
      </section>
    </>
  );
}
