/**
 * `plan TARGET`: the fixes for the current findings of every node the target names — pure:
 * desired state, node states and the clock in, a reviewable plan out (the shape Changesets gives
 * its release plan: assembled by a pure function, carried out by an I/O shell elsewhere).
 */
import { effectiveSpec, pairsOf, resolveTargets } from '../desired';
import { normaliseTargets } from '../desired/targets';
import type { Desired, PairDecl } from '../model/desired';
import type { Fix, Plan, PlanNode } from '../model/plan';
import { PLAN_SCHEMA_ID } from '../model/plan';
import type { Readiness } from '../model/readiness';
import { NOT_COLLECTED } from '../model/finding';
import type { Category, NodeState } from '../model/state';
import { isCategory } from '../model/state';
import { BOOT_SAFETY_UNKNOWN } from '../readiness/boot-safety';
import { hashOf } from '../shared/canonical-json';
import { NotFoundError } from '../shared/errors';
import type { StateLookup } from './findings';
import { findingsFor, modelOf } from './findings';
import { FIXERS } from './fixes';
import { renderNodeFixes } from './render';
import { advice, perKey } from './fixes/common';
import type { FixDraft, NodeFixContext, SourcedFinding } from './types';
import { planWaves } from './waves';

export interface PlanInput {
  desired: Desired;
  /** `pair:NAME`, `node:NAME`, `role:NAME` or a node name; several separated by commas. */
  target: string;
  /** The latest state of every node the target names, and of their pair partners when known. */
  stateOf: StateLookup;
  now: Date;
  /** Nodes changed at once; never both nodes of a pair (default 1). */
  maxNodesPerWave?: number;
}

/**
 * The configuration a category holds, without what changes by itself between two collections
 * of an unchanged node: which mounts are mounted now, which units are active now.
 */
function stableHash(state: NodeState, category: Category): string | undefined {
  switch (category) {
    case 'mounts':
      return state.mounts
        ? hashOf({ fstab: state.mounts.fstab, warnings: state.mounts.warnings })
        : undefined;
    case 'units':
      return state.units
        ? hashOf(Object.values(state.units.items).map(({ activeState: _active, ...unit }) => unit))
        : undefined;
    default:
      return state.hashes[category] ?? (state[category] === undefined ? undefined : hashOf(state[category]));
  }
}

/** Hashes of the configuration of `categories` (see `stableHash`): what a plan stands on. */
export function basisOf(state: NodeState, categories: Iterable<Category>): Partial<Record<Category, string>> {
  const basis: Partial<Record<Category, string>> = {};
  for (const category of [...new Set(categories)].sort()) {
    const hash = stableHash(state, category);
    if (hash !== undefined) basis[category] = hash;
  }
  return basis;
}

/**
 * The categories of a plan node's basis whose configuration differs in a fresh state of that
 * node: where the plan no longer stands (a category the fresh state lacks counts as changed).
 */
export function staleAgainst(basis: PlanNode['basis'], state: NodeState): Category[] {
  const categories = Object.keys(basis) as Category[];
  const now = basisOf(state, categories);
  return categories.filter((category) => basis[category] !== now[category]);
}

/** What every fixer of `node` works from: its state, its roles' spec, its pair and the primary's state. */
export function fixContext(desired: Desired, node: string, stateOf: StateLookup): NodeFixContext {
  const pair = modelOf(desired, node);
  const model = pair ? stateOf(pair.primary) : undefined;
  return {
    node,
    state: stateOf(node) as NodeState,
    spec: effectiveSpec(desired, node),
    ...(model ? { model } : {}),
    ...(pair ? { pair } : {}),
  };
}

function draftsFor(
  desired: Desired,
  node: string,
  stateOf: StateLookup,
  now: Date,
  readinessByPair: Map<string, Readiness>,
): FixDraft[] {
  const ctx = fixContext(desired, node, stateOf);
  const all = findingsFor(desired, node, stateOf, now, { spec: ctx.spec, readinessByPair });
  const unknown = all.filter((f) => f.key === NOT_COLLECTED);
  const unchecked = all.filter((f) => f.aspect === BOOT_SAFETY_UNKNOWN);
  const findings = all.filter((f) => !unknown.includes(f) && !unchecked.includes(f));
  const drafts = [
    ...notCollectedAdvice(node, unknown),
    ...unchecked.map(uncheckedBootAdvice),
    ...FIXERS.flatMap((fixer) =>
      fixer.plan(
        findings.filter((f) => f.category === fixer.category),
        ctx,
      ),
    ),
  ];
  // A unit that comes with a package can be enabled only after the plan installs packages here.
  const installs = drafts.some((d) => d.category === 'packages' && d.action === 'change');
  return drafts.map((draft) =>
    draft.afterPackages && !installs
      ? {
          ...draft,
          action: 'advice' as const,
          reason: 'its unit file is not on the node and this plan installs no package that could bring it',
        }
      : draft,
  );
}

/** One piece of advice per category the plan cannot judge: collect it first. */
function notCollectedAdvice(node: string, findings: readonly SourcedFinding[]): FixDraft[] {
  return perKey(
    findings,
    (category, group) =>
      advice(
        group[0]?.category ?? 'node',
        NOT_COLLECTED,
        `collect the ${category} of ${node} (its collector failed or the state is partial), then plan again`,
        'a plan is made only from what was collected',
        group,
      ),
    (finding) => finding.category,
  );
}

/**
 * Boot safety that could not be judged (a node with no default target to boot into): its own
 * words as advice. Handed to the units fixer, its key ("units") would read as a unit's name.
 */
function uncheckedBootAdvice(finding: SourcedFinding): FixDraft {
  return advice(
    'units',
    '(boot safety)',
    `${finding.message} Nothing is planned for its boot until it can be.`,
    'a plan is made only from what could be checked',
    [finding],
  );
}

export function makePlan(input: PlanInput): Plan {
  const { desired, stateOf, now } = input;
  // A schedule names several targets: one plan over all of them, so waves span them all.
  const targets = normaliseTargets(input.target);
  const target = targets.join(',');
  const nodes = resolveTargets(desired, targets).map((node) => node.name);
  for (const node of nodes) {
    if (!stateOf(node))
      throw new NotFoundError(
        `no state of node ${node}: collect it first (driftguard collect, sweep or an agent)`,
      );
  }
  // Both nodes of a pair read the pair's readiness: it is evaluated once per plan.
  const readinessByPair = new Map<string, Readiness>();
  const fixesByNode = new Map(
    nodes.map((node) => [
      node,
      renderNodeFixes(
        node,
        draftsFor(desired, node, stateOf, now, readinessByPair),
        stateOf(node) as NodeState,
      ),
    ]),
  );
  const pairs = [...new Map(nodes.flatMap((n) => pairsOf(desired, n)).map((p) => [p.name, p])).values()];
  const changing = nodes.filter((node) => fixesByNode.get(node)?.some((fix) => fix.action === 'change'));
  const waves = planWaves(changing, pairs, input.maxNodesPerWave ?? 1);
  const order = [...waves.flat(), ...nodes.filter((node) => !changing.includes(node))];
  const fixes = order.flatMap((node) => fixesByNode.get(node) ?? []);
  const planNodes = planNodesOf(nodes, pairs, fixesByNode, stateOf, desired);
  const body = { schema: PLAN_SCHEMA_ID, target, desiredHash: desired.hash, nodes: planNodes, waves, fixes };
  return { ...body, createdAt: now.toISOString(), hash: planHash(body) };
}

/** The content hash a plan carries: anything edited in it (a command, a file, a wave) changes it. */
export function planHash(
  plan: Pick<Plan, 'schema' | 'target' | 'desiredHash' | 'nodes' | 'waves' | 'fixes'>,
): string {
  const { schema, target, desiredHash, nodes, waves, fixes } = plan;
  return hashOf({ schema, target, desiredHash, nodes, waves, fixes });
}

function planNodesOf(
  nodes: readonly string[],
  pairs: readonly PairDecl[],
  fixesByNode: ReadonlyMap<string, Fix[]>,
  stateOf: StateLookup,
  desired: Desired,
): PlanNode[] {
  const categories = new Map<string, Set<Category>>();
  const add = (node: string, category: Category): void => {
    const set = categories.get(node) ?? new Set<Category>();
    set.add(category);
    categories.set(node, set);
  };
  for (const node of nodes) {
    categories.set(node, categories.get(node) ?? new Set());
    const model = modelOf(desired, node);
    for (const fix of fixesByNode.get(node) ?? []) {
      if (fix.action !== 'change' || !isCategory(fix.category)) continue;
      add(node, fix.category);
      // A secondary's fix copied from its primary stands on the primary's state too.
      if (model && stateOf(model.primary)) add(model.primary, fix.category);
    }
  }
  return [...categories].map(([node, used]) => {
    const state = stateOf(node) as NodeState;
    const pair = pairs.find((p) => p.primary === node || p.secondary === node);
    return {
      node,
      ...(pair ? { role: pair.primary === node ? ('primary' as const) : ('secondary' as const) } : {}),
      collectedAt: state.collectedAt,
      basis: basisOf(state, used),
    };
  });
}
