/**
 * What the API (and the page) shows, assembled from the store and the desired state: the node
 * list with drift counts, a pair's parity, what changed on a node since a time.
 */
import { parity } from '../compare';
import type { Desired, PairDecl } from '../model/desired';
import type { Severity } from '../model/finding';
import type { NodeChanges, NodeSummary, PairSummary, SeverityCounts, TimedFinding } from '../model/api';
import { DEFAULT_MAX_REPORT_AGE_MS } from '../desired/normalise';
import { NotFoundError } from '../shared/errors';
import type { Store, StoredFinding } from '../store';
import { byText } from '../shared/order';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0 };
}

/** Open findings of one source, per scope, per category. */
async function countsByScope(
  store: Store,
  source: 'drift' | 'parity',
  scope?: string,
): Promise<Map<string, Map<string, SeverityCounts>>> {
  const counts = new Map<string, Map<string, SeverityCounts>>();
  for (const row of await store.findings.openCounts(scope)) {
    if (row.source !== source) continue;
    const scope = counts.get(row.scope) ?? new Map<string, SeverityCounts>();
    const entry = scope.get(row.category) ?? emptyCounts();
    entry[row.severity as Severity] += row.count;
    scope.set(row.category, entry);
    counts.set(row.scope, scope);
  }
  return counts;
}

function total(perCategory: Map<string, SeverityCounts> | undefined): SeverityCounts {
  const sum = emptyCounts();
  for (const counts of perCategory?.values() ?? [])
    for (const severity of SEVERITIES) sum[severity] += counts[severity];
  return sum;
}

/** Each node's pairs, by name: one pass over the pairs, not one per node (a fleet has thousands). */
function pairsPerNode(desired: Desired | undefined): Map<string, PairDecl[]> {
  const map = new Map<string, PairDecl[]>();
  const pairs = Object.values(desired?.pairs ?? {}).sort(byText((pair) => pair.name));
  for (const pair of pairs)
    for (const node of [pair.primary, pair.secondary]) map.set(node, [...(map.get(node) ?? []), pair]);
  return map;
}

/** Every node, declared or reporting (or only `only`, when given: a dashboard row kept fresh). */
export async function listNodes(
  store: Store,
  desired: Desired | undefined,
  now: Date,
  only?: string,
): Promise<NodeSummary[]> {
  const onlyRow = only === undefined ? undefined : await store.states.node(only);
  const rows = new Map(
    (only === undefined ? await store.states.nodes() : onlyRow ? [onlyRow] : []).map((row) => [
      row.name,
      row,
    ]),
  );
  const names =
    only === undefined
      ? new Set([...Object.keys(desired?.nodes ?? {}), ...rows.keys()])
      : new Set(rows.has(only) || desired?.nodes[only] ? [only] : []);
  const drift = await countsByScope(store, 'drift', only === undefined ? undefined : `node:${only}`);
  const pairsByNode = pairsPerNode(desired);
  return [...names].sort().map((name) => {
    const row = rows.get(name);
    const declaration = desired?.nodes[name];
    const pairs = declaration ? (pairsByNode.get(name) ?? []) : [];
    const maxReportAgeMs =
      pairs.length > 0
        ? Math.min(...pairs.map((pair) => pair.readiness.maxReportAgeMs))
        : DEFAULT_MAX_REPORT_AGE_MS;
    const perCategory = drift.get(`node:${name}`);
    const summary: NodeSummary = {
      name,
      declared: declaration !== undefined,
      roles: declaration?.roles ?? [],
      pairs: pairs.map((pair) => ({
        pair: pair.name,
        role: pair.primary === name ? 'primary' : 'secondary',
      })),
      collectionErrors: row?.errors.length ?? 0,
      drift: total(perCategory),
      driftByCategory: Object.fromEntries(perCategory ?? []),
      maxReportAgeSeconds: Math.round(maxReportAgeMs / 1000),
      stale: row === undefined || now.getTime() - Date.parse(row.collectedAt) > maxReportAgeMs,
    };
    if (row) {
      summary.lastSeen = row.lastSeen;
      summary.collectedAt = row.collectedAt;
      summary.reportAgeSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(row.lastSeen)) / 1000));
    }
    return summary;
  });
}

export async function listPairs(store: Store, desired: Desired | undefined): Promise<PairSummary[]> {
  const counts = await countsByScope(store, 'parity');
  const verdicts = new Map((await store.readiness.latestPerPair()).map((record) => [record.pair, record]));
  // The nodes that ever reported, read once: a pair is evaluated when both of its nodes have.
  const reported = new Set((await store.states.nodes()).map((row) => row.name));
  return Object.values(desired?.pairs ?? {}).map((pair) => {
    const summary: PairSummary = {
      name: pair.name,
      primary: pair.primary,
      secondary: pair.secondary,
      parity: total(counts.get(`pair:${pair.name}`)),
      evaluated: reported.has(pair.primary) && reported.has(pair.secondary),
    };
    const latest = verdicts.get(pair.name);
    if (latest) {
      const { verdict, failing, evaluatedAt, lastEvaluatedAt } = latest;
      summary.readiness = { verdict, failing, evaluatedAt, lastEvaluatedAt };
    }
    return summary;
  });
}

export function timed(stored: StoredFinding): TimedFinding {
  const result: TimedFinding = { ...stored.finding, firstSeen: stored.firstSeen, lastSeen: stored.lastSeen };
  if (stored.resolvedAt) result.resolvedAt = stored.resolvedAt;
  return result;
}

export async function requireKnownNode(
  store: Store,
  desired: Desired | undefined,
  node: string,
): Promise<void> {
  if (!desired?.nodes[node] && !(await store.states.node(node)))
    throw new NotFoundError(`no node ${node}: it is not declared and has never reported`);
}

/** "What changed on pypi-2 since yesterday 14:00": the versions stored since, and what differs. */
export async function changesSince(store: Store, node: string, since: string): Promise<NodeChanges> {
  const now = await store.states.latestState(node);
  if (!now) throw new NotFoundError(`node ${node} has never reported`);
  const then = await store.states.stateAt(node, since);
  const versions = await store.states.versionsSince(node, since);
  const differences = then
    ? parity(then, now, { labels: { first: 'then', second: 'now' }, sameNode: true })
    : [];
  return { node, since, versions, differences };
}
export type { NodeChanges, NodeSummary, PairSummary, SeverityCounts, TimedFinding } from '../model/api';
