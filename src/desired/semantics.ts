/**
 * The rules that span documents: unique names, references that resolve, no include cycles,
 * sensible pairs, and roles that do not conflict. Each problem is placed at the reference that
 * is wrong (the `roles` entry, the `primary` value …), and names the other place when two
 * places are involved.
 */
import type { NodeDecl, PairDecl, Role, ScheduleDecl } from '../model/desired';
import { formatPosition, type Issue } from '../shared/errors';
import { conflictIssues, RoleComposer } from './compose';
import { dict, has } from './dict';
import { didYouMean } from './did-you-mean';
import type { Declaration } from './normalise';
import type { SourceDocument } from './yaml-source';

/** A declaration and the document it came from (for positions inside it). */
export interface Declared<T extends Declaration = Declaration> {
  decl: T;
  doc: SourceDocument;
}

export interface Tables {
  roles: Record<string, Declared<Role>>;
  nodes: Record<string, Declared<NodeDecl>>;
  pairs: Record<string, Declared<PairDecl>>;
  schedules: Record<string, Declared<ScheduleDecl>>;
}

const TABLE_OF = { Role: 'roles', Node: 'nodes', Pair: 'pairs', Schedule: 'schedules' } as const;

/** Files by name (so ordered), documents in order: the first definition of a name wins. */
export function buildTables(declared: readonly Declared[], issues: Issue[]): Tables {
  const tables: Tables = { roles: dict(), nodes: dict(), pairs: dict(), schedules: dict() };
  for (const entry of declared) {
    const table = tables[TABLE_OF[entry.decl.kind]] as Record<string, Declared>;
    const first = has(table, entry.decl.name) ? table[entry.decl.name] : undefined;
    if (first) {
      issues.push({
        message: `${entry.decl.kind} \`${entry.decl.name}\` is defined twice: first at ${formatPosition(first.decl.at)}`,
        at: entry.decl.at,
      });
    } else {
      table[entry.decl.name] = entry;
    }
  }
  return tables;
}

/** `Kind:name` of documents that exist but failed validation: no "not defined" for them. */
export type BrokenNames = ReadonlySet<string>;

function missing(what: string, name: string, known: Record<string, unknown>): string {
  const hint = didYouMean(name, Object.keys(known));
  return `${what} \`${name}\` is not defined${hint}`;
}

/** All cross-document checks; appends to `issues`. */
export function checkReferences(tables: Tables, issues: Issue[], broken: BrokenNames = new Set()): void {
  const { roles, nodes, pairs } = tables;
  const exists = (kind: 'Role' | 'Node' | 'Pair', name: string): boolean => {
    const table: Record<string, unknown> = kind === 'Role' ? roles : kind === 'Node' ? nodes : pairs;
    return has(table, name) || broken.has(`${kind}:${name}`);
  };

  for (const { decl: node, doc } of Object.values(nodes)) {
    node.roles.forEach((role, i) => {
      if (!exists('Role', role))
        issues.push({
          message: `node \`${node.name}\`: ${missing('role', role, roles)}`,
          at: doc.positionOf(['roles', i]),
        });
    });
  }

  for (const { decl: role, doc } of Object.values(roles)) {
    role.include.forEach((included, i) => {
      if (!exists('Role', included))
        issues.push({
          message: `role \`${role.name}\` includes a role that does not exist: ${missing('role', included, roles)}`,
          at: doc.positionOf(['include', i]),
        });
    });
  }
  checkIncludeCycles(roles, issues);

  for (const { decl: pair, doc } of Object.values(pairs)) {
    for (const side of ['primary', 'secondary'] as const) {
      const name = pair[side];
      if (!exists('Node', name))
        issues.push({
          message: `pair \`${pair.name}\`: ${side} ${missing('node', name, nodes)}`,
          at: doc.positionOf([side]),
        });
    }
    if (pair.primary === pair.secondary) {
      issues.push({
        message: `pair \`${pair.name}\` has \`${pair.primary}\` as both primary and secondary: a pair is two different nodes`,
        at: doc.positionOf(['secondary']),
      });
    }
  }

  for (const { decl: schedule, doc } of Object.values(tables.schedules)) {
    schedule.targets.forEach((target, i) => {
      const colon = target.indexOf(':');
      const kind = target.slice(0, colon);
      const name = target.slice(colon + 1);
      const table: Record<string, unknown> = kind === 'pair' ? pairs : kind === 'node' ? nodes : roles;
      const tableKind = kind === 'pair' ? 'Pair' : kind === 'node' ? 'Node' : 'Role';
      if (!exists(tableKind, name))
        issues.push({
          message: `schedule \`${schedule.name}\` targets ${missing(kind, name, table)}`,
          at: doc.positionOf(['targets', i]),
        });
    });
  }
}

/**
 * Depth-first search over `include` edges; a back edge is a cycle, printed as
 * `a → b → c → a` at the include entry that closes it. Each cycle is reported once: a role is
 * visited once, so each include entry is looked at once, and the schema lets no role include
 * the same role twice (a second back edge closing the same cycle would have to be such a
 * repeat). An undefined role is visited as one without includes: reported elsewhere.
 */
function checkIncludeCycles(roles: Tables['roles'], issues: Issue[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    const entry = roles[name];
    entry?.decl.include.forEach((next, i) => {
      const seen = state.get(next);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        issues.push({
          message: `include cycle: ${cycle.join(' → ')}`,
          at: entry.doc.positionOf(['include', i]),
        });
      } else if (seen === undefined) {
        visit(next);
      }
    });
    stack.pop();
    state.set(name, 'done');
  };

  for (const name of Object.keys(roles)) if (!state.has(name)) visit(name);
}

/**
 * Composes every role and every node's roles, so that conflicts are found at load time (and
 * `driftguard validate` reports them) rather than when a node is first checked. Only call
 * when the references are sound.
 */
export function checkConflicts(tables: Tables, issues: Issue[]): void {
  const roles = dict<Role>();
  for (const [name, { decl }] of Object.entries(tables.roles)) roles[name] = decl;
  const composer = new RoleComposer(roles);
  for (const name of Object.keys(roles)) composer.resolve(name);
  for (const { decl: node } of Object.values(tables.nodes))
    composer.compose(node.roles, { kind: 'Node', name: node.name, at: node.at });
  issues.push(...conflictIssues(composer.conflicts));
}
