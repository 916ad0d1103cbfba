/**
 * What the API (and the page) shows, assembled from the store and the desired state: the node
 * list with drift counts, a pair's parity, what changed on a node since a time.
 */
import { parity } from '../compare';
import { pairsOf } from '../desired';
import type { Desired } from '../model/desired';
import type { Finding, Severity } from '../model/finding';
import { NotFoundError } from '../shared/errors';
import type { CategoryVersion, Store, StoredFinding } from '../store';

export type SeverityCounts = Record<Severity, number>;

export interface NodeSummary {
  name: string;
  /** Declared as a Node in the desired state. */
  declared: boolean;
  roles: string[];
  pairs: { pair: string; role: 'primary' | 'secondary' }[];
  /** Never reported when absent. */
  lastSeen?: string;
  collectedAt?: string;
  reportAgeSeconds?: number;
  collectionErrors: number;
  drift: SeverityCounts;
}

export interface PairSummary {
  name: string;
  primary: string;
  secondary: string;
  parity: SeverityCounts;
  /** Both nodes have reported, so parity could be evaluated. */
  evaluated: boolean;
}

function emptyCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0 };
}

function countsByScope(store: Store, source: 'drift' | 'parity'): Map<string, SeverityCounts> {
  const counts = new Map<string, SeverityCounts>();
  for (const row of store.findings.openCounts()) {
    if (row.source !== source) continue;
    const entry = counts.get(row.scope) ?? emptyCounts();
    entry[row.severity as Severity] += row.count;
    counts.set(row.scope, entry);
  }
  return counts;
}

export function listNodes(store: Store, desired: Desired | undefined, now: Date): NodeSummary[] {
  const rows = new Map(store.states.nodes().map((row) => [row.name, row]));
  const names = new Set([...Object.keys(desired?.nodes ?? {}), ...rows.keys()]);
  const drift = countsByScope(store, 'drift');
  return [...names].sort().map((name) => {
    const row = rows.get(name);
    const declaration = desired?.nodes[name];
    const summary: NodeSummary = {
      name,
      declared: declaration !== undefined,
      roles: declaration?.roles ?? [],
      pairs:
        declaration && desired
          ? pairsOf(desired, name).map((pair) => ({
              pair: pair.name,
              role: pair.primary === name ? 'primary' : 'secondary',
            }))
          : [],
      collectionErrors: row?.errors.length ?? 0,
      drift: drift.get(`node:${name}`) ?? emptyCounts(),
    };
    if (row) {
      summary.lastSeen = row.lastSeen;
      summary.collectedAt = row.collectedAt;
      summary.reportAgeSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(row.lastSeen)) / 1000));
    }
    return summary;
  });
}

export function listPairs(store: Store, desired: Desired | undefined): PairSummary[] {
  const counts = countsByScope(store, 'parity');
  return Object.values(desired?.pairs ?? {}).map((pair) => ({
    name: pair.name,
    primary: pair.primary,
    secondary: pair.secondary,
    parity: counts.get(`pair:${pair.name}`) ?? emptyCounts(),
    evaluated:
      store.states.node(pair.primary) !== undefined && store.states.node(pair.secondary) !== undefined,
  }));
}

/** A finding as the API shows it: the finding, and since when it has been open. */
export interface TimedFinding extends Finding {
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
}

export function timed(stored: StoredFinding): TimedFinding {
  const result: TimedFinding = { ...stored.finding, firstSeen: stored.firstSeen, lastSeen: stored.lastSeen };
  if (stored.resolvedAt) result.resolvedAt = stored.resolvedAt;
  return result;
}

export function requireKnownNode(store: Store, desired: Desired | undefined, node: string): void {
  if (!store.states.node(node) && !desired?.nodes[node])
    throw new NotFoundError(`no node ${node}: it is not declared and has never reported`);
}

export interface NodeChanges {
  node: string;
  since: string;
  /** Category versions collected after `since`. */
  versions: CategoryVersion[];
  /** The differences between the node then and now, in parity's words (then = first, now = second). */
  differences: Finding[];
}

/** "What changed on pypi-2 since yesterday 14:00": the versions stored since, and what differs. */
export function changesSince(store: Store, node: string, since: string): NodeChanges {
  const now = store.states.latestState(node);
  if (!now) throw new NotFoundError(`node ${node} has never reported`);
  const then = store.states.stateAt(node, since);
  const versions = store.states.versionsSince(node, since);
  const differences = then
    ? parity(then, now, { labels: { first: 'then', second: 'now' }, sameNode: true })
    : [];
  return { node, since, versions, differences };
}
