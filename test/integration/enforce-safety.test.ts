/**
 * The safety rules of enforcement (DESIGN §9), on sandbox nodes over SSH: a run stops at the
 * first failure — the secondary's package that cannot install — with the primary untouched and
 * the reason recorded, and `restore` puts the secondary's edited files back byte for byte; an
 * unknown or changed host key refuses the run before any command; a plan made from states the
 * node no longer has is refused; a node being changed by another run refuses a second one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebSpec } from '../helpers/apt-repo';
import type { EnforceWorld } from '../helpers/enforce';
import { enforceWorld, nodesYaml, runOf } from '../helpers/enforce';
import { expectHostUntouched } from '../helpers/host-fingerprint';
import { startSandboxFleet } from '../helpers/sandbox';
import type { SandboxFleet, SandboxNode } from '../helpers/sandbox';
import { openStore } from '../../src/store';

const REPO: DebSpec[] = [
  { name: 'good', version: '1.0-1', files: { '/usr/share/doc/good/README': 'good\n' } },
  // Its maintainer script fails, as a broken package's does: dpkg cannot configure it.
  { name: 'broken', version: '1.0-1', postinst: 'echo "broken: cannot configure" >&2\nexit 1' },
];

const DESIRED = `kind: Role
name: svc
packages:
  good: present
  broken: present
sysctls:
  kernel.panic: 10
mounts:
  /data: { options: [nofail] }
`;

const FSTAB = '# fstab\n/dev/sdb1 /data ext4 defaults 0 2\n';

expectHostUntouched();

describe('safety of enforcement', () => {
  let fleet: SandboxFleet;
  let world: EnforceWorld;
  let primary: SandboxNode;
  let secondary: SandboxNode;

  beforeAll(async () => {
    fleet = await startSandboxFleet(
      [
        { name: 's-1', files: { '/etc/fstab': FSTAB } },
        { name: 's-2', files: { '/etc/fstab': FSTAB } },
      ],
      { repo: REPO },
    );
    primary = fleet.nodes['s-1'] as SandboxNode;
    secondary = fleet.nodes['s-2'] as SandboxNode;
    world = enforceWorld(
      fleet,
      DESIRED +
        nodesYaml(fleet, { 's-1': ['svc'], 's-2': ['svc'] }) +
        '---\nkind: Pair\nname: s\nprimary: s-1\nsecondary: s-2\n',
    );
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
    world?.remove();
  });

  it("stops at the secondary's failing package: primary untouched, reason recorded, the rest not attempted", () => {
    const before = { primary: primary.fingerprint(), fstab: secondary.fileFacts('/etc/fstab') };
    const applied = world.cli(['apply', 'pair:s', '--yes', '--json']);
    expect(applied.code).toBe(1);
    const run = runOf(applied);
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(
      /^s-2: `env DEBIAN_FRONTEND=noninteractive apt-get install .*broken` exited with 100: .*/s,
    );
    expect(run.reason).toContain('broken: cannot configure');
    const [second, first] = run.nodes;
    expect(second?.fixes.map((f) => [f.fixId, f.status])).toEqual([
      ['s-2/mounts//data', 'applied'],
      ['s-2/sysctls/kernel.panic', 'applied'],
      ['s-2/packages/good', 'applied'],
      ['s-2/packages/broken', 'failed'],
    ]);
    expect(first).toMatchObject({ node: 's-1', status: 'not-attempted' });
    expect(first?.fixes.every((f) => f.status === 'not-attempted')).toBe(true);
    expect(first?.fixes.map((f) => [f.fixId, f.status])).toEqual([
      ['s-1/mounts//data', 'not-attempted'],
      ['s-1/sysctls/kernel.panic', 'not-attempted'],
      ['s-1/packages/good', 'not-attempted'],
      ['s-1/packages/broken', 'not-attempted'],
    ]);
    // Wave 2 never started: not a byte of the primary changed.
    expect(primary.fingerprint()).toBe(before.primary);
    expect(secondary.fileFacts('/etc/fstab')).not.toEqual(before.fstab);

    // Recorded like every run, with the command's stderr.
    const shown = world.cli(['runs', 'show', run.id]);
    expect(shown.stdout).toContain('FAILED');
    expect(shown.stdout).toContain('broken: cannot configure');
    expect(shown.stdout).toMatch(/- s-1\/packages\/good not-attempted/);

    // restore puts back every file the run edited, byte for byte, mode and owner.
    const afterRun = secondary.fingerprint();
    const dry = world.cli(['restore', run.id, '--json']);
    const dryRestore = runOf(dry);
    expect(dryRestore).toMatchObject({ kind: 'restore', dryRun: true, status: 'succeeded' });
    expect(dryRestore.nodes[0]?.fixes.map((f) => [f.key, f.status])).toEqual([
      ['/etc/fstab', 'dry-run'],
      ['/etc/sysctl.d/90-driftguard.conf', 'dry-run'],
    ]);
    expect(secondary.fileFacts('/etc/fstab')).not.toEqual(before.fstab);
    // A dry run: not a byte of the secondary changed.
    expect(secondary.fingerprint()).toBe(afterRun);
    const restored = world.cli(['restore', run.id, '--yes', '--json']);
    expect(restored.code).toBe(0);
    const restore = runOf(restored);
    expect(restore).toMatchObject({ kind: 'restore', restoreOf: run.id, status: 'succeeded' });
    expect(restore.nodes[0]?.fixes.map((f) => [f.key, f.status, f.verified])).toEqual([
      ['/etc/fstab', 'applied', true],
      ['/etc/sysctl.d/90-driftguard.conf', 'applied', true],
    ]);
    expect(secondary.fileFacts('/etc/fstab')).toEqual(before.fstab);
    expect(secondary.readFile('/etc/fstab')?.toString()).toBe(FSTAB);
    expect(secondary.readFile('/etc/sysctl.d/90-driftguard.conf')).toBeUndefined();
  });

  it('refuses a changed host key before any command, and an unknown one', async () => {
    await secondary.rekey();
    const before = secondary.fingerprint();
    const primaryBefore = primary.fingerprint();
    try {
      const refused = world.cli(['apply', 'pair:s', '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/HOST KEY OF S-2 .* HAS CHANGED — refused/);
      expect(secondary.fingerprint()).toBe(before);
      // The primary was being collected when the refusal came: it is left as it was, no
      // temporary folder of the collection behind.
      expect(primary.fingerprint()).toBe(primaryBefore);
      // A known_hosts that does not know the node at all refuses too.
      const empty = path.join(world.dir, 'empty_known_hosts');
      fs.writeFileSync(empty, '');
      const unknown = world.cli(['apply', 'pair:s', '--yes', '--known-hosts', empty]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/host key of s-[12] .* is not in .*empty_known_hosts: refused/);
      expect(secondary.fingerprint()).toBe(before);
    } finally {
      // Trust the node's new key from here on (as an operator would, after checking it).
      fs.writeFileSync(
        fleet.knownHostsFile,
        `[127.0.0.1]:${primary.port} ${primary.hostKeyLine}\n[127.0.0.1]:${secondary.port} ${secondary.hostKeyLine}\n`,
      );
    }
  });

  it('refuses a plan made from states the node no longer has, and an edited plan file', () => {
    const states = world.sweep();
    const planFile = path.join(world.dir, 'plan.json');
    expect(world.cli(['plan', 'pair:s', '--states', states, '--out', planFile]).code).toBe(1);
    // Someone changes the secondary after the plan was reviewed.
    secondary.exec(['sh', '-c', 'echo "vm.swappiness = 5" > /etc/sysctl.d/60-local.conf']);
    const before = secondary.fingerprint();
    const stale = world.cli(['apply', 'pair:s', '--plan', planFile, '--yes']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('stale plan: the sysctls of s-2 changed since the plan was made');
    expect(secondary.fingerprint()).toBe(before);
    const edited = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    edited.fixes[0].commands.push(['sh', '-c', 'reboot']);
    fs.writeFileSync(planFile, JSON.stringify(edited));
    const tampered = world.cli(['apply', 'pair:s', '--plan', planFile, '--yes']);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toContain('was changed after it was made');
  });

  it('refuses a run on a node that another run is changing', async () => {
    const store = await openStore(world.db);
    try {
      await store.runs.lock(['s-2'], 'r-20261206-120000-zzzzzz', '4242@elsewhere', new Date());
    } finally {
      await store.close();
    }
    const before = secondary.fingerprint();
    const locked = world.cli(['apply', 'pair:s', '--yes']);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain(
      'node s-2 is being changed by run r-20261206-120000-zzzzzz (4242@elsewhere',
    );
    expect(secondary.fingerprint()).toBe(before);
  });
});
