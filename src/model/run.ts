/**
 * Runs (DESIGN §9): every apply — from the CLI, the API, a schedule or an agent — and every
 * restore is recorded the same way: who, what, when, each fix with its before and after, the
 * outcome. A run is stored as one document that grows as it progresses; its events are kept
 * too, for whoever follows it live.
 */
import type { Fix } from './plan';
import type { Category } from './state';
import { CATEGORIES } from './state';

export type RunKind = 'apply' | 'restore';
export type RunTrigger = 'cli' | 'api' | 'schedule' | 'agent';
export type RunVia = 'ssh' | 'local' | 'agent';
/** `refused`: nothing was changed (stale plan, a node locked by another run, expired plan). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'refused' | 'abandoned';
export type FixStatus = 'pending' | 'applied' | 'failed' | 'not-attempted' | 'dry-run';
export type NodeRunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'not-attempted' | 'dry-run';

/** A file as it was (or is): checksum (null = absent), mode and numeric owner. */
export interface FileSnapshot {
  sha256: string | null;
  mode?: string;
  uid?: number;
  gid?: number;
  /** For a symlink. */
  target?: string;
}

export interface FileOutcome {
  path: string;
  before: FileSnapshot;
  after?: FileSnapshot;
  /** Where the backup of `before` is on the node, when the file existed. */
  backup?: string;
}

export interface CommandOutcome {
  argv: string[];
  exitCode: number | null;
  /** The end of stderr, when the command failed or said something. */
  stderr?: string;
  ms: number;
}

export interface FixOutcome {
  fixId: string;
  category: string;
  key: string;
  description: string;
  status: FixStatus;
  startedAt?: string;
  finishedAt?: string;
  files: FileOutcome[];
  commands: CommandOutcome[];
  /** Re-collected and compared: the findings it addresses are gone. */
  verified?: boolean;
  /** What failed, in words (with the command's stderr). */
  error?: string;
}

export interface NodeOutcome {
  node: string;
  /** 1-based wave number. */
  wave: number;
  status: NodeRunStatus;
  /** Where commands ran (`ssh://root@10.0.0.12:22`, `chroot:/srv/n`, `agent`). */
  where?: string;
  /** The node's backup folder for this run. */
  backupDir?: string;
  fixes: FixOutcome[];
  error?: string;
}

export interface RunRecord {
  id: string;
  kind: RunKind;
  trigger: RunTrigger;
  /** Who: a token's label, `user@host` of the CLI, `schedule:NAME`. */
  actor: string;
  via: RunVia;
  target: string;
  dryRun: boolean;
  planHash?: string;
  /** The server's plan id, when the run came from one. */
  planId?: string;
  /** For a restore: the run whose backups it put back. */
  restoreOf?: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  /** Why it failed or was refused, in one sentence. */
  reason?: string;
  nodes: NodeOutcome[];
}

export type RunEventType =
  'run-started' | 'node-started' | 'fix-started' | 'fix-finished' | 'node-finished' | 'run-finished';

export interface RunEvent {
  runId: string;
  seq: number;
  at: string;
  type: RunEventType;
  node?: string;
  fixId?: string;
  status?: string;
  message: string;
}

/** Findings about the boot that are read from the unit graph (boot safety): they need the units. */
const BOOT_ASPECTS = new Set(['boot-hang', 'failover-at-boot', 'ordering-cycle']);

/**
 * The categories a fresh collection must bring back to verify a fix: those of the findings it
 * addresses, the units for a finding about the boot (read from the unit graph), the files it
 * wrote. Nothing more: a fix of one sysctl does not re-read the package database.
 */
export function verifyCategories(fix: Pick<Fix, 'category' | 'addresses' | 'files'>): Category[] {
  const categories = new Set<string>([fix.category]);
  for (const address of fix.addresses) {
    const [category, , , aspect] = address.split('|');
    if (category) categories.add(category);
    if (aspect && BOOT_ASPECTS.has(aspect)) categories.add('units');
  }
  if (fix.files.length > 0) categories.add('files');
  return CATEGORIES.filter((category) => categories.has(category));
}
