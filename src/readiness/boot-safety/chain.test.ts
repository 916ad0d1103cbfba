/**
 * Boot chains of the PyPI 2013 pair: the example states as recorded, and the pypi-1 fixture node
 * with its DRBD fstab line (and units) changed the way an operator would, collected by the real
 * collectors — against the example desired state, where /srv/pypi is a failover mount. Each
 * chain's outcome must be boot-hang's conclusion for the same state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectNode } from '../../app/collect-node';
import { effectiveSpec, loadDesired } from '../../desired';
import type { BootChain } from '../../model/runbook';
import type { Category, FstabEntry, NodeState, UnitInfo, UnitsState } from '../../model/state';
import { REPO } from '../../../test/helpers/cli';
import { collectedOnce } from '../../../test/helpers/collected-once';
import { correctedPypiRoot } from '../../../test/helpers/corrected-pypi';
import { preparedFixtureRoot } from '../../../test/helpers/fixture-nodes';
import { bootContext, bootUnits, fstabMount } from '../../../test/helpers/boot-units';
import { fstab, mountRule, spec, state, unit } from '../../../test/helpers/states';
import { bootChains } from './chain';
import { bootSafety } from '.';

const desired = loadDesired(path.join(REPO, 'desired-state'));
const PYPI = effectiveSpec(desired, 'pypi-1');
const DRBD_LINE = /^\/dev\/drbd0\s+\/srv\/pypi\s+ext4\s+\S+.*$/m;
const DRBD_SERVICE_LINK = 'etc/systemd/system/multi-user.target.wants/drbd.service';
const DRBD_R0_TARGET_LINK = 'etc/systemd/system/multi-user.target.wants/drbd@r0.target';
const FSTAB_NOAUTO = '/dev/drbd0 /srv/pypi ext4 noauto 0 2';

function exampleState(node: string): NodeState {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'examples/states', `${node}.json`), 'utf8')) as NodeState;
}

interface Variant {
  /** `corrected`: test/helpers/corrected-pypi.ts (noauto; pypissh.service no longer requires /srv/pypi). */
  base: 'corrected' | 'incident';
  /** Replaces fstab line 17 (the DRBD line). */
  fstab?: string;
  edit?: (root: string) => void;
  /** What is collected (default: units, mounts and replication). */
  categories?: Category[];
}

/** pypi-1's fixture node, changed, collected as pypi-1. */
async function pypi1({ base, fstab, edit, categories }: Variant): Promise<NodeState> {
  const root = base === 'corrected' ? correctedPypiRoot('pypi-1') : preparedFixtureRoot('pypi-1');
  try {
    if (fstab !== undefined) {
      const file = path.join(root, 'etc/fstab');
      const text = fs.readFileSync(file, 'utf8');
      if (!DRBD_LINE.test(text)) throw new Error('the pypi-1 fixture no longer has its DRBD fstab line');
      fs.writeFileSync(file, text.replace(DRBD_LINE, fstab));
    }
    edit?.(root);
    const { state: collected } = await collectNode({
      root,
      node: 'pypi-1',
      now: new Date('2026-11-22T10:00:00Z'),
      categories: categories ?? ['units', 'mounts', 'replication'],
    });
    return collected;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const VARIANTS = {
  noauto: { base: 'corrected' },
  // The same node, its mounts not collected: no fstab to tell the mount's line from.
  noautoUnitsOnly: { base: 'corrected', categories: ['units', 'replication'] },
  linbit: {
    base: 'corrected',
    fstab: '/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd@r0.target 0 0',
  },
  nofail: { base: 'corrected', fstab: '/dev/drbd0 /srv/pypi ext4 nofail 0 2' },
  automount: { base: 'corrected', fstab: '/dev/drbd0 /srv/pypi ext4 x-systemd.automount 0 0' },
  drbdDisabled: {
    base: 'corrected',
    fstab: '/dev/drbd0 /srv/pypi ext4 defaults 0 2',
    edit: (root) => fs.rmSync(path.join(root, DRBD_SERVICE_LINK)),
  },
  drbdEarly: {
    base: 'corrected',
    fstab: '/dev/drbd0 /srv/pypi ext4 defaults 0 2',
    edit: (root) => {
      const dir = path.join(root, 'etc/systemd/system/drbd.service.d');
      fs.mkdirSync(dir);
      fs.writeFileSync(
        path.join(dir, 'early.conf'),
        '[Unit]\nDefaultDependencies=no\nBefore=local-fs-pre.target\n',
      );
    },
  },
  byUuid: {
    base: 'corrected',
    fstab: 'UUID=7d1c5e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f /srv/pypi ext4 defaults 0 2',
  },
  // LINBIT's advice with drbd.service in place of the resource's target.
  afterDrbdService: {
    base: 'corrected',
    fstab: '/dev/drbd0 /srv/pypi ext4 nofail,x-systemd.requires=drbd.service 0 0',
  },
  // Only the fstab line fixed: pypissh.service's RequiresMountsFor=/srv/pypi still pulls it in.
  fstabOnly: { base: 'incident', fstab: FSTAB_NOAUTO },
  // The same, the line naming the DRBD device by UUID.
  fstabOnlyByUuid: {
    base: 'incident',
    fstab: 'UUID=7d1c5e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f /srv/pypi ext4 noauto 0 2',
  },
  // The same, with drbd@r0.target enabled too (`systemctl enable drbd@r0.target`).
  fstabOnlyR0Enabled: {
    base: 'incident',
    fstab: FSTAB_NOAUTO,
    edit: (root) => fs.symlinkSync('/lib/systemd/system/drbd@.target', path.join(root, DRBD_R0_TARGET_LINK)),
  },
  // The same, with drbd.service disabled and masked (`systemctl disable drbd; systemctl mask drbd`).
  fstabOnlyDrbdMasked: {
    base: 'incident',
    fstab: FSTAB_NOAUTO,
    edit: (root) => {
      fs.rmSync(path.join(root, DRBD_SERVICE_LINK));
      fs.symlinkSync('/dev/null', path.join(root, 'etc/systemd/system/drbd.service'));
    },
  },
  // No fstab line: the cluster manager mounts /srv/pypi (mounted now: pypi-1 is the primary).
  clusterOnly: { base: 'corrected', fstab: '# /srv/pypi is mounted by the cluster manager' },
} satisfies Record<string, Variant>;

type VariantName = keyof typeof VARIANTS;

type StateName = VariantName | 'example pypi-1' | 'example pypi-2';

// Collected when a test first asks, not all before every test: a mutation run runs only the tests
// that reach a mutant, and collecting every variant took most of their time.
const states = new Map<StateName, Promise<NodeState>>();

function stateOf(name: StateName): Promise<NodeState> {
  let collected = states.get(name);
  if (!collected) {
    collected =
      name === 'example pypi-1' || name === 'example pypi-2'
        ? Promise.resolve(exampleState(name.slice('example '.length)))
        : collectedOnce(`chain-${name}`, () => pypi1(VARIANTS[name]));
    states.set(name, collected);
  }
  return collected;
}

/** What a chain draws of /srv/pypi when nothing at boot pulls it in: the mount, its device, DRBD. */
const NOT_AT_BOOT_DRAWING: Pick<BootChain, 'units' | 'edges'> = {
  units: [
    { name: 'srv-pypi.mount', kind: 'loaded' },
    { name: 'dev-drbd0.device', kind: 'device' },
    { name: 'drbd.service', kind: 'loaded' },
  ],
  edges: [
    { from: 'srv-pypi.mount', to: 'dev-drbd0.device', relation: 'After', why: 'implicit' },
    {
      from: 'dev-drbd0.device',
      to: 'drbd.service',
      relation: 'After',
      why: 'the device appears once drbd.service has brought DRBD resource r0 up',
    },
  ],
};

/** The one chain of a state, /srv/pypi's. */
async function pypiChain(name: StateName): Promise<BootChain> {
  const chains = bootChains(await stateOf(name), PYPI);
  expect(chains.map((chain) => chain.mountPoint)).toEqual(['/srv/pypi']);
  return chains[0] as BootChain;
}

function edgeTexts(chain: BootChain): string[] {
  return chain.edges.map((edge) => `${edge.from} ${edge.relation} ${edge.to} (${edge.why})`);
}

describe('bootChains', () => {
  it('draws the PyPI 2013 hang on the primary: local-fs.target waits for a mount whose device drbd.service brings up only after it', () => {
    expect(bootChains(exampleState('pypi-1'), PYPI)).toEqual([
      {
        mountPoint: '/srv/pypi',
        device: '/dev/drbd0',
        provider: 'DRBD resource r0',
        fstabLine: 17,
        outcome: 'hangs',
        summary:
          '/srv/pypi (/etc/fstab line 17) is required by local-fs.target, but its device /dev/drbd0 appears only after drbd.service, which starts after local-fs.target: the boot waits 90 s for the device, then local-fs.target fails and the node drops into emergency mode; LINBIT advises nofail,x-systemd.requires=drbd@r0.target, or noauto when a cluster manager mounts it.',
        units: [
          { name: 'local-fs.target', kind: 'loaded' },
          { name: 'srv-pypi.mount', kind: 'loaded' },
          { name: 'pypissh.service', kind: 'loaded' },
          { name: 'dev-drbd0.device', kind: 'device' },
          { name: 'drbd.service', kind: 'loaded' },
          { name: 'sysinit.target', kind: 'loaded' },
        ],
        edges: [
          {
            from: 'local-fs.target',
            to: 'srv-pypi.mount',
            relation: 'Requires',
            why: 'link local-fs.target.requires/',
          },
          {
            from: 'pypissh.service',
            to: 'srv-pypi.mount',
            relation: 'Requires',
            why: 'Requires= in pypissh.service',
          },
          {
            from: 'local-fs.target',
            to: 'srv-pypi.mount',
            relation: 'After',
            why: 'Before= in srv-pypi.mount (fstab line 17)',
          },
          {
            from: 'pypissh.service',
            to: 'srv-pypi.mount',
            relation: 'After',
            why: 'After= in pypissh.service',
          },
          { from: 'srv-pypi.mount', to: 'dev-drbd0.device', relation: 'After', why: 'implicit' },
          {
            from: 'dev-drbd0.device',
            to: 'drbd.service',
            relation: 'After',
            why: 'the device appears once drbd.service has brought DRBD resource r0 up',
          },
          { from: 'drbd.service', to: 'sysinit.target', relation: 'After', why: 'default dependency' },
          {
            from: 'sysinit.target',
            to: 'local-fs.target',
            relation: 'After',
            why: 'After= in sysinit.target',
          },
        ],
      },
    ]);
  });

  it('draws the pull of the target that hangs first, before a link of a unit that comes earlier in the unit table', () => {
    const node = exampleState('pypi-1');
    const mount = node.units?.items['srv-pypi.mount'];
    if (!mount) throw new Error('pypi-1 no longer has srv-pypi.mount');
    // x-systemd.wanted-by=basic.target: basic.target comes before local-fs.target in the table.
    mount.wantedByLinks = ['basic.target'];
    const [chain] = bootChains(node, PYPI);
    expect(chain?.outcome).toBe('hangs');
    expect(edgeTexts(chain as BootChain).slice(0, 2)).toEqual([
      'local-fs.target Requires srv-pypi.mount (link local-fs.target.requires/)',
      'basic.target Wants srv-pypi.mount (link basic.target.wants/)',
    ]);
  });

  it('draws the same hang on the secondary, which lacked pypissh', async () => {
    const chain = await pypiChain('example pypi-2');
    expect(chain.outcome).toBe('hangs');
    expect(chain.units.map((unit) => unit.name)).toEqual([
      'local-fs.target',
      'srv-pypi.mount',
      'dev-drbd0.device',
      'drbd.service',
      'sysinit.target',
    ]);
  });

  it('shows a noauto failover mount, which nothing at boot pulls in, as not-at-boot', async () => {
    expect(await pypiChain('noauto')).toEqual({
      mountPoint: '/srv/pypi',
      device: '/dev/drbd0',
      provider: 'DRBD resource r0',
      fstabLine: 17,
      outcome: 'not-at-boot',
      summary:
        '/srv/pypi (/etc/fstab line 17) is left to the cluster manager, not mounted at boot: it has noauto, and no unit the boot starts requires or wants srv-pypi.mount.',
      ...NOT_AT_BOOT_DRAWING,
    });
  });

  it('says a mount on a late device that nothing at boot pulls in is not mounted at boot, when the spec does not make it a failover mount', async () => {
    const chains = bootChains(await stateOf('noauto'));
    expect(chains.map(({ mountPoint, outcome, summary }) => ({ mountPoint, outcome, summary }))).toEqual([
      {
        mountPoint: '/srv/pypi',
        outcome: 'not-at-boot',
        summary:
          '/srv/pypi (/etc/fstab line 17) is not mounted at boot: it has noauto, and no unit the boot starts requires or wants srv-pypi.mount.',
      },
    ]);
  });

  it('names neither an fstab line nor noauto when the mounts were not collected', async () => {
    expect(await pypiChain('noautoUnitsOnly')).toEqual({
      mountPoint: '/srv/pypi',
      device: '/dev/drbd0',
      provider: 'DRBD resource r0',
      outcome: 'not-at-boot',
      summary:
        '/srv/pypi is left to the cluster manager, not mounted at boot: no unit the boot starts requires or wants srv-pypi.mount.',
      ...NOT_AT_BOOT_DRAWING,
    });
  });

  it("shows LINBIT's nofail,x-systemd.requires=drbd@r0.target as in time: the mount is ordered after the resource's target", async () => {
    const chain = await pypiChain('linbit');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target wants it), ordered after drbd@r0.service and drbd@r0.target, which bring up DRBD resource r0; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(chain.units).toEqual([
      { name: 'local-fs.target', kind: 'loaded' },
      { name: 'srv-pypi.mount', kind: 'loaded' },
      { name: 'dev-drbd0.device', kind: 'device' },
      { name: 'drbd.service', kind: 'loaded' },
      { name: 'drbd@r0.service', kind: 'loaded' },
      { name: 'drbd@r0.target', kind: 'loaded' },
    ]);
    expect(edgeTexts(chain)).toEqual([
      'local-fs.target Wants srv-pypi.mount (link local-fs.target.wants/)',
      'srv-pypi.mount After dev-drbd0.device (implicit)',
      'dev-drbd0.device After drbd.service (the device appears once drbd.service has brought DRBD resource r0 up)',
      'dev-drbd0.device After drbd@r0.service (the device appears once drbd@r0.service has brought DRBD resource r0 up)',
      'dev-drbd0.device After drbd@r0.target (the device appears once drbd@r0.target has brought DRBD resource r0 up)',
      'srv-pypi.mount Requires drbd@r0.target (Requires= in srv-pypi.mount (fstab line 17))',
      'srv-pypi.mount After drbd@r0.target (After= in srv-pypi.mount (fstab line 17))',
      'drbd@r0.target After drbd@r0.service (default dependency)',
    ]);
  });

  it('shows nofail,x-systemd.requires=drbd.service as in time: the mount is ordered after the one service, which brings up the resource', async () => {
    const chain = await pypiChain('afterDrbdService');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target wants it), ordered after drbd.service, which brings up DRBD resource r0; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(edgeTexts(chain)).toEqual([
      'local-fs.target Wants srv-pypi.mount (link local-fs.target.wants/)',
      'srv-pypi.mount After dev-drbd0.device (implicit)',
      'dev-drbd0.device After drbd.service (the device appears once drbd.service has brought DRBD resource r0 up)',
      'srv-pypi.mount Requires drbd.service (Requires= in srv-pypi.mount (fstab line 17))',
      'srv-pypi.mount After drbd.service (After= in srv-pypi.mount (fstab line 17))',
    ]);
  });

  it('shows nofail alone as in time: nothing waits for the mount, which follows drbd.service', async () => {
    const chain = await pypiChain('nofail');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target wants it) as soon as drbd.service has brought up DRBD resource r0; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(edgeTexts(chain)).toEqual([
      'local-fs.target Wants srv-pypi.mount (link local-fs.target.wants/)',
      'srv-pypi.mount After dev-drbd0.device (implicit)',
      'dev-drbd0.device After drbd.service (the device appears once drbd.service has brought DRBD resource r0 up)',
    ]);
  });

  it('draws an automount between the target and the mount', async () => {
    const chain = await pypiChain('automount');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toMatch(
      /^\/srv\/pypi \(\/etc\/fstab line 17\) is mounted at boot \(local-fs\.target requires srv-pypi\.automount, which mounts it on first access\) as soon as drbd\.service has brought up DRBD resource r0;/,
    );
    expect(edgeTexts(chain)).toEqual([
      'local-fs.target Requires srv-pypi.automount (link local-fs.target.requires/)',
      'local-fs.target After srv-pypi.automount (default dependency)',
      'srv-pypi.mount After srv-pypi.automount (implicit: mounted on first access)',
      'srv-pypi.mount After dev-drbd0.device (implicit)',
      'dev-drbd0.device After drbd.service (the device appears once drbd.service has brought DRBD resource r0 up)',
    ]);
  });

  it('says so when nothing the boot starts brings the device up', async () => {
    const chain = await pypiChain('drbdDisabled');
    expect(chain.outcome).toBe('hangs');
    expect(chain.summary).toContain(
      'nothing brings up its device /dev/drbd0 at boot (drbd.service, drbd@r0.service or drbd@r0.target: none is started)',
    );
    expect(chain.units.map((unit) => unit.name)).toEqual([
      'local-fs.target',
      'srv-pypi.mount',
      'dev-drbd0.device',
    ]);
  });

  it("follows the node's own ordering: drbd.service made early still starts after sshd.service on pypi-1", async () => {
    const chain = await pypiChain('drbdEarly');
    expect(chain.outcome).toBe('hangs');
    expect(edgeTexts(chain).slice(-3)).toEqual([
      'drbd.service After ssh.service (After= in drbd.service)',
      'ssh.service After sysinit.target (default dependency)',
      'sysinit.target After local-fs.target (After= in sysinit.target)',
    ]);
  });

  it('recognises a DRBD device fstab names by UUID from what is mounted there now', async () => {
    const chain = await pypiChain('byUuid');
    expect(chain).toMatchObject({
      device: 'UUID=7d1c5e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f',
      provider: 'DRBD resource r0',
      outcome: 'hangs',
    });
    expect(chain.summary).toContain(
      'its device /dev/disk/by-uuid/7d1c5e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f (/dev/drbd0) appears only after drbd.service',
    );
    expect(chain.units).toContainEqual({
      name: 'dev-disk-by\\x2duuid-7d1c5e2a\\x2d3b4f\\x2d4c6d\\x2d8e9f\\x2d0a1b2c3d4e5f.device',
      kind: 'device',
    });
  });

  it('does not call a mount pulled in by a service a hang, but says that it waits for its device and fails', async () => {
    // boot-hang is about the targets that require the mount: with noauto only pypissh.service
    // does. local-fs.target is still ordered after the mount (Before= from systemd's default
    // dependencies), so the cycle in time is drawn.
    const chain = await pypiChain('fstabOnly');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (pypissh.service requires it), but its device /dev/drbd0 appears only after drbd.service, which starts after srv-pypi.mount: the mount waits 90 s for the device and fails; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(edgeTexts(chain)).toEqual([
      'pypissh.service Requires srv-pypi.mount (Requires= in pypissh.service)',
      'pypissh.service After srv-pypi.mount (After= in pypissh.service)',
      'srv-pypi.mount After dev-drbd0.device (implicit)',
      'dev-drbd0.device After drbd.service (the device appears once drbd.service has brought DRBD resource r0 up)',
      'drbd.service After sysinit.target (default dependency)',
      'sysinit.target After local-fs.target (After= in sysinit.target)',
      'local-fs.target After srv-pypi.mount (Before= in srv-pypi.mount (fstab line 17))',
    ]);
  });

  it('names the device of a mount pulled in by a service both as fstab names it (by UUID) and as what is mounted there now', async () => {
    const chain = await pypiChain('fstabOnlyByUuid');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (pypissh.service requires it), but its device /dev/disk/by-uuid/7d1c5e2a-3b4f-4c6d-8e9f-0a1b2c3d4e5f (/dev/drbd0) appears only after drbd.service, which starts after srv-pypi.mount: the mount waits 90 s for the device and fails; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
  });

  it('does not call an in-time mount on a late device a failover mount when the spec does not', async () => {
    const chains = bootChains(await stateOf('nofail'));
    expect(chains.map((chain) => chain.summary)).toEqual([
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target wants it) as soon as drbd.service has brought up DRBD resource r0.',
    ]);
  });

  it('names every unit that brings the device up, each starting after the mount, when a service pulls the mount in and drbd@r0.target is enabled too', async () => {
    const chain = await pypiChain('fstabOnlyR0Enabled');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (pypissh.service requires it), but its device /dev/drbd0 appears only after drbd.service, drbd@r0.service or drbd@r0.target, each of which starts after srv-pypi.mount: the mount waits 90 s for the device and fails; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(edgeTexts(chain).slice(-2)).toEqual([
      'drbd@r0.service After sysinit.target (default dependency)',
      'drbd@r0.target After drbd@r0.service (default dependency)',
    ]);
  });

  it("says why nothing the boot starts brings up the device of a mount a service pulls in: drbd.service masked, the resource's units not started", async () => {
    const chain = await pypiChain('fstabOnlyDrbdMasked');
    expect(chain.outcome).toBe('in-time');
    expect(chain.summary).toBe(
      '/srv/pypi (/etc/fstab line 17) is mounted at boot (pypissh.service requires it), but nothing the boot starts brings up its device /dev/drbd0 (drbd@r0.service, drbd@r0.target: installed, not started at boot; drbd.service: masked): the mount waits 90 s for the device and fails; yet it is a failover mount, for the cluster manager to mount on the primary only.',
    );
    expect(chain.units.map((unit) => unit.name)).toEqual([
      'pypissh.service',
      'srv-pypi.mount',
      'dev-drbd0.device',
    ]);
  });

  it('agrees with bootHangs on every variant', async () => {
    const names: StateName[] = [
      'example pypi-1',
      'example pypi-2',
      ...(Object.keys(VARIANTS) as VariantName[]),
    ];
    for (const name of names) {
      const collected = await stateOf(name);
      const hangs = bootSafety(collected, PYPI)
        .filter((finding) => finding.aspect === 'boot-hang')
        .map((finding) => finding.key);
      const chains = bootChains(collected, PYPI);
      const hanging = chains.filter((chain) => chain.outcome === 'hangs').map((chain) => chain.mountPoint);
      expect({ name, hanging }).toEqual({ name, hanging: hangs });
      // The chain's summary of a hang is the finding's message.
      for (const chain of chains.filter((c) => c.outcome === 'hangs'))
        expect(bootSafety(collected, PYPI).map((finding) => finding.message)).toContain(chain.summary);
    }
  });

  it('has no chain for a node without DRBD mounts or failover mounts', () => {
    expect(bootChains(exampleState('debian12-clean'))).toEqual([]);
    expect(bootChains(exampleState('debian12-clean'), spec())).toEqual([]);
    expect(bootChains(state('pypi-1', {}), PYPI)).toEqual([]);
  });

  it('draws a mount on a late device without a spec, and failover mounts on ordinary devices or none', () => {
    expect(bootChains(exampleState('pypi-1')).map((chain) => chain.outcome)).toEqual(['hangs']);
    const failovers = spec({
      mounts: {
        '/media/cdrom0': mountRule({ failover: true }),
        '/srv/elsewhere': mountRule({ failover: true, device: '/dev/drbd1' }),
      },
    });
    const [cdrom, elsewhere, pypi] = bootChains(exampleState('pypi-1'), failovers);
    expect(cdrom).toEqual({
      mountPoint: '/media/cdrom0',
      device: '/dev/sr0',
      fstabLine: 15,
      outcome: 'not-at-boot',
      summary:
        '/media/cdrom0 (/etc/fstab line 15) is left to the cluster manager, not mounted at boot: it has noauto, and no unit the boot starts requires or wants media-cdrom0.mount.',
      units: [
        { name: 'media-cdrom0.mount', kind: 'loaded' },
        { name: 'dev-sr0.device', kind: 'device' },
      ],
      edges: [{ from: 'media-cdrom0.mount', to: 'dev-sr0.device', relation: 'After', why: 'implicit' }],
    });
    expect(elsewhere).toEqual({
      mountPoint: '/srv/elsewhere',
      device: '/dev/drbd1',
      outcome: 'not-at-boot',
      summary: '/srv/elsewhere has no fstab line or mount unit on pypi-1: the boot does not mount it.',
      units: [],
      edges: [],
    });
    expect(pypi?.outcome).toBe('hangs');
  });

  it('draws / as a failover mount, mounted at boot from a disk no service brings up: srv-pypi.mount requires it implicitly, as the mount above it', () => {
    const chains = bootChains(
      exampleState('pypi-1'),
      spec({ mounts: { '/': mountRule({ failover: true }) } }),
    );
    expect(chains.map((chain) => chain.mountPoint)).toEqual(['/', '/srv/pypi']);
    expect(chains[0]).toEqual({
      mountPoint: '/',
      device: 'UUID=b3d6f0a2-5c1e-4d7a-9f3b-2a8e61c4d901',
      fstabLine: 12,
      outcome: 'in-time',
      summary:
        '/ (/etc/fstab line 12) is mounted at boot (local-fs.target and srv-pypi.mount require it) from /dev/disk/by-uuid/b3d6f0a2-5c1e-4d7a-9f3b-2a8e61c4d901, which no service has to bring up; yet it is a failover mount, for the cluster manager to mount on the primary only.',
      units: [
        { name: 'local-fs.target', kind: 'loaded' },
        { name: '-.mount', kind: 'loaded' },
        { name: 'srv-pypi.mount', kind: 'loaded' },
      ],
      edges: [
        {
          from: 'local-fs.target',
          to: '-.mount',
          relation: 'Requires',
          why: 'Requires= in local-fs.target',
        },
        { from: 'srv-pypi.mount', to: '-.mount', relation: 'Requires', why: 'implicit' },
        {
          from: 'local-fs.target',
          to: '-.mount',
          relation: 'After',
          why: 'Before= in -.mount (fstab line 12)',
        },
        { from: 'srv-pypi.mount', to: '-.mount', relation: 'After', why: 'implicit' },
      ],
    });
  });

  it('takes the device of a failover mount the node has no unit for, and the spec names no device for, from what is mounted there now, else leaves it empty', async () => {
    const failovers = spec({
      mounts: {
        '/srv/pypi': mountRule({ failover: true }),
        '/srv/pypi-old': mountRule({ failover: true }),
      },
    });
    expect(bootChains(await stateOf('clusterOnly'), failovers)).toEqual([
      {
        mountPoint: '/srv/pypi',
        device: '/dev/drbd0',
        outcome: 'not-at-boot',
        summary: '/srv/pypi has no fstab line or mount unit on pypi-1: the boot does not mount it.',
        units: [],
        edges: [],
      },
      {
        mountPoint: '/srv/pypi-old',
        device: '',
        outcome: 'not-at-boot',
        summary: '/srv/pypi-old has no fstab line or mount unit on pypi-1: the boot does not mount it.',
        units: [],
        edges: [],
      },
    ]);
  });

  describe('on small unit tables (test/helpers/boot-units.ts), /srv/pypi a failover mount on a plain disk', () => {
    const FAILOVER = spec({ mounts: { '/srv/pypi': mountRule({ failover: true }) } });
    const YET = 'yet it is a failover mount, for the cluster manager to mount on the primary only.';

    /** A node with these units and fstab lines, nothing mounted now. */
    function nodeWith(table: UnitsState, entries: FstabEntry[]): NodeState {
      return bootContext(table, { mounts: { fstab: entries, live: [] } }).state;
    }

    function node(options: string, extra: UnitInfo[] = [], mount: Partial<UnitInfo> = {}): NodeState {
      const entry = fstab(17, '/dev/sdb1', '/srv/pypi', 'ext4', options);
      return nodeWith(bootUnits({ ...fstabMount(entry), ...mount }, ...extra), [entry]);
    }

    function enabled(name: string, extra: Partial<UnitInfo>): UnitInfo {
      return unit(name, {
        path: `/etc/systemd/system/${name}`,
        wantedByLinks: ['multi-user.target'],
        ...extra,
      });
    }

    it('names the pullers of each kind in one sentence: "a, b and c want it", "d and e bind to it"', () => {
      const services = [
        enabled('a.service', { wants: ['srv-pypi.mount'] }),
        enabled('b.service', { wants: ['srv-pypi.mount'] }),
        enabled('c.service', { wants: ['srv-pypi.mount'] }),
        enabled('d.service', { bindsTo: ['srv-pypi.mount'] }),
        enabled('e.service', { bindsTo: ['srv-pypi.mount'] }),
      ];
      const [chain] = bootChains(node('defaults', services), FAILOVER);
      expect(chain?.outcome).toBe('in-time');
      expect(chain?.summary).toBe(
        '/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target requires it, a.service, b.service and c.service want it and d.service and e.service bind to it) from /dev/sdb1, which no service has to bring up; ' +
          YET,
      );
    });

    it('says one unit "binds to" it and one "wants" it', () => {
      const [binds] = bootChains(
        node('noauto', [enabled('pypissh.service', { bindsTo: ['srv-pypi.mount'] })]),
        FAILOVER,
      );
      expect(binds?.summary).toBe(
        `/srv/pypi (/etc/fstab line 17) is mounted at boot (pypissh.service binds to it) from /dev/sdb1, which no service has to bring up; ${YET}`,
      );
      const [wants] = bootChains(node('nofail'), FAILOVER);
      expect(wants?.summary).toBe(
        `/srv/pypi (/etc/fstab line 17) is mounted at boot (local-fs.target wants it) from /dev/sdb1, which no service has to bring up; ${YET}`,
      );
    });

    it('does not call a mount the spec does not make a failover mount one', () => {
      const plain = spec({ mounts: { '/srv/pypi': mountRule({ failover: false }) } });
      // A mount on a plain disk that is not a failover mount has no chain at all.
      expect(bootChains(node('defaults'), plain)).toEqual([]);
      const other = spec({ mounts: { '/srv/other': mountRule({ failover: false }) } });
      expect(bootChains(node('defaults'), other)).toEqual([]);
    });

    it('finds the automount of a mount point whose name holds ".mount": /srv/pypi.mount is srv-pypi.mount.mount', () => {
      const entry = fstab(17, '/dev/sdb1', '/srv/pypi.mount', 'ext4', 'x-systemd.automount');
      const automount = unit('srv-pypi.mount.automount', {
        generatedBy: 'systemd-fstab-generator',
        fstabLine: 17,
        requiredByLinks: ['local-fs.target'],
      });
      const node17 = nodeWith(bootUnits({ ...fstabMount(entry), requiredByLinks: [] }, automount), [entry]);
      const [chain] = bootChains(
        node17,
        spec({ mounts: { '/srv/pypi.mount': mountRule({ failover: true }) } }),
      );
      expect(chain?.outcome).toBe('in-time');
      expect(chain?.summary).toBe(
        `/srv/pypi.mount (/etc/fstab line 17) is mounted at boot (local-fs.target requires srv-pypi.mount.automount, which mounts it on first access) from /dev/sdb1, which no service has to bring up; ${YET}`,
      );
    });

    it('has no chains for a node without a default target to boot into', () => {
      const entry = fstab(17, '/dev/sdb1', '/srv/pypi', 'ext4', 'defaults');
      const table = bootUnits(fstabMount(entry));
      delete table.defaultTarget;
      const node17 = nodeWith(table, [entry]);
      expect(bootChains(node17, FAILOVER)).toEqual([]);
    });

    it('does not take an instance of a mount "template" for a mount the boot starts', () => {
      // systemd instantiates only service, socket, target, timer and path templates
      // (unit_type_may_template in src/basic/unit-def.c): srv-pypi@x.mount does not load, so
      // pypissh.service's Requires= mounts nothing at boot.
      const template = unit('srv-pypi@.mount', { mount: { what: '/dev/sdb1', where: '/srv/pypi' } });
      const requires = enabled('pypissh.service', { requires: ['srv-pypi@x.mount'] });
      const node17 = nodeWith(bootUnits(requires, template), []);
      expect(bootChains(node17, FAILOVER).map((chain) => chain.outcome)).toEqual(['not-at-boot']);
    });

    it('draws no chain of a masked mount unit: the failover mount has no unit the boot could start', () => {
      const [chain, ...more] = bootChains(node('defaults', [], { masked: true }), FAILOVER);
      expect(more).toEqual([]);
      expect(chain).toEqual({
        mountPoint: '/srv/pypi',
        device: '',
        outcome: 'not-at-boot',
        summary: '/srv/pypi has no fstab line or mount unit on pypi-1: the boot does not mount it.',
        units: [],
        edges: [],
      });
    });
  });
});
