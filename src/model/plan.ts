/**
 * Fix plans (DESIGN §9): what `plan` proposes and `apply` carries out. A plan is data — argv
 * commands and whole-file changes with their diffs — made by a pure function from node states
 * and the desired state, reviewable before anything runs, and bound to the states it was made
 * from by a content hash: applying it to a node that changed since is refused.
 */
import type { Category } from './state';

export const PLAN_SCHEMA_ID = 'driftguard/plan@1' as const;

/** What a fix is about: a NodeState category, or the node itself (`node`) or its probes. */
export type FixCategory = Category | 'node' | 'probes';

/**
 * `change`: driftguard may carry it out. `advice`: a person must (capacity, probes, DRBD
 * health, a uid renumbering that is not allowed, content driftguard does not have); its
 * commands, if any, are suggestions and are never run.
 */
export type FixAction = 'change' | 'advice';

/** A whole file as the fix leaves it, with the file as the plan saw it. */
export interface FileChange {
  path: string;
  /** The content the node has now (as the plan saw it); absent when the file does not exist. */
  before?: string;
  /** `sha256:<hex>` of `before`, or null when the file must not exist yet: checked before writing. */
  beforeSha256: string | null;
  /** The content to write; absent with `remove`, `copyFrom`, or a change of mode/owner only. */
  after?: string;
  /**
   * The content is the primary's file, copied from its node at apply time and checked against
   * this hash — for files whose text never leaves a node (not world-readable, binary, large).
   */
  copyFrom?: { node: string; sha256: string };
  /** Delete the file (a desired `present: false`). */
  remove?: boolean;
  /** Permission bits to set, octal (`0640`); default: kept, or 0644 for a new file. */
  mode?: string;
  /** Owner and group names (resolved on the node); default: kept, or root for a new file. */
  owner?: string;
  group?: string;
  /** Unified diff before → after, for people. */
  diff?: string;
}

export interface Fix {
  /** Unique in its plan: `NODE/category/key` (with a suffix when one key has several fixes). */
  id: string;
  node: string;
  category: FixCategory;
  key: string;
  action: FixAction;
  description: string;
  /** Written first, in order. */
  files: FileChange[];
  /** Then run, in order; argv arrays, never shell strings. */
  commands: string[][];
  /** Then `systemctl daemon-reload`, where systemd runs (units or fstab changed). */
  reloadSystemd?: boolean;
  /** Fingerprints (`findingFingerprint`) of the findings on `node` this fix resolves: verified after applying. */
  addresses: string[];
  /** For advice: why driftguard does not do it itself. */
  reason?: string;
}

/** What the plan knows about each node it read: the ground it stands on. */
export interface PlanNode {
  node: string;
  /** The node's place in the target's pairs, if any. */
  role?: 'primary' | 'secondary';
  collectedAt: string;
  /**
   * Hashes of the configuration the plan depends on, per category (volatile parts such as live
   * mounts and unit active states left out): a fresh collection must give the same, or the plan
   * is stale.
   */
  basis: Partial<Record<Category, string>>;
}

export interface Plan {
  schema: typeof PLAN_SCHEMA_ID;
  /** `pair:NAME`, `node:NAME` or `role:NAME` (a bare node name is normalised to `node:NAME`). */
  target: string;
  createdAt: string;
  /** `sha256:` of the desired state the plan was made against. */
  desiredHash: string;
  nodes: PlanNode[];
  /** Nodes in the order they are changed: each wave after the previous one is verified. */
  waves: string[][];
  fixes: Fix[];
  /** `sha256:` of the canonical JSON of everything above except `createdAt`: equal plans, equal hashes. */
  hash: string;
}

/** The changes of a plan (what apply runs), in order. */
export function changesOf(plan: Pick<Plan, 'fixes'>, node?: string): Fix[] {
  return plan.fixes.filter((fix) => fix.action === 'change' && (node === undefined || fix.node === node));
}
