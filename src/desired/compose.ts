/**
 * Role composition: what a node's roles ask of it, merged into one RoleSpec.
 *
 * - A role's `include`s are resolved first, depth-first; its own rules then override what they
 *   brought in ("later wins"): `base` says `kernel.panic: 10`, `db` includes base and says 30,
 *   a db node gets 30.
 * - Roles side by side — two entries of a node's `roles`, or of one `include` list — have no
 *   order that could decide between them, so if they set the same key to different rules, that
 *   is a conflict, reported with both places; unless one of them overrides a rule the other only
 *   inherited from a role they share (see RoleComposer).
 * - The unit of composition is the whole rule of one key (`units: drbd.service: {...}`), not
 *   each of its fields: an overriding rule replaces the included one whole, and siblings must
 *   agree on it exactly. What a node gets is then always a rule written somewhere, which its
 *   `at` points to.
 */
import type { WatchList } from '../collect/types';
import { SPEC_CATEGORIES } from '../model/desired';
import type { Desired, FileRule, Role, RoleSpec, SpecCategory } from '../model/desired';
import { canonicalJson } from '../shared/canonical-json';
import { deepFreeze } from '../shared/deep-freeze';
import { DesiredStateError, formatPosition, type Issue, type SourcePosition } from '../shared/errors';
import { dict, has } from './dict';
import { nodeByName } from './lookup';

// Re-exported for the callers that import it from here (src/enforce/findings.ts).

type AnyRule = RoleSpec[SpecCategory][string];

/** Two roles, side by side, that disagree on one key. */
export interface RoleConflict {
  category: SpecCategory;
  key: string;
  /** The roles side by side (as named in the list) and the rules each brought. */
  first: { role: string; rule: AnyRule };
  second: { role: string; rule: AnyRule };
  /** Who put them side by side: a node's `roles` or a role's `include`. */
  within: { kind: 'Node' | 'Role'; name: string; at: SourcePosition };
}

export function emptySpec(): RoleSpec {
  return { packages: dict(), sysctls: dict(), mounts: dict(), units: dict(), files: dict(), users: dict() };
}

/** A rule without its position, as text: what two rules are compared on and shown as. */
export function ruleText(category: SpecCategory, rule: AnyRule): string {
  const { at: _at, ...rest } = rule as AnyRule & { at?: SourcePosition };
  if (category === 'packages') {
    const p = rest as { state: string; relation?: string; version?: string };
    return p.relation ? `${p.relation} ${p.version}` : p.state;
  }
  if (category === 'sysctls') return JSON.stringify((rest as { value: string }).value);
  // Empty lists are the defaults (`after: []`): leave them out of the text people read.
  const shown = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => !(Array.isArray(v) && v.length === 0)),
  );
  return canonicalJson(shown);
}

/** A resolved role or list of roles: the rules, which role wrote each, and every role involved. */
interface Resolved {
  spec: RoleSpec;
  /** Per category and key: the role whose own rule this is. */
  origin: Record<SpecCategory, Map<string, string>>;
  /** The roles this one includes, transitively, and itself. */
  closure: Set<string>;
}

/** One empty Map per category. */
function perCategory<T>(): Record<SpecCategory, Map<string, T>> {
  return {
    packages: new Map(),
    sysctls: new Map(),
    mounts: new Map(),
    units: new Map(),
    files: new Map(),
    users: new Map(),
  };
}

/**
 * Resolves roles with their includes. Memoised per role, so each role's own include list is
 * checked once however many nodes use it. Assumes the role graph has been checked (names
 * exist, no cycle); meeting either anyway is a DesiredStateError, not an endless loop.
 *
 * Siblings that disagree are not always in conflict: when one of them includes the role that
 * wrote the other's rule and overrode it, the override wins. The common case is a diamond —
 * `db` and `monitoring` both include `base`, `db` overrides base's `vm.swappiness`: a node with
 * both gets db's value, since monitoring only inherited base's and db deliberately replaced it.
 */
export class RoleComposer {
  private readonly resolved = new Map<string, Resolved>();
  private readonly visiting = new Set<string>();
  readonly conflicts: RoleConflict[] = [];

  constructor(private readonly roles: Readonly<Record<string, Role>>) {}

  /** The merged spec of roles side by side, as listed by `within`. */
  compose(names: readonly string[], within: RoleConflict['within']): RoleSpec {
    return this.composeResolved(names, within).spec;
  }

  /** One role with its includes: includes first (side by side), then its own rules over them. */
  resolve(name: string): RoleSpec {
    return this.resolveRole(name).spec;
  }

  private composeResolved(names: readonly string[], within: RoleConflict['within']): Resolved {
    const merged: Resolved = { spec: emptySpec(), origin: perCategory<string>(), closure: new Set() };
    /** Per category and key: which sibling brought the rule, and that sibling's closure. */
    const owner = perCategory<{ sibling: string; closure: Set<string> }>();
    for (const name of names) {
      const sibling = this.resolveRole(name);
      for (const role of sibling.closure) merged.closure.add(role);
      for (const category of SPEC_CATEGORIES) {
        const target = merged.spec[category] as Record<string, AnyRule>;
        for (const [key, rule] of Object.entries(sibling.spec[category] as Record<string, AnyRule>)) {
          const existing = target[key];
          const previous = owner[category].get(key);
          const origin = sibling.origin[category].get(key) ?? name;
          const take = (): void => {
            target[key] = rule;
            merged.origin[category].set(key, origin);
            owner[category].set(key, { sibling: name, closure: sibling.closure });
          };
          if (existing === undefined || previous === undefined) {
            take();
            continue;
          }
          if (ruleText(category, existing) === ruleText(category, rule)) continue;
          const existingOrigin = merged.origin[category].get(key) ?? previous.sibling;
          const newOverridesOld = sibling.closure.has(existingOrigin);
          const oldOverridesNew = previous.closure.has(origin);
          if (newOverridesOld && !oldOverridesNew) take();
          else if (!(oldOverridesNew && !newOverridesOld)) {
            this.conflicts.push({
              category,
              key,
              first: { role: previous.sibling, rule: existing },
              second: { role: name, rule },
              within,
            });
          }
        }
      }
    }
    return merged;
  }

  private resolveRole(name: string): Resolved {
    const done = this.resolved.get(name);
    if (done) return done;
    const role = has(this.roles, name) ? this.roles[name] : undefined;
    if (!role) throw new DesiredStateError(`role \`${name}\` is not defined`, []);
    if (this.visiting.has(name)) {
      throw new DesiredStateError(`role \`${name}\` includes itself`, [
        { message: 'include cycle', at: role.at },
      ]);
    }
    this.visiting.add(name);
    const before = this.conflicts.length;
    const result = this.composeResolved(role.include, { kind: 'Role', name, at: role.at });
    this.visiting.delete(name);
    // A conflict among the includes is settled when the including role sets the key itself. Those
    // found since `before` are all within a role's include list (this one's, or a deeper one's,
    // which stays: that role is wrong on its own).
    const found = this.conflicts.splice(before);
    this.conflicts.push(...found.filter((c) => c.within.name !== name || !has(role[c.category], c.key)));
    for (const category of SPEC_CATEGORIES) {
      Object.assign(result.spec[category], role[category]);
      for (const key of Object.keys(role[category])) result.origin[category].set(key, name);
    }
    result.closure.add(name);
    this.resolved.set(name, result);
    return result;
  }
}

/** One issue per distinct pair of conflicting rules, placed at the second rule. */
export function conflictIssues(conflicts: readonly RoleConflict[]): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const c of conflicts) {
    const firstAt = c.first.rule.at;
    const secondAt = c.second.rule.at;
    const id = `${c.category}\0${c.key}\0${firstAt ? formatPosition(firstAt) : c.first.role}\0${secondAt ? formatPosition(secondAt) : c.second.role}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const where = (at: SourcePosition | undefined): string => (at ? ` (${formatPosition(at)})` : '');
    const list =
      c.within.kind === 'Node'
        ? `\`roles\` of node \`${c.within.name}\``
        : `\`include\` of role \`${c.within.name}\``;
    issues.push({
      message:
        `conflicting rules for ${c.category} \`${c.key}\`: role \`${c.first.role}\` wants ${ruleText(c.category, c.first.rule)}${where(firstAt)}, ` +
        `role \`${c.second.role}\` wants ${ruleText(c.category, c.second.rule)}${where(secondAt)}, and both are in the ${list}` +
        `${where(c.within.at)} — make them agree, or set it in a role that includes both`,
      ...(secondAt ? { at: secondAt } : { at: c.within.at }),
    });
  }
  return issues;
}

/**
 * What `nodeName`'s roles ask of it. Throws NotFoundError for an unknown node and
 * DesiredStateError if its roles conflict (loadDesired has already refused such a folder).
 */
export function effectiveSpec(desired: Desired, nodeName: string): RoleSpec {
  let specs = composedSpecs.get(desired);
  if (!specs) composedSpecs.set(desired, (specs = new Map()));
  let spec = specs.get(nodeName);
  if (!spec) specs.set(nodeName, (spec = deepFreeze(composedSpec(desired, nodeName))));
  return spec;
}

/**
 * Each node's rules, composed once per loaded desired state (never changed once loaded: a
 * reload makes a new one) and frozen — the server evaluates a node after every report, and
 * compare remembers drift for frozen rules and states (src/compare/remembered.ts).
 */
const composedSpecs = new WeakMap<Desired, Map<string, RoleSpec>>();

function composedSpec(desired: Desired, nodeName: string): RoleSpec {
  const node = nodeByName(desired, nodeName);
  const composer = new RoleComposer(desired.roles);
  const spec = composer.compose(node.roles, { kind: 'Node', name: node.name, at: node.at });
  if (composer.conflicts.length > 0) {
    throw new DesiredStateError(
      `the roles of node \`${nodeName}\` conflict`,
      conflictIssues(composer.conflicts),
    );
  }
  return spec;
}

/** The paths of `files` whose rule passes `keep`, sorted. */
function pathsOf(files: RoleSpec['files'], keep: (rule: FileRule) => boolean = () => true): string[] {
  return Object.keys(files)
    .filter((path) => keep(files[path] as FileRule))
    .sort();
}

/** The file paths `nodeName`'s roles name, sorted: what `collect --desired` adds to its list. */
export function watchPathsFor(desired: Desired, nodeName: string): string[] {
  return pathsOf(effectiveSpec(desired, nodeName).files);
}

/**
 * Both lists of a declared node, its roles composed once: the paths they name, and those marked
 * `sensitive: true` (recorded by hash only). An undeclared node watches nothing beyond the
 * built-in list.
 */
export function watchListFor(desired: Desired, nodeName: string): WatchList {
  if (!has(desired.nodes, nodeName)) return { paths: [], sensitive: [] };
  const { files } = effectiveSpec(desired, nodeName);
  return { paths: pathsOf(files), sensitive: pathsOf(files, (rule) => rule.sensitive === true) };
}
