/**
 * NodeState — what collectors produce about one node at one moment (DESIGN §5).
 * `"schema": "driftguard/state@1"`. Every category is optional: a collector that fails leaves
 * its category out and records why in `errors`, and an agent may send only some categories.
 *
 * Collections are objects keyed by a natural id (package `name:arch`, unit name, sysctl key,
 * path, user name) rather than arrays: lookups in compare are direct, the canonical JSON is
 * stable, and a JSON diff of two states reads naturally.
 */

export const STATE_SCHEMA_ID = 'driftguard/state@1';

export const CATEGORIES = [
  'os',
  'capacity',
  'packages',
  'mounts',
  'units',
  'sysctls',
  'files',
  'users',
  'replication',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** A line of a node's configuration that was skipped, the way the real tool skips it. */
export interface SkippedLine {
  /** The file on the node. */
  source: string;
  line: number;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// os, capacity

export interface OsInfo {
  /** `ID` from os-release, e.g. `debian`, `rhel`. */
  id: string;
  /** `VERSION_ID`, e.g. `12`. */
  versionId: string;
  prettyName?: string;
  /** Kernel release, e.g. `6.1.0-26-amd64` (from proc/sys/kernel/osrelease). */
  kernel?: string;
  /** Machine architecture as the kernel names it, e.g. `x86_64`. */
  arch?: string;
  hostname?: string;
}

export interface CapacityInfo {
  cpus: number;
  memoryBytes: number;
}

// ---------------------------------------------------------------------------------------------
// packages

export type PackageManager = 'dpkg' | 'rpm';

/** Flags that make an installed package suspicious even when its version is right. */
export type PackageFlag =
  | 'held' // dpkg selection `hold`: upgrades will skip it
  | 'half-installed' // unpacking was interrupted
  | 'half-configured' // configuration was interrupted
  | 'unpacked' // unpacked, never configured
  | 'triggers-awaited'
  | 'triggers-pending'
  | 'reinst-required'; // dpkg error flag `reinstreq`

export interface PackageEntry {
  name: string;
  /** `amd64`, `all`, `x86_64`, `noarch` … */
  arch: string;
  /** Full version as the manager compares it: `[epoch:]upstream[-revision]` for dpkg, `[epoch:]version-release` for rpm. */
  version: string;
  /**
   * dpkg: the three words of `Status:` (`install ok installed`); rpm: `installed`.
   * Only packages whose state is `installed` — or one of the interrupted states named by a
   * flag — appear in a state at all.
   */
  status: string;
  flags?: PackageFlag[];
  /**
   * rpm only: older versions of the same `name:arch` installed side by side (install-only
   * packages such as `kernel-core` keep several), newest first. `version` is the newest.
   */
  otherVersions?: string[];
}

export interface PackagesState {
  manager: PackageManager;
  /** Keyed by `name:arch`. */
  items: Record<string, PackageEntry>;
}

// ---------------------------------------------------------------------------------------------
// mounts

/** Options of an fstab line, interpreted the way mount(8) and systemd-fstab-generator read them. */
export interface FstabOptions {
  /** False when `noauto` wins (last of auto/noauto wins). */
  auto: boolean;
  /** True when `nofail` wins (last of fail/nofail wins). */
  nofail: boolean;
  /** `_netdev` given. */
  netdev: boolean;
  /** `x-systemd.requires=` (units or paths), in order. */
  systemdRequires: string[];
  /** `x-systemd.after=` */
  systemdAfter: string[];
  /** `x-systemd.before=` */
  systemdBefore: string[];
  /** `x-systemd.wanted-by=` */
  systemdWantedBy: string[];
  /** `x-systemd.required-by=` */
  systemdRequiredBy: string[];
  /** `x-systemd.requires-mounts-for=` */
  systemdRequiresMountsFor: string[];
  /** `x-systemd.automount` given. */
  automount: boolean;
  /** `x-systemd.device-timeout=` as written, if given. */
  deviceTimeout?: string;
  /** `x-systemd.mount-timeout=` as written, if given. */
  mountTimeout?: string;
}

export interface FstabEntry {
  /** First field, unescaped (`/dev/drbd0`, `UUID=…`, `server:/export`). */
  spec: string;
  /** Mount point, unescaped; `none` for swap. */
  file: string;
  vfstype: string;
  /** Options exactly as written, split on commas (quotes respected), unescaped. */
  options: string[];
  parsed: FstabOptions;
  freq: number;
  passno: number;
  /** 1-based line number in etc/fstab, for evidence in reports. */
  line: number;
}

export interface LiveMount {
  mountPoint: string;
  source: string;
  fstype: string;
  /** Per-mount options (field 6 of mountinfo). */
  options: string[];
  /** Per-superblock options (last field of mountinfo). */
  superOptions: string[];
  /** Root of the mount within its filesystem (field 4). */
  root: string;
  mountId: number;
  parentId: number;
  /** `major:minor` of the device. */
  device: string;
  /** Mounts hidden beneath this one at the same mount point (over-mounted). */
  overmounted?: number;
}

export interface MountsState {
  fstab: FstabEntry[];
  /** The visible mount at each mount point (the topmost of an over-mount stack), in mountinfo order. */
  live: LiveMount[];
  /** Lines that could not be parsed and were skipped (as mount(8) skips them), with where they are. */
  warnings?: SkippedLine[];
}

// ---------------------------------------------------------------------------------------------
// units

/**
 * Enablement as `systemctl is-enabled` reports it for a unit file:
 * enabled · enabled-runtime · linked · linked-runtime · alias · masked · masked-runtime ·
 * static · indirect · disabled · generated · transient · bad.
 */
export type UnitEnablement =
  | 'enabled'
  | 'enabled-runtime'
  | 'linked'
  | 'linked-runtime'
  | 'alias'
  | 'masked'
  | 'masked-runtime'
  | 'static'
  | 'indirect'
  | 'disabled'
  | 'generated'
  | 'transient'
  | 'bad';

export interface UnitDependencies {
  after: string[];
  before: string[];
  requires: string[];
  requisite: string[];
  wants: string[];
  bindsTo: string[];
  partOf: string[];
  conflicts: string[];
  /** From `[Install]`: what `systemctl enable` would link it into. */
  wantedBy: string[];
  requiredBy: string[];
  /** Where it is actually linked: the targets whose `.wants/`/`.requires/` directories hold it. */
  wantedByLinks: string[];
  requiredByLinks: string[];
}

/** The requirement and ordering lists of a unit, as its [Unit] section and drop-ins set them. */
export const UNIT_ORDERING_LISTS = [
  'after',
  'before',
  'requires',
  'requisite',
  'wants',
  'bindsTo',
  'partOf',
  'conflicts',
] as const satisfies readonly (keyof UnitDependencies)[];

/** Every list of UnitDependencies, in the order they are shown. */
export const UNIT_DEPENDENCY_LISTS = [
  ...UNIT_ORDERING_LISTS,
  'wantedBy',
  'requiredBy',
  'wantedByLinks',
  'requiredByLinks',
] as const satisfies readonly (keyof UnitDependencies)[];

/** A unit that depends on nothing yet: every list empty. */
export function emptyUnitDependencies(): UnitDependencies {
  return Object.fromEntries(UNIT_DEPENDENCY_LISTS.map((list) => [list, []])) as unknown as UnitDependencies;
}

export interface UnitInfo extends UnitDependencies {
  name: string;
  /** `service`, `mount`, `target`, `socket`, `timer`, `device`, `path`, `slice`, `scope`, `swap`, `automount`. */
  type: string;
  /** The unit file that wins on the search path, as a path on the node (`/lib/systemd/system/drbd.service`); absent for generated units with no file. */
  path?: string;
  /** Drop-in files merged into it, in the order systemd applies them. */
  dropIns: string[];
  masked: boolean;
  enablement: UnitEnablement;
  /** `DefaultDependencies=` (true unless set to no). */
  defaultDependencies: boolean;
  /** Set when the unit exists only because a generator made it: `systemd-fstab-generator`. */
  generatedBy?: string;
  /** For mount units: `What=`, `Where=`, `Type=`, `Options=`. */
  mount?: { what: string; where: string; type?: string; options?: string };
  /** For mount units from fstab: the fstab line they come from. */
  fstabLine?: number;
  /** `ActiveState` when the node could tell (a running systemd). */
  activeState?: string;
  /** For an alias (a symlink to another unit on the search path): the unit it names. Its dependencies live on that unit. */
  aliasOf?: string;
  /**
   * Dependencies systemd's core adds when it loads the unit, written in no file: for mount units
   * from fstab, the backing device (`Requires=`+`After=dev-drbd0.device`, `BindsTo=` with
   * `x-systemd.device-bound`) and the default ordering against local-fs-pre/remote-fs-pre and
   * umount.target. Kept apart so it is clear they come from systemd itself.
   */
  implicit?: Partial<
    Pick<UnitDependencies, 'after' | 'before' | 'requires' | 'wants' | 'bindsTo' | 'conflicts'>
  >;
}

export interface UnitsState {
  /** Keyed by unit name (`drbd.service`, `srv-pypi.mount`). */
  items: Record<string, UnitInfo>;
  /** `default.target` resolves to this (e.g. `graphical.target`). */
  defaultTarget?: string;
}

// ---------------------------------------------------------------------------------------------
// sysctls

export interface PersistedSysctl {
  value: string;
  /** `file:line` on the node that sets the winning value, e.g. `/etc/sysctl.d/99-panic.conf:3`. */
  source: string;
  /** Values that lost to this one (earlier files, or the same key earlier in a file). */
  overridden?: { value: string; source: string }[];
}

export interface SysctlsState {
  /** Live kernel values from proc/sys, keyed `kernel.panic`; whitespace runs collapsed to one space. */
  live: Record<string, string>;
  /** What sysctl.d would apply at boot. */
  persisted: Record<string, PersistedSysctl>;
  /** sysctl.d lines systemd-sysctl rejects ("not an assignment") and skips, with where they are. */
  warnings?: SkippedLine[];
}

// ---------------------------------------------------------------------------------------------
// files

export interface FileInfo {
  path: string;
  exists: boolean;
  /** `file`, `directory`, `symlink`, `other`. */
  type?: 'file' | 'directory' | 'symlink' | 'other';
  /** `sha256:<hex>` of the content (regular files). */
  sha256?: string;
  /** Permission bits in octal, e.g. `0640`. */
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  /** Link target for symlinks. */
  target?: string;
  /** Content of small UTF-8 text files (≤ 64 KiB), so a difference can be shown as a diff. */
  text?: string;
  /**
   * Set when secrets were kept off the server: either `text` had secret values replaced by
   * `<redacted sha256:…>` markers (line by line, so a diff still names the line), or the file is
   * `sensitive: true` in the desired state and no text was kept at all. `text` is then NOT the
   * file's content — never write it to a node; `sha256` still is the real content's hash.
   */
  redacted?: true;
  /** Why the file could not be read, when it exists but was unreadable. */
  error?: string;
}

export interface FilesState {
  /** Keyed by absolute path on the node. */
  items: Record<string, FileInfo>;
}

// ---------------------------------------------------------------------------------------------
// users

export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface UsersState {
  users: Record<string, UserEntry>;
  groups: Record<string, GroupEntry>;
  /** passwd/group lines that were skipped (malformed, NIS compat), with where they are and why. */
  warnings?: SkippedLine[];
}

// ---------------------------------------------------------------------------------------------
// replication

export interface DrbdPeerDevice {
  volume: number;
  replicationState: string;
  peerDiskState: string;
  /** Out-of-sync data in bytes (drbdsetup reports KiB). */
  outOfSyncBytes: number;
}

export interface DrbdConnection {
  peer: string;
  connectionState: string;
  peerRole: string;
  peerDevices: DrbdPeerDevice[];
}

export interface DrbdVolume {
  volume: number;
  minor: number;
  diskState: string;
}

export interface DrbdResource {
  name: string;
  role: string;
  volumes: DrbdVolume[];
  connections: DrbdConnection[];
}

export interface ReplicationState {
  /** False when DRBD is not installed or not loaded on the node — not an error. */
  drbdAvailable: boolean;
  /** Keyed by resource name. */
  drbd: Record<string, DrbdResource>;
}

// ---------------------------------------------------------------------------------------------
// the document

export interface CollectorErrorEntry {
  collector: Category;
  code: string;
  message: string;
}

export interface CategoryValues {
  os: OsInfo;
  capacity: CapacityInfo;
  packages: PackagesState;
  mounts: MountsState;
  units: UnitsState;
  sysctls: SysctlsState;
  files: FilesState;
  users: UsersState;
  replication: ReplicationState;
}

export type NodeState = {
  schema: typeof STATE_SCHEMA_ID;
  node: string;
  /** ISO 8601 UTC. */
  collectedAt: string;
  errors: CollectorErrorEntry[];
  /** `sha256:<hex>` of the canonical JSON of each category present. */
  hashes: Partial<Record<Category, string>>;
} & Partial<CategoryValues>;
