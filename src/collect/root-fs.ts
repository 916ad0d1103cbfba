/**
 * The file system of the node being collected, seen from inside. Collectors ask for node paths
 * (`/etc/fstab`) and never touch `fs` themselves, so the same collector reads:
 *   - this host (`root` = `/`),
 *   - a fixture tree or a mounted image (`--root DIR`, like node_exporter's `--path.rootfs`),
 *   - a snapshot that an SSH sweep brought back (an in-memory implementation of this interface).
 *
 * The interface is synchronous on purpose: collection reads thousands of tiny files (proc/sys,
 * unit files), and synchronous reads of small files are several times faster in Node than
 * promise-based ones. Collection runs in the CLI, the agent or a sweep worker, never on the
 * server's request path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { byText } from '../shared/order';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  type: EntryType;
}

export interface FileStat {
  type: EntryType;
  /** Permission bits and set-id bits (`st_mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

export interface RootFs {
  /** Where this node's `/` is, for messages (`/`, a fixture folder, `ssh://host`). */
  readonly description: string;
  /** Content as UTF-8, following symlinks inside the root; undefined when the path does not exist. */
  readText(nodePath: string): string | undefined;
  /** Raw content, following symlinks inside the root; undefined when the path does not exist. */
  readBytes(nodePath: string): Buffer | undefined;
  /** Entries of a directory (following symlinks to it), sorted by name; undefined when it does not exist. */
  list(nodePath: string): DirEntry[] | undefined;
  /** Information about the path itself (a symlink is reported as a symlink). */
  lstat(nodePath: string): FileStat | undefined;
  /** Information about what the path points to, following symlinks inside the root. */
  stat(nodePath: string): FileStat | undefined;
  /** Target of a symlink exactly as stored; undefined when not a symlink or absent. */
  readlink(nodePath: string): string | undefined;
}

const MAX_SYMLINK_HOPS = 40;

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The value of `read()`, or undefined when what it reads does not exist. */
function unlessMissing<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

function typeOf(stats: fs.Stats | fs.Dirent): EntryType {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  return 'other';
}

function toStat(stats: fs.Stats): FileStat {
  return { type: typeOf(stats), mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, size: stats.size };
}

/** Already absolute and free of `//`, `/./`, `/../` and a trailing slash: nothing to do. */
const NEEDS_NORMALISING = /\/\/|\/\.\.?(\/|$)|.\/$/;

/** Normalises a node path to an absolute, `..`-free path (`..` never climbs above `/`). */
export function normalizeNodePath(nodePath: string): string {
  // Collectors pass clean paths thousands of times (proc/sys); skip path.resolve for them.
  if (nodePath.startsWith('/') && !NEEDS_NORMALISING.test(nodePath)) return nodePath;
  return path.posix.resolve('/', nodePath);
}

/**
 * A node whose `/` is a directory on this machine. With root `/` the host's own resolution is
 * used; otherwise symlinks are resolved by hand so that an absolute target such as
 * `/lib/systemd/system/ssh.service` stays inside the root instead of escaping to the host.
 */
export class DiskRootFs implements RootFs {
  readonly description: string;
  private readonly root: string;
  private readonly isHostRoot: boolean;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.isHostRoot = this.root === '/';
    this.description = this.root;
  }

  /** The host path of a node path, following no symlinks. */
  hostPath(nodePath: string): string {
    const normal = normalizeNodePath(nodePath);
    return this.isHostRoot ? normal : path.join(this.root, normal);
  }

  /** The host path after resolving every symlink in the node path inside the root. */
  resolvedHostPath(nodePath: string): string | undefined {
    if (this.isHostRoot) return normalizeNodePath(nodePath);
    const resolved = this.resolveInside(nodePath);
    return resolved === undefined ? undefined : path.join(this.root, resolved);
  }

  /** Resolves symlinks component by component, interpreting absolute targets relative to the root. */
  private resolveInside(nodePath: string): string | undefined {
    const pending = normalizeNodePath(nodePath).split('/').filter(Boolean);
    let current = '/';
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      const candidate = path.posix.join(current, part);
      let stats: fs.Stats;
      try {
        stats = fs.lstatSync(path.join(this.root, candidate));
      } catch (err) {
        if (isMissing(err)) return candidate + (pending.length ? '/' + pending.join('/') : '');
        throw err;
      }
      if (!stats.isSymbolicLink()) {
        current = candidate;
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) return undefined;
      const target = fs.readlinkSync(path.join(this.root, candidate));
      const next = target.startsWith('/') ? target : path.posix.join(current, target);
      pending.unshift(...normalizeNodePath(next).split('/').filter(Boolean));
      current = '/';
    }
    return current;
  }

  /** Runs `read` on the resolved host path; undefined when the path (or a parent) does not exist. */
  private readResolved<T>(nodePath: string, read: (hostPath: string) => T): T | undefined {
    const hostPath = this.resolvedHostPath(nodePath);
    return hostPath === undefined ? undefined : unlessMissing(() => read(hostPath));
  }

  /** Like readResolved, but the last component is not followed (lstat, readlink). */
  private readUnfollowed<T>(nodePath: string, read: (hostPath: string) => T): T | undefined {
    const normal = normalizeNodePath(nodePath);
    const parent = this.resolvedHostPath(path.posix.dirname(normal));
    return parent === undefined
      ? undefined
      : unlessMissing(() => read(path.join(parent, path.posix.basename(normal))));
  }

  readBytes(nodePath: string): Buffer | undefined {
    return this.readResolved(nodePath, (hostPath) => fs.readFileSync(hostPath));
  }

  readText(nodePath: string): string | undefined {
    // Not readBytes().toString(): readFileSync with an encoding takes a faster path in Node,
    // which matters over the ~1,300 files of proc/sys.
    return this.readResolved(nodePath, (hostPath) => fs.readFileSync(hostPath, 'utf8'));
  }

  list(nodePath: string): DirEntry[] | undefined {
    return this.readResolved(nodePath, (hostPath) =>
      fs
        .readdirSync(hostPath, { withFileTypes: true })
        .map((entry) => ({ name: entry.name, type: typeOf(entry) }))
        .sort(byText((entry) => entry.name)),
    );
  }

  lstat(nodePath: string): FileStat | undefined {
    return this.readUnfollowed(nodePath, (hostPath) => toStat(fs.lstatSync(hostPath)));
  }

  stat(nodePath: string): FileStat | undefined {
    return this.readResolved(nodePath, (hostPath) => toStat(fs.statSync(hostPath)));
  }

  readlink(nodePath: string): string | undefined {
    return this.readUnfollowed(nodePath, (hostPath) => {
      try {
        return fs.readlinkSync(hostPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EINVAL') return undefined; // not a symlink
        throw err;
      }
    });
  }
}
