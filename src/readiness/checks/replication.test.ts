import type { DrbdConnection, DrbdResource, NodeState, ReplicationState } from '../../model/state';
import { context } from '../../../test/helpers/readiness-context';
import { mountRule, spec, state } from '../../../test/helpers/states';
import { replication } from './replication';

/** A healthy resource as `node` sees it: one volume, Connected to its peer, both disks UpToDate, in sync. */
function resource(
  name: string,
  node: 'a' | 'b',
  role = node === 'a' ? 'Primary' : 'Secondary',
): DrbdResource {
  const peer = node === 'a' ? 'b' : 'a';
  return {
    name,
    role,
    volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
    connections: [
      {
        peer,
        connectionState: 'Connected',
        peerRole: node === 'a' ? 'Secondary' : 'Primary',
        peerDevices: [
          { volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate', outOfSyncBytes: 0 },
        ],
      },
    ],
  };
}

function drbd(...resources: DrbdResource[]): ReplicationState {
  return { drbdAvailable: true, drbd: Object.fromEntries(resources.map((r) => [r.name, r])) };
}

function node(name: string, replicationState: ReplicationState | undefined): NodeState {
  return state(name, replicationState ? { replication: replicationState } : {});
}

function evaluate(primary: NodeState | undefined, secondary: NodeState | undefined, drbdMount = false) {
  const specs = drbdMount
    ? { primarySpec: spec({ mounts: { '/srv': mountRule({ device: '/dev/drbd0', failover: true }) } }) }
    : {};
  return replication.evaluate(context({ primary, secondary, ...specs }));
}

const BASE = { category: 'replication', key: 'r0', severity: 'error', kind: 'mismatch' };

describe('replication', () => {
  it('has the id of the contract', () => {
    expect(replication.id).toBe('replication');
  });

  it('passes one healthy resource seen from both nodes', () => {
    expect(evaluate(node('a', drbd(resource('r0', 'a'))), node('b', drbd(resource('r0', 'b'))))).toEqual({
      status: 'pass',
      summary: '2 DRBD resources: Connected, UpToDate, in sync',
      findings: [],
    });
  });

  it('counts resources in the singular when only one is seen', () => {
    expect(evaluate(undefined, node('b', drbd(resource('r0', 'b'))))).toEqual({
      status: 'pass',
      summary: '1 DRBD resource: Connected, UpToDate, in sync',
      findings: [],
    });
  });

  it('passes with no DRBD on either node when none is expected', () => {
    expect(evaluate(node('a', { drbdAvailable: false, drbd: {} }), node('b', drbd()))).toEqual({
      status: 'pass',
      summary: 'no replicated storage on this pair',
      findings: [],
    });
  });

  it('passes with neither node reported and no DRBD expected', () => {
    expect(evaluate(undefined, undefined)).toEqual({
      status: 'pass',
      summary: 'no replicated storage on this pair',
      findings: [],
    });
  });

  it('fails when the desired state mounts a DRBD device but no node reports a resource', () => {
    expect(evaluate(node('a', drbd()), node('b', { drbdAvailable: false, drbd: {} }), true)).toEqual({
      status: 'fail',
      summary: 'replication is not healthy (1 problem)',
      findings: [
        {
          category: 'replication',
          key: 'drbd',
          kind: 'missing',
          severity: 'error',
          node: 'b',
          message: 'the desired state mounts a DRBD device, but neither node reports a DRBD resource',
        },
      ],
    });
  });

  it('reads the DRBD mount from the secondary’s roles too', () => {
    const result = replication.evaluate(
      context({
        primary: node('a', drbd()),
        secondary: node('b', drbd()),
        secondarySpec: spec({ mounts: { '/srv': mountRule({ device: '/dev/drbd1' }) } }),
      }),
    );
    expect(result.findings.map((f) => f.key)).toEqual(['drbd']);
  });

  it('a mount of another device, or with no device, does not expect DRBD', () => {
    const result = replication.evaluate(
      context({
        primary: node('a', drbd()),
        secondary: node('b', drbd()),
        primarySpec: spec({ mounts: { '/srv': mountRule({ device: '/dev/sdb1' }), '/tmp': mountRule({}) } }),
        secondarySpec: spec({ mounts: { '/data': mountRule({ device: 'UUID=drbd' }) } }),
      }),
    );
    expect(result.status).toBe('pass');
  });

  it('a DRBD mount with resources reported is judged by the resources', () => {
    expect(
      evaluate(node('a', drbd(resource('r0', 'a'))), node('b', drbd(resource('r0', 'b'))), true).status,
    ).toBe('pass');
  });

  it('fails on the secondary’s own disk not UpToDate', () => {
    const r0 = resource('r0', 'b');
    r0.volumes[0]!.diskState = 'Inconsistent';
    expect(evaluate(node('a', drbd(resource('r0', 'a'))), node('b', drbd(r0)))).toEqual({
      status: 'fail',
      summary: 'replication is not healthy (1 problem)',
      findings: [
        {
          ...BASE,
          node: 'b',
          aspect: 'disk/0',
          expected: 'UpToDate',
          actual: 'Inconsistent',
          message: 'r0 volume 0 on b: disk is Inconsistent, not UpToDate',
        },
      ],
    });
  });

  it('fails on the peer’s disk not UpToDate as the primary sees it', () => {
    const r0 = resource('r0', 'a');
    r0.connections[0]!.peerDevices[0]!.peerDiskState = 'Outdated';
    expect(evaluate(node('a', drbd(r0)), node('b', drbd(resource('r0', 'b')))).findings).toEqual([
      {
        ...BASE,
        node: 'a',
        aspect: 'peer-disk/b/0',
        expected: 'UpToDate',
        actual: 'Outdated',
        message: "r0 volume 0: b's disk is Outdated as a sees it",
      },
    ]);
  });

  it('fails on a connection not Connected', () => {
    const r0 = resource('r0', 'b');
    r0.connections[0]!.connectionState = 'Connecting';
    expect(evaluate(undefined, node('b', drbd(r0))).findings).toEqual([
      {
        ...BASE,
        node: 'b',
        aspect: 'connection/a',
        expected: 'Connected',
        actual: 'Connecting',
        message: 'r0 on b: connection to a is Connecting, not Connected',
      },
    ]);
  });

  it('fails on a resource with no connection at all (StandAlone)', () => {
    const r0 = resource('r0', 'b');
    r0.connections = [];
    expect(evaluate(undefined, node('b', drbd(r0)))).toEqual({
      status: 'fail',
      summary: 'replication is not healthy (1 problem)',
      findings: [
        {
          ...BASE,
          node: 'b',
          aspect: 'connection',
          expected: 'Connected',
          actual: 'StandAlone',
          message: 'r0 on b has no connection to its peer (StandAlone)',
        },
      ],
    });
  });

  it('out of sync: 1 byte fails, 0 passes', () => {
    const r0 = resource('r0', 'b');
    r0.connections[0]!.peerDevices[0]!.outOfSyncBytes = 1;
    expect(evaluate(undefined, node('b', drbd(r0))).findings).toEqual([
      {
        ...BASE,
        node: 'b',
        aspect: 'out-of-sync/a/0',
        expected: 0,
        actual: 1,
        message: 'r0 volume 0: 1 bytes out of sync with a',
      },
    ]);
    r0.connections[0]!.peerDevices[0]!.outOfSyncBytes = 0;
    expect(evaluate(undefined, node('b', drbd(r0))).status).toBe('pass');
  });

  it('checks every volume, connection and peer device, in that order', () => {
    const r0 = resource('r0', 'b');
    r0.volumes.push({ volume: 1, minor: 1, diskState: 'Diskless' });
    const second: DrbdConnection = {
      peer: 'c',
      connectionState: 'Connected',
      peerRole: 'Secondary',
      peerDevices: [
        { volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate', outOfSyncBytes: 0 },
        { volume: 1, replicationState: 'SyncSource', peerDiskState: 'Inconsistent', outOfSyncBytes: 8192 },
      ],
    };
    r0.connections.push(second);
    const result = evaluate(undefined, node('b', drbd(r0)));
    expect(result.summary).toBe('replication is not healthy (3 problems)');
    expect(result.findings.map((f) => [f.aspect, f.actual])).toEqual([
      ['disk/1', 'Diskless'],
      ['peer-disk/c/1', 'Inconsistent'],
      ['out-of-sync/c/1', 8192],
    ]);
  });

  it('judges every resource on both nodes, the secondary first', () => {
    const bR1 = resource('r1', 'b');
    bR1.volumes[0]!.diskState = 'Outdated';
    const aR0 = resource('r0', 'a');
    aR0.connections[0]!.connectionState = 'StandAlone';
    const result = evaluate(
      node('a', drbd(aR0, resource('r1', 'a'))),
      node('b', drbd(resource('r0', 'b'), bR1)),
    );
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('replication is not healthy (2 problems)');
    expect(result.findings.map((f) => [f.node, f.key, f.aspect])).toEqual([
      ['b', 'r1', 'disk/0'],
      ['a', 'r0', 'connection/b'],
    ]);
  });

  describe('roles', () => {
    it('a resource Primary on the secondary fails: two primaries risk split brain', () => {
      expect(evaluate(undefined, node('b', drbd(resource('r0', 'b', 'Primary'))))).toEqual({
        status: 'fail',
        summary: 'replication is not healthy (1 problem)',
        findings: [
          {
            ...BASE,
            node: 'b',
            aspect: 'role',
            expected: 'Secondary',
            actual: 'Primary',
            message: 'r0 is Primary on b, expected Secondary — two primaries risk split brain',
          },
        ],
      });
    });

    it('a resource Secondary on the primary only warns', () => {
      expect(evaluate(node('a', drbd(resource('r0', 'a', 'Secondary'))), undefined)).toEqual({
        status: 'warn',
        summary: 'replication: nothing failing, 1 warning to look at',
        findings: [
          {
            ...BASE,
            severity: 'warning',
            node: 'a',
            aspect: 'role',
            expected: 'Primary',
            actual: 'Secondary',
            message: 'r0 is Secondary on a, expected Primary',
          },
        ],
      });
    });

    it('an Unknown role on the secondary only warns', () => {
      expect(evaluate(undefined, node('b', drbd(resource('r0', 'b', 'Unknown')))).findings).toEqual([
        {
          ...BASE,
          severity: 'warning',
          node: 'b',
          aspect: 'role',
          expected: 'Secondary',
          actual: 'Unknown',
          message: 'r0 is Unknown on b, expected Secondary',
        },
      ]);
    });
  });

  describe('replication not collected', () => {
    it('warns for the node whose replication state is unknown', () => {
      expect(evaluate(node('a', drbd(resource('r0', 'a'))), node('b', undefined))).toEqual({
        status: 'warn',
        summary: 'replication: nothing failing, 1 warning to look at',
        findings: [
          {
            category: 'replication',
            key: '(not collected)',
            kind: 'missing',
            severity: 'warning',
            node: 'b',
            message: 'replication state of b was not collected',
          },
        ],
      });
    });

    it('warns for each node, in the plural, when neither node reported it', () => {
      expect(evaluate(node('a', undefined), node('b', undefined))).toEqual({
        status: 'warn',
        summary: 'replication: nothing failing, 2 warnings to look at',
        findings: ['b', 'a'].map((name) => ({
          category: 'replication',
          key: '(not collected)',
          kind: 'missing',
          severity: 'warning',
          node: name,
          message: `replication state of ${name} was not collected`,
        })),
      });
    });

    it('with a DRBD mount desired and no resource seen anywhere, fails as well', () => {
      const result = evaluate(node('a', undefined), node('b', drbd()), true);
      expect(result.status).toBe('fail');
      expect(result.findings.map((f) => [f.node, f.key, f.severity])).toEqual([
        ['a', '(not collected)', 'warning'],
        ['b', 'drbd', 'error'],
      ]);
    });
  });
});
