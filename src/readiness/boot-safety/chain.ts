/**
 * How each mount on a late device (late-devices.ts) — and each failover mount — comes up at
 * boot on one node, as a small graph a dashboard can draw (`BootChain`, model/runbook.ts): the
 * units the boot starts that pull the mount in, the mount's ordering after its device, the
 * device's wait for the unit(s) that bring it up, and how those units are ordered against the
 * mount — for the PyPI 2013 primary the cycle in time
 * `local-fs.target → srv-pypi.mount → dev-drbd0.device → drbd.service → sysinit.target →
 * local-fs.target`. Only units on those paths are drawn.
 *
 * The outcome is boot-hang.ts's conclusion, reached by the same code (`mountHang`): `hangs`
 * exactly when `bootHangs` reports the mount; otherwise `in-time` when the boot starts the mount
 * (or its automount), `not-at-boot` when nothing the boot starts pulls it in. An `in-time` mount
 * whose device nothing brings up before it still waits for the device and fails: its summary
 * says so.
 */
import type { RoleSpec } from '../../model/desired';
import type { BootChain, BootChainEdge, BootChainUnit } from '../../model/runbook';
import type { NodeState, UnitInfo } from '../../model/state';
import type { Device, MountHang, ProviderStatus } from './boot-hang';
import {
  deviceOf,
  drbdInstanceLister,
  hangMessage,
  joinOr,
  mountHang,
  providerEvidence,
  providerStatuses,
  timeoutText,
} from './boot-hang';
import type { BootContext } from './finding';
import { fstabEntryOf } from './fstab-text';
import type { BootGraph, GraphNode, OrderingEdge, PullEdge } from './graph';
import { bootGraph } from './graph';
import type { OrderingStep } from './ordering';
import { orderingPath } from './ordering';
import type { PullStep } from './transaction';
import { bootTransaction, startedPullers } from './transaction';
import { byText } from '../../shared/order';

/** `X=` in the unit, and the fstab line when the unit was generated from one. */
function writtenIn(graph: BootGraph, id: number, directive: string): string {
  const node = graph.node(id);
  const line = node.unit?.fstabLine;
  return `${directive} in ${node.name}${line === undefined ? '' : ` (fstab line ${line})`}`;
}

function pullWhy(graph: BootGraph, from: number, edge: PullEdge): string {
  switch (edge.reason) {
    case 'link':
      return `link ${graph.name(from)}.${edge.kind === 'Wants' ? 'wants' : 'requires'}/`;
    case 'file':
      return writtenIn(graph, from, `${edge.kind}=`);
    case 'implicit':
      return 'implicit';
    case 'default':
      return 'default dependency';
  }
}

function orderingWhy(graph: BootGraph, from: number, edge: OrderingEdge): string {
  switch (edge.reason) {
    case 'after':
      return writtenIn(graph, from, 'After=');
    case 'before':
      return writtenIn(graph, edge.to, 'Before=');
    case 'implicit':
      return 'implicit';
    case 'default':
      return 'default dependency';
  }
}

/** The units and edges of one chain, each once, in the order they were added. */
class ChainDrawing {
  private readonly units = new Map<number, BootChainUnit>();
  private readonly edges: BootChainEdge[] = [];
  private readonly edgeKeys = new Set<string>();

  constructor(private readonly graph: BootGraph) {}

  unit(id: number): void {
    if (this.units.has(id)) return;
    const node = this.graph.node(id);
    this.units.set(id, { name: node.name, kind: node.kind });
  }

  edge(from: number, to: number, relation: BootChainEdge['relation'], why: string): void {
    const key = `${from}|${to}|${relation}`;
    if (this.edgeKeys.has(key)) return;
    this.edgeKeys.add(key);
    this.unit(from);
    this.unit(to);
    this.edges.push({ from: this.graph.name(from), to: this.graph.name(to), relation, why });
  }

  pull(from: number, edge: PullEdge): void {
    this.edge(from, edge.to, edge.kind, pullWhy(this.graph, from, edge));
  }

  ordering(from: number, edge: OrderingEdge): void {
    this.edge(from, edge.to, 'After', orderingWhy(this.graph, from, edge));
  }

  path(steps: readonly OrderingStep[]): void {
    for (const step of steps) this.ordering(step.from, step.edge);
  }

  result(): Pick<BootChain, 'units' | 'edges'> {
    return { units: [...this.units.values()], edges: this.edges };
  }
}

/** The verb of a pull, for one unit and for several. */
const VERBS: Record<PullEdge['kind'], [string, string]> = {
  Requires: ['requires', 'require'],
  Wants: ['wants', 'want'],
  BindsTo: ['binds to', 'bind to'],
  Requisite: ['requires', 'require'],
};

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

interface Started {
  /** The boot starts the mount itself, or (when `automount` is set) only its automount. */
  automount?: number;
  pullers: PullStep[];
}

/** How the boot pulls the mount in, undefined when it does not. */
function startedAtBoot(ctx: BootContext, mount: GraphNode): Started | undefined {
  const { graph, boot } = ctx;
  if (boot.has(mount.id)) return { pullers: startedPullers(ctx.graph, ctx.boot, new Set([mount.id])) };
  const automount = graph.id(mount.name.replace(/\.mount$/, '.automount'));
  if (automount === undefined || !boot.has(automount)) return undefined;
  return { automount, pullers: startedPullers(ctx.graph, ctx.boot, new Set([automount])) };
}

/** `local-fs.target and srv-pypi.mount require it`, `local-fs.target wants it and pypissh.service requires it`. */
function pulledText(graph: BootGraph, started: Started): string {
  const byKind = new Map<PullEdge['kind'], string[]>();
  for (const puller of started.pullers) {
    const names = byKind.get(puller.edge.kind) ?? [];
    if (names.length === 0) byKind.set(puller.edge.kind, names);
    names.push(graph.name(puller.from));
  }
  const what = started.automount === undefined ? 'it' : graph.name(started.automount);
  const ways = [...byKind].map(
    ([kind, names]) => `${joinAnd(names)} ${VERBS[kind][names.length > 1 ? 1 : 0]} ${what}`,
  );
  const text = joinAnd(ways);
  return started.automount === undefined ? text : `${text}, which mounts it on first access`;
}

/** The providers the boot starts, by how they are ordered against the mount. */
interface ProviderOrder {
  /** The mount starts after these. */
  before: { id: number; path: OrderingStep[] }[];
  /** Neither: the device comes when they have run. */
  racing: number[];
  /** These start after the mount. */
  after: { id: number; path: OrderingStep[] }[];
}

/**
 * `statuses` are taken against the mount, or (for a hang) against the target that waits for it.
 * Ordering only holds within one transaction: when the boot starts no job for the mount itself
 * (not at boot, or an automount that mounts it later), every provider the boot starts is racing.
 */
function providerOrder(
  ctx: BootContext,
  mount: GraphNode,
  statuses: readonly ProviderStatus[],
  ordered: boolean,
): ProviderOrder {
  const order: ProviderOrder = { before: [], racing: [], after: [] };
  for (const status of statuses) {
    if (status.status !== 'in-time' && status.status !== 'late') continue;
    const id = ctx.graph.id(status.name) as number;
    if (!ordered) order.racing.push(id);
    else if (status.status === 'late') order.after.push({ id, path: status.path });
    else {
      const path = orderingPath(ctx.graph, mount.id, id, (other) => ctx.boot.has(other));
      if (path) order.before.push({ id, path });
      else order.racing.push(id);
    }
  }
  return order;
}

interface ChainInput {
  ctx: BootContext;
  mount: GraphNode;
  device: Device | undefined;
  hang: MountHang | undefined;
  failover: boolean;
}

function chainOf({ ctx, mount, device, hang, failover }: ChainInput): BootChain {
  const { graph } = ctx;
  const unit = mount.unit as UnitInfo;
  const info = unit.mount as NonNullable<UnitInfo['mount']>;
  const entry = fstabEntryOf(ctx.state.mounts, unit);
  const draw = new ChainDrawing(graph);
  const started = startedAtBoot(ctx, mount);

  // What pulls the mount in at boot, and whether it waits for it.
  if (hang) {
    const pull = graph.pullEdge(hang.target, mount.id);
    if (pull) draw.pull(hang.target, pull);
  }
  for (const puller of started?.pullers ?? []) draw.pull(puller.from, puller.edge);
  draw.unit(mount.id);
  if (hang) draw.ordering(hang.target, hang.beforeEdge);
  for (const puller of started?.pullers ?? []) {
    const waits = graph.orderingEdge(puller.from, puller.edge.to);
    if (waits) draw.ordering(puller.from, waits);
  }
  if (started?.automount !== undefined) {
    const edge = graph.orderingEdge(mount.id, started.automount);
    if (edge)
      draw.edge(
        mount.id,
        started.automount,
        'After',
        `${orderingWhy(graph, mount.id, edge)}: mounted on first access`,
      );
  }

  // The device, and the units that bring it up.
  const deviceEdge = graph.after[mount.id]?.find((edge) => graph.node(edge.to).kind === 'device');
  if (deviceEdge) draw.ordering(mount.id, deviceEdge);
  const statuses = device ? (hang?.statuses ?? providerStatuses(ctx, device.late, mount.id)) : [];
  const order = providerOrder(ctx, mount, statuses, hang !== undefined || ctx.boot.has(mount.id));
  // The providers the boot starts, in the order late-devices.ts lists them.
  const drawn = statuses
    .filter((status) => status.status === 'in-time' || status.status === 'late')
    .map((status) => graph.id(status.name) as number);
  for (const id of drawn) {
    if (deviceEdge && device)
      draw.edge(
        deviceEdge.to,
        id,
        'After',
        `the device appears once ${graph.name(id)} has brought ${device.late.source} up`,
      );
    const pull = graph.pullEdge(mount.id, id);
    if (pull) draw.pull(mount.id, pull);
  }
  for (const provider of order.before) draw.path(provider.path);
  for (const provider of order.after) draw.path(provider.path);

  const chain: BootChain = {
    mountPoint: info.where,
    device: entry?.spec ?? info.what,
    outcome: hang ? 'hangs' : started ? 'in-time' : 'not-at-boot',
    summary: '',
    ...draw.result(),
  };
  if (device) chain.provider = device.late.source;
  if (entry) chain.fstabLine = entry.line;

  const where = entry ? `${info.where} (/etc/fstab line ${entry.line})` : info.where;
  const what = device?.liveSource === undefined ? info.what : `${info.what} (${device.liveSource})`;
  if (hang) chain.summary = hangMessage(ctx, mount, hang);
  else if (!started) {
    const noauto = entry && !entry.parsed.auto ? 'it has noauto, and ' : '';
    const nobody = `no unit the boot starts requires or wants ${mount.name}`;
    chain.summary = failover
      ? `${where} is left to the cluster manager, not mounted at boot: ${noauto}${nobody}.`
      : `${where} is not mounted at boot: ${noauto}${nobody}.`;
  } else {
    const base = `${where} is mounted at boot (${pulledText(graph, started)})`;
    const names = (ids: readonly number[]): string[] => ids.map((id) => graph.name(id));
    const fails = `the mount waits ${timeoutText(entry)} for the device and fails`;
    let text: string;
    if (!device) text = `${base} from ${what}, which no service has to bring up`;
    else if (order.before.length > 0) {
      const before = names(order.before.map((p) => p.id));
      text = `${base}, ordered after ${joinAnd(before)}, which ${before.length > 1 ? 'bring' : 'brings'} up ${device.late.source}`;
    } else if (order.racing.length > 0)
      text = `${base} as soon as ${joinOr(names(order.racing))} has brought up ${device.late.source}`;
    else if (order.after.length > 0) {
      const after = names(order.after.map((p) => p.id));
      text = `${base}, but its device ${what} appears only after ${joinOr(after)}, ${after.length > 1 ? 'each of which starts' : 'which starts'} after ${mount.name}: ${fails}`;
    } else
      text = `${base}, but nothing the boot starts brings up its device ${what} (${providerEvidence(ctx, statuses).join('; ')}): ${fails}`;
    if (failover)
      text += `; yet it is a failover mount, for the cluster manager to mount on the primary only`;
    chain.summary = `${text}.`;
  }
  return chain;
}

/** A failover mount the node has no mount unit for: systemd does not know it. */
function unknownMount(state: NodeState, where: string, device: string | undefined): BootChain {
  const live = state.mounts?.live.find((mount) => mount.mountPoint === where);
  return {
    mountPoint: where,
    device: device ?? live?.source ?? '',
    outcome: 'not-at-boot',
    summary: `${where} has no fstab line or mount unit on ${state.node}: the boot does not mount it.`,
    units: [],
    edges: [],
  };
}

/**
 * The boot chains of a node's mounts on late devices and of its failover mounts (`spec`), by
 * mount point. None when the node's units were not collected or it has no default target to
 * boot into (bootSafety says it cannot check such a node).
 */
export function bootChains(state: NodeState, spec?: RoleSpec): BootChain[] {
  const units = state.units;
  if (!units) return [];
  const graph = bootGraph(units);
  if (graph.defaultTarget === undefined) return [];
  const ctx: BootContext = { state, units, graph, boot: bootTransaction(graph) };
  const listDrbdInstances = drbdInstanceLister(graph);
  const failovers = new Set(
    Object.entries(spec?.mounts ?? {})
      .filter(([, rule]) => rule.failover)
      .map(([where]) => where),
  );
  const chains: BootChain[] = [];
  const covered = new Set<string>();
  for (const node of graph.nodes) {
    const unit = node.unit;
    if (node.kind !== 'loaded' || node.template !== undefined || !unit?.mount) continue;
    const where = unit.mount.where;
    const device = deviceOf(ctx, unit, listDrbdInstances);
    const failover = failovers.has(where);
    if (!device && !failover) continue;
    covered.add(where);
    chains.push(
      chainOf({ ctx, mount: node, device, hang: mountHang(ctx, node, listDrbdInstances), failover }),
    );
  }
  for (const where of failovers)
    if (!covered.has(where)) chains.push(unknownMount(state, where, spec?.mounts[where]?.device));
  return chains.sort(byText((chain) => chain.mountPoint));
}
