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
  return orderingFix(node, unit, finding.expected, finding.actual, finding.side === undefined);
};

type Lists = Partial<
  Record<
    'after' | 'before' | 'requires' | 'requisite' | 'wants' | 'bindsTo' | 'partOf' | 'conflicts',
    string[]
  >
>;

const DROP_IN_KEYS: Record<keyof Lists, string> = {
  after: 'After',
  before: 'Before',
  requires: 'Requires',
  requisite: 'Requisite',
  wants: 'Wants',
  bindsTo: 'BindsTo',
  partOf: 'PartOf',
  conflicts: 'Conflicts',
};

/**
 * Orderings and requirements the secondary lacks go into a drop-in of driftguard's own —
 * dependencies can only be added by drop-ins, never removed (systemd.unit(5)); what the
 * secondary has beyond the primary is shown, for a person to remove from its unit file.
 * From drift (`fromDrift`), `expected` is `{ after: [...] }` and every entry is wanted.
 */
function orderingFix(node: string, unit: string, expected: unknown, actual: unknown, fromDrift: boolean) {
  const wanted = (expected ?? {}) as Lists;
  const has = (actual ?? {}) as Lists;
  const lines: string[] = [];
  const extra: string[] = [];
  for (const list of Object.keys(DROP_IN_KEYS) as (keyof Lists)[]) {
    const missing = (wanted[list] ?? []).filter((other) => !(has[list] ?? []).includes(other));
    if (missing.length) lines.push(`${DROP_IN_KEYS[list]}=${missing.join(' ')}`);
    if (!fromDrift) {
      const beyond = (has[list] ?? []).filter((other) => !(wanted[list] ?? []).includes(other));
      if (beyond.length) extra.push(`${DROP_IN_KEYS[list]}=${beyond.join(' ')}`);
    }
  }
  const note = extra.length
    ? `; ${node} also has ${extra.join(', ')} that the primary does not — remove it from its unit file`
    : '';
  if (lines.length === 0)
    return fix(node, `${unit} on ${node}${note || ' differs in ordering from the primary'}`);
  const path = `/etc/systemd/system/${unit}.d/50-driftguard.conf`;
  return fix(
    node,
    `add ${lines.join(', ')} to ${unit} on ${node} with a drop-in${note}`,
    [['systemctl', 'daemon-reload']],
    [{ path, after: `[Unit]\n${lines.join('\n')}\n` }],
  );
}
