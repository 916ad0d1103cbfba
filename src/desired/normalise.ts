/**
 * A schema-valid document → the model types of src/model/desired.ts: defaults filled in, values
 * in their normal form (sysctl values as the kernel prints them, modes as four octal digits,
 * `sha256:` prefixes, durations in ms), and every rule carrying the place it was written.
 *
 * Also the few rules that concern one document only and that JSON Schema cannot say clearly
 * (a unit both enabled and masked, a file that must be absent yet have a mode, …).
 */
import type {
  FileRule,
  MountRule,
  NodeDecl,
  PackageRule,
  PairDecl,
  Role,
  ScheduleDecl,
  SysctlRule,
  UnitRule,
  UserRule,
} from '../model/desired';
import type { Issue, SourcePosition } from '../shared/errors';
import { dict } from './dict';
import type { Kind } from './schema-validator';
import { parseDuration, parseMode, parsePackageRule, parseSha256, sysctlValueText } from './values';
import type { SourceDocument } from './yaml-source';

/** What a Pair's readiness check tolerates when nothing is written (DESIGN §6's example). */
export const DEFAULT_MAX_REPORT_AGE = '10m';
/** The same, for code that judges a node's age without a pair to ask (the fleet's stale marks). */
export const DEFAULT_MAX_REPORT_AGE_MS = 10 * 60_000;

// The shapes the schemas guarantee, before normalisation.
interface RawMount {
  device?: string;
  fstype?: string;
  options?: string[];
  failover?: boolean;
}
interface RawUnit {
  enabled?: boolean;
  masked?: boolean;
  after?: string[];
}
interface RawFile {
  parity?: boolean;
  sha256?: string;
  mode?: string;
  owner?: string;
  group?: string;
  present?: boolean;
  sensitive?: boolean;
}
interface RawUser {
  uid?: number;
  gid?: number;
  present?: boolean;
  renumber?: boolean;
}
interface RawRole {
  name: string;
  include?: string[];
  packages?: Record<string, string>;
  sysctls?: Record<string, number | string>;
  mounts?: Record<string, RawMount>;
  units?: Record<string, RawUnit>;
  files?: Record<string, RawFile>;
  users?: Record<string, RawUser>;
}
interface RawNode {
  name: string;
  roles?: string[];
  ssh?: { host: string; port?: number; user?: string };
  probes?: { name: string; tcp: string }[];
}
interface RawPair {
  name: string;
  primary: string;
  secondary: string;
  parity?: { ignore?: PairDecl['parity']['ignore'] };
  capacity?: { minRatio?: number };
  readiness?: { maxReportAge?: string };
}
interface RawSchedule {
  name: string;
  cron: string;
  targets: string[];
  mode?: 'enforce' | 'audit';
  maxNodesPerWave?: number;
  splay?: string;
}

export type Declaration = Role | NodeDecl | PairDecl | ScheduleDecl;

/** Normalises one schema-valid document of `kind`; problems are appended to `issues`. */
export function normalise(kind: Kind, doc: SourceDocument, issues: Issue[]): Declaration {
  switch (kind) {
    case 'Role':
      return normaliseRole(doc.value as RawRole, doc, issues);
    case 'Node':
      return normaliseNode(doc.value as RawNode, doc, issues);
    case 'Pair':
      return normalisePair(doc.value as RawPair, doc);
    case 'Schedule':
      return normaliseSchedule(doc.value as RawSchedule, doc);
  }
}

/** Applies `convert` to every entry of a map, passing the position of the entry's key and its node. */
function mapEntries<R, T>(
  doc: SourceDocument,
  category: string,
  entries: Record<string, R> | undefined,
  convert: (key: string, raw: R, at: SourcePosition, node: unknown) => T,
): Record<string, T> {
  const out = dict<T>();
  if (entries === undefined) return out;
  const places = doc.entriesAt([category]);
  for (const [key, raw] of Object.entries(entries)) {
    const place = places.get(key);
    out[key] = convert(key, raw, place?.at ?? doc.positionOf([category, key], 'key'), place?.node);
  }
  return out;
}

/** The schema accepted it, so parsing cannot fail; a failure here is a bug, not user input. */
function mustParse<T>(parsed: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!parsed.ok) throw new Error(`schema and parser disagree: ${parsed.error}`);
  return parsed.value;
}

function normaliseRole(raw: RawRole, doc: SourceDocument, issues: Issue[]): Role {
  const packages = mapEntries(doc, 'packages', raw.packages, (_k, text, at): PackageRule => ({
    ...mustParse(parsePackageRule(text)),
    at,
  }));
  const sysctls = mapEntries(doc, 'sysctls', raw.sysctls, (_key, value, at, node): SysctlRule => {
    const source = (node as { source?: unknown } | undefined)?.source;
    return { value: sysctlValueText(value, typeof source === 'string' ? source : undefined), at };
  });
  const mounts = mapEntries(doc, 'mounts', raw.mounts, (_k, m, at): MountRule => ({
    ...(m.device === undefined ? {} : { device: m.device }),
    ...(m.fstype === undefined ? {} : { fstype: m.fstype }),
    options: m.options ?? [],
    failover: m.failover ?? false,
    at,
  }));
  const units = mapEntries(doc, 'units', raw.units, (name, u, at): UnitRule => {
    if (u.enabled === true && u.masked === true) {
      issues.push({ message: `unit \`${name}\` cannot be both enabled and masked`, at });
    }
    if (u.after?.includes(name)) {
      issues.push({
        message: `unit \`${name}\` cannot be ordered after itself`,
        at: doc.positionOf(['units', name, 'after', u.after.indexOf(name)]),
      });
    }
    return {
      ...(u.enabled === undefined ? {} : { enabled: u.enabled }),
      ...(u.masked === undefined ? {} : { masked: u.masked }),
      after: u.after ?? [],
      at,
    };
  });
  const files = mapEntries(doc, 'files', raw.files, (path, f, at): FileRule => {
    const describesContent =
      f.sha256 !== undefined || f.mode !== undefined || f.owner !== undefined || f.group !== undefined;
    if (f.present === false && describesContent) {
      issues.push({
        message: `file \`${path}\` must be absent (\`present: false\`) yet has sha256/mode/owner/group`,
        at,
      });
    }
    const present = f.present ?? (describesContent ? true : undefined);
    return {
      parity: f.parity ?? false,
      ...(f.sha256 === undefined ? {} : { sha256: mustParse(parseSha256(f.sha256)) }),
      ...(f.mode === undefined ? {} : { mode: mustParse(parseMode(f.mode)) }),
      ...(f.owner === undefined ? {} : { owner: f.owner }),
      ...(f.group === undefined ? {} : { group: f.group }),
      ...(present === undefined ? {} : { present }),
      ...(f.sensitive ? { sensitive: true } : {}),
      at,
    };
  });
  const users = mapEntries(doc, 'users', raw.users, (name, u, at): UserRule => {
    if (u.present === false && (u.uid !== undefined || u.gid !== undefined)) {
      issues.push({ message: `user \`${name}\` must be absent (\`present: false\`) yet has a uid/gid`, at });
    }
    return {
      ...(u.uid === undefined ? {} : { uid: u.uid }),
      ...(u.gid === undefined ? {} : { gid: u.gid }),
      present: u.present ?? true,
      ...(u.renumber === undefined ? {} : { renumber: u.renumber }),
      at,
    };
  });
  return {
    kind: 'Role',
    name: raw.name,
    include: raw.include ?? [],
    packages,
    sysctls,
    mounts,
    units,
    files,
    users,
    at: doc.positionOf(['name']),
  };
}

function normaliseNode(raw: RawNode, doc: SourceDocument, issues: Issue[]): NodeDecl {
  const probes = raw.probes ?? [];
  const seen = new Map<string, number>();
  probes.forEach((probe, index) => {
    const first = seen.get(probe.name);
    if (first === undefined) seen.set(probe.name, index);
    else
      issues.push({
        message: `probe name \`${probe.name}\` is used twice in node \`${raw.name}\` (first as probe ${first + 1})`,
        at: doc.positionOf(['probes', index, 'name']),
      });
  });
  return {
    kind: 'Node',
    name: raw.name,
    roles: raw.roles ?? [],
    ...(raw.ssh === undefined
      ? {}
      : { ssh: { host: raw.ssh.host, port: raw.ssh.port ?? 22, user: raw.ssh.user ?? 'root' } }),
    probes: probes.map((p) => ({ name: p.name, tcp: p.tcp })),
    at: doc.positionOf(['name']),
  };
}

function normalisePair(raw: RawPair, doc: SourceDocument): PairDecl {
  return {
    kind: 'Pair',
    name: raw.name,
    primary: raw.primary,
    secondary: raw.secondary,
    parity: { ignore: raw.parity?.ignore ?? {} },
    capacity: { minRatio: raw.capacity?.minRatio ?? 1 },
    readiness: {
      maxReportAgeMs: mustParse(parseDuration(raw.readiness?.maxReportAge ?? DEFAULT_MAX_REPORT_AGE)),
    },
    at: doc.positionOf(['name']),
  };
}

function normaliseSchedule(raw: RawSchedule, doc: SourceDocument): ScheduleDecl {
  return {
    kind: 'Schedule',
    name: raw.name,
    cron: raw.cron.trim(),
    targets: raw.targets,
    // Never change a machine unless asked to in writing.
    mode: raw.mode ?? 'audit',
    maxNodesPerWave: raw.maxNodesPerWave ?? 1,
    splayMs: raw.splay === undefined ? 0 : mustParse(parseDuration(raw.splay)),
    at: doc.positionOf(['name']),
  };
}
