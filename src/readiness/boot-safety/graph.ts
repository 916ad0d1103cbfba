/**
 * The boot ordering graph of one node, built from its collected units the way systemd 252's
 * loader builds it: After=/Before= (both directions of each), Requires=/Wants=/BindsTo=/
 * Requisite=, the `.wants/`/`.requires/` links, what systemd's core adds implicitly (the
 * collector's `implicit` lists for fstab mounts; see default-dependencies.ts for the rest) and
 * DefaultDependencies=.
 *
 * Names are resolved the way systemd resolves them: an alias (`sshd.service` → `ssh.service`)
 * is the unit it names; an instance nobody linked (`drbd@r0.target`, named only by an fstab
 * `x-systemd.requires=`) is made from its template, with the template's `X@.` dependencies
 * instantiated (`Requires=drbd@%i.service` was expanded with an empty instance when the template
 * was collected, so `drbd@.service` becomes `drbd@r0.service`; dependencies the template builds
 * from `%i` in other ways, such as `BindsTo=%i.device`, are lost). A `.device` unit is always
 * loadable (udev makes it); any other name that is not a unit of the node is `missing` — systemd
 * keeps such a name as a not-found unit, which orders nothing and starts nothing.
 *
 * Every edge remembers why it exists, so a chain can be shown to a person.
 */
import type { UnitInfo, UnitsState } from '../../model/state';
import { typeDependencies } from './default-dependencies';
import type { DependencyContext } from './default-dependencies';

export type NodeKind = 'loaded' | 'device' | 'masked' | 'missing';

export interface GraphNode {
  id: number;
  /** The unit's own name (an alias resolves to the unit it names). */
  name: string;
  kind: NodeKind;
  /** The collected unit; for an instance made here, its template. */
  unit?: UnitInfo;
  /** Set when the node is an instance made here from this template. */
  template?: string;
}

/** Why one unit starts after another. */
export type OrderingReason =
  | 'after' // After= in the later unit's file or drop-ins
  | 'before' // Before= in the earlier unit's file
  | 'implicit' // added by systemd's core whatever DefaultDependencies= says
  | 'default'; // added because of DefaultDependencies=yes

/** `from` starts after `to`. */
export interface OrderingEdge {
  to: number;
  reason: OrderingReason;
}

export type PullKind = 'Requires' | 'Wants' | 'BindsTo' | 'Requisite';
export type PullReason = 'file' | 'link' | 'implicit' | 'default';

/** `from` pulls `to` into a transaction (or, for Requisite, only checks it). */
export interface PullEdge {
  to: number;
  kind: PullKind;
  reason: PullReason;
}

const PULL_LISTS = [
  ['requires', 'Requires'],
  ['wants', 'Wants'],
  ['bindsTo', 'BindsTo'],
  ['requisite', 'Requisite'],
] as const;

const MAX_ALIAS_HOPS = 16;

/** `drbd@r0.target` → { template: `drbd@.target`, instance: `r0` }; undefined for non-instances. */
export function splitInstance(name: string): { template: string; instance: string } | undefined {
  const at = name.indexOf('@');
  const dot = name.lastIndexOf('.');
  // unit_name_is_valid(): a name cannot begin with '@' (an empty prefix).
  if (at <= 0 || dot < at + 2) return undefined;
  return { template: name.slice(0, at + 1) + name.slice(dot), instance: name.slice(at + 1, dot) };
}

export class BootGraph {
  readonly nodes: GraphNode[] = [];
  /** after[u]: the units u starts after. */
  readonly after: OrderingEdge[][] = [];
  /** pulls[u]: the units u pulls in. */
  readonly pulls: PullEdge[][] = [];
  /** The unit the boot starts (default.target resolved), when the node has it. */
  defaultTarget: number | undefined;
  private readonly ids = new Map<string, number>();
  private readonly afterSeen: Set<number>[] = [];
  private readonly pullSeen: Set<string>[] = [];

  /** The node of a unit name (aliases resolved), if the graph has it. */
  id(name: string): number | undefined {
    return this.ids.get(name);
  }

  node(id: number): GraphNode {
    return this.nodes[id] as GraphNode;
  }

  name(id: number): string {
    return this.node(id).name;
  }

  /** Does `from` start after `to` by a direct edge? */
  startsAfter(from: number, to: number): boolean {
    return this.afterSeen[from]?.has(to) ?? false;
  }

  /** The direct edge that orders `from` after `to`. */
  orderingEdge(from: number, to: number): OrderingEdge | undefined {
    return this.after[from]?.find((edge) => edge.to === to);
  }

  /** The direct edge by which `from` pulls `to`. */
  pullEdge(from: number, to: number): PullEdge | undefined {
    return this.pulls[from]?.find((edge) => edge.to === to);
  }

  /** @internal used while building */
  addNode(name: string, kind: NodeKind, unit?: UnitInfo, template?: string): GraphNode {
    const node: GraphNode = { id: this.nodes.length, name, kind };
    if (unit) node.unit = unit;
    if (template !== undefined) node.template = template;
    this.nodes.push(node);
    this.after.push([]);
    this.pulls.push([]);
    this.afterSeen.push(new Set());
    this.pullSeen.push(new Set());
    this.ids.set(name, node.id);
    return node;
  }

  /** @internal */
  alias(name: string, id: number): void {
    if (!this.ids.has(name)) this.ids.set(name, id);
  }

  /** @internal systemd ignores a unit's ordering against itself. */
  addOrdering(from: number, to: number, reason: OrderingReason): void {
    if (from === to) return;
    const seen = this.afterSeen[from] as Set<number>;
    if (seen.has(to)) return;
    seen.add(to);
    (this.after[from] as OrderingEdge[]).push({ to, reason });
  }

  /** @internal */
  addPull(from: number, to: number, kind: PullKind, reason: PullReason): void {
    if (from === to) return;
    const key = `${kind}:${to}`;
    const seen = this.pullSeen[from] as Set<string>;
    if (seen.has(key)) return;
    seen.add(key);
    (this.pulls[from] as PullEdge[]).push({ to, kind, reason });
  }
}

/** Builds the graph; see the file comment for the rules. */
/**
 * Graphs of frozen unit tables, kept while the table lives: a server's evaluation worker holds a
 * node's parsed units frozen (src/store/parsed-contents.ts) and checks the same pair's boot
 * after every report and every minute. A graph is never changed once built.
 */
const builtGraphs = new WeakMap<UnitsState, BootGraph>();

export function bootGraph(units: UnitsState): BootGraph {
  if (!Object.isFrozen(units)) return new GraphBuilder(units).build();
  let graph = builtGraphs.get(units);
  if (!graph) builtGraphs.set(units, (graph = new GraphBuilder(units).build()));
  return graph;
}

class GraphBuilder {
  private readonly graph = new BootGraph();
  private readonly pending: GraphNode[] = [];
  private readonly mountsByPath = new Map<string, string>();
  private readonly ctx: DependencyContext;

  constructor(private readonly units: UnitsState) {
    for (const unit of Object.values(units.items)) {
      if (unit.type === 'mount' && unit.mount && !unit.aliasOf)
        this.mountsByPath.set(unit.mount.where, unit.name);
    }
    this.ctx = {
      hasUnit: (name) => this.loadable(this.resolve(name)) !== undefined,
      mountUnitAt: (path) => this.mountsByPath.get(path),
    };
  }

  build(): BootGraph {
    for (const name of Object.keys(this.units.items)) this.nodeFor(name);
    const root = this.nodeFor(this.units.defaultTarget ?? 'default.target');
    this.graph.defaultTarget = root.kind === 'loaded' ? root.id : undefined;
    for (let next = this.pending.pop(); next; next = this.pending.pop()) this.addDependencies(next);
    this.addTargetOrdering();
    return this.graph;
  }

  /** Follows aliases: the name systemd loads for `name`. */
  private resolve(name: string): string {
    let current = name;
    for (let hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
      const item = this.units.items[current];
      if (item?.aliasOf !== undefined) {
        current = item.aliasOf;
        continue;
      }
      if (item) return current;
      // An instance of an aliased template keeps its instance: autovt@tty2 → getty@tty2.
      const split = splitInstance(current);
      const templateItem = split ? this.units.items[split.template] : undefined;
      if (!split || templateItem?.aliasOf === undefined) return current;
      current = templateItem.aliasOf.replace('@.', `@${split.instance}.`);
    }
    return current;
  }

  /** The collected unit that loads for a resolved name, and the template when it is an instance made here. */
  private loadable(resolved: string): { unit: UnitInfo; template?: string } | undefined {
    const item = this.units.items[resolved];
    if (item) return item.aliasOf === undefined ? { unit: item } : undefined;
    const split = splitInstance(resolved);
    const template = split ? this.units.items[split.template] : undefined;
    if (!split || !template || template.aliasOf !== undefined) return undefined;
    return { unit: template, template: split.template };
  }

  private nodeFor(name: string): GraphNode {
    const known = this.graph.id(name);
    if (known !== undefined) return this.graph.node(known);
    const resolved = this.resolve(name);
    const existing = this.graph.id(resolved);
    if (existing !== undefined) {
      this.graph.alias(name, existing);
      return this.graph.node(existing);
    }
    const found = this.loadable(resolved);
    let node: GraphNode;
    if (found?.unit.masked) node = this.graph.addNode(resolved, 'masked', found.unit);
    else if (found) {
      node = this.graph.addNode(resolved, 'loaded', found.unit, found.template);
      this.pending.push(node);
    } else node = this.graph.addNode(resolved, resolved.endsWith('.device') ? 'device' : 'missing');
    this.graph.alias(name, node.id);
    return node;
  }

  private addDependencies(node: GraphNode): void {
    const unit = node.unit as UnitInfo;
    const instance = node.template === undefined ? undefined : splitInstance(node.name)?.instance;
    const nameOf = (dep: string): string =>
      instance !== undefined && dep.includes('@.') ? dep.replace('@.', `@${instance}.`) : dep;
    const id = node.id;

    // Links first, so a target's Wants= that comes from a `.wants/` link is shown as a link.
    if (instance === undefined) {
      for (const target of unit.wantedByLinks)
        this.graph.addPull(this.nodeFor(target).id, id, 'Wants', 'link');
      for (const target of unit.requiredByLinks)
        this.graph.addPull(this.nodeFor(target).id, id, 'Requires', 'link');
    }
    for (const dep of unit.after) this.graph.addOrdering(id, this.nodeFor(nameOf(dep)).id, 'after');
    for (const dep of unit.before) this.orderBefore(id, nameOf(dep), 'before');
    for (const [list, kind] of PULL_LISTS) {
      for (const dep of unit[list]) this.graph.addPull(id, this.nodeFor(nameOf(dep)).id, kind, 'file');
    }
    const implicit = unit.implicit;
    if (implicit) {
      for (const dep of implicit.after ?? []) this.graph.addOrdering(id, this.nodeFor(dep).id, 'implicit');
      for (const dep of implicit.before ?? []) this.orderBefore(id, dep, 'implicit');
      for (const dep of implicit.requires ?? [])
        this.graph.addPull(id, this.nodeFor(dep).id, 'Requires', 'implicit');
      for (const dep of implicit.wants ?? [])
        this.graph.addPull(id, this.nodeFor(dep).id, 'Wants', 'implicit');
      for (const dep of implicit.bindsTo ?? [])
        this.graph.addPull(id, this.nodeFor(dep).id, 'BindsTo', 'implicit');
    }
    for (const added of typeDependencies(unit, node.name, this.ctx)) {
      if (added.list === 'before') this.orderBefore(id, added.unit, added.reason);
      else if (added.list === 'after') this.graph.addOrdering(id, this.nodeFor(added.unit).id, added.reason);
      else {
        const kind = added.list === 'requires' ? 'Requires' : 'Wants';
        this.graph.addPull(id, this.nodeFor(added.unit).id, kind, added.reason);
      }
    }
  }

  /**
   * `id` Before= `other`: `other` starts after it — unless `other` is a device. unit.c: "Dependency
   * Before=X.device ignored (.device units cannot be delayed)": a device appears when udev says
   * so; only the device's own After= (which starts its job timeout later) is honoured.
   */
  private orderBefore(id: number, other: string, reason: OrderingReason): void {
    if (other.endsWith('.device')) return;
    this.graph.addOrdering(this.nodeFor(other).id, id, reason);
  }

  /**
   * systemd.target(5): "Target units will automatically complement all configured dependencies
   * of type Wants= or Requires= with dependencies of type After= unless DefaultDependencies=no is
   * set in the specified units" (target.c: also Requisite= and BindsTo=; both sides need default
   * dependencies; and none is added when the target is already ordered before the unit, so as
   * not to make a loop). systemd checks this when both units are loaded, that is after their
   * own default dependencies exist — as here, where every unit is loaded first.
   */
  private addTargetOrdering(): void {
    for (const target of this.graph.nodes) {
      if (target.kind !== 'loaded' || target.unit?.type !== 'target' || !target.unit.defaultDependencies)
        continue;
      for (const pull of this.graph.pulls[target.id] as PullEdge[]) {
        const other = this.graph.node(pull.to);
        const otherDefaults =
          other.kind === 'device' || (other.kind === 'loaded' && other.unit?.defaultDependencies);
        if (!otherDefaults || this.graph.startsAfter(other.id, target.id)) continue;
        this.graph.addOrdering(target.id, other.id, 'default');
      }
    }
  }
}
