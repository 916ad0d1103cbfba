import { NOT_COLLECTED } from '../../model/finding';
import type { ReadinessFinding } from '../../model/readiness';
import type { DrbdResource, NodeState } from '../../model/state';
import type { ReadinessCheck, ReadinessContext } from '../types';
import { resultOf } from '../types';

/** Does the desired state expect DRBD on this pair (a mount of a /dev/drbd device)? */
function expectsDrbd(ctx: ReadinessContext): boolean {
  return [ctx.primarySpec, ctx.secondarySpec].some((spec) =>
    Object.values(spec.mounts).some((m) => m.device?.startsWith('/dev/drbd')),
  );
}

function resourceFindings(
  state: NodeState,
  resource: DrbdResource,
  expectedRole: 'Primary' | 'Secondary',
): ReadinessFinding[] {
  const findings: ReadinessFinding[] = [];
  const base = {
    category: 'replication' as const,
    key: resource.name,
    node: state.node,
    severity: 'error' as const,
    kind: 'mismatch' as const,
  };
  for (const volume of resource.volumes) {
    if (volume.diskState !== 'UpToDate') {
      findings.push({
        ...base,
        aspect: `disk/${volume.volume}`,
        expected: 'UpToDate',
        actual: volume.diskState,
        message: `${resource.name} volume ${volume.volume} on ${state.node}: disk is ${volume.diskState}, not UpToDate`,
      });
    }
  }
  if (resource.connections.length === 0) {
    findings.push({
      ...base,
      aspect: 'connection',
      expected: 'Connected',
      actual: 'StandAlone',
      message: `${resource.name} on ${state.node} has no connection to its peer (StandAlone)`,
    });
  }
  for (const connection of resource.connections) {
    if (connection.connectionState !== 'Connected') {
      findings.push({
        ...base,
        aspect: `connection/${connection.peer}`,
        expected: 'Connected',
        actual: connection.connectionState,
        message: `${resource.name} on ${state.node}: connection to ${connection.peer} is ${connection.connectionState}, not Connected`,
      });
    }
    for (const device of connection.peerDevices) {
      if (device.peerDiskState !== 'UpToDate') {
        findings.push({
          ...base,
          aspect: `peer-disk/${connection.peer}/${device.volume}`,
          expected: 'UpToDate',
          actual: device.peerDiskState,
          message: `${resource.name} volume ${device.volume}: ${connection.peer}'s disk is ${device.peerDiskState} as ${state.node} sees it`,
        });
      }
      if (device.outOfSyncBytes > 0) {
        findings.push({
          ...base,
          aspect: `out-of-sync/${connection.peer}/${device.volume}`,
          expected: 0,
          actual: device.outOfSyncBytes,
          message: `${resource.name} volume ${device.volume}: ${device.outOfSyncBytes} bytes out of sync with ${connection.peer}`,
        });
      }
    }
  }
  if (resource.role !== expectedRole) {
    // Primary where Secondary is expected makes two primaries; any other wrong role only warns.
    const severity = resource.role === 'Primary' ? 'error' : 'warning';
    findings.push({
      ...base,
      severity,
      aspect: 'role',
      expected: expectedRole,
      actual: resource.role,
      message: `${resource.name} is ${resource.role} on ${state.node}, expected ${expectedRole}${severity === 'error' ? ' — two primaries risk split brain' : ''}`,
    });
  }
  return findings;
}

/**
 * Replicated storage must be healthy before the secondary takes over: every DRBD resource
 * Connected, both disks UpToDate, nothing out of sync (PythonAnywhere 2015 ran on slow, sick
 * DRBD for hours). Read from both nodes: each sees its own disk and its peer's.
 */
export const replication: ReadinessCheck = {
  id: 'replication',
  evaluate(ctx) {
    const findings: ReadinessFinding[] = [];
    const sides = [
      { state: ctx.secondary, role: 'Secondary' as const },
      { state: ctx.primary, role: 'Primary' as const },
    ];
    let resources = 0;
    for (const { state, role } of sides) {
      if (!state) continue;
      if (!state.replication) {
        findings.push({
          category: 'replication',
          key: NOT_COLLECTED,
          kind: 'missing',
          severity: 'warning',
          node: state.node,
          message: `replication state of ${state.node} was not collected`,
        });
        continue;
      }
      for (const resource of Object.values(state.replication.drbd)) {
        resources++;
        findings.push(...resourceFindings(state, resource, role));
      }
    }
    if (resources === 0 && expectsDrbd(ctx)) {
      findings.push({
        category: 'replication',
        key: 'drbd',
        kind: 'missing',
        severity: 'error',
        node: ctx.pair.secondary,
        message: 'the desired state mounts a DRBD device, but neither node reports a DRBD resource',
      });
    }
    if (resources === 0 && findings.length === 0)
      return { status: 'pass', summary: 'no replicated storage on this pair', findings };
    return resultOf(findings, {
      pass: `${resources} DRBD ${resources === 1 ? 'resource' : 'resources'}: Connected, UpToDate, in sync`,
      fail: (n) => `replication is not healthy (${n} ${n === 1 ? 'problem' : 'problems'})`,
      warn: (n) => `replication: nothing failing, ${n} ${n === 1 ? 'warning' : 'warnings'} to look at`,
    });
  },
};
