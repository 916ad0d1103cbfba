/**
 * The four boot-safety rules on small nodes: real unit files (systemd's targets as Debian 12
 * ships them, drbd-utils' and multipath-tools' units from the fixtures) plus the few lines a case
 * is about, collected by the real units collector and fstab parser from a temp tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFstab } from '../../collect/parsers/fstab';
import { DiskRootFs } from '../../collect/root-fs';
import { collectUnitsSync } from '../../collect/units/collect';
import type { RoleSpec } from '../../model/desired';
import type { Finding } from '../../model/finding';
import type { LiveMount, NodeState, ReplicationState } from '../../model/state';
import { REPO } from '../../../test/helpers/cli';
import { FIXTURE_NODES_DIR } from '../../../test/helpers/fixture-nodes';
import { mountRule, spec, state, unit, unitRule, units } from '../../../test/helpers/states';
import type { TreeEntry } from '../../../test/helpers/temp-tree';
import { removeTree, writeTree } from '../../../test/helpers/temp-tree';
import { bootSafety } from '.';

const SYSTEM = '/usr/lib/systemd/system';
const REPO_BOOT_FIXTURES = path.join(REPO, 'test/fixtures/boot');
const DEBIAN_UNITS = path.join(FIXTURE_NODES_DIR, 'debian12-clean', SYSTEM);
const DRBD_UNITS = path.join(FIXTURE_NODES_DIR, 'pypi-1', SYSTEM);
const MULTIPATH_UNITS = path.join(REPO_BOOT_FIXTURES, 'multipath-tools', SYSTEM);
const TARGETS = [
  'basic.target',
  'sysinit.target',
  'local-fs.target',
  'local-fs-pre.target',
  'remote-fs.target',
  'remote-fs-pre.target',
  'multi-user.target',
  'network.target',
  'network-online.target',
  'sockets.target',
  'timers.target',
  'paths.target',
  'slices.target',
  'swap.target',
  'shutdown.target',
  'umount.target',
];

const R0: ReplicationState = {
  drbdAvailable: true,
  drbd: {
    r0: {
      name: 'r0',
      role: 'Primary',
      volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
      connections: [],
    },
  },
};

function realUnit(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

/** drbd-utils' units, drbd.service enabled as the package enables it. */
function drbdUtils(enabled = true): Record<string, TreeEntry> {
  const files: Record<string, TreeEntry> = {};
  for (const name of ['drbd.service', 'drbd@.service', 'drbd@.target'])
    files[`${SYSTEM}/${name}`] = realUnit(DRBD_UNITS, name);
  if (enabled)
    files['/etc/systemd/system/multi-user.target.wants/drbd.service'] = { symlink: `${SYSTEM}/drbd.service` };
  return files;
}

function multipathTools(enabled = true): Record<string, TreeEntry> {
  const files: Record<string, TreeEntry> = {
    [`${SYSTEM}/multipathd.service`]: realUnit(MULTIPATH_UNITS, 'multipathd.service'),
  };
  if (enabled)
    files['/etc/systemd/system/sysinit.target.wants/multipathd.service'] = {
      symlink: `${SYSTEM}/multipathd.service`,
    };
  return files;
}

/** An enabled local service (WantedBy=multi-user.target, linked). */
function service(name: string, unitSection: string): Record<string, TreeEntry> {
  return {
    [`/etc/systemd/system/${name}`]: `[Unit]\n${unitSection}\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n`,
    [`/etc/systemd/system/multi-user.target.wants/${name}`]: { symlink: `/etc/systemd/system/${name}` },
  };
}

interface NodeInput {
  fstab?: string[];
  files?: Record<string, TreeEntry>;
  live?: Partial<LiveMount>[];
  replication?: ReplicationState;
}

function node({ fstab = [], files = {}, live = [], replication = R0 }: NodeInput): NodeState {
  const tree: Record<string, TreeEntry> = {};
  for (const name of TARGETS) tree[`${SYSTEM}/${name}`] = realUnit(DEBIAN_UNITS, name);
  tree[`${SYSTEM}/default.target`] = { symlink: 'multi-user.target' };
  const fstabText =
    ['UUID=4f1b2c3d-6e7f-4a8b-9c0d-1e2f3a4b5c6d / ext4 errors=remount-ro 0 1', ...fstab].join('\n') + '\n';
  tree['/etc/fstab'] = fstabText;
  Object.assign(tree, files);
  const root = writeTree(tree);
  try {
    return state('pypi-1', {
      units: collectUnitsSync(new DiskRootFs(root)),
      mounts: {
        fstab: parseFstab(fstabText).entries,
        live: live.map((mount, i) => ({
          mountPoint: '/',
          source: '/dev/vda1',
          fstype: 'ext4',
          options: [],
          superOptions: [],
          root: '/',
          mountId: 30 + i,
          parentId: 1,
          device: '254:1',
          ...mount,
        })),
      },
      replication,
    });
  } finally {
    removeTree(root);
  }
}

function findings(input: NodeInput, rules: RoleSpec = spec()): Finding[] {
  return bootSafety(node(input), rules);
}

function only(list: Finding[], aspect: string): Finding[] {
  return list.filter((finding) => finding.aspect === aspect);
}

describe('boot-hang', () => {
  it('finds the PyPI 2013 hang: a DRBD mount local-fs.target waits for, DRBD started after it', () => {
    const [hang, ...rest] = only(
      findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 defaults 0 2'], files: drbdUtils() }),
      'boot-hang',
    );
    expect(rest).toEqual([]);
    expect(hang).toMatchObject({
      node: 'pypi-1',
      category: 'mounts',
      key: '/srv/pypi',
      kind: 'unsafe',
      severity: 'error',
    });
    expect(hang?.message).toMatch(
      /^\/srv\/pypi \(\/etc\/fstab line 2\) is required by local-fs\.target, but its device \/dev\/drbd0 appears only after drbd\.service/,
    );
    expect(hang?.message).toContain(
      'waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode',
    );
    expect(hang?.message).toContain(
      'LINBIT advises nofail,x-systemd.requires=drbd@r0.target, or noauto when a cluster manager mounts it',
    );
    expect(hang?.evidence).toEqual([
      '/etc/fstab:2: /dev/drbd0 /srv/pypi ext4 defaults 0 2',
      'local-fs.target → Requires srv-pypi.mount (link local-fs.target.requires/)',
      'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount)',
      'srv-pypi.mount After dev-drbd0.device (implicit): /dev/drbd0 appears only once DRBD resource r0 is up (drbd.service, drbd@r0.service or drbd@r0.target)',
      'drbd.service → After sysinit.target (default dependency) → After local-fs.target',
      'drbd@r0.service, drbd@r0.target: installed, not started at boot',
    ]);
  });

  it.each([
    ['nofail', '/dev/drbd0 /srv/pypi ext4 nofail 0 2'],
    ['noauto', '/dev/drbd0 /srv/pypi ext4 noauto 0 0'],
    [
      "LINBIT's nofail,x-systemd.requires=drbd@r0.target",
      '/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd@r0.target 0 0',
    ],
    ['x-systemd.automount', '/dev/drbd0 /srv/pypi ext4 x-systemd.automount 0 0'],
    [
      '_netdev (remote-fs.target, which drbd.service is not ordered after)',
      '/dev/drbd0 /srv/pypi ext4 _netdev 0 0',
    ],
    ['an ordinary disk', '/dev/sdb1 /srv/pypi ext4 defaults 0 2'],
  ])('is safe with %s', (_name, line) => {
    expect(only(findings({ fstab: [line], files: drbdUtils() }), 'boot-hang')).toEqual([]);
  });

  it('is safe when the node orders its provider before local-fs-pre.target (multipathd, as Debian ships it)', () => {
    const line = '/dev/mapper/mpatha /srv/pypi ext4 defaults 0 2';
    expect(only(findings({ fstab: [line], files: multipathTools() }), 'boot-hang')).toEqual([]);
    // The same unit file, not enabled: nothing brings the map up at boot.
    const [hang] = only(findings({ fstab: [line], files: multipathTools(false) }), 'boot-hang');
    expect(hang?.message).toContain('nothing brings up its device /dev/mapper/mpatha at boot');
    expect(hang?.evidence).toContain('multipathd.service: installed, not started at boot');
  });

  it('reads the provider order from the node, not from what DRBD usually does', () => {
    const early = {
      ...drbdUtils(),
      '/etc/systemd/system/drbd.service.d/early.conf':
        '[Unit]\nDefaultDependencies=no\nBefore=local-fs-pre.target\n',
    };
    expect(
      only(findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 defaults 0 2'], files: early }), 'boot-hang'),
    ).toEqual([]);
  });

  it('finds a hang when the provider is not installed at all', () => {
    const [hang] = only(findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 defaults 0 2'] }), 'boot-hang');
    expect(hang?.message).toContain('nothing brings up its device /dev/drbd0 at boot');
    expect(hang?.evidence).toContain('drbd.service, drbd@r0.service, drbd@r0.target: not installed');
  });

  it('uses the fstab device timeout in the message', () => {
    const [hang] = only(
      findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 x-systemd.device-timeout=10s 0 2'], files: drbdUtils() }),
      'boot-hang',
    );
    expect(hang?.message).toContain('the boot waits 10s for the device');
  });

  it('tells a device named by UUID by what is mounted there now', () => {
    const line = 'UUID=0f3c2d1e-8a7b-4c6d-9e5f-1a2b3c4d5e6f /srv/pypi ext4 defaults 0 2';
    const [hang] = only(
      findings({
        fstab: [line],
        files: drbdUtils(),
        live: [{ mountPoint: '/srv/pypi', source: '/dev/drbd0' }],
      }),
      'boot-hang',
    );
    expect(hang?.key).toBe('/srv/pypi');
    expect(hang?.evidence).toContain(
      '/srv/pypi is mounted from /dev/drbd0 now: /dev/disk/by-uuid/0f3c2d1e-8a7b-4c6d-9e5f-1a2b3c4d5e6f is that DRBD device',
    );
    expect(only(findings({ fstab: [line], files: drbdUtils() }), 'boot-hang')).toEqual([]);
  });

  it('finds remote-fs.target waiting for a device whose provider comes after it', () => {
    const files: Record<string, TreeEntry> = {
      [`${SYSTEM}/rbdmap.service`]: realUnit(
        path.join(REPO_BOOT_FIXTURES, 'ceph-common', SYSTEM),
        'rbdmap.service',
      ),
      '/etc/systemd/system/multi-user.target.wants/rbdmap.service': { symlink: `${SYSTEM}/rbdmap.service` },
      // Debian enables remote-fs.target (multi-user.target.wants), so _netdev mounts happen at boot.
      '/etc/systemd/system/multi-user.target.wants/remote-fs.target': {
        symlink: `${SYSTEM}/remote-fs.target`,
      },
    };
    const line = '/dev/rbd/rbd/pypi /srv/pypi ext4 _netdev 0 0';
    expect(only(findings({ fstab: [line], files }), 'boot-hang')).toEqual([]);
    // An administrator's copy of rbdmap.service that waits for the remote file systems instead.
    const late = {
      ...files,
      '/etc/systemd/system/rbdmap.service':
        '[Unit]\nAfter=network-online.target remote-fs.target\nWants=network-online.target\n[Service]\nType=oneshot\nExecStart=/usr/bin/rbdmap map\n[Install]\nWantedBy=multi-user.target\n',
    };
    const [hang] = only(findings({ fstab: [line], files: late }), 'boot-hang');
    expect(hang?.message).toContain('is required by remote-fs.target');
    expect(hang?.message).toContain('then remote-fs.target fails');
    expect(hang?.evidence).toContain('rbdmap.service → After remote-fs.target');
  });
});

describe('failover-at-boot', () => {
  const failover = spec({ mounts: { '/srv/pypi': mountRule({ failover: true }) } });

  it('finds a failover mount whose fstab line lacks noauto', () => {
    const [finding, ...rest] = only(
      findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 nofail 0 2'], files: drbdUtils() }, failover),
      'failover-at-boot',
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      category: 'mounts',
      key: '/srv/pypi',
      kind: 'unsafe',
      severity: 'error',
    });
    expect(finding?.message).toBe(
      '/srv/pypi is a failover mount, for the cluster manager to mount on the primary only, but the boot mounts it: local-fs.target wants it because /etc/fstab line 2 has no noauto.',
    );
    expect(finding?.evidence).toEqual([
      '/etc/fstab:2: /dev/drbd0 /srv/pypi ext4 nofail 0 2',
      'multi-user.target → Requires basic.target → Requires sysinit.target → Wants local-fs.target → Wants srv-pypi.mount (link local-fs.target.wants/)',
    ]);
  });

  it('passes a failover mount with noauto, and ignores mounts that are not failover mounts', () => {
    const line = '/dev/drbd0 /srv/pypi ext4 noauto 0 0';
    expect(only(findings({ fstab: [line], files: drbdUtils() }, failover), 'failover-at-boot')).toEqual([]);
    const plain = spec({ mounts: { '/srv/pypi': mountRule({ failover: false }) } });
    expect(
      only(findings({ fstab: ['/dev/sdb1 /srv/pypi ext4 defaults 0 2'] }, plain), 'failover-at-boot'),
    ).toEqual([]);
  });

  it('names an enabled service that Requires= the mount even with noauto', () => {
    const files = {
      ...drbdUtils(),
      ...service('pypissh.service', 'Requires=srv-pypi.mount\nAfter=srv-pypi.mount'),
    };
    const [finding] = only(
      findings({ fstab: ['/dev/drbd0 /srv/pypi ext4 noauto 0 0'], files }, failover),
      'failover-at-boot',
    );
    expect(finding?.message).toContain('the boot mounts it: pypissh.service requires it.');
    expect(finding?.evidence).toContain(
      'multi-user.target → Wants pypissh.service (link multi-user.target.wants/) → Requires srv-pypi.mount',
    );
  });

  it('counts an automount as mounting it', () => {
    const [finding] = only(
      findings(
        { fstab: ['/dev/drbd0 /srv/pypi ext4 noauto,x-systemd.automount 0 0'], files: drbdUtils() },
        failover,
      ),
      'failover-at-boot',
    );
    expect(finding?.message).toContain(
      'local-fs.target requires srv-pypi.automount, which mounts it on first access',
    );
  });
});

describe('ordering-cycle', () => {
  it('finds a cycle among started units and prints it with the edge of each step', () => {
    const files = { ...service('a.service', 'After=b.service'), ...service('b.service', 'After=a.service') };
    const [cycle, ...rest] = only(findings({ files }), 'ordering-cycle');
    expect(rest).toEqual([]);
    expect(cycle).toMatchObject({ category: 'units', key: 'a.service', kind: 'unsafe', severity: 'error' });
    expect(cycle?.evidence).toEqual([
      'a.service → b.service → a.service',
      'a.service After b.service',
      'b.service After a.service',
    ]);
    expect(cycle?.message).toMatch(
      /^Ordering cycle at boot: a\.service → b\.service → a\.service; systemd breaks it/,
    );
  });

  it('finds the cycle a default dependency closes, and keys it by the unit the admin wrote', () => {
    const early = {
      '/etc/systemd/system/drbd-early.service':
        '[Unit]\nBefore=local-fs.target\n[Service]\nType=oneshot\nExecStart=/usr/sbin/drbdadm up r0\n[Install]\nWantedBy=local-fs.target\n',
      '/etc/systemd/system/local-fs.target.wants/drbd-early.service': {
        symlink: '/etc/systemd/system/drbd-early.service',
      },
    };
    const [cycle] = only(findings({ files: early }), 'ordering-cycle');
    expect(cycle?.key).toBe('drbd-early.service');
    expect(cycle?.evidence?.[0]).toBe(
      'drbd-early.service → sysinit.target → local-fs.target → drbd-early.service',
    );
    expect(cycle?.evidence).toContain('drbd-early.service After sysinit.target (default dependency)');
    expect(cycle?.evidence).toContain(
      'local-fs.target After drbd-early.service (Before= in drbd-early.service)',
    );
  });

  it('reports a knot of several cycles once, and no cycle among units the boot does not start', () => {
    const knot = {
      ...service('a.service', 'After=b.service'),
      ...service('b.service', 'After=a.service c.service'),
      ...service('c.service', 'After=b.service'),
    };
    const [cycle, ...rest] = only(findings({ files: knot }), 'ordering-cycle');
    expect(rest).toEqual([]);
    expect(cycle?.actual).toEqual(['a.service', 'b.service', 'c.service']);
    expect(cycle?.evidence).toContain('caught in the same knot of orderings: c.service');
    const idle = {
      '/etc/systemd/system/x.service': '[Unit]\nAfter=y.service\n[Service]\nExecStart=/bin/true\n',
      '/etc/systemd/system/y.service': '[Unit]\nAfter=x.service\n[Service]\nExecStart=/bin/true\n',
    };
    expect(only(findings({ files: idle }), 'ordering-cycle')).toEqual([]);
  });
});

describe('after', () => {
  const wantsAfter = (...after: string[]): RoleSpec =>
    spec({ units: { 'pypi-web.service': unitRule({ after }) } });

  it('passes a direct After=, and a chain through started units', () => {
    const files = service('pypi-web.service', 'After=network.target');
    expect(only(findings({ files }, wantsAfter('network.target')), 'after')).toEqual([]);
    // pypi-web → basic.target → sysinit.target → local-fs.target → srv-pypi.mount (Before=local-fs.target).
    expect(
      only(
        findings({ fstab: ['/dev/sdb1 /srv/pypi ext4 defaults 0 2'], files }, wantsAfter('srv-pypi.mount')),
        'after',
      ),
    ).toEqual([]);
  });

  it('finds a unit the graph does not order after what the desired state names', () => {
    const files = service('pypi-web.service', 'After=network.target');
    const [finding, ...rest] = only(
      findings(
        { fstab: ['/dev/sdb1 /srv/pypi ext4 nofail 0 2'], files },
        wantsAfter('network.target', 'srv-pypi.mount'),
      ),
      'after',
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      category: 'units',
      key: 'pypi-web.service',
      kind: 'unsafe',
      expected: { after: ['network.target', 'srv-pypi.mount'] },
      actual: { after: ['network.target'] },
    });
    expect(finding?.message).toBe(
      'pypi-web.service is not ordered after srv-pypi.mount: at boot it can start before it is up.',
    );
    expect(finding?.evidence).toEqual([
      'pypi-web.service: After=network.target',
      'no chain of After= through units started at boot leads from pypi-web.service to srv-pypi.mount',
    ]);
  });

  it('does not count an ordering through a unit that is not started', () => {
    const files = {
      ...service('pypi-web.service', 'After=pypi-worker.service'),
      '/etc/systemd/system/pypi-worker.service':
        '[Unit]\nAfter=pypi-db.service\n[Service]\nExecStart=/bin/true\n',
      ...service('pypi-db.service', ''),
    };
    const [finding] = only(findings({ files }, wantsAfter('pypi-db.service')), 'after');
    expect(finding?.key).toBe('pypi-web.service');
    expect(only(findings({ files }, wantsAfter('pypi-worker.service')), 'after')).toEqual([]);
  });

  it('says so when the unit to be after does not exist, and leaves a missing unit to drift', () => {
    const files = service('pypi-web.service', '');
    const [finding] = only(findings({ files }, wantsAfter('postgresql.service')), 'after');
    expect(finding?.evidence).toContain('postgresql.service: not a unit on this node');
    // An instance of an installed template is a unit, just not one the boot starts.
    const template = {
      ...files,
      '/etc/systemd/system/worker@.service': '[Service]\nExecStart=/bin/true %i\n',
    };
    const [instance] = only(findings({ files: template }, wantsAfter('worker@5.service')), 'after');
    expect(instance?.evidence).toContain(
      'no chain of After= through units started at boot leads from pypi-web.service to worker@5.service',
    );
    expect(only(findings({}, wantsAfter('network.target')), 'after')).toEqual([]);
  });
});

describe('bootSafety', () => {
  it('finds nothing on a clean node', () => {
    expect(findings({ fstab: ['/dev/sdb1 /srv/data ext4 defaults 0 2'], files: drbdUtils() })).toEqual([]);
  });

  /** The warning that takes the place of the analysis on a node it cannot be made for. */
  function cannotCheck(node: string, message: string): Finding {
    return {
      category: 'units',
      key: 'units',
      kind: 'missing',
      severity: 'warning',
      aspect: 'boot-safety-unknown',
      node,
      message,
    };
  }

  it('warns instead of passing when the units were not collected, with the units collector’s error', () => {
    const collected = state('pypi-2', {});
    collected.errors.push(
      { collector: 'mounts', code: 'E_READ', message: 'no /proc/self/mountinfo' },
      { collector: 'units', code: 'E_READ', message: 'permission denied' },
    );
    expect(bootSafety(collected, spec())).toEqual([
      cannotCheck(
        'pypi-2',
        'Boot safety of pypi-2 cannot be checked: its units were not collected (permission denied).',
      ),
    ]);
    // Without an error of its own (an agent that does not collect units), the sentence just ends.
    expect(bootSafety(state('pypi-2', {}), spec())).toEqual([
      cannotCheck('pypi-2', 'Boot safety of pypi-2 cannot be checked: its units were not collected.'),
    ]);
  });

  it('warns instead of passing when the node has no default target, naming the one it was told of', () => {
    const noDefault = state('pypi-2', { units: units(unit('ssh.service')) });
    expect(bootSafety(noDefault, spec())).toEqual([
      cannotCheck(
        'pypi-2',
        'Boot safety of pypi-2 cannot be checked: it has no default.target to boot into.',
      ),
    ]);
    // default.target names a target that is not there (graphical.target without a desktop).
    const table = units(unit('ssh.service'));
    table.defaultTarget = 'graphical.target';
    expect(bootSafety(state('pypi-2', { units: table }), spec())).toEqual([
      cannotCheck(
        'pypi-2',
        'Boot safety of pypi-2 cannot be checked: it has no graphical.target to boot into.',
      ),
    ]);
  });
});
