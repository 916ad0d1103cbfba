/**
 * A failover mount (desired `failover: true`) moves with the primary: the cluster manager mounts
 * it on the primary only. If the boot mounts it — its fstab line lacks noauto (`auto` is the
 * default and the last of auto/noauto wins), an automount stands in for it, or a unit started at
 * boot Requires=/Wants= it — the secondary tries to mount a device it must not use, and the
 * primary mounts it before the cluster manager has decided anything. Read from the boot
 * transaction, so every way of being started at boot counts; each unit that pulls the mount in
 * is named with the chain that starts it (fixing fstab alone does not help while a service still
 * Requires= the mount).
 */
import type { RoleSpec } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { BootContext } from './finding';
import { unsafe } from './finding';
import { fstabEntryOf, fstabEvidence } from './fstab-text';
import type { GraphNode } from './graph';
import { formatPulls } from './ordering';
import { startedPullers } from './transaction';

function mountUnitAt(ctx: BootContext, where: string): GraphNode | undefined {
  return ctx.graph.nodes.find(
    (node) => node.kind === 'loaded' && node.template === undefined && node.unit?.mount?.where === where,
  );
}

export function failoverAtBoot(ctx: BootContext, spec: RoleSpec): Finding[] {
  const { graph, boot } = ctx;
  const root = boot.root;
  if (root === undefined) return [];
  const findings: Finding[] = [];
  for (const [where, rule] of Object.entries(spec.mounts)) {
    if (!rule.failover) continue;
    const mountNode = mountUnitAt(ctx, where);
    if (!mountNode) continue;
    const automount = graph.id(mountNode.name.replace(/\.mount$/, '.automount'));
    const started = new Set([mountNode.id, automount ?? -1].filter((id) => id >= 0 && boot.has(id)));
    if (started.size === 0) continue;
    const entry = fstabEntryOf(ctx.state.mounts, mountNode.unit as NonNullable<GraphNode['unit']>);
    const evidence: string[] = [];
    if (entry) evidence.push(fstabEvidence(entry));
    const ways: string[] = [];
    for (const puller of startedPullers(ctx.graph, ctx.boot, started)) {
      const by = graph.name(puller.from);
      const verb = puller.edge.kind === 'Wants' ? 'wants' : 'requires';
      if (puller.edge.to !== mountNode.id)
        ways.push(`${by} ${verb} ${graph.name(puller.edge.to)}, which mounts it on first access`);
      else if (puller.edge.reason === 'link' && entry?.parsed.auto)
        ways.push(`${by} ${verb} it because /etc/fstab line ${entry.line} has no noauto`);
      else ways.push(`${by} ${verb} it`);
      evidence.push(formatPulls(graph, root, [...boot.chainTo(puller.from), puller]));
    }
    findings.push(
      unsafe(ctx.state, {
        category: 'mounts',
        key: where,
        aspect: 'failover-at-boot',
        message: `${where} is a failover mount, for the cluster manager to mount on the primary only, but the boot mounts it: ${ways.join('; ')}.`,
        evidence,
        expected: 'not mounted at boot',
        actual: 'mounted at boot',
      }),
    );
  }
  return findings;
}
