/**
 * The PyPI 2013 boot hang, in general: a mount that local-fs.target (or remote-fs.target)
 * requires and waits for — fstab without noauto/nofail: the generator links it into
 * `TARGET.requires/` and writes `Before=TARGET` — on a device that only exists once some unit
 * has run (late-devices.ts). If every unit that could bring the device up is ordered after that
 * target, or none is started at boot at all, the device cannot appear before the target is
 * reached: systemd waits for it (90 s, or x-systemd.device-timeout=), the mount fails, the
 * target fails, and for local-fs.target that means emergency mode (its OnFailure=).
 *
 * "Ordered after" is a chain of After= edges (default dependencies included) among the units of
 * the boot transaction, read from the node's own graph: multipathd.service, which Debian orders
 * before local-fs-pre.target, is safe; drbd.service, a plain service, runs after sysinit.target
 * and so after local-fs.target. A device the fstab names by UUID/LABEL is recognised by what is
 * mounted at that mount point now (the primary's live mounts).
 */
import type { Finding } from '../../model/finding';
import type { FstabEntry, UnitInfo } from '../../model/state';
import type { BootContext } from './finding';
import { unsafe } from './finding';
import { fstabEntryOf, fstabEvidence } from './fstab-text';
import type { BootGraph, GraphNode, OrderingEdge } from './graph';
import { splitInstance } from './graph';
import type { LateDevice } from './late-devices';
import { lateDevice } from './late-devices';
import type { OrderingStep } from './ordering';
import { formatOrdering, formatOrderingEdge, formatPulls, orderingPath } from './ordering';

const BOOT_FS_TARGETS = ['local-fs.target', 'remote-fs.target'] as const;
const DRBD_INSTANCE = /^drbd@[^.]+\.(?:service|target)$/;

export type ProviderStatus =
  | { name: string; status: 'in-time' }
  | { name: string; status: 'late'; id: number; path: OrderingStep[] }
  | { name: string; status: 'not-started' | 'not-installed' | 'masked' };

export interface Device {
  late: LateDevice;
  /** Set when the fstab names the device otherwise (UUID=…) and the live mount told what it is. */
  liveSource?: string;
}

/** The late device a mount is on, if it is on one. */
export function deviceOf(
  ctx: BootContext,
  unit: UnitInfo,
  drbdInstances: () => string[],
): Device | undefined {
  const mount = unit.mount as NonNullable<UnitInfo['mount']>;
  const replication = ctx.state.replication;
  const named = lateDevice(mount.what, replication, drbdInstances());
  if (named) return { late: named };
  // Only a name that may be a symlink to the late device (UUID=, LABEL=, /dev/disk/by-id/…) is
  // looked up in what is mounted now; /dev/sdb1 in fstab is /dev/sdb1 whatever is mounted today.
  if (!mount.what.startsWith('/dev/disk/by-')) return undefined;
  const live = ctx.state.mounts?.live.find((entry) => entry.mountPoint === mount.where);
  if (!live || live.source === mount.what) return undefined;
  const late = lateDevice(live.source, replication, drbdInstances());
  return late ? { late, liveSource: live.source } : undefined;
}

function providerStatus(ctx: BootContext, name: string, target: number): ProviderStatus {
  const { graph, boot } = ctx;
  const id = graph.id(name);
  if (id === undefined) {
    // Never named by any unit: an instance of an installed template is installed, not started.
    const template = splitInstance(name)?.template;
    const installed = template !== undefined && ctx.units.items[template] !== undefined;
    return { name, status: installed ? 'not-started' : 'not-installed' };
  }
  const node = graph.node(id);
  if (node.kind === 'masked') return { name: node.name, status: 'masked' };
  if (node.kind !== 'loaded') return { name: node.name, status: 'not-installed' };
  if (!boot.has(id)) return { name: node.name, status: 'not-started' };
  const path = orderingPath(graph, id, target, (other) => boot.has(other));
  return path ? { name: node.name, status: 'late', id, path } : { name: node.name, status: 'in-time' };
}

/**
 * One status per unit: `iscsi.service` and `open-iscsi.service` are one unit on Debian. `late`
 * means ordered after `target` within the boot.
 */
export function providerStatuses(ctx: BootContext, late: LateDevice, target: number): ProviderStatus[] {
  const statuses: ProviderStatus[] = [];
  const seen = new Set<string>();
  for (const name of late.providers) {
    const status = providerStatus(ctx, name, target);
    if (seen.has(status.name)) continue;
    seen.add(status.name);
    statuses.push(status);
  }
  return statuses;
}

export function joinOr(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

export function timeoutText(entry: FstabEntry | undefined): string {
  const written = entry?.parsed.deviceTimeout;
  if (written === undefined) return '90 s';
  return /^\d+$/.test(written) ? `${written} s` : written;
}

function consequence(target: string, entry: FstabEntry | undefined): string {
  const wait = `the boot waits ${timeoutText(entry)} for the device`;
  return target === 'local-fs.target'
    ? `${wait}, then local-fs.target fails and the node drops into emergency mode`
    : `${wait}, then remote-fs.target fails and what is ordered after it does not start`;
}

const STATUS_TEXT = {
  'not-started': 'installed, not started at boot',
  'not-installed': 'not installed',
  masked: 'masked',
} as const;

export function providerEvidence(ctx: BootContext, statuses: readonly ProviderStatus[]): string[] {
  const lines: string[] = [];
  for (const status of statuses)
    if (status.status === 'late') lines.push(formatOrdering(ctx.graph, status.id, status.path));
  for (const kind of ['not-started', 'not-installed', 'masked'] as const) {
    const names = statuses.filter((status) => status.status === kind).map((status) => status.name);
    if (names.length > 0) lines.push(`${names.join(', ')}: ${STATUS_TEXT[kind]}`);
  }
  return lines;
}

/** How a mount hangs the boot: the target that requires it and waits for it, and its device's providers. */
export interface MountHang {
  targetName: string;
  target: number;
  /** The target starts after the mount. */
  beforeEdge: OrderingEdge;
  device: Device;
  /** None `in-time`. */
  statuses: ProviderStatus[];
}

/**
 * A mount unit as a finding names it: where (with its fstab line, if it has one) and its device
 * (with what the device is now, when the fstab names it by UUID=…).
 */
function namedMount(ctx: BootContext, mountNode: GraphNode, device?: Device) {
  const unit = mountNode.unit as UnitInfo;
  const mount = unit.mount as NonNullable<UnitInfo['mount']>;
  const entry = fstabEntryOf(ctx.state.mounts, unit);
  return {
    mount,
    entry,
    where: entry ? `${mount.where} (/etc/fstab line ${entry.line})` : mount.where,
    what: device?.liveSource === undefined ? mount.what : `${mount.what} (${device.liveSource})`,
  };
}

/** The hang finding's message: one sentence, cause, consequence and advice. */
export function hangMessage(ctx: BootContext, mountNode: GraphNode, hang: MountHang): string {
  const { targetName, device, statuses } = hang;
  const { entry, where, what } = namedMount(ctx, mountNode, device);
  const cause = deviceCause(`its device ${what}`, targetName, statuses);
  return `${where} is required by ${targetName}, but ${cause}: ${consequence(targetName, entry)}; ${device.late.advice}.`;
}

/** Why `device` (named as the sentence needs) is not there in time for `targetName`. */
function deviceCause(device: string, targetName: string, statuses: readonly ProviderStatus[]): string {
  const lateOnes = statuses.filter((status) => status.status === 'late').map((status) => status.name);
  return lateOnes.length > 0
    ? `${device} appears only after ${joinOr(lateOnes)}, ${lateOnes.length > 1 ? 'each of which starts' : 'which starts'} after ${targetName}`
    : `nothing brings up ${device} at boot (${joinOr(statuses.map((status) => status.name))}: none is started)`;
}

function hangFinding(ctx: BootContext, mountNode: GraphNode, hang: MountHang): Finding {
  const { graph } = ctx;
  const { mount, entry } = namedMount(ctx, mountNode);
  const { targetName, target, beforeEdge, device, statuses } = hang;
  const { late } = device;
  const evidence: string[] = [];
  if (entry) evidence.push(fstabEvidence(entry));
  const pull = graph.pullEdge(target, mountNode.id);
  if (pull) evidence.push(formatPulls(graph, target, [{ from: target, edge: pull }]));
  evidence.push(formatOrderingEdge(graph, target, beforeEdge));
  if (device.liveSource !== undefined)
    evidence.push(
      `${mount.where} is mounted from ${device.liveSource} now: ${mount.what} is that ${late.kind} device`,
    );
  const deviceEdge = graph.after[mountNode.id]?.find((edge) => graph.node(edge.to).kind === 'device');
  const deviceText = deviceEdge ? formatOrderingEdge(graph, mountNode.id, deviceEdge) : mount.where;
  evidence.push(
    `${deviceText}: ${late.path} appears only once ${late.source} is up (${joinOr(late.providers)})`,
  );
  evidence.push(...providerEvidence(ctx, statuses));
  return unsafe(ctx.state, {
    category: 'mounts',
    key: mount.where,
    aspect: 'boot-hang',
    message: hangMessage(ctx, mountNode, hang),
    evidence,
    ...(entry ? { actual: { options: entry.options.join(','), requiredBy: targetName } } : {}),
  });
}

/** The node's `drbd@X.service/.target` units, listed on first use (`deviceOf`'s third argument). */
export function drbdInstanceLister(graph: BootGraph): () => string[] {
  let drbdInstances: string[] | undefined;
  return () =>
    (drbdInstances ??= graph.nodes
      .filter((node) => node.kind === 'loaded' && DRBD_INSTANCE.test(node.name))
      .map((node) => node.name));
}

/** The boot file-system target that requires this mount and waits for it, if one does. */
function waitingTarget(
  ctx: BootContext,
  node: GraphNode,
): { targetName: string; target: number; beforeEdge: OrderingEdge } | undefined {
  const { graph, boot } = ctx;
  const unit = node.unit;
  if (node.kind !== 'loaded' || node.template !== undefined || !unit?.mount || !boot.has(node.id))
    return undefined;
  for (const targetName of BOOT_FS_TARGETS) {
    const target = graph.id(targetName);
    if (target === undefined || !unit.requiredByLinks.includes(targetName)) continue;
    const beforeEdge = graph.orderingEdge(target, node.id);
    if (beforeEdge) return { targetName, target, beforeEdge };
  }
  return undefined;
}

/**
 * The late device `mountNode` is on, when none of its providers can bring it up before
 * `target`: with the providers' statuses. Undefined for an ordinary device, or one in time.
 */
function lateDeviceOf(
  ctx: BootContext,
  mountNode: GraphNode,
  target: number,
  listDrbdInstances: () => string[],
): { device: Device; statuses: ProviderStatus[] } | undefined {
  const device = deviceOf(ctx, mountNode.unit as UnitInfo, listDrbdInstances);
  if (!device) return undefined;
  const statuses = providerStatuses(ctx, device.late, target);
  return statuses.some((status) => status.status === 'in-time') ? undefined : { device, statuses };
}

/** Does this unit, a mount the boot starts, hang the boot? How, or undefined. */
export function mountHang(
  ctx: BootContext,
  node: GraphNode,
  listDrbdInstances: () => string[],
): MountHang | undefined {
  const waiting = waitingTarget(ctx, node);
  const late = waiting && lateDeviceOf(ctx, node, waiting.target, listDrbdInstances);
  return waiting && late ? { ...waiting, ...late } : undefined;
}

/**
 * The mounts a mount needs mounted first — those it Requires (or BindsTo), its parents above
 * all (systemd's RequiresMountsFor= on the path) — and theirs, nearest first.
 */
function requiredMounts(ctx: BootContext, id: number): GraphNode[] {
  const { graph } = ctx;
  const seen = new Set([id]);
  const found: GraphNode[] = [];
  for (let queue = [id]; queue.length > 0;) {
    const at = queue.shift() as number;
    for (const edge of graph.pulls[at] ?? []) {
      if ((edge.kind !== 'Requires' && edge.kind !== 'BindsTo') || seen.has(edge.to)) continue;
      seen.add(edge.to);
      const other = graph.node(edge.to);
      if (other.kind !== 'loaded' || !other.unit?.mount) continue;
      found.push(other);
      queue.push(edge.to);
    }
  }
  return found;
}

/**
 * A mount on an ordinary disk that the boot waits for can still hang it through a mount it
 * needs first: `/srv/pypi/data` on /dev/sdb1 under `/srv/pypi` on /dev/drbd0 — with `nofail` on
 * the DRBD line, local-fs.target no longer waits for /srv/pypi, but it waits for /srv/pypi/data,
 * which requires /srv/pypi: the device times out, /srv/pypi fails, /srv/pypi/data fails with it
 * ("dependency failed"), and so does local-fs.target.
 */
function hangThrough(
  ctx: BootContext,
  node: GraphNode,
  listDrbdInstances: () => string[],
): Finding | undefined {
  const waiting = waitingTarget(ctx, node);
  if (!waiting) return undefined;
  for (const needed of requiredMounts(ctx, node.id)) {
    const late = lateDeviceOf(ctx, needed, waiting.target, listDrbdInstances);
    if (!late) continue;
    const { device, statuses } = late;
    const { mount, entry, where } = namedMount(ctx, node);
    const needs = namedMount(ctx, needed, device);
    const neededWhere = needs.mount.where;
    const cause = deviceCause(`its device ${needs.what}`, waiting.targetName, statuses);
    const evidence: string[] = [];
    if (entry) evidence.push(fstabEvidence(entry));
    evidence.push(formatOrderingEdge(ctx.graph, waiting.target, waiting.beforeEdge));
    evidence.push(
      `${node.name} → Requires ${needed.name}: ${mount.where} needs ${neededWhere} mounted first`,
    );
    evidence.push(...providerEvidence(ctx, statuses));
    return unsafe(ctx.state, {
      category: 'mounts',
      key: mount.where,
      aspect: 'boot-hang',
      message:
        `${where} is required by ${waiting.targetName} and needs ${neededWhere} mounted first, but ${cause}: ` +
        `the boot waits ${timeoutText(needs.entry)} for that device, then ${neededWhere} fails, ` +
        `${mount.where} with it, and ${waiting.targetName} too; give ${mount.where} the same options as ${neededWhere} (nofail, or noauto when a cluster manager mounts it).`,
      evidence,
      ...(entry ? { actual: { options: entry.options.join(','), requiredBy: waiting.targetName } } : {}),
    });
  }
  return undefined;
}

export function bootHangs(ctx: BootContext): Finding[] {
  const listDrbdInstances = drbdInstanceLister(ctx.graph);
  const findings: Finding[] = [];
  for (const node of ctx.graph.nodes) {
    const hang = mountHang(ctx, node, listDrbdInstances);
    const finding = hang ? hangFinding(ctx, node, hang) : hangThrough(ctx, node, listDrbdInstances);
    if (finding) findings.push(finding);
  }
  return findings;
}
