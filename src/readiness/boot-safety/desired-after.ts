/**
 * Desired `after:` held against the boot graph. A unit counts as ordered after X when a chain of
 * After= edges (written, implicit or default) leads from it to X through units that have a start
 * job whenever it starts at boot: the boot transaction plus what starting the unit itself pulls
 * in. Transitive, because that is how systemd orders jobs (pypi-web.service After basic.target
 * After … After local-fs.target After srv-pypi.mount); only through started units, because an
 * ordering through a unit without a job orders nothing. A direct edge always counts, even to a
 * unit that is not started — but not to one the node does not have.
 */
import type { RoleSpec } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { UnitInfo } from '../../model/state';
import type { BootContext } from './finding';
import { unsafe } from './finding';
import { splitInstance } from './graph';
import { orderingPath } from './ordering';
import { transactionOf } from './transaction';

export function desiredAfter(ctx: BootContext, spec: RoleSpec): Finding[] {
  const { graph, boot } = ctx;
  const findings: Finding[] = [];
  for (const [name, rule] of Object.entries(spec.units)) {
    if (rule.after.length === 0) continue;
    const id = graph.id(name);
    // A unit that is not there is drift's to report (secondary-conforms), not an ordering question.
    if (id === undefined || graph.node(id).kind !== 'loaded') continue;
    const ownStart = transactionOf(graph, [id]);
    const within = (other: number): boolean => boot.has(other) || ownStart.has(other);
    const unordered: string[] = [];
    const evidence: string[] = [];
    for (const other of rule.after) {
      const otherId = graph.id(other);
      // An instance nobody names (`getty@tty5.service`) is still a unit when its template is.
      const template = splitInstance(other)?.template;
      const exists =
        (otherId !== undefined && graph.node(otherId).kind !== 'missing') ||
        (otherId === undefined && template !== undefined && ctx.units.items[template] !== undefined);
      // After= a unit the node does not have orders nothing, even when the unit file says it.
      if (exists && otherId !== undefined && orderingPath(graph, id, otherId, within)) continue;
      unordered.push(other);
      evidence.push(
        exists
          ? `no chain of After= through units started at boot leads from ${name} to ${other}`
          : `${other}: not a unit on this node`,
      );
    }
    if (unordered.length === 0) continue;
    // A loaded node always carries its unit (graph.ts, nodeFor).
    const unit = graph.node(id).unit as UnitInfo;
    evidence.unshift(`${name}: After=${unit.after.length > 0 ? unit.after.join(' ') : '(none)'}`);
    findings.push(
      unsafe(ctx.state, {
        category: 'units',
        key: name,
        aspect: 'after',
        message: `${name} is not ordered after ${unordered.join(', ')}: at boot it can start before ${unordered.length > 1 ? 'they are' : 'it is'} up.`,
        evidence,
        expected: { after: rule.after },
        actual: { after: unit.after },
      }),
    );
  }
  return findings;
}
