/**
 * Units: enable, disable, mask or unmask with systemctl (which works offline, in a chroot,
 * without a running systemd), and add orderings and requirements with driftguard's own drop-in
 * `/etc/systemd/system/UNIT.d/50-driftguard.conf` — a drop-in can add dependencies but never
 * remove one (systemd.unit(5)), so what the secondary has beyond the primary is advice.
 *
 * A `Wants=` that only exists because another unit is enabled into a target (its link in
 * `multi-user.target.wants/`) is not an ordering to copy: enabling that unit is the fix.
 */
import { checkUnitName } from '../../desired/names';
import type { UnitDependencies, UnitEnablement, UnitInfo } from '../../model/state';
import { UNIT_ORDERING_LISTS } from '../../model/state';
import type { CategoryFixer, DropInLine, FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { advice, adviceIfAny, fingerprints, perKey, refusedName } from './common';

type OrderingList = (typeof UNIT_ORDERING_LISTS)[number];

const DIRECTIVES: Record<OrderingList, string> = {
  after: 'After',
  before: 'Before',
  requires: 'Requires',
  requisite: 'Requisite',
  wants: 'Wants',
  bindsTo: 'BindsTo',
  partOf: 'PartOf',
  conflicts: 'Conflicts',
};

const MASKED: ReadonlySet<UnitEnablement> = new Set(['masked', 'masked-runtime']);

/** The systemctl verbs that take a unit from `from` to `to`, or undefined when no verb does. */
function enablementCommands(
  unit: string,
  from: UnitEnablement | undefined,
  to: string,
): string[][] | undefined {
  // `-.mount` and `-.slice` are real unit names, and systemctl reads a leading dash as an option
  // ("invalid option -- '.'"): such a name goes after `--`.
  const systemctl = (verb: string) => ['systemctl', verb, ...(unit.startsWith('-') ? ['--'] : []), unit];
  const unmask = from !== undefined && MASKED.has(from) ? [systemctl('unmask')] : [];
  if (to === 'enabled' || to === 'enabled-runtime') return [...unmask, systemctl('enable')];
  if (to === 'disabled') return [...unmask, systemctl('disable')];
  if (to === 'masked' || to === 'masked-runtime') return [systemctl('mask')];
  if (to === 'not masked') return unmask.length ? unmask : [systemctl('unmask')];
  // static, indirect, alias, generated: a property of the unit file, not of links.
  if (unmask.length) return unmask;
  return undefined;
}

/** Units whose enablement link into `unit` (its `.wants/`, `.requires/`) explains an entry of `list`. */
function linkedInto(
  model: Record<string, UnitInfo> | undefined,
  unit: string,
  list: OrderingList,
): Set<string> {
  const linked = new Set<string>();
  if (!model || (list !== 'wants' && list !== 'requires')) return linked;
  for (const other of Object.values(model)) {
    const links = list === 'wants' ? other.wantedByLinks : other.requiredByLinks;
    if (links.includes(unit)) linked.add(other.name);
  }
  return linked;
}

/**
 * The drop-in lines a unit lacks, and what it has beyond the primary. Entries explained by
 * another unit's enablement link are left to that unit's fix. Every entry the unit lacks goes
 * into `lacking`: when no draft is made, each of them is one that a link explains.
 */
function orderingDraft(
  unit: string,
  findings: SourcedFinding[],
  ctx: NodeFixContext,
  wanted: Record<OrderingList, string[]>,
  lacking: Set<string>,
): FixDraft[] {
  const have = ctx.state.units?.items[unit];
  const lines: DropInLine[] = [];
  const beyond: string[] = [];
  const fromParity = findings.some((f) => f.source === 'parity');
  for (const list of UNIT_ORDERING_LISTS) {
    const existing = have?.[list] ?? [];
    const linked = linkedInto(ctx.model?.units?.items, unit, list);
    const linkedHere = linkedInto(ctx.state.units?.items, unit, list);
    const absent = wanted[list].filter((other) => !existing.includes(other));
    for (const other of absent) lacking.add(other);
    const missing = absent.filter((other) => !linked.has(other));
    if (missing.length) lines.push({ directive: DIRECTIVES[list], units: missing });
    if (fromParity) {
      const extra = existing.filter((other) => !wanted[list].includes(other) && !linkedHere.has(other));
      if (extra.length) beyond.push(`${DIRECTIVES[list]}=${extra.join(' ')}`);
    }
  }
  const drafts: FixDraft[] = [];
  if (lines.length > 0)
    drafts.push({
      category: 'units',
      key: unit,
      action: 'change',
      part: 'ordering',
      description: `add ${lines.map((l) => `${l.directive}=${l.units.join(' ')}`).join(', ')} to ${unit} on ${ctx.node} with a drop-in, then reload systemd`,
      edits: [{ kind: 'drop-in', unit, lines }],
      reloadSystemd: true,
      addresses: fingerprints(findings),
    });
  if (beyond.length > 0)
    drafts.push({
      ...advice(
        'units',
        unit,
        `${unit} on ${ctx.node} also has ${beyond.join(', ')}, which the primary does not: remove it from its unit file`,
        'a drop-in can add dependencies, never remove them',
        lines.length > 0 ? [] : findings,
      ),
      part: 'ordering-beyond',
    });
  return drafts;
}

function planUnit(
  unit: string,
  findings: SourcedFinding[],
  ctx: NodeFixContext,
  linkedBy: Map<string, SourcedFinding[]>,
): FixDraft[] {
  const node = ctx.node;
  const problem = checkUnitName(unit);
  if (problem) return [refusedName('units', unit, 'unit name', problem, findings)];
  const have = ctx.state.units?.items[unit];
  const rule = ctx.spec.units[unit];
  const primary = ctx.model?.units?.items[unit];

  const drafts: FixDraft[] = [
    ...adviceIfAny(
      'units',
      unit,
      `${unit} exists only on ${node}: remove or disable it there, or add it to the primary`,
      'driftguard removes units only when a person decides',
      findings.filter((f) => f.side === 'only-second'),
    ),
    ...adviceIfAny(
      'units',
      unit,
      `break the ordering cycle through ${unit} on ${node} (the evidence shows the cycle)`,
      'which ordering is wrong is a decision about the services',
      findings.filter((f) => f.aspect === 'ordering-cycle'),
    ),
  ];

  // Enablement: the roles' wish, else the primary's state. A unit the node lacks (what the only
  // findings of kind missing say, the roles' or the primary's) is one to enable.
  const enablement = findings.filter(
    (f) => f.aspect === 'enablement' || f.aspect === 'masked' || f.kind === 'missing',
  );
  if (enablement.length) {
    const wanted =
      rule?.masked === true
        ? 'masked'
        : rule?.enabled === true
          ? 'enabled'
          : rule?.enabled === false
            ? 'disabled'
            : rule?.masked === false
              ? 'not masked'
              : (primary?.enablement ?? 'enabled');
    const commands = enablementCommands(unit, have?.enablement, wanted);
    if (!commands)
      drafts.push(
        advice(
          'units',
          unit,
          `make ${unit} ${wanted} on ${node}, as on the primary (it is ${have?.enablement ?? 'absent'})`,
          `${wanted} is a property of the unit file, not something systemctl switches`,
          enablement,
        ),
      );
    else
      drafts.push({
        category: 'units',
        key: unit,
        action: 'change',
        part: 'enablement',
        description: `${commands.map((c) => c[1]).join(' and ')} ${unit} on ${node}${have ? '' : ` (its unit file${primary?.path ? `, ${primary.path} on the primary,` : ''} comes with its package)`}`,
        commands,
        addresses: fingerprints(enablement),
        ...(have ? {} : { afterPackages: true }),
      });
  }

  const ordering = findings.filter((f) => f.aspect === 'after' || f.aspect === 'ordering');
  if (ordering.length) {
    // The roles' After= first, then the primary's lists, each unit once.
    const parity = ordering.find((f) => f.aspect === 'ordering');
    const primaryLists = (parity?.expected ?? {}) as Partial<UnitDependencies>;
    const wanted = {} as Record<OrderingList, string[]>;
    for (const list of UNIT_ORDERING_LISTS) {
      const roles = list === 'after' ? (rule?.after ?? []) : [];
      wanted[list] = [...new Set([...roles, ...(primaryLists[list] ?? [])])];
    }
    const lacking = new Set<string>();
    const made = orderingDraft(unit, ordering, ctx, wanted, lacking);
    drafts.push(...made);
    // Only links differ: the enablement fix of each linked unit resolves it (see the fixer).
    if (made.length === 0)
      for (const other of lacking) linkedBy.set(other, [...(linkedBy.get(other) ?? []), ...ordering]);
  }
  return drafts;
}

export const unitsFixer: CategoryFixer = {
  category: 'units',
  plan(findings, ctx) {
    const linkedBy = new Map<string, SourcedFinding[]>();
    const drafts = perKey(findings, (unit, group) => planUnit(unit, group, ctx, linkedBy));
    // A target whose Wants= differs only by the links of enabled units is fixed by enabling them.
    for (const [other, explained] of linkedBy) {
      const enabling = drafts.find((d) => d.key === other && d.part === 'enablement');
      if (enabling) enabling.addresses = [...new Set([...enabling.addresses, ...fingerprints(explained)])];
      else
        drafts.push(
          advice(
            'units',
            explained[0]?.key ?? other,
            `enable ${other} on ${ctx.node} as on the primary (its link is what differs)`,
            `${other} itself is not among the findings`,
            explained,
          ),
        );
    }
    return drafts;
  },
};
