/**
 * A pair's runbook (`GET /api/v1/pairs/:name/runbook`): the moving parts the PyPI team said
 * nobody had written down — which node is which, what moves with a failover, how the replicated
 * device comes up at boot, how to reach each node — assembled from the desired state and the
 * nodes' latest states.
 */
import type { IgnoreRules, Probe } from './desired';

/** A unit in a boot chain, as the chain's small graph draws it. */
export interface BootChainUnit {
  name: string;
  /** `missing`: named by a dependency but not a unit of the node (systemd keeps it as not-found). */
  kind: 'loaded' | 'device' | 'masked' | 'missing';
}

/** `from` Requires/Wants/BindsTo/Requisite `to` (pulls it in), or `from` starts After `to`. */
export interface BootChainEdge {
  from: string;
  to: string;
  relation: 'Requires' | 'Wants' | 'BindsTo' | 'Requisite' | 'After';
  /** Where the edge comes from, for a person: "fstab line 17", "link local-fs.target.requires/", "default dependency", "implicit". */
  why: string;
}

/**
 * How a mount on a replicated (or otherwise late) device comes up at boot on one node: the units
 * between the boot target that wants the mount and the unit that brings the device up.
 */
export interface BootChain {
  mountPoint: string;
  /** The device as fstab names it, and the unit(s) that bring it up (e.g. drbd.service for DRBD r0). */
  device: string;
  /** e.g. "DRBD resource r0". */
  provider?: string;
  fstabLine?: number;
  /**
   * `not-at-boot`: nothing at boot pulls the mount in (noauto, as a cluster manager wants);
   * `in-time`: the boot pulls it in and the device's provider is ordered before it;
   * `hangs`: the boot waits for a device whose provider starts only after the target (PyPI 2013).
   */
  outcome: 'not-at-boot' | 'in-time' | 'hangs';
  /** One sentence for a person. */
  summary: string;
  units: BootChainUnit[];
  edges: BootChainEdge[];
}

export interface RunbookNode {
  name: string;
  side: 'primary' | 'secondary';
  roles: string[];
  ssh?: { host: string; port: number; user: string };
  probes: Probe[];
  /** Absent: the node has never reported. */
  collectedAt?: string;
  receivedAt?: string;
  /** Mounts that move with the primary (desired `failover: true`). */
  failoverMounts: { mountPoint: string; device?: string; fstype?: string; options: string[] }[];
  /** The DRBD resources the node reports, as drbdadm/drbdsetup show them. */
  replication: {
    resource: string;
    role?: string;
    connection?: string;
    disk?: string;
    peerDisk?: string;
    device?: string;
  }[];
  bootChains: BootChain[];
}

export interface PairRunbook {
  pair: string;
  primary: string;
  secondary: string;
  capacityMinRatio: number;
  maxReportAgeSeconds: number;
  parityIgnore: IgnoreRules;
  nodes: RunbookNode[];
}
