import { spec, state } from '../../../test/helpers/states';
import type { NodeFixContext, SourcedFinding } from '../types';
import { capacityFixer, monitoringAdvice, replicationFixer } from './advice';

function finding(extra: Partial<SourcedFinding> & Pick<SourcedFinding, 'category' | 'key'>): SourcedFinding {
  return { kind: 'mismatch', severity: 'error', message: 'm', node: 'b', source: 'health', ...extra };
}

describe('capacity advice', () => {
  let ctx: NodeFixContext;
  beforeEach(() => {
    ctx = { node: 'b', state: state('b'), spec: spec() };
  });

  it("asks a person for the primary's CPUs and memory, one piece of advice per key", () => {
    const cpus = finding({ category: 'capacity', key: 'cpus', expected: 8, actual: 2 });
    const memory = finding({
      category: 'capacity',
      key: 'memoryBytes',
      expected: 8 * 1024 ** 3,
      actual: 1024,
    });
    expect(capacityFixer.category).toBe('capacity');
    expect(capacityFixer.plan([cpus, memory], ctx)).toEqual([
      {
        category: 'capacity',
        key: 'cpus',
        action: 'advice',
        description: "give b at least 8 CPUs, so it can carry the primary's load",
        reason: 'hardware is for a person to add',
        commands: [],
        addresses: ['capacity|cpus|mismatch||'],
      },
      {
        category: 'capacity',
        key: 'memoryBytes',
        action: 'advice',
        description: "give b at least 8.0 GiB of memory, so it can carry the primary's load",
        reason: 'hardware is for a person to add',
        commands: [],
        addresses: ['capacity|memoryBytes|mismatch||'],
      },
    ]);
  });

  it('gives nothing without findings', () => {
    expect(capacityFixer.plan([], ctx)).toEqual([]);
  });
});

describe('replication advice', () => {
  let ctx: NodeFixContext;
  beforeEach(() => {
    ctx = { node: 'b', state: state('b'), spec: spec() };
  });

  const describeFor = (...aspects: (string | undefined)[]): string | undefined =>
    replicationFixer.plan(
      aspects.map((aspect) => finding({ category: 'replication', key: 'r0', ...(aspect ? { aspect } : {}) })),
      ctx,
    )[0]?.description;

  it('is one piece of advice per resource, with a command to look with and its reason', () => {
    expect(replicationFixer.category).toBe('replication');
    expect(
      replicationFixer.plan(
        [
          finding({ category: 'replication', key: 'r0', aspect: 'role' }),
          finding({ category: 'replication', key: 'r1', aspect: 'disk/0' }),
          finding({ category: 'replication', key: 'r0', aspect: 'connection', kind: 'unsafe' }),
        ],
        ctx,
      ),
    ).toEqual([
      {
        category: 'replication',
        key: 'r0',
        action: 'advice',
        description:
          'reconnect DRBD resource r0 on b (drbdadm adjust r0) once the cause of the disconnection is known',
        reason: 'replication is the cluster manager’s and a person’s to repair, never a scheduled change',
        commands: [['drbdadm', 'status', 'r0']],
        addresses: ['replication|r0|mismatch|role|', 'replication|r0|unsafe|connection|'],
      },
      {
        category: 'replication',
        key: 'r1',
        action: 'advice',
        description: 'let r1 resynchronise before failing over; watch drbdadm status r1',
        reason: 'replication is the cluster manager’s and a person’s to repair, never a scheduled change',
        commands: [['drbdadm', 'status', 'r1']],
        addresses: ['replication|r1|mismatch|disk/0|'],
      },
    ]);
  });

  it("says to reconnect when any of the resource's findings is about a connection, whatever else is wrong", () => {
    const reconnect =
      'reconnect DRBD resource r0 on b (drbdadm adjust r0) once the cause of the disconnection is known';
    expect(describeFor('connection/a')).toBe(reconnect);
    expect(describeFor('out-of-sync/a/0', 'connection/a')).toBe(reconnect);
  });

  it('says to let it resynchronise when data is out of sync or a disk (local or peer) is not up to date', () => {
    const resync = 'let r0 resynchronise before failing over; watch drbdadm status r0';
    expect(describeFor('out-of-sync/a/0')).toBe(resync);
    expect(describeFor('peer-disk/a/0')).toBe(resync);
    expect(describeFor('disk/0')).toBe(resync);
    expect(describeFor('role', 'disk/1')).toBe(resync);
  });

  it('says to look at the resource otherwise: its role, or a finding without aspect', () => {
    expect(describeFor('role')).toBe('look at DRBD resource r0 on b');
    expect(describeFor(undefined)).toBe('look at DRBD resource r0 on b');
    // Only the start of an aspect names a connection or out-of-sync data.
    expect(describeFor('role/connection')).toBe('look at DRBD resource r0 on b');
    expect(describeFor('role/out-of-sync')).toBe('look at DRBD resource r0 on b');
  });
});

describe('monitoring advice', () => {
  it('asks to check the agent of a node whose reports are missing or old', () => {
    expect(
      monitoringAdvice('node', 'b', [
        finding({ category: 'node', key: 'b', kind: 'missing', message: 'no report' }),
      ]),
    ).toEqual([
      {
        category: 'node',
        key: 'b',
        action: 'advice',
        description: 'check that the driftguard agent runs on b and reaches the server (or sweep it)',
        reason: 'reports are the monitoring path, not the node’s configuration',
        commands: [['systemctl', 'status', 'driftguard-agent']],
        addresses: ['node|b|missing||'],
      },
    ]);
  });

  it('asks to declare probes when none is (the finding is keyed by the node), with no command', () => {
    expect(
      monitoringAdvice('probes', 'b', [finding({ category: 'probes', key: 'b', kind: 'missing' })]),
    ).toEqual([
      {
        category: 'probes',
        key: 'b',
        action: 'advice',
        description:
          'declare probes for b in its Node (e.g. ssh 10.0.0.12:22, bmc 10.0.1.12:623) so readiness tries them',
        reason: 'the network and out-of-band access are for a person to check and repair',
        commands: [],
        addresses: ['probes|b|missing||'],
      },
    ]);
  });

  it('asks to run a declared probe that was not run, and to repair one that does not answer', () => {
    const drafts = monitoringAdvice('probes', 'b', [
      finding({ category: 'probes', key: 'ssh', kind: 'missing' }),
      finding({ category: 'probes', key: 'bmc', kind: 'mismatch' }),
      // A probe that happens to share the node's name but answers wrongly is still a probe.
      finding({ category: 'probes', key: 'b', kind: 'mismatch' }),
    ]);
    expect(drafts.map((d) => d.description)).toEqual([
      "try ssh of b: run driftguard ready without --no-probes (the server's readiness runs it too)",
      'make bmc of b reachable from here (network path, firewall, the BMC itself) — before it is needed',
      'make b of b reachable from here (network path, firewall, the BMC itself) — before it is needed',
    ]);
  });

  it("judges a probe's key by its first finding", () => {
    const [draft] = monitoringAdvice('probes', 'b', [
      finding({ category: 'probes', key: 'ssh', kind: 'mismatch' }),
      finding({ category: 'probes', key: 'ssh', kind: 'missing' }),
    ]);
    expect(draft?.description).toBe(
      'make ssh of b reachable from here (network path, firewall, the BMC itself) — before it is needed',
    );
    expect(draft?.addresses).toEqual(['probes|ssh|mismatch||', 'probes|ssh|missing||']);
  });
});
