/**
 * Lookups over a scanned search path that both the loader (dependencies) and the install logic
 * (enablement) need: which entry wins for a name, where a symlink points, whether something is a
 * mask, drop-in files, and parsed file contents (each file read and parsed once).
 */
import * as path from 'node:path';
import type { RootFs } from '../root-fs';
import type { ScannedDir, TreeEntry, UnitTree } from './tree';
import type { UnitAssignment } from './unit-file';
import { parseUnitFile } from './unit-file';
import { parseUnitName } from './unit-name';
import { isInside } from './search-path';
import { byText } from '../../shared/order';

export type NodeFiles = Pick<RootFs, 'readText' | 'stat'>;

export interface Located {
  dir: ScannedDir;
  entry: TreeEntry;
  /** Node path of the entry itself (`/etc/systemd/system/foo.service`). */
  path: string;
}

export class UnitFiles {
  private readonly parsed = new Map<string, UnitAssignment[] | undefined>();
  private readonly emptyFiles = new Set<string>();
  private readonly masks = new Map<string, boolean>();
  private dropInKeys: Set<string> | undefined;
  private linkKeys: Set<string> | undefined;

  constructor(
    readonly tree: UnitTree,
    private readonly files: NodeFiles,
  ) {}

  /** The first directory on the search path that has `name`. */
  find(name: string): Located | undefined {
    for (const dir of this.tree.dirs) {
      const entry = dir.units.get(name);
      if (entry) return { dir, entry, path: `${dir.path}/${name}` };
    }
    return undefined;
  }

  /** Absolute, normalised node path a symlink entry points to. */
  symlinkTarget(located: Located): string | undefined {
    const target = located.entry.target;
    if (target === undefined) return undefined;
    // A relative target is relative to the directory holding the link (a `.wants/` folder for
    // links made by hand: `../foo.service`), not to the search directory.
    return path.posix.normalize(
      target.startsWith('/') ? target : `${path.posix.dirname(located.path)}/${target}`,
    );
  }

  /** null_or_empty_path_with_root(): /dev/null, a character device, or an empty regular file. */
  isMaskTarget(nodePath: string): boolean {
    if (nodePath === '/dev/null') return true;
    let masked = this.masks.get(nodePath);
    if (masked === undefined) {
      const entry = this.entryAt(nodePath);
      if (entry?.type === 'file') {
        // A unit file on the search path: it is read anyway, so its emptiness costs no stat.
        masked = this.read(nodePath) !== undefined && this.wasEmpty(nodePath);
      } else {
        const stat = this.files.stat(nodePath);
        masked = stat !== undefined && (stat.type === 'other' || (stat.type === 'file' && stat.size === 0));
      }
      this.masks.set(nodePath, masked);
    }
    return masked;
  }

  /** The scanned entry at a node path directly inside a search directory, if any. */
  entryAt(nodePath: string): TreeEntry | undefined {
    const slash = nodePath.lastIndexOf('/');
    const dirPath = nodePath.slice(0, slash);
    const name = nodePath.slice(slash + 1);
    for (const dir of this.tree.dirs) if (dir.path === dirPath) return dir.units.get(name);
    return undefined;
  }

  /** Is the path inside one of the search directories (an alias) rather than outside (a linked file)? */
  isInSearchPath(nodePath: string): boolean {
    return this.tree.dirs.some((dir) => isInside(nodePath, dir.path));
  }

  /** Parsed content of a file, cached; undefined when it cannot be read. Empty files parse to []. */
  read(nodePath: string, generated?: TreeEntry['generated']): UnitAssignment[] | undefined {
    if (generated) return generated.assignments;
    if (this.parsed.has(nodePath)) return this.parsed.get(nodePath);
    let text: string | undefined;
    try {
      text = this.files.readText(nodePath);
    } catch {
      text = undefined;
    }
    const result = text === undefined ? undefined : parseUnitFile(text);
    if (text === '') this.emptyFiles.add(nodePath);
    this.parsed.set(nodePath, result);
    return result;
  }

  /** Was the file empty when read() read it? (An empty unit file masks, like /dev/null.) */
  wasEmpty(nodePath: string): boolean {
    return this.emptyFiles.has(nodePath);
  }

  /**
   * unit_file_find_dirs() without the directory: the names whose directories are searched for
   * `name` — the name itself, its template, then its dash prefixes (`foo-bar-.service`,
   * `foo-.service`), each again with its template — in systemd's order.
   */
  private static candidateNames(name: string, out: string[] = []): string[] {
    out.push(name);
    const parts = parseUnitName(name);
    if (!parts) return out; // a type-level name such as `service`
    if (parts.instance) UnitFiles.candidateNames(`${parts.prefix}@.${parts.type}`, out);
    let prefix = parts.prefix;
    let chopped = false;
    for (;;) {
      const dash = prefix.lastIndexOf('-');
      if (dash <= 0) return out;
      if (dash + 1 < prefix.length || chopped) {
        prefix = prefix.slice(0, dash + 1);
        break;
      }
      prefix = prefix.slice(0, dash);
      chopped = true;
    }
    return UnitFiles.candidateNames(
      parts.instance ? `${prefix}@${parts.instance}.${parts.type}` : `${prefix}.${parts.type}`,
      out,
    );
  }

  /** Keys (`foo.service` for drop-ins, `foo.service.wants` for links) present in any directory. */
  private presentKeys(kind: 'dropIn' | 'links'): Set<string> {
    let keys = kind === 'dropIn' ? this.dropInKeys : this.linkKeys;
    if (!keys) {
      keys = new Set();
      for (const dir of this.tree.dirs)
        for (const key of (kind === 'dropIn' ? dir.dropInDirs : dir.linkDirs).keys()) keys.add(key);
      if (kind === 'dropIn') this.dropInKeys = keys;
      else this.linkKeys = keys;
    }
    return keys;
  }

  /**
   * unit_file_find_dropin_paths(): entries of `NAME.d/*.conf` (or of `NAME.wants/` …) for a
   * unit known by `names`, over every search directory, then the type-level `service.d/`.
   * The same basename in several directories: the first directory found wins. Sorted by
   * basename, the order systemd applies them in.
   */
  dropIns(names: readonly string[], kind: 'dropIn' | 'links', suffix = ''): Located[] {
    const present = this.presentKeys(kind);
    const type = names[0] === undefined ? undefined : parseUnitName(names[0])?.type;
    // Most units have no drop-ins at all: look only for keys that exist somewhere.
    const groups: string[][] = [];
    for (const name of names)
      groups.push(
        UnitFiles.candidateNames(name)
          .map((candidate) => candidate + suffix)
          .filter((key) => present.has(key)),
      );
    if (type !== undefined && present.has(type + suffix)) groups.push([type + suffix]);
    if (groups.every((group) => group.length === 0)) return [];
    const byBasename = new Map<string, Located>();
    for (const group of groups) {
      for (const dir of this.tree.dirs) {
        for (const key of group) {
          const entries = kind === 'dropIn' ? dir.dropInDirs.get(key) : dir.linkDirs.get(key);
          if (!entries) continue;
          const folder = kind === 'dropIn' ? `${dir.path}/${key}.d` : `${dir.path}/${key}`;
          for (const entry of entries) {
            if (!byBasename.has(entry.name))
              byBasename.set(entry.name, { dir, entry, path: `${folder}/${entry.name}` });
          }
        }
      }
    }
    return [...byBasename.values()].sort(byText((located) => located.entry.name));
  }

  /** `NAME.d/*.conf` of exactly these names (no prefixes, no type level): what [Install] reads. */
  installDropIns(names: readonly string[]): Located[] {
    const byBasename = new Map<string, Located>();
    for (const name of names) {
      for (const dir of this.tree.dirs) {
        for (const entry of dir.dropInDirs.get(name) ?? []) {
          if (!byBasename.has(entry.name))
            byBasename.set(entry.name, { dir, entry, path: `${dir.path}/${name}.d/${entry.name}` });
        }
      }
    }
    return [...byBasename.values()].sort(byText((located) => located.entry.name));
  }
}
