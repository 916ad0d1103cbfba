import { formatBytes } from '../../shared/format';
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
        finding.key === 'cpus'
          ? `give ${finding.node} at least ${String(finding.expected)} CPUs`
          : `give ${finding.node} at least ${formatBytes(Number(finding.expected))} of memory`,
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

/**
 * Probes: a probe that did not answer is a network or device problem; a probe that was not run
 * (`--no-probes`) or not declared is not — it is untested, and the fix is to test it.
 */
export const fixProbe: Fixer = (finding) => {
  if (!finding.node) return undefined;
  if (finding.kind === 'missing' && finding.key === finding.node)
    return fix(
      finding.node,
      `declare probes for ${finding.node} in its Node (e.g. ssh 10.0.0.12:22, bmc 10.0.1.12:623) so readiness tries them`,
    );
  if (finding.kind === 'missing')
    return fix(
      finding.node,
      `try ${finding.key} of ${finding.node}: run driftguard ready without --no-probes (the server's readiness runs it too)`,
    );
  return fix(
    finding.node,
    `make ${finding.key} of ${finding.node} reachable from here (network path, firewall, the BMC itself) — before it is needed`,
  );
};
