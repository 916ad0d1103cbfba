/**
 * Differential test: the boot-safety analysis against real systemd 252 (Debian package `systemd`;
 * `unshare` from `util-linux`). Each case is the pypi-1 fixture node — with the REAL unit files of
 * Debian's drbd-utils — with its DRBD fstab line replaced, sometimes with the units of another
 * real package laid over it (test/fixtures/boot/) or with DRBD's units taken away. The node is
 * collected with the real collectors and analysed with `bootSafety`; the same tree is then given
 * to systemd itself:
 *
 *   1. the real systemd-fstab-generator runs on the same fstab (as in
 *      units-fstab-generator.test.ts: SYSTEMD_FSTAB, a fresh PID namespace, temp output). The
 *      mount is required at boot when its unit is in `local-fs.target.requires/` AND has
 *      `Before=local-fs.target`.
 *   2. its output goes into the copy's /run/systemd/system, and `systemd-analyze verify
 *      --root=COPY default.target` builds the real boot transaction in systemd's test mode
 *      (it logs every job it installs and every ordering cycle it breaks; nothing on the host
 *      changes). A late device can only appear after the unit that brings it up; telling
 *      systemd exactly that — a drop-in `After=PROVIDER` on the device unit, named by the real
 *      `systemd-escape` — turns "local-fs.target waits for a device that waits for something
 *      after local-fs.target" into an ordering cycle systemd finds itself. The device is late
 *      when the provider gets no start job at all, or when that cycle runs through
 *      local-fs.target and the mount.
 *
 * The analysis must predict a hang exactly when (1) and (2) say so, report ordering cycles
 * exactly when systemd finds one (without the drop-in), with every unit systemd names inside a
 * reported knot, and agree with systemd on which units the boot starts (slices aside: the
 * graph leaves them out).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectNode } from '../../src/app/collect-node';
import type { Finding } from '../../src/model/finding';
import type { NodeState } from '../../src/model/state';
import { bootGraph, bootSafety, bootTransaction } from '../../src/readiness/boot-safety';
import { REPO } from '../helpers/cli';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import { spec } from '../helpers/states';
import { requireTool } from '../helpers/tools';

const GENERATOR = '/lib/systemd/system-generators/systemd-fstab-generator';
const BOOT_FIXTURES = path.join(REPO, 'test/fixtures/boot');
const FSCK_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

interface Case {
  /** The fstab line that replaces pypi-1's `/dev/drbd0  /srv/pypi …` line. */
  line: string;
  /** Trees of test/fixtures/boot laid over the node, in order. */
  overlays?: string[];
  /** Node paths removed from the copy (a package not installed, a unit not enabled). */
  remove?: string[];
  /** The unit that brings the device up; none for an ordinary disk. */
  provider?: string;
}

const DRBD_UNITS = [
  'usr/lib/systemd/system/drbd.service',
  'usr/lib/systemd/system/drbd@.service',
  'usr/lib/systemd/system/drbd@.target',
  'etc/systemd/system/multi-user.target.wants/drbd.service',
];
const ISCSI_DEVICE = '/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2013-11.org.python:pypi-lun-1';

const CASES: Record<string, Case> = {
  'DRBD, defaults: the 2013 line': {
    line: '/dev/drbd0  /srv/pypi  ext4  defaults  0  2',
    provider: 'drbd.service',
  },
  'DRBD, nofail': { line: '/dev/drbd0 /srv/pypi ext4 nofail 0 2', provider: 'drbd.service' },
  'DRBD, noauto': { line: '/dev/drbd0 /srv/pypi ext4 noauto 0 0', provider: 'drbd.service' },
  "DRBD, LINBIT's advice": {
    line: '/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd@r0.target 0 0',
    provider: 'drbd@r0.target',
  },
  'DRBD, x-systemd.requires without nofail': {
    line: '/dev/drbd0 /srv/pypi ext4 x-systemd.requires=drbd@r0.target 0 0',
    provider: 'drbd@r0.target',
  },
  'DRBD, _netdev': { line: '/dev/drbd0 /srv/pypi ext4 _netdev 0 0', provider: 'drbd.service' },
  'DRBD, automount': { line: '/dev/drbd0 /srv/pypi ext4 x-systemd.automount 0 0', provider: 'drbd.service' },
  'DRBD by resource name': {
    line: '/dev/drbd/by-res/r0/0 /srv/pypi ext4 defaults 0 0',
    provider: 'drbd.service',
  },
  'DRBD, last of noauto/auto wins': {
    line: '/dev/drbd0 /srv/pypi ext4 noauto,auto 0 0',
    provider: 'drbd.service',
  },
  'DRBD, drbd-utils not installed': {
    line: '/dev/drbd0 /srv/pypi ext4 defaults 0 0',
    remove: DRBD_UNITS,
    provider: 'drbd.service',
  },
  'DRBD, drbd.service disabled, nofail': {
    line: '/dev/drbd0 /srv/pypi ext4 nofail 0 0',
    remove: ['etc/systemd/system/multi-user.target.wants/drbd.service'],
    provider: 'drbd.service',
  },
  // The mount is not required at boot here: a cycle through local-fs.target that has nothing to
  // do with the mount lets systemd drop local-fs.target's job before the device probe is looked
  // at, so the probe could not tell a late device.
  'DRBD, a home-made early DRBD unit (ordering cycle)': {
    line: '/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd@r0.target 0 0',
    overlays: ['drbd-early'],
    provider: 'drbd.service',
  },
  'iSCSI, defaults, ifupdown network': {
    line: `${ISCSI_DEVICE} /srv/pypi ext4 defaults 0 0`,
    overlays: ['ifupdown', 'open-iscsi'],
    provider: 'open-iscsi.service',
  },
  'iSCSI, _netdev, ifupdown network': {
    line: `${ISCSI_DEVICE} /srv/pypi ext4 _netdev 0 0`,
    overlays: ['ifupdown', 'open-iscsi'],
    provider: 'open-iscsi.service',
  },
  'iSCSI, defaults, no network manager enabled': {
    line: `${ISCSI_DEVICE} /srv/pypi ext4 defaults 0 0`,
    overlays: ['open-iscsi'],
    provider: 'open-iscsi.service',
  },
  'multipath, defaults': {
    line: '/dev/mapper/mpatha /srv/pypi ext4 defaults 0 0',
    overlays: ['multipath-tools'],
    provider: 'multipathd.service',
  },
  'multipath, multipath-tools not installed': {
    line: '/dev/mapper/mpatha /srv/pypi ext4 defaults 0 0',
    provider: 'multipathd.service',
  },
  'NBD, defaults': {
    line: '/dev/nbd0 /srv/pypi ext4 defaults 0 0',
    overlays: ['ifupdown', 'nbd-client'],
    provider: 'nbd@nbd0.service',
  },
  'NBD, _netdev': {
    line: '/dev/nbd0 /srv/pypi ext4 _netdev 0 0',
    overlays: ['ifupdown', 'nbd-client'],
    provider: 'nbd@nbd0.service',
  },
  'RBD, defaults': {
    line: '/dev/rbd/rbd/pypi /srv/pypi ext4 defaults 0 0',
    overlays: ['ifupdown', 'ceph-common'],
    provider: 'rbdmap.service',
  },
  'RBD, _netdev': {
    line: '/dev/rbd/rbd/pypi /srv/pypi ext4 _netdev 0 0',
    overlays: ['ifupdown', 'ceph-common'],
    provider: 'rbdmap.service',
  },
  'an ordinary disk': { line: '/dev/sdb1 /srv/pypi ext4 defaults 0 2' },
};

/** Unit name of a path, by the real systemd-escape. */
function escapePath(value: string, suffix: string): string {
  return execFileSync('systemd-escape', ['--path', `--suffix=${suffix}`, value], { encoding: 'utf8' }).trim();
}

function inFreshPidNamespace(
  argv: string[],
  env: Record<string, string>,
): { status: number | null; output: string } {
  // A fresh PID namespace where the program is PID 1 with container= empty: the generator and
  // systemd then behave as on a machine, not in a container (which drops swap entries).
  const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'env', 'container=', ...argv], {
    env: { ...process.env, SYSTEMD_PROC_CMDLINE: '', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Turns a copy of pypi-1 into the case's node. */
function prepareNode(root: string, c: Case): void {
  for (const overlay of c.overlays ?? [])
    fs.cpSync(path.join(BOOT_FIXTURES, overlay), root, { recursive: true, verbatimSymlinks: true });
  for (const nodePath of c.remove ?? []) fs.rmSync(path.join(root, nodePath));
  const fstabPath = path.join(root, 'etc/fstab');
  const fstab = fs.readFileSync(fstabPath, 'utf8');
  expect(fstab).toMatch(/^\/dev\/drbd0\s/m);
  const replaced = fstab.replace(/^\/dev\/drbd0\s.*$/m, c.line);
  fs.writeFileSync(fstabPath, replaced);
  // The real generator looks for fsck helpers on THIS host; give the node the same ones, so both
  // sides see the same fsck dependencies.
  for (const fstype of new Set(replaced.split('\n').map((line) => line.split(/\s+/)[2] ?? ''))) {
    if (!/^[a-z0-9]+$/.test(fstype) || !FSCK_DIRS.some((dir) => fs.existsSync(`${dir}/fsck.${fstype}`)))
      continue;
    fs.mkdirSync(path.join(root, 'usr/sbin'), { recursive: true });
    fs.writeFileSync(path.join(root, `usr/sbin/fsck.${fstype}`), '');
  }
}

interface Generated {
  unit: string;
  what: string;
  requiredAtBoot: boolean;
}

/** Runs the real generator into the node's /run/systemd/system (where systemd-analyze --root reads it). */
function runGenerator(root: string, mountPoint: string): Generated {
  const out = path.join(root, 'run/systemd/system');
  const run = inFreshPidNamespace([GENERATOR, out, out, out], {
    SYSTEMD_FSTAB: path.join(root, 'etc/fstab'),
    SYSTEMD_LOG_LEVEL: 'err',
  });
  if (run.status === null || run.status > 1) throw new Error(`generator failed: ${run.output}`);
  const unit = escapePath(mountPoint, 'mount');
  const text = fs.readFileSync(path.join(out, unit), 'utf8');
  const what = /^What=(.*)$/m.exec(text)?.[1] as string;
  const before = [...text.matchAll(/^Before=(.*)$/gm)].flatMap((m) => (m[1] as string).split(/\s+/));
  const linked = fs.existsSync(path.join(out, 'local-fs.target.requires', unit));
  return { unit, what, requiredAtBoot: linked && before.includes('local-fs.target') };
}

interface Transaction {
  jobs: Set<string>;
  cycles: string[][];
}

/** systemd's own boot transaction for the tree: the jobs it installs and the cycles it breaks. */
function realTransaction(root: string): Transaction {
  const run = inFreshPidNamespace(
    ['systemd-analyze', 'verify', `--root=${root}`, '--generators=no', 'default.target'],
    { SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_COLOR: '0' },
  );
  const jobs = new Set<string>();
  const cycles: string[][] = [];
  let cycle: string[] | undefined;
  for (const line of run.output.split('\n')) {
    const job = /^\S+: Installed new job (\S+)\/start as \d+$/.exec(line);
    if (job) jobs.add(job[1] as string);
    const found = /^\S+: Found ordering cycle on (\S+)\/start$/.exec(line);
    if (found) cycles.push((cycle = [found[1] as string]));
    const dependency = /^\S+: Found dependency on (\S+)\/start$/.exec(line);
    if (dependency && cycle) cycle.push(dependency[1] as string);
  }
  if (jobs.size === 0) throw new Error(`systemd-analyze built no transaction: ${run.output.slice(-2000)}`);
  return { jobs, cycles };
}

interface Verdicts {
  hang: boolean;
  cycle: boolean;
}

function ours(
  state: NodeState,
  mountPoint: string,
): { findings: Finding[]; verdicts: Verdicts; started: Set<string> } {
  const findings = bootSafety(state, spec());
  const graph = bootGraph(state.units as NonNullable<NodeState['units']>);
  const boot = bootTransaction(graph);
  const started = new Set(
    graph.nodes
      .filter((node) => boot.has(node.id) && node.kind === 'loaded' && node.unit?.type !== 'slice')
      .map((node) => node.name),
  );
  return {
    findings,
    verdicts: {
      hang: findings.some((f) => f.aspect === 'boot-hang' && f.key === mountPoint),
      cycle: findings.some((f) => f.aspect === 'ordering-cycle'),
    },
    started,
  };
}

describe('boot-safety agrees with systemd-fstab-generator and systemd 252 on the pypi-1 node', () => {
  beforeAll(() => {
    // Never run the generator to see whether it exists: it takes any argument as an output folder.
    requireTool(['test', '-x', GENERATOR], 'systemd');
    requireTool(['systemd-analyze', '--version'], 'systemd');
    requireTool(['systemd-escape', '--version'], 'systemd');
    requireTool(['unshare', '--pid', '--fork', '--mount-proc', 'true'], 'util-linux');
  });

  const seen: Record<string, Verdicts> = {};

  it.each(Object.entries(CASES))(
    '%s',
    async (name, c) => {
      const mountPoint = c.line.split(/\s+/)[1] as string;
      const root = preparedFixtureRoot('pypi-1');
      try {
        prepareNode(root, c);
        const { state } = await collectNode({ root, now: new Date('2026-11-22T10:00:00Z') });
        const mine = ours(state, mountPoint);

        const generated = runGenerator(root, mountPoint);
        const plain = realTransaction(root);
        let late = false;
        if (c.provider !== undefined) {
          const device = escapePath(generated.what, 'device');
          const dropIn = path.join(root, 'etc/systemd/system', `${device}.d`);
          fs.mkdirSync(dropIn, { recursive: true });
          fs.writeFileSync(path.join(dropIn, 'provider.conf'), `[Unit]\nAfter=${c.provider}\n`);
          const probed = realTransaction(root);
          late =
            !probed.jobs.has(c.provider) ||
            probed.cycles.some(
              (cycle) => cycle.includes('local-fs.target') && cycle.includes(generated.unit),
            );
        }
        const real: Verdicts = { hang: generated.requiredAtBoot && late, cycle: plain.cycles.length > 0 };
        seen[name] = real;

        expect({ case: name, ...mine.verdicts }).toEqual({ case: name, ...real });
        // Every cycle systemd breaks runs through a knot the analysis reported. (Not every unit of it
        // need be in one: systemd also orders units by [Service] settings a NodeState does not
        // carry — PrivateTmp= puts a unit after systemd-tmpfiles-setup.service — which can add a
        // unit to a knot.)
        const knots = new Set(
          mine.findings.filter((f) => f.aspect === 'ordering-cycle').flatMap((f) => f.actual as string[]),
        );
        expect(plain.cycles.filter((cycle) => !cycle.some((unit) => knots.has(unit)))).toEqual([]);
        // The units the boot starts, as systemd's transaction has them (slices and devices aside);
        // when systemd broke a cycle, it dropped jobs, so then only: nothing it starts is missed.
        const realStarted = [...plain.jobs].filter((unit) => !/\.(slice|device)$/.test(unit)).sort();
        if (plain.cycles.length === 0) expect([...mine.started].sort()).toEqual(realStarted);
        else expect(realStarted.filter((unit) => !mine.started.has(unit))).toEqual([]);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('covered hangs and safe mounts, cycles and none', () => {
    const verdicts = Object.values(seen);
    expect(verdicts).toHaveLength(Object.keys(CASES).length);
    expect(seen['DRBD, defaults: the 2013 line']).toEqual({ hang: true, cycle: false });
    expect(verdicts.some((v) => !v.hang)).toBe(true);
    expect(verdicts.some((v) => v.cycle)).toBe(true);
  });
});
