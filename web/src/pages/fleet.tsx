/**
 * The fleet: every pair with its verdict, every node with both of its times and its drift per
 * category and severity, worst first. The counts are the server's open findings — the same
 * findings `driftguard check NODE` lists.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { NodeSummary, PairSummary, SeverityCounts } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import { CATEGORIES } from '../../../src/model/state';
import type { Category } from '../../../src/model/state';
import { Counts, ErrorBox, Loading, PageHeader, StaleTag, Time, VerdictBadge } from '../components/common';
import { plural } from '../format';
import { api, seg } from '../api';
import { useResource } from '../hooks';
import { pure } from '../pure';
import { live } from '../live';
import { href } from '../router';

/** Categories with findings of their own (os is facts only). */
const FINDING_CATEGORIES = CATEGORIES.filter((category) => category !== 'os');

/** The whole list is read again when the desired state changes (nodes come and go). */
const listEvents = (event: LiveEvent) => event.type === 'desired';
// Readiness is evaluated every minute for every pair: only a change of verdict is news here.
const pairEvents = (event: LiveEvent) =>
  event.type === 'node-evaluated' ||
  (event.type === 'readiness' && event.changed) ||
  event.type === 'desired';

/** Worst first: errors, then staleness, then warnings; ties by name. */
function nodeRank(node: NodeSummary): number[] {
  return [-node.drift.error, node.stale ? 0 : 1, -node.drift.warning, -node.drift.info];
}

function pairRank(pair: PairSummary): number[] {
  const verdict = pair.readiness?.verdict === 'NO-GO' ? 0 : pair.readiness ? 2 : 1;
  return [verdict, -pair.parity.error, -pair.parity.warning];
}

function byRank<T extends { name: string }>(rank: (item: T) => number[]) {
  return (a: T, b: T): number => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
    return a.name.localeCompare(b.name);
  };
}

const total = (counts: SeverityCounts) => counts.error + counts.warning + counts.info;

type Show = 'all' | 'drifting' | 'stale' | 'clean';

function matches(node: NodeSummary, search: string, show: Show): boolean {
  if (show === 'drifting' && total(node.drift) === 0) return false;
  if (show === 'stale' && !node.stale) return false;
  if (show === 'clean' && (total(node.drift) > 0 || node.stale)) return false;
  if (!search) return true;
  const text = [node.name, ...node.roles, ...node.pairs.map((p) => p.pair)].join(' ').toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

function PairsTable({ pairs }: { pairs: PairSummary[] }) {
  return (
    <table class="pairs" aria-label="Pairs">
      <thead>
        <tr>
          <th scope="col">Pair</th>
          <th scope="col">Readiness</th>
          <th scope="col">Primary → secondary</th>
          <th scope="col">Parity differences</th>
          <th scope="col">Failing checks</th>
          <th scope="col">Evaluated</th>
        </tr>
      </thead>
      <tbody>
        {pairs.map((pair) => (
          <tr key={pair.name} data-pair={pair.name} class={pair.readiness?.verdict === 'NO-GO' ? 'bad' : ''}>
            <th scope="row">
              <a href={href.pair(pair.name)}>{pair.name}</a>
            </th>
            <td>
              <VerdictBadge verdict={pair.readiness?.verdict} />
            </td>
            <td>
              <a href={href.node(pair.primary)}>{pair.primary}</a> →{' '}
              <a href={href.node(pair.secondary)}>{pair.secondary}</a>
            </td>
            <td data-parity={total(pair.parity)}>
              {pair.evaluated ? (
                <Counts counts={pair.parity} zero="identical" />
              ) : (
                <span class="muted">waiting for both nodes</span>
              )}
            </td>
            <td class="failing">{pair.readiness?.failing.join(', ') || <span class="muted">—</span>}</td>
            <td>
              <Time at={pair.readiness?.lastEvaluatedAt} label="last evaluated" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A node's row. The node list is a grid of rows rather than a <table> (with the table roles, so
 * it reads as one): each row is a box of its own, so the browser skips laying out and painting
 * rows off screen (`content-visibility: auto`) — a thousand of them — while they stay in the
 * page for search, print and screen readers. A row re-renders only when its node changed: a
 * report patches one row of a thousand.
 */
const NodeRow = pure(function NodeRow({
  node,
  categories,
}: {
  node: NodeSummary;
  categories: readonly Category[];
}) {
  return (
    <div
      role="row"
      class={`node-row${node.stale ? ' stale' : ''}`}
      data-node={node.name}
      data-stale={node.stale ? 'true' : 'false'}
    >
      <div role="rowheader" class="node-name">
        <a href={href.node(node.name)}>{node.name}</a>
        {!node.declared && (
          <span class="tag" title="reports, but the desired state does not declare it">
            undeclared
          </span>
        )}
        {node.stale && <StaleTag maxReportAgeSeconds={node.maxReportAgeSeconds} />}
      </div>
      <div role="cell">
        {node.pairs.map((p) => (
          <a key={p.pair} href={href.pair(p.pair)} class="pair-ref">
            {p.pair} <span class="muted">({p.role})</span>
          </a>
        ))}
      </div>
      <div role="cell" class="roles">
        {node.roles.join(', ')}
      </div>
      <div role="cell">
        <Time at={node.lastSeen} label="report received by the server" />
      </div>
      <div role="cell" class={node.stale ? 'stale-cell' : ''}>
        <Time at={node.collectedAt} label="state collected on the node" />
      </div>
      <div
        role="cell"
        class="drift-total"
        data-drift={`${node.drift.error}/${node.drift.warning}/${node.drift.info}`}
      >
        <Counts counts={node.drift} zero="clean" />
      </div>
      {categories.map((category) => {
        const counts = node.driftByCategory[category];
        return (
          <div role="cell" key={category} class="category-cell" data-category={category}>
            {counts ? <Counts counts={counts} /> : <span class="muted">·</span>}
          </div>
        );
      })}
    </div>
  );
});

/** Above this many changed nodes at once, one read of the whole list is cheaper than one read each. */
const PATCH_LIMIT = 20;
/** Reports that arrive together are read together. */
const PATCH_DELAY_MS = 20;

/**
 * Keeps the node list fresh one node at a time: a report (or its evaluation) of node X reads
 * `/nodes/X` and replaces that row only — a fleet of thousands is not read again for each report.
 */
function usePatchedNodes(
  update: (change: (data: { nodes: NodeSummary[] }) => { nodes: NodeSummary[] }) => void,
  reload: () => void,
): void {
  useEffect(() => {
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const names = [...pending];
      pending.clear();
      if (names.length > PATCH_LIMIT) return reload();
      for (const name of names) {
        api
          .get<NodeSummary>(`/nodes/${seg(name)}`)
          .then((fresh) =>
            update(({ nodes }) => ({
              nodes: nodes.some((node) => node.name === name)
                ? nodes.map((node) => (node.name === name ? fresh : node))
                : [...nodes, fresh],
            })),
          )
          .catch(() => reload());
      }
    };
    return live.onEvent((event) => {
      if (event.type !== 'node-reported' && event.type !== 'node-evaluated') return;
      pending.add(event.node);
      timer ??= setTimeout(flush, PATCH_DELAY_MS);
    });
  }, [update, reload]);
}

export function FleetPage() {
  const nodes = useResource<{ nodes: NodeSummary[] }>('/nodes', listEvents);
  usePatchedNodes(nodes.update, nodes.reload);
  const pairs = useResource<{ pairs: PairSummary[] }>('/pairs', pairEvents);
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<Show>('all');

  const sortedPairs = useMemo(() => [...(pairs.data?.pairs ?? [])].sort(byRank(pairRank)), [pairs.data]);
  const sortedNodes = useMemo(() => [...(nodes.data?.nodes ?? [])].sort(byRank(nodeRank)), [nodes.data]);
  const shownNodes = useMemo(
    () => sortedNodes.filter((node) => matches(node, search, show)),
    [sortedNodes, search, show],
  );
  const shownPairs = useMemo(
    () =>
      sortedPairs.filter(
        (pair) =>
          !search ||
          [pair.name, pair.primary, pair.secondary].join(' ').toLowerCase().includes(search.toLowerCase()),
      ),
    [sortedPairs, search],
  );
  // Columns only for categories that have findings somewhere: a clean fleet is not a wall of dots.
  // The same list object while the set is the same, so a patched row leaves the others alone.
  const categoryKey = FINDING_CATEGORIES.filter((category) =>
    sortedNodes.some((node) => node.driftByCategory[category]),
  ).join(' ');
  const categories = useMemo(
    () => (categoryKey ? (categoryKey.split(' ') as Category[]) : []),
    [categoryKey],
  );

  const noGo = sortedPairs.filter((pair) => pair.readiness?.verdict === 'NO-GO').length;
  const stale = sortedNodes.filter((node) => node.stale).length;
  const drifting = sortedNodes.filter((node) => total(node.drift) > 0).length;

  return (
    <>
      <PageHeader title="Fleet">
        {nodes.data && pairs.data && (
          <span data-summary>
            {plural(sortedPairs.length, 'pair')} ({noGo} NO-GO) · {plural(sortedNodes.length, 'node')} (
            {drifting} drifting, {stale} stale)
          </span>
        )}
      </PageHeader>
      <div class="filters" role="search">
        <label>
          Search{' '}
          <input
            type="search"
            value={search}
            placeholder="node, role or pair"
            onInput={(event) => setSearch((event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Show{' '}
          <select
            value={show}
            onChange={(event) => setShow((event.target as HTMLSelectElement).value as Show)}
          >
            <option value="all">all nodes</option>
            <option value="drifting">drifting</option>
            <option value="stale">stale</option>
            <option value="clean">clean and fresh</option>
          </select>
        </label>
      </div>
      <section aria-labelledby="pairs-title">
        <h2 id="pairs-title">Pairs</h2>
        {pairs.error && <ErrorBox error={pairs.error} />}
        {!pairs.data && !pairs.error && <Loading />}
        {pairs.data &&
          (shownPairs.length ? <PairsTable pairs={shownPairs} /> : <p class="muted">No pairs match.</p>)}
      </section>
      <section aria-labelledby="nodes-title">
        <h2 id="nodes-title">Nodes</h2>
        <p class="muted note">
          <b>Received</b> is when the server last heard from the node (a heartbeat counts); <b>collected</b>{' '}
          is when the state it shows was read on the node — what readiness judges freshness on. A node is{' '}
          <b>stale</b> when its state is older than its pairs' maxReportAge (10 min unless set).
        </p>
        {nodes.error && <ErrorBox error={nodes.error} />}
        {!nodes.data && !nodes.error && <Loading />}
        {nodes.data && (
          <div class="table-scroll">
            <div
              class="nodes"
              role="table"
              aria-label="Nodes"
              aria-rowcount={shownNodes.length + 1}
              style={{ '--category-columns': categories.length }}
            >
              <div role="rowgroup">
                <div role="row" class="node-row head">
                  <div role="columnheader">Node</div>
                  <div role="columnheader">Pair</div>
                  <div role="columnheader">Roles</div>
                  <div role="columnheader">Received</div>
                  <div role="columnheader">Collected</div>
                  <div role="columnheader">Drift</div>
                  {categories.map((category) => (
                    <div role="columnheader" key={category} class="category-head">
                      {category}
                    </div>
                  ))}
                </div>
              </div>
              <div role="rowgroup">
                {shownNodes.map((node) => (
                  <NodeRow key={node.name} node={node} categories={categories} />
                ))}
              </div>
            </div>
            {shownNodes.length === 0 && <p class="muted">No nodes match.</p>}
          </div>
        )}
      </section>
    </>
  );
}
