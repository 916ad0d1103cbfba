/**
 * Desired state after loading, validation and normalisation (DESIGN §6). The YAML documents are
 * `kind: Role | Node | Pair | Schedule`; `src/desired` turns them into these types, and every
 * rule keeps the place it was written so later errors and findings can point at it.
 */
import type { SourcePosition } from '../shared/errors';
import type { Category } from './state';

export type VersionRelation = '<<' | '<=' | '=' | '>=' | '>>';

export type PackageRule =
  | { state: 'present'; at?: SourcePosition }
  | { state: 'absent'; at?: SourcePosition }
  | { state: 'present'; relation: VersionRelation; version: string; at?: SourcePosition };

export interface SysctlRule {
  /** Normalised to a string the way the kernel prints it (numbers as decimal, whitespace collapsed). */
  value: string;
  at?: SourcePosition;
}

export interface MountRule {
  device?: string;
  fstype?: string;
  /** Options that must be present on the fstab line. */
  options: string[];
  /** The mount moves with the primary: mounted on the primary only, never at boot. */
  failover: boolean;
  at?: SourcePosition;
}

export interface UnitRule {
  enabled?: boolean;
  masked?: boolean;
  /** Units this one must be ordered after. */
  after: string[];
  at?: SourcePosition;
}

export interface FileRule {
  /** Must be identical on both nodes of a pair. */
  parity: boolean;
  /** `sha256:<hex>` or bare hex, normalised to `sha256:<hex>`. */
  sha256?: string;
  /** Octal, normalised to four digits (`0640`). */
  mode?: string;
  owner?: string;
  group?: string;
  /** The file must (true) or must not (false) exist; default true when any other property is given. */
  present?: boolean;
  /** The file holds secrets: its text is never recorded, only its hash (`sensitive: true`). */
  sensitive?: boolean;
  at?: SourcePosition;
}

export interface UserRule {
  uid?: number;
  gid?: number;
  present: boolean;
  /** driftguard may change the uid/gid to match (off unless written: renumbering is dangerous). */
  renumber?: boolean;
  at?: SourcePosition;
}

/** The tables of a RoleSpec: what roles compose, and what reviving a Desired walks. */
export const SPEC_CATEGORIES = [
  'packages',
  'sysctls',
  'mounts',
  'units',
  'files',
  'users',
] as const satisfies readonly (keyof RoleSpec)[];
export type SpecCategory = (typeof SPEC_CATEGORIES)[number];

/** What a set of roles asks of a node — the thing drift is measured against. */
export interface RoleSpec {
  packages: Record<string, PackageRule>;
  sysctls: Record<string, SysctlRule>;
  mounts: Record<string, MountRule>;
  units: Record<string, UnitRule>;
  files: Record<string, FileRule>;
  users: Record<string, UserRule>;
}

export interface Role extends RoleSpec {
  kind: 'Role';
  name: string;
  include: string[];
  at: SourcePosition;
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface Probe {
  name: string;
  /** `host:port` to open a TCP connection to. */
  tcp: string;
}

export interface NodeDecl {
  kind: 'Node';
  name: string;
  roles: string[];
  ssh?: SshTarget;
  probes: Probe[];
  at: SourcePosition;
}

/** Glob patterns, per category, of keys that parity ignores. */
export type IgnoreRules = Partial<Record<Category, string[]>>;

export interface PairDecl {
  kind: 'Pair';
  name: string;
  primary: string;
  secondary: string;
  parity: { ignore: IgnoreRules };
  capacity: { minRatio: number };
  readiness: { maxReportAgeMs: number };
  at: SourcePosition;
}

export interface ScheduleDecl {
  kind: 'Schedule';
  name: string;
  cron: string;
  /** `pair:NAME`, `node:NAME` or `role:NAME`. */
  targets: string[];
  mode: 'enforce' | 'audit';
  /** enforce: nodes changed at once, never both nodes of a pair (default 1). */
  maxNodesPerWave: number;
  /** enforce: a random wait up to this long before starting (default 0). */
  splayMs: number;
  at: SourcePosition;
}

export interface Desired {
  /** The folder it was loaded from. */
  dir: string;
  roles: Record<string, Role>;
  nodes: Record<string, NodeDecl>;
  pairs: Record<string, PairDecl>;
  schedules: Record<string, ScheduleDecl>;
  /** `sha256:` of the loaded files, to tell whether a reload changed anything. */
  hash: string;
}
