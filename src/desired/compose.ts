/**
 * Role composition: what a node's roles ask of it, merged into one RoleSpec.
 *
 * - A role's `include`s are resolved first, depth-first; its own rules then override what they
 *   brought in ("later wins"): `base` says `kernel.panic: 10`, `db` includes base and says 30,
 *   a db node gets 30.
 * - Roles side by side — two entries of a node's `roles`, or of one `include` list — have no
 *   order that could decide between them, so if they set the same key to different rules, that
 *   is a conflict, reported with both places.
 * - The unit of composition is the whole rule of one key (`units: drbd.service: {...}`), not
 *   each of its fields: an overriding rule replaces the included one whole, and siblings must
 *   agree on it exactly. What a node gets is then always a rule written somewhere, which its
 *   `at` points to.
 */
import type { Desired, Role, RoleSpec } from '../model/desired';
import { canonicalJson } from '../shared/canonical-json';
import { DesiredStateError, formatPosition, type Issue, type SourcePosition } from '../shared/errors';
import { dict, has } from './dict';
import { nodeByName } from './lookup';

export const SPEC_CATEGORIES = ['packages', 'sysctls', 'mounts', 'units', 'files', 'users'] as const;
export type SpecCategory = (typeof SPEC_CATEGORIES)[number];

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

/**
 * Resolves roles with their includes. Memoised per role, so each role's own include list is
 * checked once however many nodes use it. Assumes the role graph has been checked (names
 * exist, no cycle); meeting either anyway is a DesiredStateError, not an endless loop.
 */
export class RoleComposer {
  private readonly resolved = new Map<string, RoleSpec>();
  private readonly visiting = new Set<string>();
  readonly conflicts: RoleConflict[] = [];

  constructor(private readonly roles: Readonly<Record<string, Role>>) {}

  /** The merged spec of roles side by side, as listed by `within`. */
  compose(names: readonly string[], within: RoleConflict['within']): RoleSpec {
    const merged = emptySpec();
    const owner: Record<SpecCategory, Map<string, string>> = {
      packages: new Map(),
      sysctls: new Map(),
      mounts: new Map(),
      units: new Map(),
      files: new Map(),
      users: new Map(),
    };
    for (const name of names) {
      const spec = this.resolve(name);
      for (const category of SPEC_CATEGORIES) {
        const target = merged[category] as Record<string, AnyRule>;
        for (const [key, rule] of Object.entries(spec[category] as Record<string, AnyRule>)) {
          const existing = target[key];
          const existingOwner = owner[category].get(key);
          if (existing === undefined || existingOwner === undefined) {
            target[key] = rule;
            owner[category].set(key, name);
          } else if (ruleText(category, existing) !== ruleText(category, rule)) {
            this.conflicts.push({
              category,
              key,
              first: { role: existingOwner, rule: existing },
              second: { role: name, rule },
              within,
            });
          }
        }
      }
    }
    return merged;
  }

  /** One role with its includes: includes first (side by side), then its own rules over them. */
  resolve(name: string): RoleSpec {
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
    const spec = this.compose(role.include, { kind: 'Role', name, at: role.at });
    this.visiting.delete(name);
    for (const category of SPEC_CATEGORIES) {
      Object.assign(spec[category], role[category]);
    }
    this.resolved.set(name, spec);
    return spec;
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

/** The file paths `nodeName`'s roles name, sorted: what `collect --desired` adds to its list. */
export function watchPathsFor(desired: Desired, nodeName: string): string[] {
  return Object.keys(effectiveSpec(desired, nodeName).files).sort();
}
