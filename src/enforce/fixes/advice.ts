/**
 * What no fixer may change: the secondary's hardware (PyPI 2013's was underpowered), DRBD's
 * health, the agent's reports, a probe's network path. The plan says what a person must do; the
 * commands shown are for that person to look with, never run by apply.
 */
import type { FixCategory } from '../../model/plan';
import { formatBytes } from '../../shared/format';
import type { CategoryFixer, FixDraft, SourcedFinding } from '../types';
import { advice, perKey } from './common';

/** One piece of advice per key of a category: what to do, why a person does it, how to look. */
interface AdviceRule {
  category: FixCategory;
  describe: (key: string, group: SourcedFinding[], node: string) => string;
  reason: string;
  commands?: (key: string) => string[][];
}

function adviseOn(rule: AdviceRule, node: string, findings: readonly SourcedFinding[]): FixDraft[] {
  return perKey(findings, (key, group) =>
    advice(rule.category, key, rule.describe(key, group, node), rule.reason, group, rule.commands?.(key)),
  );
}

function adviceFixer(rule: AdviceRule): CategoryFixer {
  return { category: rule.category, plan: (findings, ctx) => adviseOn(rule, ctx.node, findings) };
}

export const capacityFixer = adviceFixer({
  category: 'capacity',
  describe: (key, group, node) => {
    const needed = Number(group[0]?.expected);
    const amount = key === 'cpus' ? `${needed} CPUs` : `${formatBytes(needed)} of memory`;
    return `give ${node} at least ${amount}, so it can carry the primary's load`;
  },
  reason: 'hardware is for a person to add',
});

export const replicationFixer = adviceFixer({
  category: 'replication',
  describe: (resource, group, node) => {
    const about = (test: (aspect: string) => boolean): boolean =>
      group.some((f) => f.aspect !== undefined && test(f.aspect));
    return about((a) => a.startsWith('connection'))
      ? `reconnect DRBD resource ${resource} on ${node} (drbdadm adjust ${resource}) once the cause of the disconnection is known`
      : about((a) => a.startsWith('out-of-sync') || a.includes('disk'))
        ? `let ${resource} resynchronise before failing over; watch drbdadm status ${resource}`
        : `look at DRBD resource ${resource} on ${node}`;
  },
  reason: 'replication is the cluster manager’s and a person’s to repair, never a scheduled change',
  commands: (resource) => [['drbdadm', 'status', resource]],
});

/** A probe not declared, not run (`--no-probes`), or not answering: different things to do. */
function probeAdvice(key: string, finding: SourcedFinding, node: string): string {
  if (finding.kind === 'missing' && key === node)
    return `declare probes for ${node} in its Node (e.g. ssh 10.0.0.12:22, bmc 10.0.1.12:623) so readiness tries them`;
  if (finding.kind === 'missing')
    return `try ${key} of ${node}: run driftguard ready without --no-probes (the server's readiness runs it too)`;
  return `make ${key} of ${node} reachable from here (network path, firewall, the BMC itself) — before it is needed`;
}

/**
 * The monitoring path — a node's reports reaching the server, its probes answering — is not the
 * node's configuration: no plan covers it, and `ready` advises on it with these.
 */
const MONITORING: Record<'node' | 'probes', AdviceRule> = {
  node: {
    category: 'node',
    describe: (_key, _group, node) =>
      `check that the driftguard agent runs on ${node} and reaches the server (or sweep it)`,
    reason: 'reports are the monitoring path, not the node’s configuration',
    commands: () => [['systemctl', 'status', 'driftguard-agent']],
  },
  probes: {
    category: 'probes',
    describe: (key, group, node) => probeAdvice(key, group[0] as SourcedFinding, node),
    reason: 'the network and out-of-band access are for a person to check and repair',
  },
};

/** Advice on `node`'s monitoring path (its reports, its probes), one per key of the findings. */
export function monitoringAdvice(
  category: 'node' | 'probes',
  node: string,
  findings: readonly SourcedFinding[],
): FixDraft[] {
  return adviseOn(MONITORING[category], node, findings);
}
