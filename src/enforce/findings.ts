/**
 * What a plan acts on, node by node: the node's drift from its roles, and for every pair it is
 * part of, the readiness findings that name it — parity (on the secondary), boot and panic
 * safety (both nodes), capacity and DRBD health (advice). The freshness of reports and the
 * reachability probes are about the monitoring path, not the node, and stay with `ready`.
 */
import { drift } from '../compare';
import { effectiveSpec, pairsOf } from '../desired';
import type { Desired, PairDecl, RoleSpec } from '../model/desired';
import type { Readiness, ReadinessCheckId } from '../model/readiness';
import type { Category, NodeState } from '../model/state';
import { CATEGORIES } from '../model/state';
import { SPEC_CATEGORIES } from '../model/desired';
import { readiness } from '../readiness';
import { bootSafety } from '../readiness/boot-safety';
import type { FindingSource, SourcedFinding } from './types';
import { fingerprintOf } from './fixes/common';

const SOURCE_OF_CHECK: Partial<Record<ReadinessCheckId, FindingSource>> = {
  'parity-packages': 'parity',
  'parity-sysctls': 'parity',
  'parity-mounts': 'parity',
  'parity-units': 'parity',
  'parity-files': 'parity',
  'parity-users': 'parity',
  'boot-safety': 'safety',
  'panic-reboot': 'safety',
  capacity: 'health',
  replication: 'health',
};

export type StateLookup = (node: string) => NodeState | undefined;

/** What a caller that plans several nodes at once has worked out already. */
export interface FindingsOptions {
  /** The node's effective spec (`effectiveSpec`), when the caller has composed it. */
  spec?: RoleSpec;
  /**
   * Readiness of each pair by name, filled as pairs are evaluated: both nodes of a pair read the
   * same evaluation. Valid only while the states and the clock stay the same (one plan).
   */
  readinessByPair?: Map<string, Readiness>;
}

/** The findings on `node` a plan acts on; info-level findings are left out. */
export function findingsFor(
  desired: Desired,
  node: string,
  stateOf: StateLookup,
  now: Date,
  options: FindingsOptions = {},
): SourcedFinding[] {
  const state = stateOf(node);
  if (!state) return [];
  const spec = options.spec ?? effectiveSpec(desired, node);
  const found: SourcedFinding[] = drift(spec, state).map((f) => ({ ...f, node, source: 'desired' as const }));
  const pairs = pairsOf(desired, node);
  if (pairs.length === 0 && state.units && state.mounts) {
    found.push(...bootSafety(state, spec).map((f) => ({ ...f, node, source: 'safety' as const })));
  }
  for (const pair of pairs) {
    const result = pairReadiness(desired, pair, stateOf, now, options.readinessByPair);
    found.push(...pairFindings(result, pair, node));
  }
  const seen = new Set<string>();
  return found.filter((f) => {
    if (f.severity === 'info') return false;
    const id = `${f.source}|${fingerprintOf(f)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function pairReadiness(
  desired: Desired,
  pair: PairDecl,
  stateOf: StateLookup,
  now: Date,
  memo: Map<string, Readiness> | undefined,
): Readiness {
  const known = memo?.get(pair.name);
  if (known) return known;
  const result = readiness({
    pair,
    desired,
    primary: stateOf(pair.primary),
    secondary: stateOf(pair.secondary),
    now,
  });
  memo?.set(pair.name, result);
  return result;
}

/** The findings of a pair's readiness that name `node`, tagged with where they come from. */
function pairFindings(result: Readiness, pair: PairDecl, node: string): SourcedFinding[] {
  const found: SourcedFinding[] = [];
  for (const check of result.checks) {
    const source = SOURCE_OF_CHECK[check.id];
    if (!source) continue;
    for (const finding of check.findings) {
      // Parity findings are the secondary's to fix; the others name their node.
      const about = finding.node ?? pair.secondary;
      if (about !== node) continue;
      const { fix: _fix, node: _node, ...rest } = finding;
      found.push({ ...rest, node, source });
    }
  }
  return found;
}

/** The primary whose state is the model for `node`: its primary in the first pair where it is the secondary. */
export function modelOf(desired: Desired, node: string): PairDecl | undefined {
  return pairsOf(desired, node).find((pair) => pair.secondary === node);
}

/**
 * The categories a plan for `node` reads: everything when the node has a pair partner (parity
 * compares every category); otherwise what its roles ask about, plus mounts and units (boot
 * safety reads the unit graph) and files (a fix that edits fstab or driftguard's own files
 * starts from their text). A node outside pairs is not collected for packages it has no rule for.
 */
export function planCategories(desired: Desired, node: string): Category[] {
  if (pairsOf(desired, node).length > 0) return [...CATEGORIES];
  const spec = effectiveSpec(desired, node);
  const wanted = new Set<Category>(['mounts', 'units', 'files']);
  for (const category of SPEC_CATEGORIES) if (Object.keys(spec[category]).length > 0) wanted.add(category);
  return CATEGORIES.filter((category) => wanted.has(category));
}
