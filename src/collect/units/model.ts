/**
 * Turns a scanned search path into the `units` category: one item per unit name, with the file
 * that wins, drop-ins applied in systemd's order, merged dependencies, [Install] targets, where
 * the unit is actually linked, and its enablement as `systemctl is-enabled` would report it.
 * Units systemd-fstab-generator would make are placed in /run/systemd/generator first, so they go
 * through the same precedence (an /etc override wins), drop-ins and links as any other unit.
 *
 * Dependencies follow systemd 252's loader: values are space-separated lists of unit names,
 * specifiers that depend only on the name are resolved, invalid names are dropped, and — unlike
 * most list settings — an empty `After=` does NOT reset the list: systemd cannot remove a
 * dependency once a file added it ("dependencies can only be added in drop-ins", systemd.unit(5)).
 * [Install] lists (WantedBy=, RequiredBy=) do reset on an empty value.
 * Dependencies that systemd's core adds implicitly (DefaultDependencies=, device units) are not
 * invented here, except for generated mount units, where they are the point (see `implicit`).
 */
import * as path from 'node:path';
import type { UnitDependencies, UnitInfo, UnitsState } from '../../model/state';
import { emptyUnitDependencies } from '../../model/state';
import type { FstabGeneratorResult } from './fstab-generator';
import { FSTAB_GENERATOR } from './fstab-generator';
import { InstallState } from './install-state';
import { GENERATOR_DIR } from './search-path';
import { expandSpecifiers } from './specifiers';
import type { ScannedDir, TreeEntry, UnitTree } from './tree';
import { splitWords } from './unit-file';
import type { NodeFiles, Located } from './unit-files';
import { UnitFiles } from './unit-files';
import {
  isInstance,
  isValidUnitName,
  parseUnitName,
  templateOf,
  unitNameFromPath,
  withInstance,
} from './unit-name';

type DependencyKey =
  'after' | 'before' | 'requires' | 'requisite' | 'wants' | 'bindsTo' | 'partOf' | 'conflicts';

const DEPENDENCY_KEYS: Record<string, DependencyKey> = {
  After: 'after',
  Before: 'before',
  Requires: 'requires',
  Requisite: 'requisite',
  Wants: 'wants',
  BindsTo: 'bindsTo',
  BindTo: 'bindsTo', // the old spelling systemd still accepts
  PartOf: 'partOf',
  Conflicts: 'conflicts',
};

const MAX_ALIAS_HOPS = 16;

/** parse_boolean(). */
function parseBoolean(value: string): boolean | undefined {
  switch (value.toLowerCase()) {
    case '1':
    case 'yes':
    case 'y':
    case 'true':
    case 't':
    case 'on':
      return true;
    case '0':
    case 'no':
    case 'n':
    case 'false':
    case 'f':
    case 'off':
      return false;
    default:
      return undefined;
  }
}

/** Places the generator's units and links in /run/systemd/generator (copy-on-write). */
export function withGeneratedUnits(tree: UnitTree, generated: FstabGeneratorResult): UnitTree {
  const dirs = tree.dirs.map((dir): ScannedDir => {
    if (dir.path !== GENERATOR_DIR) return dir;
    const units = new Map(dir.units);
    const linkDirs = new Map<string, TreeEntry[]>(
      [...dir.linkDirs].map(([key, entries]): [string, TreeEntry[]] => [key, [...entries]]),
    );
    for (const unit of generated.units) {
      const onDisk = units.has(unit.name);
      units.set(unit.name, { name: unit.name, type: 'file', generated: unit, ...(onDisk ? { onDisk } : {}) });
    }
    for (const link of generated.links) {
      const key = `${link.target}.${link.kind}`;
      const entries = linkDirs.get(key) ?? [];
      if (!entries.some((entry) => entry.name === link.unit))
        entries.push({ name: link.unit, type: 'symlink', target: `../${link.unit}` });
      linkDirs.set(key, entries);
    }
    return { ...dir, units, linkDirs };
  });
  return { dirs };
}

/** How a name loads: its fragment, or that it is masked, an alias, or not loadable. */
type Loaded =
  | { kind: 'regular'; located: Located; fragmentPath: string; generated?: TreeEntry['generated'] }
  | { kind: 'masked'; located: Located }
  | { kind: 'alias'; located: Located; target: string }
  | { kind: 'missing' };

export class UnitsModel {
  readonly files: UnitFiles;
  private readonly install: InstallState;
  private readonly linkIndex = new Map<string, { wants: Set<string>; requires: Set<string> }>();

  constructor(tree: UnitTree, nodeFiles: NodeFiles) {
    this.files = new UnitFiles(tree, nodeFiles);
    this.install = new InstallState(this.files);
    this.indexLinks(tree);
  }

  /** Where each unit is linked: every `.wants/`/`.requires/` symlink in every directory. */
  private indexLinks(tree: UnitTree): void {
    const seen = new Set<Map<string, TreeEntry[]>>();
    for (const dir of tree.dirs) {
      if (seen.has(dir.linkDirs)) continue; // /lib and /usr/lib: the same directory
      seen.add(dir.linkDirs);
      for (const [dirName, entries] of dir.linkDirs) {
        const kind = dirName.endsWith('.wants')
          ? 'wants'
          : dirName.endsWith('.requires')
            ? 'requires'
            : undefined;
        if (kind === undefined) continue;
        const target = dirName.slice(0, dirName.lastIndexOf('.'));
        for (const entry of entries) {
          if (entry.type !== 'symlink') continue;
          let links = this.linkIndex.get(entry.name);
          if (!links) {
            links = { wants: new Set(), requires: new Set() };
            this.linkIndex.set(entry.name, links);
          }
          links[kind].add(target);
        }
      }
    }
  }

  /** How systemd would load `name` (fragment, mask or alias). */
  load(name: string): Loaded {
    let located = this.files.find(name);
    if (!located && isInstance(name)) located = this.files.find(templateOf(name) as string);
    if (!located) return { kind: 'missing' };
    const entry = located.entry;
    if (entry.generated)
      return { kind: 'regular', located, fragmentPath: located.path, generated: entry.generated };
    if (entry.type === 'symlink') {
      const target = this.files.symlinkTarget(located);
      if (target === undefined) return { kind: 'missing' };
      if (this.files.isMaskTarget(target)) return { kind: 'masked', located };
      const targetName = path.posix.basename(target);
      const ownName = path.posix.basename(located.path);
      if (this.files.isInSearchPath(target) && targetName !== ownName) {
        // An instance through a template alias keeps its instance: foo@a.service → bar@.service ⇒ bar@a.service.
        const filled =
          isInstance(name) && parseUnitName(targetName)?.instance === ''
            ? withInstance(targetName, parseUnitName(name)?.instance as string)
            : undefined;
        return { kind: 'alias', located, target: filled ?? targetName };
      }
      const content = this.files.read(target);
      if (content === undefined) return { kind: 'missing' };
      if (this.files.wasEmpty(target)) return { kind: 'masked', located };
      return { kind: 'regular', located, fragmentPath: target };
    }
    if (entry.type === 'other')
      return this.files.isMaskTarget(located.path) ? { kind: 'masked', located } : { kind: 'missing' };
    if (entry.type !== 'file') return { kind: 'missing' };
    const content = this.files.read(located.path);
    if (content === undefined) return { kind: 'missing' };
    if (this.files.wasEmpty(located.path)) return { kind: 'masked', located };
    return { kind: 'regular', located, fragmentPath: located.path };
  }

  /** Follows aliases to the unit that is loaded. */
  finalName(name: string): string {
    let current = name;
    for (let hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
      const loaded = this.load(current);
      if (loaded.kind !== 'alias') return current;
      current = loaded.target;
    }
    return current;
  }

  /** Every name that is a unit here: files on the path, plus instances that links ask for. */
  unitNames(): string[] {
    const names = new Set<string>();
    for (const dir of this.files.tree.dirs) for (const name of dir.units.keys()) names.add(name);
    for (const dir of this.files.tree.dirs) {
      for (const entries of dir.linkDirs.values()) {
        for (const entry of entries) {
          if (names.has(entry.name) || !isInstance(entry.name)) continue;
          if (this.files.find(templateOf(entry.name) as string)) names.add(entry.name);
        }
      }
    }
    return [...names].sort();
  }

  private dependencies(
    name: string,
    names: readonly string[],
    loaded: Extract<Loaded, { kind: 'regular' }>,
  ): { deps: UnitDependencies; dropIns: string[]; defaultDependencies: boolean } {
    const deps = emptyUnitDependencies();
    const sets = new Map<DependencyKey, Set<string>>();
    for (const key of Object.values(DEPENDENCY_KEYS)) sets.set(key, new Set());
    let defaultDependencies = true;
    const dropIns = this.files.dropIns(names, 'dropIn');
    const sources = [this.files.read(loaded.fragmentPath, loaded.generated) ?? []];
    const dropInPaths: string[] = [];
    for (const dropIn of dropIns) {
      dropInPaths.push(dropIn.path);
      sources.push(this.files.read(dropIn.path) ?? []);
    }
    for (const assignments of sources) {
      for (const a of assignments) {
        if (a.section !== 'Unit') continue;
        if (a.key === 'DefaultDependencies') {
          const value = parseBoolean(a.value);
          if (value !== undefined) defaultDependencies = value;
          continue;
        }
        if (a.key === 'RequiresMountsFor') {
          // systemd turns each path into Requires=+After= on the mount unit for it.
          for (const word of splitWords(a.value)) {
            const target = expandSpecifiers(word, name);
            const mount = target.startsWith('/') ? unitNameFromPath(target, '.mount') : undefined;
            if (mount === undefined) continue;
            sets.get('requires')?.add(mount);
            sets.get('after')?.add(mount);
          }
          continue;
        }
        const key = DEPENDENCY_KEYS[a.key];
        if (key === undefined) continue;
        for (const word of splitWords(a.value)) {
          const unit = expandSpecifiers(word, name);
          if (isValidUnitName(unit)) sets.get(key)?.add(unit);
        }
      }
    }
    // `.wants/` and `.requires/` directories add Wants=/Requires= (symlinks only, masks skipped).
    for (const [suffix, key] of [
      ['.wants', 'wants'],
      ['.requires', 'requires'],
    ] as const) {
      for (const link of this.files.dropIns(names, 'links', suffix)) {
        if (link.entry.type !== 'symlink' || !isValidUnitName(link.entry.name)) continue;
        const target = this.files.symlinkTarget(link);
        if (target !== undefined && this.files.isMaskTarget(target)) continue;
        let unit = link.entry.name;
        if (parseUnitName(unit)?.instance === '') {
          const instance = parseUnitName(name)?.instance;
          if (!instance) continue;
          unit = withInstance(unit, instance) as string;
        }
        sets.get(key)?.add(unit);
      }
    }
    for (const [key, set] of sets) deps[key] = [...set];
    return { deps, dropIns: dropInPaths, defaultDependencies };
  }

  build(activeStates?: ReadonlyMap<string, string>): UnitsState {
    const names = this.unitNames();
    const aliasesOf = new Map<string, string[]>();
    const loadedByName = new Map<string, Loaded>();
    for (const name of names) {
      const loaded = this.load(name);
      loadedByName.set(name, loaded);
      if (loaded.kind === 'alias') {
        const final = this.finalName(name);
        aliasesOf.set(final, [...(aliasesOf.get(final) ?? []), name]);
      }
    }
    const items: Record<string, UnitInfo> = {};
    for (const name of names) {
      const loaded = loadedByName.get(name) as Loaded;
      if (loaded.kind === 'missing') continue;
      const type = parseUnitName(name)?.type as string;
      const links = this.linkIndex.get(name);
      const enablement = this.install.enablement(name) ?? 'bad';
      let info: UnitInfo;
      if (loaded.kind === 'regular') {
        const { deps, dropIns, defaultDependencies } = this.dependencies(
          name,
          [name, ...(aliasesOf.get(name) ?? [])],
          loaded,
        );
        const install = this.install.installTargets(name);
        info = { name, type, ...deps, ...install, dropIns, masked: false, enablement, defaultDependencies };
        const generated = loaded.generated;
        if (!generated || loaded.located.entry.onDisk) info.path = loaded.fragmentPath;
        if (generated) {
          info.generatedBy = FSTAB_GENERATOR;
          info.fstabLine = generated.fstabLine;
          if (generated.mount) info.mount = { ...generated.mount };
          if (generated.implicit && Object.keys(generated.implicit).length > 0)
            info.implicit = generated.implicit;
        }
      } else {
        info = {
          name,
          type,
          ...emptyUnitDependencies(),
          dropIns: [],
          masked: loaded.kind === 'masked',
          enablement,
          defaultDependencies: true,
          path: loaded.located.path,
        };
        if (loaded.kind === 'alias') info.aliasOf = this.finalName(name);
      }
      info.wantedByLinks = links ? [...links.wants].sort() : [];
      info.requiredByLinks = links ? [...links.requires].sort() : [];
      const active = activeStates?.get(name);
      if (active !== undefined) info.activeState = active;
      items[name] = info;
    }
    const state: UnitsState = { items };
    const defaultTarget = this.load('default.target');
    if (defaultTarget.kind !== 'missing' && defaultTarget.kind !== 'masked')
      state.defaultTarget = this.finalName('default.target');
    return state;
  }
}
