import type { Fixer } from './types';
import { fix } from './types';

/**
 * Units: enable what must start; a unit only the primary has must be installed first; an
 * ordering goes into a drop-in of driftguard's own (DESIGN §9), then systemd reloads.
 */
export const fixUnit: Fixer = (finding, { model }) => {
  const node = finding.node;
  if (!node) return undefined;
  const unit = finding.key;
  if (finding.side === 'only-first' || finding.kind === 'missing') {
    const source = model?.units?.items[unit]?.path;
    return fix(
      node,
      `install ${unit} on ${node}${source ? ` (the primary has ${source})` : ''} — usually by installing its package — and enable it`,
      [['systemctl', 'enable', unit]],
    );
  }
  if (finding.side === 'only-second')
    return fix(node, `${unit} exists only on ${node}: remove or disable it there, or add it to the primary`);
  if (finding.aspect === 'enablement' || finding.aspect === 'masked') {
    const wanted = typeof finding.expected === 'string' ? finding.expected : 'enabled';
    if (wanted === 'masked') return fix(node, `mask ${unit} on ${node}`, [['systemctl', 'mask', unit]]);
    if (wanted === 'disabled')
      return fix(node, `disable ${unit} on ${node}`, [['systemctl', 'disable', unit]]);
    if (wanted === 'not masked')
      return fix(node, `unmask ${unit} on ${node}`, [['systemctl', 'unmask', unit]]);
    if (['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias'].includes(wanted)) {
      return fix(node, `enable ${unit} on ${node}`, [['systemctl', 'enable', unit]]);
    }
    return fix(node, `make ${unit} ${wanted} on ${node}, as on the primary`);
  }
  const after = (finding.expected as { after?: string[] } | undefined)?.after;
  if (after?.length) {
    const path = `/etc/systemd/system/${unit}.d/50-driftguard-order.conf`;
    return fix(
      node,
      `order ${unit} after ${after.join(', ')} on ${node} with a drop-in`,
      [['systemctl', 'daemon-reload']],
      [{ path, after: `[Unit]\n${after.map((other) => `After=${other}`).join('\n')}\n` }],
    );
  }
  return fix(node, `make the ordering of ${unit} on ${node} match the primary's`, [
    ['systemctl', 'daemon-reload'],
  ]);
};
