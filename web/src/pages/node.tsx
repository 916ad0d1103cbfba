/**
 * A node: who it is (roles, pairs, both of its times), its open drift findings per category with
 * since when, its history ("what changed on pypi-2 since the last GO, and when") and its raw
 * state. Kept fresh by the node's own reports and evaluations.
 */
import { useMemo } from 'preact/hooks';
import type { NodeSummary, TimedFinding } from '../../../src/model/api';
import type { NodeState } from '../../../src/model/state';
import { CATEGORIES } from '../../../src/model/state';
import type { Category } from '../../../src/model/state';
import { seg } from '../api';
import { Counts, ErrorBox, Loading, PageHeader, StaleTag, Time } from '../components/common';
import { FindingList } from '../components/findings';
import { NodeHistory, aboutNode } from '../components/node-timeline';
import { StateTree } from '../components/state-tree';
import { duration, plural } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';

function NodeFacts({ node, state }: { node: NodeSummary; state: NodeState | undefined }) {
  const errors = state?.errors ?? [];
  return (
    <>
      <dl class="facts">
        <dt>Roles</dt>
        <dd>{node.roles.length ? node.roles.join(', ') : <span class="muted">none</span>}</dd>
        <dt>Pairs</dt>
        <dd>
          {node.pairs.length === 0 && <span class="muted">none</span>}
          {node.pairs.map((p) => (
            <a key={p.pair} href={href.pair(p.pair)} class="pair-ref">
              {p.pair} <span class="muted">({p.role})</span>
            </a>
          ))}
        </dd>
        <dt>Received</dt>
        <dd data-received={node.lastSeen ?? ''}>
          <Time at={node.lastSeen} label="report received by the server" />
        </dd>
        <dt>Collected</dt>
        <dd data-collected={node.collectedAt ?? ''} class={node.stale ? 'stale-cell' : ''}>
          <Time at={node.collectedAt} label="state collected on the node" />
          {node.stale && <StaleTag maxReportAgeSeconds={node.maxReportAgeSeconds} />}
        </dd>
        <dt>Drift</dt>
        <dd>
          <Counts counts={node.drift} zero="clean" />
        </dd>
      </dl>
      <p class="muted note">
        <b>Received</b> is when the server last heard from {node.name} (a heartbeat counts); <b>collected</b>{' '}
        is when the state shown here was read on the node — what readiness judges freshness on. A node can
        report every minute and still show an old state (its collectors fail, or it sends heartbeats only); it
        is <b>stale</b> when its state is older than {duration(node.maxReportAgeSeconds)}.
      </p>
      {errors.length > 0 && (
        <section class="collection-errors" aria-labelledby="collection-errors-title">
          <h2 id="collection-errors-title">Collection errors ({errors.length})</h2>
          <p class="muted note">What these collectors would have said is missing from the state below.</p>
          <ul>
            {errors.map((error, index) => (
              <li key={index}>
                <b>{error.collector}</b> <code>{error.code}</code>: {error.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Open findings per category, in the categories' usual order. */
function DriftByCategory({ findings }: { findings: TimedFinding[] }) {
  const groups = useMemo(() => {
    const byCategory = new Map<Category, TimedFinding[]>();
    for (const finding of findings)
      byCategory.set(finding.category, [...(byCategory.get(finding.category) ?? []), finding]);
    return CATEGORIES.filter((category) => byCategory.has(category)).map(
      (category) => [category, byCategory.get(category) as TimedFinding[]] as const,
    );
  }, [findings]);
  if (groups.length === 0) return <p class="muted">No drift: the node is as its roles want it.</p>;
  return (
    <>
      {groups.map(([category, list]) => (
        <section
          key={category}
          class="category-findings"
          data-category={category}
          aria-labelledby={`drift-${category}`}
        >
          <h3 id={`drift-${category}`}>
            {category} <span class="muted">({list.length})</span>
          </h3>
          <FindingList findings={list} />
        </section>
      ))}
    </>
  );
}

export function NodePage({ name }: { name: string }) {
  const affects = aboutNode(name);
  const summary = useResource<NodeSummary>(`/nodes/${seg(name)}`, affects);
  const drift = useResource<{ findings: TimedFinding[] }>(`/nodes/${seg(name)}/drift`, affects);
  const node = summary.data;
  // A node that never reported has no state (404): nothing to browse yet, and nothing wrong.
  const state = useResource<NodeState>(node?.lastSeen ? `/nodes/${seg(name)}/state` : undefined, affects);
  const secondaryOf = useMemo(
    () => (node?.pairs ?? []).filter((p) => p.role === 'secondary').map((p) => p.pair),
    [node],
  );

  return (
    <>
      <PageHeader title={`Node ${name}`}>
        {node && !node.declared && 'Reports, but the desired state does not declare it.'}
      </PageHeader>
      {summary.error && <ErrorBox error={summary.error} />}
      {!summary.data && !summary.error && <Loading />}
      {node && (
        <>
          <NodeFacts node={node} state={state.data} />
          <section aria-labelledby="drift-title">
            <h2 id="drift-title">
              Drift findings
              {drift.data && (
                <span class="muted"> ({plural(drift.data.findings.length, 'open finding')})</span>
              )}
            </h2>
            {drift.error && <ErrorBox error={drift.error} />}
            {drift.data ? <DriftByCategory findings={drift.data.findings} /> : !drift.error && <Loading />}
          </section>
          <section aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            <NodeHistory node={name} secondaryOf={secondaryOf} />
          </section>
          <section aria-labelledby="state-title">
            <h2 id="state-title">Raw state</h2>
            {!node.lastSeen && <p class="muted">{name} has never reported: there is no state yet.</p>}
            {state.error && <ErrorBox error={state.error} />}
            {node.lastSeen && !state.data && !state.error && <Loading />}
            {state.data && (
              <>
                <p class="muted note">
                  As collected at <Time at={state.data.collectedAt} label="collected" />. Open a category or a
                  key, or filter.
                </p>
                <StateTree state={state.data} />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
