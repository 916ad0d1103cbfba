/**
 * What no fixer may change: the secondary's hardware (PyPI 2013's was underpowered), DRBD's
 * health, the agent's reports, a probe's network path, the operating system. The plan says what
 * a person must do; the commands shown are for that person to look with, never run by apply.
 */
import { formatBytes } from '../../shared/format';
import type { CategoryFixer, SourcedFinding } from '../types';
import { advice, perKey } from './common';

export const capacityFixer: CategoryFixer = {
  category: 'capacity',
  plan: (findings, ctx) =>
    perKey(findings, (key, group) => {
      const needed = Number(group[0]?.expected);
      const amount = key === 'cpus' ? `${needed} CPUs` : `${formatBytes(needed)} of memory`;
      return advice(
        'capacity',
        key,
        `give ${ctx.node} at least ${amount}, so it can carry the primary's load`,
        'hardware is for a person to add',
        group,
      );
    }),
};

export const replicationFixer: CategoryFixer = {
  category: 'replication',
  plan: (findings, ctx) =>
    perKey(findings, (resource, group) => {
      const aspects = group.map((f) => f.aspect ?? '');
      const description = aspects.some((a) => a.startsWith('connection'))
        ? `reconnect DRBD resource ${resource} on ${ctx.node} (drbdadm adjust ${resource}) once the cause of the disconnection is known`
        : aspects.some((a) => a.startsWith('out-of-sync') || a.includes('disk'))
          ? `let ${resource} resynchronise before failing over; watch drbdadm status ${resource}`
          : `look at DRBD resource ${resource} on ${ctx.node}`;
      return advice(
        'replication',
        resource,
        description,
        'replication is the cluster manager’s and a person’s to repair, never a scheduled change',
        group,
        [['drbdadm', 'status', resource]],
      );
    }),
};

export const nodeFixer: CategoryFixer = {
  category: 'node',
  plan: (findings, ctx) =>
    perKey(findings, (key, group) =>
      advice(
        'node',
        key,
        `check that the driftguard agent runs on ${ctx.node} and reaches the server (or sweep it)`,
        'reports are the monitoring path, not the node’s configuration',
        group,
        [['systemctl', 'status', 'driftguard-agent']],
      ),
    ),
};

/** A probe not declared, not run (`--no-probes`), or not answering: different things to do. */
function probeAdvice(key: string, finding: SourcedFinding, node: string): string {
  if (finding.kind === 'missing' && key === node)
    return `declare probes for ${node} in its Node (e.g. ssh 10.0.0.12:22, bmc 10.0.1.12:623) so readiness tries them`;
  if (finding.kind === 'missing')
    return `try ${key} of ${node}: run driftguard ready without --no-probes (the server's readiness runs it too)`;
  return `make ${key} of ${node} reachable from here (network path, firewall, the BMC itself) — before it is needed`;
}

export const probesFixer: CategoryFixer = {
  category: 'probes',
  plan: (findings, ctx) =>
    perKey(findings, (key, group) =>
      advice(
        'probes',
        key,
        probeAdvice(key, group[0] as SourcedFinding, ctx.node),
        'the network and out-of-band access are for a person to check and repair',
        group,
      ),
    ),
};

export const osFixer: CategoryFixer = {
  category: 'os',
  plan: (findings, ctx) =>
    perKey(findings, (key, group) =>
      advice(
        'os',
        key,
        `bring ${ctx.node}'s ${key} in line with the primary's`,
        'an upgrade of the operating system is planned by people',
        group,
      ),
    ),
};
