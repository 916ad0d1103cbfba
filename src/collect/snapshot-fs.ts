/**
 * A node's file system held in memory: what an SSH sweep brought back from the node, served to
 * the same collectors that read a live `/` or a fixture tree through {@link DiskRootFs}.
 *
 * It knows exactly what it was given and nothing more. Each path is one of:
 *   - an entry with lstat facts (type, mode, uid, gid, size), plus for a symlink its target,
 *     for a regular file its content when it was transferred (or the error the node gave when
 *     reading it, or a note that it was deliberately not transferred), for a directory whether
 *     its listing is complete;
 *   - absent (the node said so, or it is missing from a complete listing);
 *   - unknown — never asked about. Reading an unknown path calls `onUnknown` (the sweep records
 *     it and fetches it in another round) and then answers as if the path did not exist.
 * Symlinks are resolved here, component by component, with absolute targets taken relative to the
 * node's root — the rules of DiskRootFs for a fixture root, so both answer alike.
 */
import * as path from 'node:path';
import type { DirEntry, EntryType, FileStat, RootFs } from './root-fs';
import { normalizeNodePath } from './root-fs';
import { compareText } from '../shared/order';

export interface SnapshotStat extends FileStat {
  /** For symlinks: the target exactly as stored. */
  target?: string;
}

/** Why content the node has is not in the snapshot. */
export type ContentGap =
  /** The node refused the read (`EACCES`, `EIO` …): reads throw an error with this code, as on the node. */
  | { kind: 'read-error'; code: string; message: string }
  /**
   * Deliberately not transferred (a secret): reads throw `EACCES` with this reason. The node
   * may have sent the file's sha256 instead, so that it can still be compared.
   */
  | { kind: 'withheld'; reason: string; sha256?: string };

/** What a read needed and did not find, for the owner of the snapshot to fetch. */
export type UnknownNeed =
  /** lstat facts of `path` (a component on the way, or the path itself). */
  | { kind: 'stat'; path: string }
  /** The listing of directory `path`. */
  | { kind: 'list'; path: string }
  /** The content of regular file `path`. */
  | { kind: 'content'; path: string };

interface Entry {
  stat: SnapshotStat;
  content?: Buffer;
  gap?: ContentGap;
  /** Directories: every child is known (absent names are absent). */
  listed?: boolean;
  /** Known to exist as a directory on the way to other paths, but never stat'ed itself. */
  implicit?: boolean;
}

const MAX_SYMLINK_HOPS = 40;
const DEV_NULL = '/dev/null';

type Resolution =
  | { kind: 'found'; path: string; entry: Entry }
  | { kind: 'missing' }
  | { kind: 'unknown'; need: UnknownNeed };

type DirResolution =
  { kind: 'dir'; path: string } | { kind: 'missing' } | { kind: 'unknown'; need: UnknownNeed };

function errnoError(code: string, syscall: string, nodePath: string, detail?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${detail ?? syscall}, ${syscall} '${nodePath}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = nodePath;
  return error;
}

function parentOf(nodePath: string): string {
  const slash = nodePath.lastIndexOf('/');
  return slash <= 0 ? '/' : nodePath.slice(0, slash);
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function byName(a: DirEntry, b: DirEntry): number {
  return compareText(a.name, b.name);
}

export class SnapshotRootFs implements RootFs {
  readonly description: string;
  /** Called for every read that reaches a path the snapshot knows nothing about. */
  onUnknown: ((need: UnknownNeed) => void) | undefined;

  private readonly entries = new Map<string, Entry>();
  private readonly children = new Map<string, Set<string>>();
  private readonly absent = new Set<string>();
  /** Directory paths that are the same directory as another (a bind mount seen under two names). */
  private readonly binds = new Map<string, string>();
  private readonly sortedListings = new Map<string, DirEntry[]>();
  /**
   * Resolutions of parent directories, so that the thousands of reads in one directory (proc/sys,
   * a unit directory) walk its path once. Cleared whenever the snapshot learns something.
   */
  private readonly dirCache = new Map<string, DirResolution>();

  constructor(description: string) {
    this.description = description;
  }

  // ---- filling the snapshot -------------------------------------------------------------

  /** Records lstat facts of a path (replacing what was known). The path is taken as canonical. */
  setEntry(nodePath: string, stat: SnapshotStat): void {
    const normal = normalizeNodePath(nodePath);
    this.dirCache.clear();
    const previous = this.entries.get(normal);
    const entry: Entry = { stat };
    // New lstat facts of the same kind keep content and listing learnt earlier.
    if (previous && previous.stat.type === stat.type && !previous.implicit) {
      if (previous.content !== undefined) entry.content = previous.content;
      if (previous.gap !== undefined) entry.gap = previous.gap;
      if (previous.listed) entry.listed = true;
    }
    this.entries.set(normal, entry);
    this.absent.delete(normal);
    this.addChild(normal);
  }

  /** Content of a regular file already recorded with setEntry (or implicitly created as a file). */
  setContent(nodePath: string, content: Buffer): void {
    const entry = this.fileEntry(nodePath, content.length);
    entry.content = content;
    delete entry.gap;
  }

  /** The node could not, or the sweep would not, give the content of this file. */
  setContentGap(nodePath: string, gap: ContentGap): void {
    const entry = this.fileEntry(nodePath, 0);
    delete entry.content;
    entry.gap = gap;
  }

  /** Says that every child of this directory is known. */
  markListed(nodePath: string): void {
    this.dirCache.clear();
    const entry = this.entries.get(normalizeNodePath(nodePath));
    if (entry?.stat.type === 'directory') {
      entry.listed = true;
      this.children.set(
        normalizeNodePath(nodePath),
        this.children.get(normalizeNodePath(nodePath)) ?? new Set(),
      );
    }
  }

  /** The path does not exist on the node. */
  markAbsent(nodePath: string): void {
    this.dirCache.clear();
    const normal = normalizeNodePath(nodePath);
    if (this.entries.delete(normal)) {
      this.children.get(parentOf(normal))?.delete(path.posix.basename(normal));
      this.sortedListings.delete(parentOf(normal));
    }
    this.absent.add(normal);
  }

  /** `alias` is the same directory as `canonical` (seen under two names, not through a symlink). */
  bind(alias: string, canonical: string): void {
    this.dirCache.clear();
    this.binds.set(normalizeNodePath(alias), normalizeNodePath(canonical));
  }

  /**
   * The canonical place of a path as far as this snapshot knows its symlinks: every component
   * that is a known symlink is replaced by its target; unknown components are taken as plain
   * directories. Used to file what the node reported under the name it was asked by.
   */
  canonicalPath(nodePath: string, followLast = false): string {
    const pending = normalizeNodePath(nodePath).split('/').filter(Boolean);
    let current = '/';
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      const candidate = this.unbind(join(current, part));
      const entry = this.entries.get(candidate);
      const follow = pending.length > 0 || followLast;
      if (follow && entry?.stat.type === 'symlink' && entry.stat.target !== undefined) {
        if (++hops > MAX_SYMLINK_HOPS) return candidate;
        this.pushTarget(pending, current, entry.stat.target);
        current = '/';
        continue;
      }
      current = candidate;
    }
    return current;
  }

  /** Whether lstat facts of this exact (canonical) path are recorded. */
  has(nodePath: string): boolean {
    const entry = this.entries.get(normalizeNodePath(nodePath));
    return entry !== undefined && !entry.implicit;
  }

  /** The recorded facts of this exact (canonical) path, symlinks not followed. */
  entryStat(nodePath: string): SnapshotStat | undefined {
    const entry = this.entries.get(normalizeNodePath(nodePath));
    return entry && !entry.implicit ? entry.stat : undefined;
  }

  /** Where a path leads with every symlink followed, when the snapshot knows; no onUnknown call. */
  realPath(nodePath: string): string | undefined {
    const resolution = this.resolve(nodePath, true);
    return resolution.kind === 'found' ? resolution.path : undefined;
  }

  /** The sha256 (hex) the node sent instead of a withheld file's content. */
  withheldHash(nodePath: string): string | undefined {
    const gap = this.entries.get(normalizeNodePath(nodePath))?.gap;
    return gap?.kind === 'withheld' ? gap.sha256 : undefined;
  }

  /** Paths recorded, for diagnostics and tests. */
  paths(): string[] {
    return [...this.entries.keys()].sort();
  }

  // ---- RootFs ------------------------------------------------------------------------------

  readText(nodePath: string): string | undefined {
    return this.readBytes(nodePath)?.toString('utf8');
  }

  readBytes(nodePath: string): Buffer | undefined {
    const found = this.found(nodePath, true);
    if (!found) return undefined;
    const { entry } = found;
    switch (entry.stat.type) {
      case 'directory':
        throw errnoError('EISDIR', 'read', nodePath, 'illegal operation on a directory');
      case 'other':
        // Device contents are never transferred. /dev/null is what masks point at; it reads empty.
        if (found.path === DEV_NULL) return Buffer.alloc(0);
        throw errnoError('EIO', 'read', nodePath, 'device content is not part of a snapshot');
      default:
        break;
    }
    if (entry.content !== undefined) return entry.content;
    if (entry.gap?.kind === 'read-error')
      throw errnoError(entry.gap.code, 'read', nodePath, entry.gap.message);
    if (entry.gap?.kind === 'withheld') throw errnoError('EACCES', 'read', nodePath, entry.gap.reason);
    this.onUnknown?.({ kind: 'content', path: found.path });
    return undefined;
  }

  list(nodePath: string): DirEntry[] | undefined {
    const found = this.found(nodePath, true);
    if (!found) return undefined;
    // DiskRootFs counts ENOTDIR as "no such directory".
    if (found.entry.stat.type !== 'directory') return undefined;
    if (!found.entry.listed) {
      this.onUnknown?.({ kind: 'list', path: found.path });
      return undefined;
    }
    let listing = this.sortedListings.get(found.path);
    if (!listing) {
      listing = [...(this.children.get(found.path) ?? [])]
        .map((name) => ({ name, type: this.typeOfChild(join(found.path, name)) }))
        .sort(byName);
      this.sortedListings.set(found.path, listing);
    }
    return listing.map((entry) => ({ ...entry }));
  }

  lstat(nodePath: string): FileStat | undefined {
    return this.statOf(this.found(nodePath, false));
  }

  stat(nodePath: string): FileStat | undefined {
    return this.statOf(this.found(nodePath, true));
  }

  readlink(nodePath: string): string | undefined {
    const found = this.found(nodePath, false);
    if (found?.entry.implicit) {
      this.onUnknown?.({ kind: 'stat', path: found.path });
      return undefined;
    }
    return found?.entry.stat.type === 'symlink' ? found.entry.stat.target : undefined;
  }

  // ---- resolution ----------------------------------------------------------------------------

  /** lstat facts; a path known only by its content (or as a parent) has none yet: a stat need. */
  private statOf(found: { path: string; entry: Entry } | undefined): FileStat | undefined {
    if (!found) return undefined;
    if (found.entry.implicit) {
      this.onUnknown?.({ kind: 'stat', path: found.path });
      return undefined;
    }
    const { type, mode, uid, gid, size } = found.entry.stat;
    return { type, mode, uid, gid, size };
  }

  /** The entry a path leads to, or undefined (missing, or unknown after telling onUnknown). */
  private found(nodePath: string, followLast: boolean): { path: string; entry: Entry } | undefined {
    const resolution = this.resolve(nodePath, followLast);
    if (resolution.kind === 'found') return resolution;
    if (resolution.kind === 'unknown') this.onUnknown?.(resolution.need);
    return undefined;
  }

  /** The directory a path names (symlinks followed), cached until the snapshot changes. */
  private resolveDir(dirPath: string): DirResolution {
    if (dirPath === '/') return { kind: 'dir', path: '/' };
    let cached = this.dirCache.get(dirPath);
    if (cached === undefined) {
      const resolution = this.walk(dirPath.split('/').filter(Boolean), '/', true);
      cached =
        resolution.kind !== 'found'
          ? resolution
          : resolution.entry.stat.type === 'directory'
            ? { kind: 'dir', path: resolution.path }
            : { kind: 'missing' }; // ENOTDIR
      this.dirCache.set(dirPath, cached);
    }
    return cached;
  }

  private resolve(nodePath: string, followLast: boolean): Resolution {
    const normal = normalizeNodePath(nodePath);
    if (normal === '/') return this.walk([], '/', followLast);
    const slash = normal.lastIndexOf('/');
    const name = normal.slice(slash + 1);
    const dir = this.resolveDir(slash === 0 ? '/' : normal.slice(0, slash));
    if (dir.kind === 'missing') return dir;
    if (dir.kind === 'unknown')
      return { kind: 'unknown', need: { kind: 'stat', path: `${dir.need.path}/${name}` } };
    return this.walk([name], dir.path, followLast);
  }

  /** DiskRootFs.resolveInside() over the snapshot: `pending` components from directory `current`. */
  private walk(pending: string[], current: string, followLast: boolean): Resolution {
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      const candidate = this.unbind(join(current, part));
      const entry = this.entries.get(candidate);
      if (!entry) {
        if (this.isKnownAbsent(candidate)) return { kind: 'missing' };
        const rest = pending.length > 0 ? `${candidate}/${pending.join('/')}` : candidate;
        return { kind: 'unknown', need: { kind: 'stat', path: rest } };
      }
      if (entry.stat.type === 'symlink' && (pending.length > 0 || followLast)) {
        // A loop: DiskRootFs gives up after as many hops and reports the path as missing.
        if (++hops > MAX_SYMLINK_HOPS || entry.stat.target === undefined) return { kind: 'missing' };
        this.pushTarget(pending, current, entry.stat.target);
        current = '/';
        continue;
      }
      // A file (or anything but a directory) with more path after it: ENOTDIR, i.e. missing.
      if (pending.length > 0 && entry.stat.type !== 'directory') return { kind: 'missing' };
      current = candidate;
    }
    const entry = this.entries.get(current);
    if (entry) return { kind: 'found', path: current, entry };
    // `/` itself, never recorded: a read of it is a stat need like any other.
    return { kind: 'unknown', need: { kind: 'stat', path: current } };
  }

  private pushTarget(pending: string[], current: string, target: string): void {
    const next = target.startsWith('/') ? target : path.posix.join(current, target);
    pending.unshift(...normalizeNodePath(next).split('/').filter(Boolean));
  }

  private unbind(candidate: string): string {
    return this.binds.size === 0 ? candidate : (this.binds.get(candidate) ?? candidate);
  }

  private isKnownAbsent(candidate: string): boolean {
    if (this.absent.has(candidate)) return true;
    const parent = this.entries.get(parentOf(candidate));
    return parent?.listed === true;
  }

  private typeOfChild(childPath: string): EntryType {
    return this.entries.get(childPath)?.stat.type ?? 'other';
  }

  private addChild(normal: string): void {
    if (normal === '/') return;
    const parent = parentOf(normal);
    let names = this.children.get(parent);
    if (!names) {
      names = new Set();
      this.children.set(parent, names);
    }
    names.add(path.posix.basename(normal));
    this.sortedListings.delete(parent);
    // The parents of a recorded path exist as directories even when never stat'ed themselves.
    let dir = parent;
    while (!this.entries.has(dir)) {
      this.entries.set(dir, {
        stat: { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 },
        implicit: true,
      });
      this.absent.delete(dir);
      if (dir === '/') break;
      const up = parentOf(dir);
      let upNames = this.children.get(up);
      if (!upNames) {
        upNames = new Set();
        this.children.set(up, upNames);
      }
      upNames.add(path.posix.basename(dir));
      dir = up;
    }
  }

  /** The entry of a file about to get content; a file never stat'ed gets unknown (implicit) lstat facts. */
  private fileEntry(nodePath: string, size: number): Entry {
    const normal = normalizeNodePath(nodePath);
    let entry = this.entries.get(normal);
    if (!entry || entry.stat.type !== 'file') {
      this.setEntry(normal, { type: 'file', mode: 0o444, uid: 0, gid: 0, size });
      entry = this.entries.get(normal) as Entry;
      // Content alone says nothing about mode or owner: lstat of it is still unknown.
      entry.implicit = true;
    }
    return entry;
  }
}
