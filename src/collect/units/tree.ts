/**
 * A snapshot of the unit search path: what each directory holds (unit files and symlinks,
 * `NAME.d/*.conf` drop-ins, `NAME.wants|requires|upholds/` links). Listing is the only I/O here;
 * file contents are read later, once, for the units that win. Directories that are the same
 * directory under two names (/lib/systemd/system and /usr/lib/systemd/system on merged-/usr) are
 * listed once and shared, but both stay on the path, as systemd keeps both.
 */
import type { EntryType, RootFs } from '../root-fs';
import type { GeneratedUnitFile } from './fstab-generator';
import type { SearchDir } from './search-path';
import { SYSTEM_UNIT_PATH } from './search-path';
import { isValidUnitName } from './unit-name';

export interface TreeEntry {
  name: string;
  type: EntryType;
  /** For symlinks: the target as stored. */
  target?: string;
  /** For entries a generator simulation placed here: the unit it would write. */
  generated?: GeneratedUnitFile;
  /** For generated entries: a real file of that name was there too (the generator's last run). */
  onDisk?: boolean;
}

export interface ScannedDir extends SearchDir {
  /** Top-level entries whose names are unit names. */
  units: Map<string, TreeEntry>;
  /** `multi-user.target.wants` → the entries in it. */
  linkDirs: Map<string, TreeEntry[]>;
  /** `foo.service` (the `.d` stripped; also `service`, `foo-.service`) → the `*.conf` entries in it. */
  dropInDirs: Map<string, TreeEntry[]>;
}

export interface UnitTree {
  dirs: ScannedDir[];
}

const LINK_DIR_SUFFIXES = ['.wants', '.requires', '.upholds'];
const MAX_SYMLINK_HOPS = 40;

function entryOf(fs: RootFs, dir: string, name: string, type: EntryType): TreeEntry {
  if (type !== 'symlink') return { name, type };
  const target = fs.readlink(`${dir}/${name}`);
  return target === undefined ? { name, type } : { name, type, target };
}

/** The directory's path with every symlink in it resolved (inside the node's root). */
export function canonicalPath(fs: RootFs, path: string): string {
  const pending = path.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = `/${[...done, part].join('/')}`;
    const target = fs.lstat(candidate)?.type === 'symlink' ? fs.readlink(candidate) : undefined;
    if (target === undefined || ++hops > MAX_SYMLINK_HOPS) {
      done.push(part);
      continue;
    }
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return `/${done.join('/')}`;
}

function scanDir(fs: RootFs, dir: SearchDir): Omit<ScannedDir, keyof SearchDir> {
  const units = new Map<string, TreeEntry>();
  const linkDirs = new Map<string, TreeEntry[]>();
  const dropInDirs = new Map<string, TreeEntry[]>();
  for (const entry of fs.list(dir.path) ?? []) {
    if (entry.type === 'directory') {
      if (entry.name.endsWith('.d')) {
        const confs = (fs.list(`${dir.path}/${entry.name}`) ?? [])
          .filter((child) => child.name.endsWith('.conf') && child.type !== 'directory')
          .map((child) => entryOf(fs, `${dir.path}/${entry.name}`, child.name, child.type));
        dropInDirs.set(entry.name.slice(0, -2), confs);
      } else if (LINK_DIR_SUFFIXES.some((suffix) => entry.name.endsWith(suffix))) {
        const links = (fs.list(`${dir.path}/${entry.name}`) ?? [])
          .filter((child) => child.type !== 'directory')
          .map((child) => entryOf(fs, `${dir.path}/${entry.name}`, child.name, child.type));
        linkDirs.set(entry.name, links);
      }
      continue;
    }
    if (isValidUnitName(entry.name)) units.set(entry.name, entryOf(fs, dir.path, entry.name, entry.type));
  }
  return { units, linkDirs, dropInDirs };
}

export function scanUnitTree(fs: RootFs, searchPath: readonly SearchDir[] = SYSTEM_UNIT_PATH): UnitTree {
  const byCanonical = new Map<string, Omit<ScannedDir, keyof SearchDir>>();
  const dirs: ScannedDir[] = [];
  for (const dir of searchPath) {
    const canonical = canonicalPath(fs, dir.path);
    let contents = byCanonical.get(canonical);
    if (!contents) {
      contents = scanDir(fs, dir);
      byCanonical.set(canonical, contents);
    }
    dirs.push({ ...dir, ...contents });
  }
  return { dirs };
}
