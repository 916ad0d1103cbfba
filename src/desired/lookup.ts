/**
 * Small lookups on a loaded Desired. Unknown names throw NotFoundError with the names that do
 * exist, so `driftguard ready pypy` answers "no pair named `pypy` — did you mean `pypi`?".
 */
import type { Desired, NodeDecl, PairDecl, Role } from '../model/desired';
import { NotFoundError } from '../shared/errors';
import { has } from './dict';
import { didYouMean } from './did-you-mean';

function byName<T>(table: Readonly<Record<string, T>>, name: string, what: string, dir: string): T {
  const found = has(table, name) ? table[name] : undefined;
  if (found !== undefined) return found;
  const names = Object.keys(table);
  const hint = didYouMean(name, names);
  const known = names.length === 0 ? `there are none` : `known: ${names.sort().join(', ')}`;
  throw new NotFoundError(`no ${what} named \`${name}\` in ${dir}${hint || ` (${known})`}`);
}

export function nodeByName(desired: Desired, name: string): NodeDecl {
  return byName(desired.nodes, name, 'node', desired.dir);
}

export function pairByName(desired: Desired, name: string): PairDecl {
  return byName(desired.pairs, name, 'pair', desired.dir);
}

export function roleByName(desired: Desired, name: string): Role {
  return byName(desired.roles, name, 'role', desired.dir);
}

/**
 * Each node's pairs, sorted by pair name, built once per loaded desired state: the server asks
 * after every report, and scanning 5,000 pairs of a 10,000-node fleet each time added up. A
 * loaded desired state is never changed (a reload makes a new one), so the index stays true.
 */
const pairIndexes = new WeakMap<Desired['pairs'], Map<string, PairDecl[]>>();

function pairIndex(desired: Desired): Map<string, PairDecl[]> {
  let index = pairIndexes.get(desired.pairs);
  if (index) return index;
  index = new Map();
  // Names are the table's keys, so never equal.
  const sorted = Object.values(desired.pairs).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const pair of sorted) {
    for (const node of new Set([pair.primary, pair.secondary])) {
      const list = index.get(node);
      if (list) list.push(pair);
      else index.set(node, [pair]);
    }
  }
  pairIndexes.set(desired.pairs, index);
  return index;
}

/** The pairs `nodeName` is part of (a node may be in several), sorted by pair name. */
export function pairsOf(desired: Desired, nodeName: string): PairDecl[] {
  nodeByName(desired, nodeName);
  return [...(pairIndex(desired).get(nodeName) ?? [])];
}
