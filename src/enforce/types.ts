/**
 * The vocabulary of the planner: findings tagged with where they come from, what a category
 * fixer may look at, and the drafts it returns — intentions such as "add noauto to the fstab
 * line of /srv/pypi" that `render.ts` turns into whole-file changes with diffs, so that two
 * fixes editing one file compose instead of overwriting each other.
 */
import type { PairDecl, RoleSpec } from '../model/desired';
import type { Finding } from '../model/finding';
import type { FixAction, FixCategory } from '../model/plan';
import type { NodeState } from '../model/state';

/**
 * Why a finding exists: the node's roles (`desired`), boot and panic safety (`safety`), its
 * primary (`parity`), or the pair's health — capacity, DRBD, reports, probes (`health`).
 * When fixes for one key disagree, desired and safety win over parity: "the secondary matches
 * the primary unless the desired state says otherwise".
 */
export type FindingSource = 'desired' | 'safety' | 'parity' | 'health';

export interface SourcedFinding extends Omit<Finding, 'category' | 'node'> {
  category: FixCategory;
  /** The node to change. */
  node: string;
  source: FindingSource;
}

/** What a category fixer may look at for one node. */
export interface NodeFixContext {
  node: string;
  state: NodeState;
  /** What the node's roles ask. */
  spec: RoleSpec;
  /** The primary's state, when this node is a secondary whose parity the plan fixes. */
  model?: NodeState;
  pair?: PairDecl;
}

/** Fields of an fstab line that a fix may set, unescaped; `options` is the whole new list. */
export interface FstabLineFields {
  spec?: string;
  vfstype?: string;
  options?: { add: string[]; remove: string[] };
  passno?: number;
}

/** Lines of driftguard's own drop-in for a unit: `After=srv-pypi.mount` … */
export interface DropInLine {
  /** `After`, `Wants`, `Requires` … */
  directive: string;
  units: string[];
}

export type FileEdit =
  /** Replace the whole file (create it when missing). */
  | { kind: 'content'; path: string; text: string; mode?: string; owner?: string; group?: string }
  /** Replace the whole file with the primary's, copied node to node at apply time (its text is not in the state). */
  | {
      kind: 'copy';
      path: string;
      from: { node: string; sha256: string };
      mode?: string;
      owner?: string;
      group?: string;
    }
  /** Mode and ownership only. */
  | { kind: 'attributes'; path: string; mode?: string; owner?: string; group?: string }
  | { kind: 'remove'; path: string }
  /** Change fields of one fstab line (1-based line number), keeping its spacing. */
  | { kind: 'fstab-line'; line: number; fields: FstabLineFields }
  /** Add a line at the end of fstab. */
  | { kind: 'fstab-append'; text: string }
  /** Set a key in the managed sysctl.d file. */
  | { kind: 'sysctl-set'; key: string; value: string }
  /** Add lines to the managed drop-in of a unit. */
  | { kind: 'drop-in'; unit: string; lines: DropInLine[] };

/** A fix before rendering: what must become true, not yet the bytes of the files. */
export interface FixDraft {
  category: FixCategory;
  key: string;
  action: FixAction;
  description: string;
  /** For advice: why driftguard leaves it to a person. */
  reason?: string;
  edits?: FileEdit[];
  commands?: string[][];
  reloadSystemd?: boolean;
  /** Fingerprints of the findings the fix resolves. */
  addresses: string[];
  /** Told apart in the fix id when one key has several fixes. */
  part?: string;
  /**
   * Needs something a package brings (a unit file that is not on the node yet): a change only
   * when the plan installs packages on the node first, advice otherwise.
   */
  afterPackages?: boolean;
}

/**
 * One fixer per category, in a table (`index.ts`): all of one node's findings of its category
 * in, drafts out. A finding that only says the category was not collected never reaches a fixer:
 * the planner turns it into "collect it first" (plan.ts).
 */
export interface CategoryFixer {
  category: FixCategory;
  plan(findings: readonly SourcedFinding[], ctx: NodeFixContext): FixDraft[];
}
