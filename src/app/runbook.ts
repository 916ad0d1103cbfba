/**
 * A pair's runbook (`GET /api/v1/pairs/:name/runbook`, model/runbook.ts): the moving parts the
 * PyPI team had no shared document of in November 2013 — which node is which, how to reach it,
 * what moves with a failover, how the replicated device comes up at boot — put together from the
 * desired state and each node's latest state. Pure: the caller says where the states come from.
 */
import { effectiveSpec, pairByName } from '../desired';
import type { Desired } from '../model/desired';
import type { PairRunbook, RunbookNode } from '../model/runbook';
import type { DrbdResource, NodeState } from '../model/state';
// chain.ts is not re-exported by boot-safety/index.ts: the runbook draws, it does not judge.
import { bootChains } from '../readiness/boot-safety/chain';

/** A node's latest state and when the server received it. */
export interface LatestReport {
  state: NodeState;
  receivedAt: string;
}

/** Distinct values in order, joined: one resource may have several volumes and peers. */
function listed(values: readonly string[]): string | undefined {
  const distinct = [...new Set(values)];
  return distinct.length > 0 ? distinct.join(', ') : undefined;
}

/** A DRBD resource as drbdadm status reads: its role, each peer's connection, the disks' states. */
function resourceOf(resource: DrbdResource): RunbookNode['replication'][number] {
  const entry: RunbookNode['replication'][number] = { resource: resource.name, role: resource.role };
  const connection = listed(resource.connections.map((c) => `${c.connectionState} to ${c.peer}`));
  const disk = listed(resource.volumes.map((volume) => volume.diskState));
  const peerDisk = listed(
    resource.connections.flatMap((c) => c.peerDevices.map((device) => device.peerDiskState)),
  );
  const device = listed(resource.volumes.map((volume) => `/dev/drbd${volume.minor}`));
  if (connection) entry.connection = connection;
  if (disk) entry.disk = disk;
  if (peerDisk) entry.peerDisk = peerDisk;
  if (device) entry.device = device;
  return entry;
}

function runbookNode(
  desired: Desired,
  name: string,
  side: RunbookNode['side'],
  report: LatestReport | undefined,
): RunbookNode {
  const declaration = desired.nodes[name];
  const spec = effectiveSpec(desired, name);
  const node: RunbookNode = {
    name,
    side,
    roles: declaration?.roles ?? [],
    probes: declaration?.probes ?? [],
    failoverMounts: Object.entries(spec.mounts)
      .filter(([, rule]) => rule.failover)
      .map(([mountPoint, rule]) => ({
        mountPoint,
        ...(rule.device !== undefined ? { device: rule.device } : {}),
        ...(rule.fstype !== undefined ? { fstype: rule.fstype } : {}),
        options: rule.options,
      })),
    replication: [],
    bootChains: [],
  };
  if (declaration?.ssh) node.ssh = declaration.ssh;
  // A node that never reported still has its place in the runbook: roles, access, failover mounts.
  if (!report) return node;
  node.collectedAt = report.state.collectedAt;
  node.receivedAt = report.receivedAt;
  node.replication = Object.values(report.state.replication?.drbd ?? {}).map(resourceOf);
  node.bootChains = bootChains(report.state, spec);
  return node;
}

export function pairRunbook(
  desired: Desired,
  pairName: string,
  latest: (node: string) => LatestReport | undefined,
): PairRunbook {
  const pair = pairByName(desired, pairName);
  return {
    pair: pair.name,
    primary: pair.primary,
    secondary: pair.secondary,
    capacityMinRatio: pair.capacity.minRatio,
    maxReportAgeSeconds: Math.round(pair.readiness.maxReportAgeMs / 1000),
    parityIgnore: pair.parity.ignore,
    nodes: [
      runbookNode(desired, pair.primary, 'primary', latest(pair.primary)),
      runbookNode(desired, pair.secondary, 'secondary', latest(pair.secondary)),
    ],
  };
}
