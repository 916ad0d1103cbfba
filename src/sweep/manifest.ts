/**
 * What a sweep fetches in its first round: exactly what the collectors read, collector by
 * collector, so that one round trip usually brings back everything. Each entry names the
 * collector code it serves; when a collector changes what it reads, this list must follow
 * (test/integration/sweep-fixtures.test.ts fails if a fixture node needs a second round).
 *
 * What cannot be known before seeing the node — a symlink pointing outside these places, a
 * linked unit file under /opt — is not guessed: the collectors run on the snapshot, every read
 * of something the snapshot does not hold is recorded, and the sweep fetches those in another
 * round on the same connection (src/sweep/session.ts).
 */
import * as path from 'node:path';
import { DPKG_STATUS, DPKG_UPDATES } from '../collect/packages/collect';
import { classifyWatchPath, looksSecret } from '../collect/files/parse';
import { BUILTIN_WATCHES } from '../collect/files/watch-list';
import { FSTAB_PATH, MOUNTINFO_PATHS } from '../collect/mounts/collect';
import { normalizeNodePath } from '../collect/root-fs';
import { SYSCTL_CONF_DIRS } from '../collect/sysctls/config-files';
import { OS_RELEASE_PATHS } from '../collect/os/collect';
import { FSCK_DIRS } from '../collect/units/collect';
import { SYSTEM_UNIT_PATH } from '../collect/units/search-path';
import type { CommandRequest, PathOp, PathRequest, Request } from './requests';
import type { Category } from '../model/state';
import { CATEGORIES } from '../model/state';
import { SYSTEM_UNIT_DIR } from '../model/managed-files';
import { ancestorsOf, isKernelPath, isListingOp } from './requests';

/** os/collect.ts: os-release, and /etc/hostname (the name when the kernel's is unset). */
const OS_FILES = [...OS_RELEASE_PATHS, '/etc/hostname'];
/** capacity/collect.ts: online CPUs (sysfs, else cpuinfo) and MemTotal. */
const CAPACITY_FILES = ['/sys/devices/system/cpu/online', '/proc/cpuinfo', '/proc/meminfo'];
/** replication/collect.ts: the DRBD module's status file. */
const PROC_DRBD = '/proc/drbd';
/** sysctls/live.ts walks this tree; os/collect.ts reads kernel/{arch,osrelease,hostname} from it. */
const PROC_SYS = '/proc/sys';
/** units/collect.ts: systemd is running when this is a directory (sd_booted()). */
const SYSTEMD_RUNTIME_DIR = '/run/systemd/system';
/** The usual mask target: a masked unit, sysctl.d file or watched file is read through it. */
const DEV_NULL = '/dev/null';
/** sysctls: /etc/sysctl.d/99-sysctl.conf → ../sysctl.conf on Debian and EL. */
const SYSCTL_CONF = '/etc/sysctl.conf';
/**
 * units/chase.ts follows every fstab mount point component by component, as the generator does
 * at boot: listing `/` and the usual parents of mount points answers that for most fstabs in the
 * first round (the rest comes in the next, once fstab has been read).
 */
const MOUNT_POINT_PARENTS = ['/', '/mnt', '/media', '/srv', '/data', '/home', '/opt', '/var'];
/** files/collect.ts and users/collect.ts: the node's own account names. */
const ACCOUNT_FILES = ['/etc/passwd', '/etc/group'];

/**
 * Never read by a sweep, whatever a role watches: password hashes and SSH host private keys
 * are of no use to a comparison that a hash of something else would not serve, and copying
 * them off a node is the kind of thing an attacker does. As find(1) `-path` patterns over
 * `./`-prefixed paths (`*` matches `/` too).
 */
export const NEVER_READ_PATTERNS: readonly string[] = [
  './etc/shadow',
  './etc/shadow-',
  './etc/gshadow',
  './etc/gshadow-',
  './etc/ssh/ssh_host_*_key',
];

/**
 * Name fragments that may mark a secret, for the files the script finds in a watched directory
 * by itself (`/etc/drbd.d/*`): such a file is only hashed on the node. A deliberately wide net —
 * every name files/parse.ts looksSecret() accepts contains one of these (matched without case),
 * and more (`monkey.conf`); the sweep fetches the text of those in another round once it has
 * seen the name and mode and the files collector's own rule says the text is kept.
 */
export const SECRET_NAME_HINTS: readonly string[] = [
  'key',
  'secret',
  'password',
  'token',
  'credential',
  'private',
  'shadow',
  'pem',
  'p12',
  'pfx',
  'id_',
];

/** Whether a node path is one the sweep never reads (same patterns, matched here). */
export function isNeverRead(nodePath: string): boolean {
  if (!nodePath.startsWith('/etc/')) return false; // every pattern is under /etc: the cheap answer first
  const wire = `.${nodePath}`;
  return NEVER_READ_PATTERNS.some((pattern) => {
    const star = pattern.indexOf('*');
    if (star < 0) return wire === pattern;
    const head = pattern.slice(0, star);
    const tail = pattern.slice(star + 1);
    return wire.length >= head.length + tail.length && wire.startsWith(head) && wire.endsWith(tail);
  });
}

/**
 * How a watched path is fetched: content unless its name says secret or the roles mark it
 * sensitive (then only its hash).
 */
function watchRequests(watchPath: string, sensitive: boolean): PathRequest[] {
  const pattern = classifyWatchPath(normalizeNodePath(watchPath));
  switch (pattern.kind) {
    case 'literal': {
      const name = pattern.path.slice(pattern.path.lastIndexOf('/') + 1);
      return [{ op: sensitive || looksSecret(name) ? 'hash' : 'watch', path: pattern.path }];
    }
    case 'glob':
      // The whole directory is listed and its files fetched as watches; the collector matches.
      return [{ op: 'watch-dir', path: pattern.dir }];
    case 'invalid':
      return []; // the files collector records the error itself
  }
}

/** The commands a collector runs, each under the condition the collector itself checks. */
const COMMANDS: Record<'os' | 'units' | 'replication' | 'packages', CommandRequest> = {
  os: { op: 'command', id: 'uname-m', when: { test: 'missing', path: `${PROC_SYS}/kernel/arch` } },
  units: { op: 'command', id: 'list-units', when: { test: 'dir', path: SYSTEMD_RUNTIME_DIR } },
  // Only with /proc/drbd: drbdsetup loads the module when it is missing (replication/collect.ts).
  replication: { op: 'command', id: 'drbd-status', when: { test: 'exists', path: PROC_DRBD } },
  packages: { op: 'command', id: 'rpm-query', when: { test: 'missing', path: DPKG_STATUS } },
};

const kernelFiles = (paths: readonly string[]): PathRequest[] =>
  paths.map((path): PathRequest => ({ op: 'kernel', path }));
const files = (paths: readonly string[]): PathRequest[] =>
  paths.map((path): PathRequest => ({ op: 'file', path }));

/**
 * What each collector reads, by category: a collection of some categories (apply verifying a
 * fix) asks for their part only. What a collector reads beyond its part (the files collector's
 * owner names, the units collector's fstab) is fetched in another round if it is missing.
 */
const CATEGORY_REQUESTS: Record<
  Category,
  (watchPaths: readonly string[], sensitive: readonly string[]) => Request[]
> = {
  // os-release, /etc/hostname (the name when the kernel's is unset), kernel facts from proc/sys
  os: () => [
    ...files(OS_FILES),
    ...kernelFiles(['osrelease', 'arch', 'hostname'].map((name) => `${PROC_SYS}/kernel/${name}`)),
    COMMANDS.os,
  ],
  capacity: () => kernelFiles(CAPACITY_FILES),
  // PID 1's mount table, else the script's own; fstab
  mounts: () => [...kernelFiles(MOUNTINFO_PATHS), ...files([FSTAB_PATH])],
  replication: () => [...kernelFiles([PROC_DRBD]), COMMANDS.replication],
  // live: the listing gives modes and sizes, the kernel read gives values; persisted: sysctl.d
  sysctls: () => [
    { op: 'walk', path: PROC_SYS },
    { op: 'kernel', path: PROC_SYS },
    ...SYSCTL_CONF_DIRS.map((path): PathRequest => ({ op: 'tree', path })),
    ...files([SYSCTL_CONF]),
    { op: 'stat', path: DEV_NULL }, // a masked sysctl.d file
  ],
  packages: () => [{ op: 'file', path: DPKG_STATUS }, { op: 'tree', path: DPKG_UPDATES }, COMMANDS.packages],
  units: () => [
    ...files([FSTAB_PATH]),
    ...FSCK_DIRS.map((path): PathRequest => ({ op: 'dir', path })),
    ...MOUNT_POINT_PARENTS.map((path): PathRequest => ({ op: 'dir', path })),
    ...SYSTEM_UNIT_PATH.map((dir): PathRequest => ({ op: 'tree', path: dir.path })),
    { op: 'stat', path: DEV_NULL },
    COMMANDS.units,
  ],
  users: () => files(ACCOUNT_FILES),
  // owner names from the accounts, the built-in and the roles' watched paths, driftguard's own
  // drop-ins (UNIT.d/50-driftguard.conf, one level below the unit directory: the tree the units
  // collector reads too), and the usual target of a watched path masked by a symlink
  files: (watchPaths, sensitive) => [
    ...files(ACCOUNT_FILES),
    ...[...BUILTIN_WATCHES.map((watch) => watch.path), ...watchPaths].flatMap((path) =>
      watchRequests(path, sensitive.includes(path)),
    ),
    { op: 'tree', path: SYSTEM_UNIT_DIR },
    { op: 'stat', path: DEV_NULL },
  ],
};

/**
 * The first round's requests for a node whose roles watch `watchPaths`, of which `sensitive`
 * are recorded by hash only: of every category, or of these.
 */
export function initialRequests(
  watchPaths: readonly string[],
  sensitive: readonly string[] = [],
  categories: readonly Category[] = CATEGORIES,
): Request[] {
  const requests = categories.flatMap((category) => CATEGORY_REQUESTS[category](watchPaths, sensitive));
  const kernelDirs = requests.flatMap((r) => (r.op === 'kernel' ? [r.path] : []));
  // A kernel file inside a kernel tree read anyway (os's kernel/osrelease in sysctls' /proc/sys) is read once.
  const paths = requests.filter(
    (request): request is PathRequest =>
      request.op !== 'command' &&
      !(request.op === 'kernel' && kernelDirs.some((dir) => request.path.startsWith(`${dir}/`))),
  );
  const commands = Object.values(COMMANDS).filter((command) => requests.includes(command));
  // Directories holding a sensitive file: a listing with contents (`watch-dir`, for a glob such
  // as the built-in /etc/drbd.d/*) would carry its content off the node. Such a directory is
  // only listed; its other files are fetched in the next round (session.ts).
  const sensitiveDirs = new Set(sensitive.map((raw) => path.posix.dirname(normalizeNodePath(raw))));
  const merged = mergePathRequests(paths).map((request) =>
    request.op === 'watch-dir' && sensitiveDirs.has(request.path)
      ? { ...request, op: 'dir' as const }
      : request,
  );
  return [...withAncestors(merged), ...kernelRoots(merged), ...commands];
}

/**
 * lstat of /proc and /sys when a kernel file under them is asked for. Kernel paths get no
 * ancestors (nothing below /proc is walked for them), so without this a kernel file that is
 * absent (/proc/drbd without the module) leaves its parent unknown and the collector's read costs
 * another round — unless `/` is listed anyway (units lists it, so a full manifest needs none). A category
 * collected alone (verification, re-sweeps: src/sweep/resweep.ts) must not depend on that.
 */
function kernelRoots(requests: readonly PathRequest[]): PathRequest[] {
  if (requests.some((request) => request.path === '/' && isListingOp(request.op))) return []; // listed with `/`
  const roots = new Set<string>();
  for (const request of requests) {
    if (request.op !== 'kernel') continue;
    const slash = request.path.indexOf('/', 1);
    const root = slash < 0 ? request.path : request.path.slice(0, slash);
    if (!requests.some((other) => other.path === root && other.op !== 'kernel')) roots.add(root);
  }
  return [...roots].map((path): PathRequest => ({ op: 'stat', path }));
}

/**
 * Which op wins when one path is asked for several ways: content beats hash-if-private beats
 * hash beats lstat; a two-level listing with contents beats a one-level one. A path the sweep
 * never reads keeps only its lstat facts.
 */
const RANK: Record<PathOp, number> = {
  stat: 0,
  hash: 1,
  watch: 2,
  file: 3,
  dir: 0,
  'watch-dir': 1,
  tree: 2,
  walk: 3,
  kernel: 0,
};

type OpFamily = 'single' | 'listing' | 'walk' | 'kernel';

function familyOf(op: PathOp): OpFamily {
  if (op === 'kernel') return 'kernel';
  if (op === 'walk') return 'walk';
  return isListingOp(op) ? 'listing' : 'single';
}

/** One request per path and family, the strongest op kept, first-seen order preserved. */
export function mergePathRequests(requests: readonly PathRequest[]): PathRequest[] {
  const byKey = new Map<string, PathRequest>();
  for (const request of requests) {
    let op = request.op;
    if (isNeverRead(request.path) && (op === 'file' || op === 'watch' || op === 'hash')) op = 'stat';
    const key = `${familyOf(op)} ${request.path}`;
    const previous = byKey.get(key);
    if (!previous || RANK[op] > RANK[previous.op]) byKey.set(key, { op, path: request.path });
  }
  // A lone lstat request is redundant next to any request that reports lstat facts too.
  const covered = new Set(
    [...byKey.values()].filter((r) => r.op !== 'stat' && r.op !== 'kernel').map((r) => r.path),
  );
  return [...byKey.values()].filter((r) => r.op !== 'stat' || !covered.has(r.path));
}

/**
 * Adds lstat requests for every ancestor of every (non-kernel) path: the snapshot resolves
 * symlinks itself, so it must know which directories on the way are symlinks (/lib → usr/lib).
 */
export function withAncestors(requests: readonly PathRequest[]): PathRequest[] {
  const requested = new Set(requests.map((r) => r.path));
  const ancestors: PathRequest[] = [];
  for (const request of requests) {
    if (isKernelPath(request.path)) continue;
    for (const ancestor of ancestorsOf(request.path)) {
      if (requested.has(ancestor)) continue;
      requested.add(ancestor);
      ancestors.push({ op: 'stat', path: ancestor });
    }
  }
  return [...ancestors, ...requests];
}
