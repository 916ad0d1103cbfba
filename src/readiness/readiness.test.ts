/**
 * Every readiness check, failing and passing, on small hand-made states (the PyPI pair as
 * collected from its fixture trees is tested through the CLI in test/integration/cli-ready).
 */
import * as fs from 'node:fs';
import { readiness } from '.';
import { loadDesired } from '../desired';
import type { CheckResult, ProbeResult, ReadinessCheckId } from '../model/readiness';
import type { NodeState } from '../model/state';
import { loadYaml } from '../../test/helpers/desired';
import { dpkg, fstab, state, unit, units } from '../../test/helpers/states';

const DESIRED = loadYaml(`
kind: Role
name: web
packages: { nginx: present }
sysctls: { kernel.panic: 10 }
files: { /etc/app.conf: { parity: true } }
---
kind: Node
name: a
roles: [web]
---
kind: Node
name: b
roles: [web]
probes: [{ name: ssh, tcp: "192.0.2.2:22" }]
---
kind: Pair
name: ab
primary: a
secondary: b
capacity: { minRatio: 1.0 }
readiness: { maxReportAge: 10m }
`);

const NOW = new Date('2026-11-22T12:00:00.000Z');

/** A node that passes every check on its own: conforming, panics reboot, one healthy DRBD resource. */
function healthy(node: 'a' | 'b', overrides: Partial<NodeState> = {}): NodeState {
  const peer = node === 'a' ? 'b' : 'a';
  return {
    ...state(node, {
      os: { id: 'debian', versionId: '12' },
      capacity: { cpus: 8, memoryBytes: 32 * 2 ** 30 },
      packages: dpkg(['nginx', '1.22.1-9']),
      mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro')], live: [] },
      units: {
        ...units(
          unit('multi-user.target', { enablement: 'static', wants: ['nginx.service'] }),
          unit('nginx.service', { wantedBy: ['multi-user.target'], wantedByLinks: ['multi-user.target'] }),
        ),
        defaultTarget: 'multi-user.target',
      },
      sysctls: {
        live: { 'kernel.panic': '10' },
        persisted: { 'kernel.panic': { value: '10', source: '/etc/sysctl.d/10-panic.conf:1' } },
      },
      files: {
        items: {
          '/etc/app.conf': {
            path: '/etc/app.conf',
            exists: true,
            type: 'file',
            sha256: 'sha256:' + 'a'.repeat(64),
            mode: '0644',
            owner: 'root',
            group: 'root',
            text: 'x=1\n',
          },
        },
      },
      users: { users: {}, groups: {} },
      replication: {
        drbdAvailable: true,
        drbd: {
          r0: {
            name: 'r0',
            role: node === 'a' ? 'Primary' : 'Secondary',
            volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
            connections: [
              {
                peer,
                connectionState: 'Connected',
                peerRole: node === 'a' ? 'Secondary' : 'Primary',
                peerDevices: [
                  {
                    volume: 0,
                    replicationState: 'Established',
                    peerDiskState: 'UpToDate',
                    outOfSyncBytes: 0,
                  },
                ],
              },
            ],
          },
        },
      },
    }),
    collectedAt: '2026-11-22T11:58:00.000Z',
    ...overrides,
  };
}

const PROBES_OK: ProbeResult[] = [{ node: 'b', name: 'ssh', target: '192.0.2.2:22', ok: true }];

function check(
  id: ReadinessCheckId,
  primary: NodeState | undefined,
  secondary: NodeState | undefined,
  probes: ProbeResult[] | 'not run' = PROBES_OK,
): CheckResult {
  const result = readiness({
    pair: DESIRED.pairs.ab!,
    desired: DESIRED,
    primary,
    secondary,
    now: NOW,
    probes: probes === 'not run' ? undefined : probes,
  });
  const found = result.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

const keys = (result: CheckResult) => result.findings.map((f) => `${f.node ?? ''} ${f.key}`);

describe('readiness of a healthy pair', () => {
  it('is GO with every check passing, in the order of the contract', () => {
    const result = readiness({
      pair: DESIRED.pairs.ab!,
      desired: DESIRED,
      primary: healthy('a'),
      secondary: healthy('b'),
      now: NOW,
      probes: PROBES_OK,
    });
    expect(result.checks.flatMap((c) => c.findings)).toEqual([]);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['fresh-reports', 'pass'],
      ['secondary-conforms', 'pass'],
      ['parity-packages', 'pass'],
      ['parity-sysctls', 'pass'],
      ['parity-mounts', 'pass'],
      ['parity-units', 'pass'],
      ['parity-files', 'pass'],
      ['parity-users', 'pass'],
      ['boot-safety', 'pass'],
      ['panic-reboot', 'pass'],
      ['capacity', 'pass'],
      ['replication', 'pass'],
      ['reachability', 'pass'],
    ]);
    expect(result).toMatchObject({
      pair: 'ab',
      primary: 'a',
      secondary: 'b',
      verdict: 'GO',
      evaluatedAt: NOW.toISOString(),
    });
  });
});

describe('each check fails for its own reason', () => {
  it('fresh-reports: a stale secondary fails; a stale primary only warns', () => {
    const stale = { collectedAt: '2026-11-22T11:00:00.000Z' };
    const failed = check('fresh-reports', healthy('a'), healthy('b', stale));
    expect(failed.status).toBe('fail');
    expect(failed.findings[0]?.message).toContain('60 min old');
    expect(check('fresh-reports', healthy('a', stale), healthy('b')).status).toBe('warn');
    expect(check('fresh-reports', undefined, healthy('b')).status).toBe('warn');
    expect(check('fresh-reports', healthy('a'), undefined).status).toBe('fail');
  });

  it('fresh-reports: a state stamped in the future proves nothing about a silent node', () => {
    const future = { collectedAt: '2099-01-01T00:00:00.000Z' };
    const failed = check('fresh-reports', healthy('a'), healthy('b', future));
    expect(failed.status).toBe('fail');
    expect(failed.findings[0]?.message).toContain('ahead of this clock');
    expect(failed.findings[0]?.message).toContain(NOW.toISOString());
    expect(check('fresh-reports', healthy('a', future), healthy('b')).status).toBe('warn');
    // A node clock a minute fast is within the skew a clock may have: the state counts as new.
    const minuteAhead = { collectedAt: new Date(NOW.getTime() + 60_000).toISOString() };
    expect(check('fresh-reports', healthy('a'), healthy('b', minuteAhead)).status).toBe('pass');
  });

  it('secondary-conforms: a missing package of the role', () => {
    const result = check('secondary-conforms', healthy('a'), healthy('b', { packages: dpkg() }));
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b nginx']);
  });

  it('parity-packages: only on the primary, newer on the primary', () => {
    const result = check(
      'parity-packages',
      healthy('a', { packages: dpkg(['nginx', '1.22.1-9'], ['pypissh', '1.2.0-1']) }),
      healthy('b', { packages: dpkg(['nginx', '1.22.1-8']) }),
    );
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => [f.key, f.side])).toEqual([
      ['nginx:amd64', 'newer-first'],
      ['pypissh:amd64', 'only-first'],
    ]);
  });

  it('parity-sysctls: live and persisted', () => {
    const b = healthy('b');
    b.sysctls = { live: { 'kernel.panic': '10', 'vm.swappiness': '10' }, persisted: b.sysctls!.persisted };
    const a = healthy('a');
    a.sysctls = { ...a.sysctls!, live: { ...a.sysctls!.live, 'vm.swappiness': '60' } };
    const result = check('parity-sysctls', a, b);
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b vm.swappiness']);
  });

  it('parity-mounts: fstab options differ', () => {
    const result = check(
      'parity-mounts',
      healthy('a', {
        mounts: { fstab: [fstab(1, 'UUID=x', '/', 'ext4', 'errors=remount-ro,noatime')], live: [] },
      }),
      healthy('b'),
    );
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b /']);
  });

  it('parity-units: a service only on the primary', () => {
    const a = healthy('a');
    a.units = { ...a.units!, items: { ...a.units!.items, 'pypissh.service': unit('pypissh.service') } };
    const result = check('parity-units', a, healthy('b'));
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b pypissh.service']);
  });

  it('parity-files: a parity file differs, with its diff; other files do not count', () => {
    const b = healthy('b');
    b.files!.items['/etc/app.conf'] = {
      ...b.files!.items['/etc/app.conf']!,
      sha256: 'sha256:' + 'b'.repeat(64),
      text: 'x=2\n',
    };
    b.files!.items['/etc/motd'] = {
      path: '/etc/motd',
      exists: true,
      type: 'file',
      sha256: 'sha256:' + 'c'.repeat(64),
    };
    const a = healthy('a');
    a.files!.items['/etc/motd'] = {
      path: '/etc/motd',
      exists: true,
      type: 'file',
      sha256: 'sha256:' + 'd'.repeat(64),
    };
    const result = check('parity-files', a, b);
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b /etc/app.conf']);
    expect(result.findings[0]?.diff).toContain('+x=2');
  });

  it('parity-users: another uid', () => {
    const user = (uid: number) => ({
      users: { app: { name: 'app', uid, gid: uid, home: '/srv', shell: '/bin/false' } },
      groups: {},
    });
    const result = check(
      'parity-users',
      healthy('a', { users: user(990) }),
      healthy('b', { users: user(991) }),
    );
    expect(result.status).toBe('fail');
    expect(keys(result)).toEqual(['b app']);
  });

  it('panic-reboot: 0 live, or nothing persisted, on either node', () => {
    const noPanic = healthy('a');
    noPanic.sysctls = { live: { 'kernel.panic': '0' }, persisted: {} };
    const result = check('panic-reboot', noPanic, healthy('b'));
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => [f.node, f.key, f.aspect])).toEqual([
      ['a', 'kernel.panic', 'live'],
      ['a', 'kernel.panic', 'persisted'],
    ]);
  });

  it('capacity: half the memory of the primary', () => {
    const result = check(
      'capacity',
      healthy('a'),
      healthy('b', { capacity: { cpus: 8, memoryBytes: 16 * 2 ** 30 } }),
    );
    expect(result.status).toBe('fail');
    expect(result.findings[0]).toMatchObject({ key: 'memoryBytes', node: 'b' });
    expect(result.findings[0]?.message).toContain('16.0 GiB');
  });

  it('replication: out of sync, disconnected, inconsistent', () => {
    const b = healthy('b');
    const resource = b.replication!.drbd.r0!;
    resource.volumes[0]!.diskState = 'Inconsistent';
    resource.connections[0]!.connectionState = 'Connecting';
    resource.connections[0]!.peerDevices[0]!.outOfSyncBytes = 4096;
    const result = check('replication', healthy('a'), b);
    expect(result.status).toBe('fail');
    expect(result.findings.map((f) => f.aspect)).toEqual(['disk/0', 'connection/a', 'out-of-sync/a/0']);
  });

  it('reachability: a probe that does not answer fails; none run or none declared warns', () => {
    const down: ProbeResult[] = [
      { node: 'b', name: 'ssh', target: '192.0.2.2:22', ok: false, error: 'no answer within 3000 ms' },
    ];
    const failed = check('reachability', healthy('a'), healthy('b'), down);
    expect(failed.status).toBe('fail');
    expect(failed.findings[0]?.message).toContain('no answer within 3000 ms');
    expect(check('reachability', healthy('a'), healthy('b'), 'not run').status).toBe('warn');
  });

  it('reachability: a secondary with no probe declared warns that its access is untested', () => {
    const noProbes = { ...DESIRED, nodes: { ...DESIRED.nodes, b: { ...DESIRED.nodes.b!, probes: [] } } };
    const result = readiness({
      pair: noProbes.pairs.ab!,
      desired: noProbes,
      primary: healthy('a'),
      secondary: healthy('b'),
      now: NOW,
      probes: [],
    });
    const reach = result.checks.find((c) => c.id === 'reachability')!;
    expect(reach.status).toBe('warn');
    expect(reach.summary).toContain('no probe is declared for b');
    expect(result.verdict).toBe('GO');
  });

  it('boot-safety: the PyPI 2013 DRBD mount at boot, on both nodes (states collected from the fixture trees)', () => {
    const desired = loadDesired('desired-state');
    const read = (node: string) =>
      JSON.parse(fs.readFileSync(`examples/states/${node}.json`, 'utf8')) as NodeState;
    const result = readiness({
      pair: desired.pairs.pypi!,
      desired,
      primary: read('pypi-1'),
      secondary: read('pypi-2'),
      now: new Date('2026-11-22T10:05:00Z'),
    });
    const boot = result.checks.find((c) => c.id === 'boot-safety')!;
    expect(boot.status).toBe('fail');
    expect(boot.findings.filter((f) => f.aspect === 'boot-hang').map((f) => [f.node, f.key])).toEqual([
      ['pypi-1', '/srv/pypi'],
      ['pypi-2', '/srv/pypi'],
    ]);
    expect(check('boot-safety', healthy('a'), healthy('b')).status).toBe('pass');
  });
});

describe('verdict', () => {
  it('warnings alone are GO, and NO-GO with --strict, which fails the checks that warn and no other', () => {
    const input = {
      pair: DESIRED.pairs.ab!,
      desired: DESIRED,
      primary: healthy('a'),
      secondary: healthy('b'),
      now: NOW,
      probes: undefined,
    };
    expect(readiness(input).verdict).toBe('GO');
    const strict = readiness(input, { strict: true });
    expect(strict.verdict).toBe('NO-GO');
    const warned = readiness(input).checks.filter((c) => c.status === 'warn');
    expect(warned.map((c) => c.id)).toContain('reachability');
    // Every check keeps its status but a warning, which becomes a failure.
    expect(strict.checks.map((c) => [c.id, c.status])).toEqual(
      readiness(input).checks.map((c) => [c.id, c.status === 'warn' ? 'fail' : c.status]),
    );
    expect(strict.checks.filter((c) => c.status === 'pass').length).toBeGreaterThan(0);
  });
});
