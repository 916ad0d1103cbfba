/**
 * Which sysctl.d files systemd-sysctl reads, and in which order — systemd 252's conf-files rules
 * (src/basic/conf-files.c), as `systemd-analyze cat-config sysctl.d` lists them:
 *   - directories, highest priority first: /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
 *     /usr/lib/sysctl.d, and /lib/sysctl.d (Debian and RHEL build systemd with split-usr, so the
 *     last one is searched too; on a merged-/usr system /lib is a symlink to usr/lib and the
 *     duplicate is dropped: systemd's `path_strv_resolve_uniq()` resolves every search-path entry
 *     and files are then named under the resolved directory);
 *   - every `*.conf` name except hidden ones (leading `.`); a name found in an earlier directory
 *     hides the same name in later ones, whatever the earlier entry is — a symlink to /dev/null
 *     or an empty file therefore masks the vendor file (sysctl calls conf_files_list with no
 *     flags, so the mask is simply an empty file that wins);
 *   - the winners sorted by name (byte order) and read in that order: later files win.
 * /etc/sysctl.conf is not read by systemd-sysctl at all; Debian (procps) and RHEL ship the
 * symlink /etc/sysctl.d/99-sysctl.conf → ../sysctl.conf, which is how it takes part.
 */
import * as path from 'node:path';
import type { RootFs } from '../root-fs';
import { normalizeNodePath } from '../root-fs';
import { compareText } from '../../shared/order';

export const SYSCTL_CONF_DIRS: readonly string[] = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
];

const CONF_SUFFIX = '.conf';

export interface ConfDirListing {
  /** Directory with its symlinks resolved: systemd lists files under the resolved path. */
  dir: string;
  names: readonly string[];
}

/** Pure: the files systemd would read, in order, from the listings of its search path. */
export function selectConfFiles(listings: readonly ConfDirListing[]): string[] {
  const winners = new Map<string, string>();
  for (const listing of listings) {
    for (const name of listing.names) {
      if (!name.endsWith(CONF_SUFFIX) || name.startsWith('.')) continue;
      if (!winners.has(name)) winners.set(name, path.posix.join(listing.dir, name));
    }
  }
  return [...winners.keys()].sort(compareText).map((name) => winners.get(name) as string);
}

const MAX_SYMLINK_HOPS = 40;

/**
 * A node path with every symlink resolved inside the node (absolute targets stay inside the
 * root). Used only to spot two search-path entries that are the same directory.
 */
export function resolveNodePath(fs: RootFs, nodePath: string): string {
  const pending = normalizeNodePath(nodePath).split('/').filter(Boolean);
  let current = '/';
  let hops = 0;
  while (pending.length > 0) {
    const candidate = path.posix.join(current, pending.shift() as string);
    const target = fs.readlink(candidate);
    if (target === undefined || ++hops > MAX_SYMLINK_HOPS) {
      current = candidate;
      continue;
    }
    pending.unshift(...normalizeNodePath(path.posix.resolve(current, target)).split('/').filter(Boolean));
    current = '/';
  }
  return current;
}

/** The sysctl.d files of a node in the order systemd-sysctl reads them. */
export function listSysctlConfFiles(fs: RootFs, dirs: readonly string[] = SYSCTL_CONF_DIRS): string[] {
  const seen = new Set<string>();
  const listings: ConfDirListing[] = [];
  for (const dir of dirs) {
    const resolved = resolveNodePath(fs, dir);
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const entries = fs.list(resolved);
    if (entries) listings.push({ dir: resolved, names: entries.map((entry) => entry.name) });
  }
  return selectConfFiles(listings);
}
