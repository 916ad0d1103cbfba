/**
 * Live kernel values: a walk of proc/sys through RootFs. About 1,340 files on a Debian 12 host,
 * so the walk stays plain: synchronous reads, one open+read per key, no intermediate arrays.
 */
import type { RootFs } from '../root-fs';
import { appendKeySegment, normalizeLiveValue } from './parse';
import { isVolatileSysctl } from './volatile';

const PROC_SYS = '/proc/sys';

/**
 * Subtrees that are not sysctls: fs/binfmt_misc is a separate file system mounted over
 * proc/sys/fs (its `register` file is write-only, its entries are binary format handlers).
 */
const SKIPPED_DIRS = new Set(['/proc/sys/fs/binfmt_misc']);

/**
 * Errors that reading a key raises even for root, and that `sysctl -a` skips too: EACCES for a
 * write-only key (the kernel checks the mode bits at open, root included) or one a security
 * module restricts, EPERM likewise (user namespaces), EIO for net.ipv6.conf.*.stable_secret until
 * a secret is set, EINVAL/EOPNOTSUPP/ENODEV for handlers that refuse reads in their current
 * state. Such a key has no value to report, so it is left out.
 */
const UNREADABLE_KEY_ERRORS = new Set(['EIO', 'EPERM', 'EACCES', 'EINVAL', 'EOPNOTSUPP', 'ENODEV']);

/** Mode bits for "someone may read": a key without any (vm/drop_caches, net/ipv4/route/flush) is write-only. */
const ANY_READ = 0o444;

/**
 * A file every kernel has, used to tell the real proc file system from a tree of plain files
 * (a fixture, a mounted image): procfs reports size 0 for files that do have content.
 */
const PROBE_KEY = '/proc/sys/kernel/osrelease';

/**
 * Whether proc/sys is served by a kernel. The kernel itself refuses to open a write-only key
 * (EACCES, even for root), so the per-key mode check below is only needed for plain files —
 * where root could read a 0200 file — and skipping ~1,340 lstat calls on a live node saves a
 * third of the walk.
 */
function isKernelProcSys(fs: RootFs): boolean {
  const stat = fs.lstat(PROBE_KEY);
  if (!stat || stat.type !== 'file' || stat.size !== 0) return false;
  return (fs.readText(PROBE_KEY) ?? '') !== '';
}

/**
 * Reads every readable key under proc/sys; undefined when the node has no proc/sys at all.
 * Keys come out in walk order (directory entries sorted by name).
 */
export function readLiveSysctls(fs: RootFs): Record<string, string> | undefined {
  if (fs.list(PROC_SYS) === undefined) return undefined;
  const live: Record<string, string> = {};
  walk({ fs, live, checkModes: !isKernelProcSys(fs) }, PROC_SYS, '');
  return live;
}

interface Walk {
  fs: RootFs;
  live: Record<string, string>;
  checkModes: boolean;
}

/** Walks `dir`, whose keys all start with `keyPrefix` (built once per directory, not per key). */
function walk(state: Walk, dir: string, keyPrefix: string): void {
  const entries = state.fs.list(dir);
  if (!entries) return; // vanished during the walk (an interface went away)
  for (const entry of entries) {
    const nodePath = `${dir}/${entry.name}`;
    if (entry.type === 'directory') {
      if (!SKIPPED_DIRS.has(nodePath)) walk(state, nodePath, appendKeySegment(keyPrefix, entry.name));
    } else if (entry.type === 'file') {
      const key = appendKeySegment(keyPrefix, entry.name);
      if (isVolatileSysctl(key)) continue;
      const value = readKey(state, nodePath);
      if (value !== undefined) state.live[key] = value;
    }
  }
}

function readKey(state: Walk, nodePath: string): string | undefined {
  if (state.checkModes) {
    // In a tree of plain files the mode, not a failed read, says "write-only".
    const stat = state.fs.lstat(nodePath);
    if (!stat || (stat.mode & ANY_READ) === 0) return undefined;
  }
  try {
    const raw = state.fs.readText(nodePath);
    return raw === undefined ? undefined : normalizeLiveValue(raw);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && UNREADABLE_KEY_ERRORS.has(code)) return undefined;
    throw err;
  }
}
