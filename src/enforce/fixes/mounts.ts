import type { FstabEntry, NodeState } from '../../model/state';
import type { Fixer } from './types';
import { fix } from './types';

function entryFor(state: NodeState | undefined, mountPoint: string): FstabEntry | undefined {
  return state?.mounts?.fstab.filter((entry) => entry.file === mountPoint).pop();
}

/** The fstab line as the node has it (from the recorded /etc/fstab text), for a before/after edit. */
function lineText(state: NodeState | undefined, entry: FstabEntry): string | undefined {
  return state?.files?.items['/etc/fstab']?.text?.split('\n')[entry.line - 1];
}

function withOptions(entry: FstabEntry, options: string[]): string {
  const escape = (field: string) =>
    field.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011');
  return [
    escape(entry.spec),
    escape(entry.file),
    entry.vfstype,
    options.join(','),
    entry.freq,
    entry.passno,
  ].join('\t');
}

/** The DRBD resource of a device (`/dev/drbd/by-res/r0/0`, or `/dev/drbd0` by its minor), for LINBIT's x-systemd.requires=drbd@RES.target. */
function drbdResource(device: string, state: NodeState | undefined): string | undefined {
  const byName = /^\/dev\/drbd\/by-res\/([^/]+)/.exec(device)?.[1];
  if (byName) return byName;
  const minor = /^\/dev\/drbd(\d+)$/.exec(device)?.[1];
  if (minor === undefined) return undefined;
  return Object.values(state?.replication?.drbd ?? {}).find((resource) =>
    resource.volumes.some((volume) => volume.minor === Number(minor)),
  )?.name;
}

/**
 * Mounts: edit the fstab line. A failover mount gets `noauto` (the cluster manager mounts it);
 * a boot-time mount of a late device gets `nofail` and, for DRBD, LINBIT's
 * `x-systemd.requires=drbd@RES.target`; a missing option is added.
 */
export const fixMount: Fixer = (finding, { target, spec }) => {
  const node = finding.node ?? target?.node;
  if (!node || finding.category !== 'mounts') return undefined;
  const entry = entryFor(target, finding.key);
  if (!entry) return fix(node, `add an fstab entry for ${finding.key} on ${node}`);
  let added: string[] = [];
  // A failover mount is the cluster manager's to mount: `noauto` is its fix, boot hang or not.
  const failover =
    finding.aspect === 'failover-at-boot' ||
    (finding.kind === 'unsafe' && finding.expected === 'noauto') ||
    (finding.aspect === 'boot-hang' && spec?.mounts[finding.key]?.failover === true);
  if (failover && !entry.parsed.auto) {
    // fstab already says noauto: a unit started at boot pulls the mount in (the evidence names it).
    return fix(
      node,
      `a unit started at boot pulls ${finding.key} in on ${node}: let the cluster manager start that unit, or override its unit file without the Requires=/RequiresMountsFor= on the mount`,
    );
  }
  if (failover) added = ['noauto'];
  else if (finding.aspect === 'boot-hang') {
    const resource = drbdResource(entry.spec, target);
    added = ['nofail', ...(resource ? [`x-systemd.requires=drbd@${resource}.target`] : [])];
  } else if (Array.isArray(finding.expected))
    added = (finding.expected as string[]).filter((option) => !entry.options.includes(option));
  else return fix(node, `make the fstab entry of ${finding.key} on ${node} match the primary's`);
  // `noauto` replaces an `auto` (the last one would win anyway); everything else is kept.
  const kept = entry.options.filter((option) => !(added.includes('noauto') && option === 'auto'));
  const after = withOptions(entry, [...kept, ...added.filter((option) => !kept.includes(option))]);
  return fix(
    node,
    `add ${added.join(',')} to the options of ${finding.key} (fstab line ${entry.line}) on ${node}, then reload systemd`,
    [['systemctl', 'daemon-reload']],
    [{ path: '/etc/fstab', before: lineText(target, entry), after }],
  );
};
