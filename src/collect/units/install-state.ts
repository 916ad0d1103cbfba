/**
 * `systemctl is-enabled NAME` without systemctl — a port of unit_file_lookup_state() and
 * find_symlinks_in_scope() from systemd 252 src/shared/install.c, over a scanned search path.
 * Checked unit by unit against `systemctl --root=FIXTURE is-enabled` in
 * test/integration/units-enablement.test.ts.
 *
 * The rules, in the order systemctl applies them:
 *   1. Find the name on the search path (an instance falls back to its template). A symlink to
 *      /dev/null or an empty file is `masked` (`masked-runtime` under /run). A symlink to a unit
 *      of another name on the search path is followed (an alias); one that leaves the search path
 *      is a linked unit file.
 *   2. Asked by an alias name → `alias`. Found in a generator directory → `generated`; in
 *      /run/systemd/transient → `transient`.
 *   3. Links in `.wants/`, `.requires/`, `.upholds/` and alias symlinks, in every directory that
 *      is not a vendor directory (links shipped by packages do not make a unit enabled): a link
 *      named after the unit or one of its [Install] Alias= names (or DefaultInstance) →
 *      `enabled` (in /etc/systemd/system it wins at once; under /run → `enabled-runtime`).
 *      A same-name symlink in a configuration directory → `linked` / `linked-runtime`.
 *   4. Any other link to it (another instance of a template, an alias not in Alias=) → `indirect`.
 *   5. Otherwise: [Install] has WantedBy=/RequiredBy=/Alias= → `disabled`; only Also= →
 *      `indirect`; nothing → `static`.
 */
import * as path from 'node:path';
import type { UnitEnablement } from '../../model/state';
import { PERSISTENT_CONFIG_DIR, isInside, isRuntimePath } from './search-path';
import type { ScannedDir, TreeEntry } from './tree';
import type { UnitAssignment } from './unit-file';
import { splitWords } from './unit-file';
import type { Located, UnitFiles } from './unit-files';
import { isInstance, parseUnitName, templateOf, withInstance } from './unit-name';
import { expandSpecifiers } from './specifiers';

type InstallMode = 'regular' | 'masked' | 'alias' | 'linked';

interface InstallInfo {
  name: string;
  path: string;
  mode: InstallMode;
  symlinkTarget?: string;
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  aliases: string[];
  also: string[];
  defaultInstance?: string;
}

const MAX_FOLLOW = 64;
const NOT_FOUND = Object.freeze({ found: false, sameName: false });

/** Reads [Install] from assignments onto `info`; list settings are reset by an empty value. */
function applyInstallSection(info: InstallInfo, assignments: readonly UnitAssignment[]): void {
  const lists: Record<
    string,
    keyof Pick<InstallInfo, 'wantedBy' | 'requiredBy' | 'upheldBy' | 'aliases' | 'also'>
  > = {
    WantedBy: 'wantedBy',
    RequiredBy: 'requiredBy',
    UpheldBy: 'upheldBy',
    Alias: 'aliases',
    Also: 'also',
  };
  for (const a of assignments) {
    if (a.section !== 'Install') continue;
    if (a.key === 'DefaultInstance') {
      if (a.value === '') delete info.defaultInstance;
      else info.defaultInstance = a.value;
      continue;
    }
    const field = lists[a.key];
    if (field === undefined) continue;
    if (a.value === '') info[field] = [];
    else info[field].push(...splitWords(a.value));
  }
}

/** Per directory, the symlinks find_symlinks() looks at, indexed by the unit names they can match. */
interface DirLinks {
  /** In `.wants/`, `.requires/`, `.upholds/`: link name and template of the link name → link names. */
  linkedAs: Map<string, string[]>;
  /** Top-level symlinks by the basename of their destination. */
  byDestination: Map<string, { name: string }[]>;
}

function indexDir(dir: ScannedDir): DirLinks {
  const linkedAs = new Map<string, string[]>();
  const add = (key: string, name: string): void => {
    const list = linkedAs.get(key);
    if (list) list.push(name);
    else linkedAs.set(key, [name]);
  };
  for (const entries of dir.linkDirs.values()) {
    for (const entry of entries) {
      if (entry.type !== 'symlink') continue;
      add(entry.name, entry.name);
      const template = templateOf(entry.name);
      if (template !== undefined) add(template, entry.name);
    }
  }
  const byDestination = new Map<string, { name: string }[]>();
  for (const entry of dir.units.values()) {
    if (entry.type !== 'symlink' || entry.target === undefined) continue;
    const destination = path.posix.basename(entry.target);
    const list = byDestination.get(destination);
    if (list) list.push({ name: entry.name });
    else byDestination.set(destination, [{ name: entry.name }]);
  }
  return { linkedAs, byDestination };
}

export class InstallState {
  private readonly dirLinks = new Map<ScannedDir, DirLinks>();
  private readonly discovered = new Map<string, InstallInfo | undefined>();

  constructor(private readonly files: UnitFiles) {
    // /lib and /usr/lib share one listing (the same Map objects): index it once.
    const shared = new Map<ScannedDir['units'], DirLinks>();
    for (const dir of files.tree.dirs) {
      let links = shared.get(dir.units);
      if (!links) {
        links = indexDir(dir);
        shared.set(dir.units, links);
      }
      this.dirLinks.set(dir, links);
    }
  }

  private newInfo(name: string, path: string): InstallInfo {
    return { name, path, mode: 'regular', wantedBy: [], requiredBy: [], upheldBy: [], aliases: [], also: [] };
  }

  /** unit_file_load_or_readlink() for one path: sets mode, reads [Install] for regular files. */
  private load(info: InstallInfo, located: Located | undefined, nodePath: string): boolean {
    if (located?.entry.generated) {
      info.mode = 'regular';
      applyInstallSection(info, located.entry.generated.assignments);
      return true;
    }
    if (located?.entry.type === 'symlink') {
      const target = this.files.symlinkTarget(located);
      if (target === undefined) return false;
      info.symlinkTarget = target;
      info.mode = this.files.isMaskTarget(target)
        ? 'masked'
        : this.files.isInSearchPath(target)
          ? 'alias'
          : 'linked';
      return true;
    }
    if (located && located.entry.type !== 'file') {
      // A character device (/dev/null copied in place) masks; directories and others do not load.
      if (located.entry.type === 'other' && this.files.isMaskTarget(nodePath)) {
        info.mode = 'masked';
        return true;
      }
      return false;
    }
    const assignments = this.files.read(nodePath);
    if (assignments === undefined) return false;
    if (this.files.isMaskTarget(nodePath)) {
      info.mode = 'masked';
      return true;
    }
    info.mode = 'regular';
    applyInstallSection(info, assignments);
    return true;
  }

  /** A path outside the scanned directories (the target of a linked unit file). */
  private loadOutside(info: InstallInfo, nodePath: string): boolean {
    const inTree = this.locate(nodePath);
    return this.load(info, inTree, nodePath);
  }

  /** The scanned entry for a node path, when the path is directly in a search directory. */
  private locate(nodePath: string): Located | undefined {
    const dirPath = path.posix.dirname(nodePath);
    const name = path.posix.basename(nodePath);
    for (const dir of this.files.tree.dirs) {
      if (dir.path !== dirPath) continue;
      const entry = dir.units.get(name);
      if (entry) return { dir, entry, path: nodePath };
    }
    return undefined;
  }

  /** unit_file_search(): the name, or for an instance its template, plus [Install] from drop-ins. */
  private search(name: string): InstallInfo | undefined {
    const template = isInstance(name) ? templateOf(name) : undefined;
    let info: InstallInfo | undefined;
    for (const candidate of template ? [name, template] : [name]) {
      for (const dir of this.files.tree.dirs) {
        const entry = dir.units.get(candidate);
        if (!entry) continue;
        const located = { dir, entry, path: `${dir.path}/${candidate}` };
        const attempt = this.newInfo(name, located.path);
        if (this.load(attempt, located, located.path)) {
          info = attempt;
          break;
        }
      }
      if (info) break;
    }
    if (!info || info.mode === 'masked') return info;
    for (const dropIn of this.files.installDropIns(template ? [name, template] : [name])) {
      const assignments = this.files.read(dropIn.path);
      if (assignments) applyInstallSection(info, assignments);
    }
    return info;
  }

  /** install_info_discover() with SEARCH_FOLLOW_CONFIG_SYMLINKS: follow aliases and links. */
  private discover(name: string): InstallInfo | undefined {
    if (this.discovered.has(name)) return this.discovered.get(name);
    const info = this.discoverUncached(name);
    this.discovered.set(name, info);
    return info;
  }

  private discoverUncached(name: string): InstallInfo | undefined {
    let info = this.search(name);
    for (let hops = 0; info && (info.mode === 'alias' || info.mode === 'linked'); hops++) {
      if (hops > MAX_FOLLOW || info.symlinkTarget === undefined) return undefined;
      const target: string = info.symlinkTarget;
      const targetName = path.posix.basename(target);
      if (info.mode === 'linked' || targetName === info.name) {
        const next = this.newInfo(info.name, target);
        if (!this.loadOutside(next, target)) return undefined;
        info = next;
        continue;
      }
      let nextName = targetName;
      if (isInstance(info.name) && parseUnitName(targetName)?.instance === '') {
        const instance = parseUnitName(info.name)?.instance as string;
        const filled = withInstance(targetName, instance);
        if (filled === info.name) {
          const next = this.newInfo(info.name, target);
          if (!this.loadOutside(next, target)) return undefined;
          info = next;
          continue;
        }
        if (filled !== undefined) nextName = filled;
      }
      info = this.search(nextName);
    }
    return info;
  }

  private isKnownName(info: InstallInfo, linkName: string): boolean {
    if (linkName === info.name) return true;
    for (const alias of info.aliases) if (expandSpecifiers(alias, info.name) === linkName) return true;
    if (info.defaultInstance !== undefined && parseUnitName(info.name)?.instance === '') {
      if (withInstance(info.name, info.defaultInstance) === linkName) return true;
    }
    return false;
  }

  /** find_symlinks() in one directory: found = a matching link; sameName = a `linked` symlink. */
  private findSymlinks(
    info: InstallInfo,
    matchName: boolean,
    ignoreSameName: boolean,
    dir: ScannedDir,
  ): { found: boolean; sameName: boolean } {
    const links = this.dirLinks.get(dir) as DirLinks;
    // .wants/.requires/.upholds: the link's own name, or its template, is the unit.
    const linked = links.linkedAs.get(info.name);
    if (linked) {
      for (const linkName of linked) {
        if (!matchName || this.isKnownName(info, linkName)) return { found: true, sameName: false };
      }
    }
    // Top-level symlinks: named like the unit, or pointing at a file named like it.
    let sameName = false;
    const pointing = links.byDestination.get(info.name);
    const own = dir.units.get(info.name);
    if (!pointing && own?.type !== 'symlink') return NOT_FOUND;
    const candidates = pointing ? [...pointing] : [];
    if (own?.type === 'symlink' && !candidates.some((c) => c.name === info.name))
      candidates.push({ name: info.name });
    for (const candidate of candidates) {
      const entry = dir.units.get(candidate.name) as TreeEntry;
      const foundDest = entry.target !== undefined && path.posix.basename(entry.target) === info.name;
      const foundPath = !ignoreSameName && candidate.name === info.name;
      if (foundPath && foundDest) sameName = true;
      else if (foundPath || foundDest) {
        if (!matchName || this.isKnownName(info, candidate.name)) return { found: true, sameName };
      }
    }
    return { found: false, sameName };
  }

  /** find_symlinks_in_scope(). */
  private findSymlinksInScope(info: InstallInfo, matchName: boolean): UnitEnablement | undefined {
    let sameNameRuntime = false;
    let sameNameConfig = false;
    let enabledInRuntime = false;
    let enabledAtAll = false;
    let ignoreSameName = false;
    for (const dir of this.files.tree.dirs) {
      if (dir.kind !== 'vendor') {
        const { found, sameName } = this.findSymlinks(info, matchName, ignoreSameName, dir);
        if (found) {
          if (dir.path === PERSISTENT_CONFIG_DIR) return 'enabled';
          if (isRuntimePath(dir.path)) enabledInRuntime = true;
          else enabledAtAll = true;
        } else if (sameName) {
          if (dir.path === PERSISTENT_CONFIG_DIR) sameNameConfig = true;
          else if (isRuntimePath(dir.path)) sameNameRuntime = true;
        }
      }
      if (!ignoreSameName && isInside(info.path, dir.path)) ignoreSameName = true;
    }
    if (enabledInRuntime) return 'enabled-runtime';
    if (enabledAtAll) return 'enabled';
    if (sameNameRuntime) return 'linked-runtime';
    if (sameNameConfig) return 'linked';
    return undefined;
  }

  /** unit_file_lookup_state(); undefined when systemctl would fail ("No such file or directory"). */
  enablement(name: string): UnitEnablement | undefined {
    const info = this.discover(name);
    if (!info) return undefined;
    if (info.mode === 'masked')
      return isRuntimePath(path.posix.dirname(info.path)) ? 'masked-runtime' : 'masked';
    if (name !== path.posix.basename(info.path) && !isInstance(info.name)) return 'alias';
    const dir = this.files.tree.dirs.find(
      (candidate) =>
        isInside(info.path, candidate.path) && !info.path.slice(candidate.path.length + 1).includes('/'),
    );
    if (dir?.kind === 'generator') return 'generated';
    if (dir?.kind === 'transient') return 'transient';
    const byName = this.findSymlinksInScope(info, true);
    if (byName !== undefined) return byName;
    if (this.findSymlinksInScope(info, false) !== undefined) return 'indirect';
    if (
      info.aliases.length > 0 ||
      info.wantedBy.length > 0 ||
      info.requiredBy.length > 0 ||
      info.upheldBy.length > 0
    )
      return 'disabled';
    if (info.also.length > 0) return 'indirect';
    return 'static';
  }

  /** [Install] WantedBy=/RequiredBy= as `systemctl enable` would read them (file + NAME.d). */
  installTargets(name: string): { wantedBy: string[]; requiredBy: string[] } {
    const info = this.discover(name);
    if (!info || info.mode === 'masked') return { wantedBy: [], requiredBy: [] };
    return {
      wantedBy: info.wantedBy.map((target) => expandSpecifiers(target, name)),
      requiredBy: info.requiredBy.map((target) => expandSpecifiers(target, name)),
    };
  }
}
