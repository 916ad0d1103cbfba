import type { Fixer } from './types';
import { fix } from './types';

/** Users and groups: shown, never applied — renumbering a uid changes who owns every file (DESIGN §9). */
export const fixUser: Fixer = (finding) =>
  finding.node
    ? fix(
        finding.node,
        `make ${finding.key} on ${finding.node} match (report only: renumbering a uid or gid must be done by hand, with the files it owns)`,
      )
    : undefined;

export const fixCapacity: Fixer = (finding) =>
  finding.node
    ? fix(
        finding.node,
        `give ${finding.node} at least ${String(finding.expected)} ${finding.key === 'cpus' ? 'CPUs' : 'bytes of memory'}`,
      )
    : undefined;

export const fixReplication: Fixer = (finding) => {
  if (!finding.node) return undefined;
  const resource = finding.key;
  if (finding.aspect?.startsWith('connection'))
    return fix(finding.node, `reconnect DRBD resource ${resource} on ${finding.node}`, [
      ['drbdadm', 'adjust', resource],
    ]);
  if (finding.aspect?.startsWith('out-of-sync') || finding.aspect?.includes('disk')) {
    return fix(
      finding.node,
      `let ${resource} resynchronise before failing over; watch drbdadm status ${resource}`,
      [['drbdadm', 'status', resource]],
    );
  }
  return fix(finding.node, `look at DRBD resource ${resource} on ${finding.node}`, [
    ['drbdadm', 'status', resource],
  ]);
};

export const fixNode: Fixer = (finding) =>
  finding.node
    ? fix(finding.node, `check that the driftguard agent runs on ${finding.node} and reaches the server`, [
        ['systemctl', 'status', 'driftguard-agent'],
      ])
    : undefined;

export const fixProbe: Fixer = (finding) =>
  finding.node
    ? fix(
        finding.node,
        `make ${finding.key} of ${finding.node} reachable from here (network path, firewall, the BMC itself) — before it is needed`,
      )
    : undefined;
