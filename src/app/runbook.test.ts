/**
 * The runbook of the PyPI 2013 pair, from the example desired state and the incident's states as
 * recorded: what the team said nobody had written down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parity } from '../compare';
import { loadDesired } from '../desired';
import type { NodeState } from '../model/state';
import { REPO } from '../../test/helpers/cli';
import { parityTally } from './parity-tally';
import type { LatestReport } from './runbook';
import { pairRunbook } from './runbook';

const desired = loadDesired(path.join(REPO, 'desired-state'));
const RECEIVED = '2026-11-22T10:00:05.000Z';

function exampleState(node: string): NodeState {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'examples/states', `${node}.json`), 'utf8')) as NodeState;
}

const reports = new Map<string, LatestReport>(
  ['pypi-1', 'pypi-2'].map((node) => [node, { state: exampleState(node), receivedAt: RECEIVED }]),
);

describe('pairRunbook', () => {
  const runbook = pairRunbook(desired, 'pypi', (node) => reports.get(node));
  const [primary, secondary] = runbook.nodes;

  it('names the primary and the secondary with their roles, access and probes from the desired state', () => {
    expect(runbook).toMatchObject({ pair: 'pypi', primary: 'pypi-1', secondary: 'pypi-2' });
    expect(runbook.capacityMinRatio).toBe(desired.pairs.pypi?.capacity.minRatio);
    expect(runbook.maxReportAgeSeconds).toBe(600);
    expect(runbook.parityIgnore).toEqual(desired.pairs.pypi?.parity.ignore);
    expect(primary).toMatchObject({ name: 'pypi-1', side: 'primary', roles: ['pypi-backend'] });
    expect(secondary).toMatchObject({ name: 'pypi-2', side: 'secondary', roles: ['pypi-backend'] });
    expect(primary?.ssh).toEqual(desired.nodes['pypi-1']?.ssh);
    expect(primary?.probes.map((probe) => probe.name)).toEqual(['ssh', 'bmc']);
    expect(secondary?.probes).toEqual(desired.nodes['pypi-2']?.probes);
  });

  it('lists the failover mounts the roles declare, with device, type and options', () => {
    for (const node of runbook.nodes)
      expect(node.failoverMounts).toEqual([
        { mountPoint: '/srv/pypi', device: '/dev/drbd0', fstype: 'ext4', options: ['noauto'] },
      ]);
  });

  it('shows each DRBD resource as the node reported it', () => {
    expect(primary?.replication).toEqual([
      {
        resource: 'r0',
        role: 'Primary',
        connection: 'Connected to pypi-2',
        disk: 'UpToDate',
        peerDisk: 'UpToDate',
        device: '/dev/drbd0',
      },
    ]);
    expect(secondary?.replication[0]).toMatchObject({ role: 'Secondary', connection: 'Connected to pypi-1' });
  });

  it("draws pypi-1's boot chain of /srv/pypi: local-fs.target waits for drbd0, which drbd.service brings up only after it", () => {
    expect(primary?.collectedAt).toBe(reports.get('pypi-1')?.state.collectedAt);
    expect(primary?.receivedAt).toBe(RECEIVED);
    const chain = primary?.bootChains.find((c) => c.mountPoint === '/srv/pypi');
    expect(chain?.outcome).toBe('hangs');
    expect(chain?.device).toBe('/dev/drbd0');
    const units = chain?.units.map((unit) => unit.name) ?? [];
    expect(units).toEqual(
      expect.arrayContaining(['local-fs.target', 'srv-pypi.mount', 'dev-drbd0.device', 'drbd.service']),
    );
    expect(chain?.edges).toContainEqual(
      expect.objectContaining({ from: 'local-fs.target', to: 'srv-pypi.mount', relation: 'Requires' }),
    );
    expect(chain?.edges).toContainEqual(
      expect.objectContaining({ from: 'dev-drbd0.device', to: 'drbd.service', relation: 'After' }),
    );
  });

  it('keeps a node that never reported, without what only its state can say', () => {
    const partial = pairRunbook(desired, 'pypi', (node) =>
      node === 'pypi-1' ? reports.get(node) : undefined,
    );
    const missing = partial.nodes[1];
    expect(missing).toMatchObject({
      name: 'pypi-2',
      roles: ['pypi-backend'],
      replication: [],
      bootChains: [],
    });
    expect(missing?.collectedAt).toBeUndefined();
    expect(missing?.receivedAt).toBeUndefined();
    expect(missing?.failoverMounts).toHaveLength(1);
    expect(partial.nodes[0]?.bootChains.length).toBeGreaterThan(0);
  });

  it('refuses a pair the desired state does not declare', () => {
    expect(() => pairRunbook(desired, 'nosuch', () => undefined)).toThrow(/nosuch/);
  });
});

describe('parityTally', () => {
  const first = exampleState('pypi-1');
  const second = exampleState('pypi-2');
  const ignore = desired.pairs.pypi?.parity.ignore;
  const findings = parity(first, second, { ignore, labels: { first: 'primary', second: 'secondary' } });
  const tally = parityTally(first, second, ignore, findings);

  it('counts the items both nodes have and how many of them parity found equal', () => {
    const differingPackages = new Set(
      findings
        .filter((f) => f.category === 'packages' && f.key in (second.packages?.items ?? {}))
        .map((f) => f.key),
    );
    const onBoth = Object.keys(first.packages?.items ?? {}).filter(
      (key) => key in (second.packages?.items ?? {}),
    );
    // The pair ignores linux-image-*: the kernels differ by design, and parity does not compare them.
    const kernels = onBoth.filter((key) => key.startsWith('linux-image-'));
    expect(kernels.length).toBeGreaterThan(0);
    const packages = tally.packages;
    expect(packages?.compared).toBe(onBoth.length - kernels.length);
    expect(packages && packages.compared - packages.identical).toBe(differingPackages.size);
    expect(differingPackages.size).toBe(2);
    // /etc/hostname differs by identity and /etc/fstab is compared under mounts: never counted as files.
    expect(tally.files?.compared).toBeLessThan(
      Object.keys(first.files?.items ?? {}).filter((key) => key in (second.files?.items ?? {})).length,
    );
    expect(tally.mounts).toEqual({ compared: tally.mounts?.compared, identical: tally.mounts?.compared });
    expect(tally.users && tally.users.compared - tally.users.identical).toBe(2);
  });

  it('leaves out a category one node did not collect', () => {
    const { units: _units, ...withoutUnits } = second;
    expect(parityTally(first, withoutUnits, ignore, findings).units).toBeUndefined();
  });
});
