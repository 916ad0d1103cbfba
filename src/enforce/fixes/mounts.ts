/**
 * Mounts: edits of the node's fstab line, then `systemctl daemon-reload` where systemd runs
 * (the generator makes mount units from fstab). What the line must become is worked out from
 * every finding about the mount point at once:
 *   - parity: the primary's line (device, type, options, fsck pass) — unless the device is a
 *     disk identifier of the primary's own disk (UUID=…), which no other node has;
 *   - desired: the roles' device, type and options;
 *   - safety: a failover mount gets `noauto` — the cluster manager mounts it on the primary,
 *     never the boot, and driftguard never mounts it itself; a boot-time mount of a late
 *     device (DRBD) gets `nofail` and LINBIT's `x-systemd.requires=drbd@RES.target`.
 * Desired and safety win over parity: an option they need is never taken away to match the
 * primary. An entry only the secondary has, or one a unit pulls in at boot, is advice.
 */
import { holdsRedaction } from '../../collect/files/redact';
import { optionWords } from '../../collect/parsers/fstab';
import { fstabByMountPoint, nodeLocalTag } from '../../compare';
import { checkAbsolutePath } from '../../desired/names';
import type { FstabEntry } from '../../model/state';
import { drbdResourceOf } from '../../readiness/boot-safety/late-devices';
import { copyableText } from '../copyable-text';
import { editFstabLine, fstabLine } from '../edits/fstab';
import type {
  CategoryFixer,
  FileEdit,
  FixDraft,
  FstabLineFields,
  NodeFixContext,
  SourcedFinding,
} from '../types';
import { advice, adviceIfAny, fingerprints, perKey, refusedName } from './common';

/** Options that must be on the line whatever the primary has: the roles' and safety's. */
function requiredOptions(
  mountPoint: string,
  findings: SourcedFinding[],
  ctx: NodeFixContext,
  device: string | undefined,
): string[] {
  const rule = ctx.spec.mounts[mountPoint];
  const options = [...(rule?.options ?? [])];
  // The findings that say a failover mount is mounted at boot (drift's `unsafe`, safety's
  // failover-at-boot) are made only for a `failover: true` rule of these same roles: the rule
  // alone says when noauto is needed.
  if (rule?.failover === true) options.push('noauto');
  else if (findings.some((f) => f.aspect === 'boot-hang')) {
    // LINBIT's x-systemd.requires=drbd@RES.target needs the resource the device belongs to.
    const resource = device ? drbdResourceOf(device, ctx.state.replication) : undefined;
    options.push('nofail', ...(resource ? [`x-systemd.requires=drbd@${resource}.target`] : []));
  }
  return [...new Set(options)];
}

/** The primary's fstab line as written (its text, unless redacted), else rebuilt from the parsed entry. */
function primaryLine(ctx: NodeFixContext, entry: FstabEntry): string {
  const text = copyableText(ctx.model?.files?.items['/etc/fstab'])?.split('\n')[entry.line - 1];
  return text?.replace(/\r$/, '') ?? fstabLine(entry);
}

/**
 * The primary's line for a node that has none, with what the roles and safety need: their
 * device and type, and their options (`noauto` on a failover mount, in place of an `auto`) — a
 * line copied as it is could have the node mount a DRBD device at its next boot. Otherwise
 * byte for byte the primary's. `changed` says what was made different, for the description.
 */
function copiedLine(
  ctx: NodeFixContext,
  primary: FstabEntry,
  need: { spec: string; vfstype: string | undefined; required: string[] },
): { line: string; changed: string } {
  const have = optionWords(primary);
  const add = need.required.filter((option) => !have.includes(option));
  const remove = need.required.includes('noauto') && have.includes('auto') ? ['auto'] : [];
  const change: FstabLineFields = {
    ...(need.spec !== primary.spec ? { spec: need.spec } : {}),
    ...(need.vfstype !== undefined && need.vfstype !== primary.vfstype ? { vfstype: need.vfstype } : {}),
    options: { add, remove },
  };
  const line = primaryLine(ctx, primary);
  const what = describeChange(change);
  return what.length === 0
    ? { line, changed: '' }
    : { line: editFstabLine(line, change), changed: `, but: ${what.join('; ')}` };
}

/** The parts of an fstab line a change makes different, as a description lists them. */
function describeChange(change: FstabLineFields): string[] {
  return [
    change.spec !== undefined ? `device ${change.spec}` : '',
    change.vfstype !== undefined ? `type ${change.vfstype}` : '',
    change.options?.add.length ? `add ${change.options.add.join(',')}` : '',
    change.options?.remove.length ? `drop ${change.options.remove.join(',')}` : '',
    change.passno !== undefined ? `fsck pass ${change.passno}` : '',
  ].filter(Boolean);
}

function planMount(mountPoint: string, findings: SourcedFinding[], ctx: NodeFixContext): FixDraft[] {
  const node = ctx.node;
  const problem = checkAbsolutePath(mountPoint);
  if (problem && !mountPoint.startsWith('swap #'))
    return [refusedName('mounts', mountPoint, 'mount point', problem, findings)];
  const drafts: FixDraft[] = [];
  const notMounted = findings.filter((f) => f.aspect === 'live');
  if (notMounted.length > 0)
    drafts.push({
      ...advice(
        'mounts',
        mountPoint,
        `mount ${mountPoint} on ${node}`,
        'driftguard edits fstab; mounting is for the boot, the cluster manager or a person',
        notMounted,
        [['mount', mountPoint]],
      ),
      part: 'mounted',
    });
  drafts.push(
    ...adviceIfAny(
      'mounts',
      mountPoint,
      `${mountPoint} is in fstab only on ${node}: remove the line there, add it to the primary, or add it to the pair's ignore list`,
      'driftguard removes fstab entries only when a person decides',
      findings.filter((f) => f.side === 'only-second'),
    ),
  );
  const rest = findings.filter((f) => f.aspect !== 'live' && f.side !== 'only-second');
  if (rest.length === 0) return drafts;

  const entry = ctx.state.mounts ? fstabByMountPoint(ctx.state.mounts)[mountPoint] : undefined;
  const parity = rest.some((f) => f.source === 'parity');
  const primary = parity && ctx.model?.mounts ? fstabByMountPoint(ctx.model.mounts)[mountPoint] : undefined;
  const rule = ctx.spec.mounts[mountPoint];
  // The primary's own disk identifier (UUID=…) names a disk no other node has: never copied.
  const spec = rule?.device ?? (primary && !nodeLocalTag(primary.spec) ? primary.spec : undefined);
  // The device the line ends up with: its DRBD resource is the one the line must require.
  const required = requiredOptions(mountPoint, rest, ctx, spec ?? entry?.spec);
  const addresses = fingerprints(rest);

  if (!entry) {
    if (primary && nodeLocalTag(primary.spec))
      return [
        ...drafts,
        advice(
          'mounts',
          mountPoint,
          `add an fstab entry for ${mountPoint} on ${node} like the primary's (${primary.vfstype}), naming ${node}'s own disk`,
          `the primary's line names its own disk (${primary.spec})`,
          rest,
        ),
      ];
    // A secret in the primary's entry is in its fstab text too, which is then redacted: the
    // line would be rebuilt from the entry, marker and all. (The roles' device holds none.)
    if (primary && [primary.spec, ...primary.options].some(holdsRedaction))
      return [...drafts, secretAdvice(mountPoint, node, rest)];
    // The roles' device, else the primary's: no disk identifier of the primary's own here.
    const copied = primary
      ? copiedLine(ctx, primary, { spec: rule?.device ?? primary.spec, vfstype: rule?.fstype, required })
      : undefined;
    const line = copied
      ? copied.line
      : rule?.device && rule.fstype
        ? fstabLine({ spec: rule.device, file: mountPoint, vfstype: rule.fstype, options: required })
        : undefined;
    if (line === undefined)
      return [
        ...drafts,
        advice(
          'mounts',
          mountPoint,
          `add an fstab entry for ${mountPoint} on ${node}`,
          'the roles name no device and type for it, and the primary has no line to copy',
          rest,
        ),
      ];
    const edits: FileEdit[] = [{ kind: 'fstab-append', text: line }];
    return [
      ...drafts,
      {
        category: 'mounts',
        key: mountPoint,
        action: 'change',
        description: `add the fstab entry of ${mountPoint} to ${node}${copied ? `, as the primary's${copied.changed}` : ''}`,
        edits,
        reloadSystemd: true,
        addresses,
      },
    ];
  }

  if (rest.every((f) => f.aspect === 'failover-at-boot') && !entry.parsed.auto) {
    // fstab already says noauto: a unit started at boot pulls the mount in (the evidence names it).
    return [
      ...drafts,
      advice(
        'mounts',
        mountPoint,
        `a unit started at boot pulls ${mountPoint} in on ${node}: let the cluster manager start that unit, or override its unit file without the Requires=/RequiresMountsFor= on the mount`,
        'which unit should stop requiring the mount is a decision about the service',
        rest,
      ),
    ];
  }

  // Empty option words (`rw,,noatime`) name no option: never added, never taken out.
  const have = optionWords(entry);
  const add = [...required];
  const remove: string[] = [];
  if (primary) {
    const model = optionWords(primary);
    add.push(...model);
    remove.push(...have.filter((option) => !model.includes(option)));
  }
  if (add.includes('noauto')) remove.push('auto');
  const kept = remove.filter((option) => !required.includes(option));
  const vfstype = rule?.fstype ?? primary?.vfstype;
  const changes = {
    ...(spec !== undefined && spec !== entry.spec ? { spec } : {}),
    ...(vfstype !== undefined && vfstype !== entry.vfstype ? { vfstype } : {}),
    options: {
      add: [...new Set(add)].filter((o) => !have.includes(o) && !kept.includes(o)),
      remove: kept.filter((o) => have.includes(o)),
    },
    ...(primary && primary.passno !== entry.passno ? { passno: primary.passno } : {}),
  };
  const what = describeChange(changes);
  if (what.length === 0) return drafts;
  const written = [changes.spec ?? '', ...changes.options.add, ...changes.options.remove];
  if (written.some(holdsRedaction)) return [...drafts, secretAdvice(mountPoint, node, rest)];
  return [
    ...drafts,
    {
      category: 'mounts',
      key: mountPoint,
      action: 'change',
      description: `fstab line ${entry.line} of ${mountPoint} on ${node}: ${what.join('; ')}; then reload systemd`,
      edits: [{ kind: 'fstab-line', line: entry.line, fields: changes }],
      reloadSystemd: true,
      addresses,
    },
  ];
}

/**
 * A line whose device or options hold a secret (cifs's `password=`) is known only by its
 * redaction marker: the marker is not the secret, and is never written into a node's fstab.
 */
function secretAdvice(mountPoint: string, node: string, findings: SourcedFinding[]): FixDraft {
  return advice(
    'mounts',
    mountPoint,
    `make the fstab line of ${mountPoint} on ${node} like the primary's by hand`,
    'the line holds a secret (a password in its device or options) that stays on the nodes',
    findings,
  );
}

export const mountsFixer: CategoryFixer = {
  category: 'mounts',
  plan: (findings, ctx) => perKey(findings, (mountPoint, group) => planMount(mountPoint, group, ctx)),
};
