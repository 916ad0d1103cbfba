/**
 * Every fixer, applied for real over SSH to sandbox nodes (real Debian roots with their own
 * sshd; test/helpers/sandbox.ts) and verified by a fresh collection: a package installed at an
 * exact version and another upgraded, a sysctl set live and persisted, an fstab line fixed with
 * the rest of the file byte-identical, a unit enabled and ordered after a mount by a drop-in,
 * a file's content, mode and owner made the primary's. A dry run changes nothing; the same plan
 * through a chroot of the node (--via local) does what SSH does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFstab } from '../../src/collect/parsers/fstab';
import type { NodeState } from '../../src/model/state';
import type { DebSpec } from '../helpers/apt-repo';
import type { EnforceWorld } from '../helpers/enforce';
import { enforceWorld, nodesYaml, runOf } from '../helpers/enforce';
import { expectHostUntouched } from '../helpers/host-fingerprint';
import { startSandboxFleet } from '../helpers/sandbox';
import type { SandboxFleet, SandboxNode } from '../helpers/sandbox';

const UNIT = `[Unit]
Description=app daemon (sandbox)

[Service]
ExecStart=/bin/true

[Install]
WantedBy=multi-user.target
`;

/** PID 1's mount table in the sandbox's plain /proc gains the data disk: /data is mounted. */
const MOUNT_DATA = [
  'sh',
  '-c',
  "echo '22 21 8:17 / /data rw,relatime - ext4 /dev/sdb1 rw' >> /proc/1/mountinfo",
];

const REPO: DebSpec[] = [
  { name: 'tool', version: '1.0-1', files: { '/usr/share/doc/tool/v1': 'one\n' } },
  { name: 'tool', version: '2.0-1', files: { '/usr/share/doc/tool/v2': 'two\n' } },
  { name: 'extra', version: '1.0-1', files: { '/usr/share/doc/extra/README': 'extra\n' } },
  { name: 'appd', version: '1.0-1', files: { '/lib/systemd/system/appd.service': UNIT } },
];

const ROLE = `kind: Role
name: app
packages:
  tool: '= 2.0-1'
  extra: present
  appd: present
sysctls:
  kernel.panic: 10
mounts:
  /data: { options: [nofail] }
units:
  appd.service: { enabled: true, after: [data.mount] }
files:
  /etc/app.conf: { parity: true, mode: '0640', owner: root, group: daemon }
`;

const PAIR = `---\nkind: Pair\nname: app\nprimary: app-a\nsecondary: app-b\ncapacity: { minRatio: 1.0 }\n`;

/** The secondary's fstab: comments, blank lines and odd spacing that must survive the edit byte for byte. */
const FSTAB_B =
  '# /etc/fstab of app-b\n\nUUID=1234 /  ext4 errors=remount-ro 0 1\n\n# data disk\n/dev/sdb1   /data\text4  defaults  0  2\n# end\n';

/** The secondary's fixes, in the plan's order. */
const FIXES = [
  'app-b/mounts//data',
  'app-b/sysctls/kernel.panic',
  'app-b/packages/tool:all',
  'app-b/packages/extra:all',
  'app-b/files//etc/app.conf',
  'app-b/units/appd.service#enablement',
  'app-b/units/appd.service#ordering',
];

// Everything below happens in the sandboxes: this machine's configuration stays as it was.
expectHostUntouched();

describe('every fixer over SSH, on sandbox nodes', () => {
  let fleet: SandboxFleet;
  let world: EnforceWorld;
  let a: SandboxNode;
  let b: SandboxNode;

  beforeAll(async () => {
    fleet = await startSandboxFleet(
      [
        {
          name: 'app-a',
          packages: ['tool=2.0-1', 'extra=1.0-1', 'appd=1.0-1'],
          files: {
            '/etc/app.conf': { content: 'port = 80\n', mode: 0o640, gid: 1 },
            '/etc/fstab':
              'UUID=abcd / ext4 errors=remount-ro 0 1\n/dev/sdb1 /data ext4 defaults,nofail 0 2\n',
            '/etc/sysctl.d/80-site.conf': 'kernel.panic = 10\n',
            '/etc/systemd/system/appd.service.d/10-order.conf': '[Unit]\nAfter=data.mount\n',
          },
          setup: [['systemctl', 'enable', 'appd.service'], ['sysctl', '-w', 'kernel.panic=10'], MOUNT_DATA],
        },
        {
          name: 'app-b',
          packages: ['tool=1.0-1', 'appd=1.0-1'],
          files: { '/etc/app.conf': 'port = 8080\n', '/etc/fstab': FSTAB_B },
          setup: [MOUNT_DATA],
        },
      ],
      { repo: REPO },
    );
    a = fleet.nodes['app-a'] as SandboxNode;
    b = fleet.nodes['app-b'] as SandboxNode;
    world = enforceWorld(fleet, ROLE + nodesYaml(fleet, { 'app-a': ['app'], 'app-b': ['app'] }) + PAIR);
  }, 300_000);

  afterAll(async () => {
    await fleet?.stop();
    world?.remove();
  });

  it('plans the secondary only, with a diff for every file it writes', () => {
    const states = world.sweep();
    const planned = world.cli(['plan', 'pair:app', '--states', states, '--json']);
    expect(planned.code).toBe(1);
    const plan = JSON.parse(planned.stdout) as {
      waves: string[][];
      fixes: { id: string; action: string; files: { diff?: string }[] }[];
    };
    expect(plan.waves).toEqual([['app-b']]);
    expect(plan.fixes.filter((f) => f.action === 'change').map((f) => f.id)).toEqual(FIXES);
    for (const fix of plan.fixes) for (const file of fix.files) expect(file.diff).toBeTruthy();
    // The primary's app.conf is not world-readable: its text never left the node, so the plan
    // copies it node to node at apply time, by checksum, and shows no content.
    const conf = plan.fixes.find((f) => f.id === 'app-b/files//etc/app.conf') as unknown as {
      files: { copyFrom?: { node: string }; after?: string; diff: string }[];
    };
    expect(conf.files[0]).toMatchObject({ copyFrom: { node: 'app-a' } });
    expect(conf.files[0]?.after).toBeUndefined();
    expect(conf.files[0]?.diff).not.toContain('port = 80');
  });

  it('changes nothing in a dry run', () => {
    const before = [a.fingerprint(), b.fingerprint()];
    const dry = world.cli(['apply', 'pair:app', '--json']);
    expect(dry.code).toBe(0);
    const run = runOf(dry);
    expect(run).toMatchObject({ dryRun: true, status: 'succeeded' });
    // What it would do: every fix of the secondary, none carried out.
    expect(run.nodes.map((n) => [n.node, n.status])).toEqual([['app-b', 'dry-run']]);
    expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status])).toEqual(FIXES.map((id) => [id, 'dry-run']));
    expect([a.fingerprint(), b.fingerprint()]).toEqual(before);
  });

  it('applies every fix for real, verified, and leaves the secondary clean', () => {
    const primaryBefore = a.fingerprint();
    const fstabBefore = b.readFile('/etc/fstab')?.toString('utf8') as string;
    const applied = world.cli(['apply', 'pair:app', '--yes', '--json']);
    const run = runOf(applied);
    expect({ code: applied.code, status: run.status, reason: run.reason }).toEqual({
      code: 0,
      status: 'succeeded',
      reason: undefined,
    });
    expect(run.nodes.map((n) => n.node)).toEqual(['app-b']);
    expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status, f.verified])).toEqual(
      FIXES.map((id) => [id, 'applied', true]),
    );

    // Packages: one installed at its exact version, one upgraded — by dpkg itself.
    const versions = b.exec(['dpkg-query', '-W', '-f', '${Package} ${Version}\\n', 'tool', 'extra']).stdout;
    expect(versions.trim().split('\n').sort()).toEqual(['extra 1.0-1', 'tool 2.0-1']);
    // sysctl: live (the sandbox's plain /proc/sys file) and persisted in driftguard's own file.
    expect(b.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
    expect(b.readFile('/etc/sysctl.d/90-driftguard.conf')?.toString()).toMatch(/\nkernel\.panic = 10\n$/);
    // fstab: the one line, and not a byte elsewhere.
    const fstabAfter = b.readFile('/etc/fstab')?.toString('utf8') as string;
    expect(fstabAfter).toBe(
      fstabBefore.replace(
        '/dev/sdb1   /data\text4  defaults  0  2',
        '/dev/sdb1   /data\text4  defaults,nofail  0  2',
      ),
    );
    expect(parseFstab(fstabAfter).entries.find((e) => e.file === '/data')?.parsed.nofail).toBe(true);
    // The unit: enabled as systemctl sees it, ordered after the mount by driftguard's drop-in.
    expect(b.exec(['systemctl', 'is-enabled', 'appd.service']).stdout.trim()).toBe('enabled');
    expect(b.readFile('/etc/systemd/system/appd.service.d/50-driftguard.conf')?.toString()).toMatch(
      /\[Unit\]\nAfter=data\.mount\n$/,
    );
    // The file: the primary's content, the roles' mode and owner.
    expect(b.readFile('/etc/app.conf')?.toString()).toBe('port = 80\n');
    expect(b.fileFacts('/etc/app.conf')).toMatchObject({ mode: '0640', uid: 0, gid: 1 });
    // Every file it wrote has its backup on the node.
    const backups = fs.readdirSync(path.join(b.root, 'var/lib/driftguard/backups', run.id, 'files/etc'));
    expect(backups.sort()).toEqual(['app.conf', 'fstab']);
    // The primary conformed: untouched.
    expect(a.fingerprint()).toBe(primaryBefore);

    // A fresh collection agrees: the secondary is clean against its roles and its primary.
    const states = world.sweep();
    const check = world.cli(['check', 'app-b', '--states', states]);
    expect(check.stdout).toContain('app-b is clean');
    expect(check.code).toBe(0);
    const state = JSON.parse(fs.readFileSync(path.join(states, 'app-b.json'), 'utf8')) as NodeState;
    expect(state.units?.items['appd.service']?.after).toContain('data.mount');
    // Applying again finds nothing to do.
    const again = world.cli(['apply', 'pair:app', '--yes', '--json']);
    expect(runOf(again).nodes).toEqual([]);
  });

  it('does the same through a chroot of the node (--via local) as over SSH', () => {
    b.exec(['sysctl', '-w', 'kernel.panic=0']);
    b.exec(['systemctl', 'disable', 'appd.service']);
    const local = world.cli(['apply', 'app-b', '--via', 'local', '--root', b.root, '--yes', '--json']);
    expect(local.code).toBe(0);
    const run = runOf(local);
    expect(run.via).toBe('local');
    expect(run.nodes[0]?.where).toBe(`chroot:${b.root}`);
    expect(run.nodes[0]?.fixes.map((f) => [f.fixId, f.status, f.verified])).toEqual([
      ['app-b/sysctls/kernel.panic', 'applied', true],
      ['app-b/units/appd.service#enablement', 'applied', true],
    ]);
    // Without the primary (a chroot reaches one node), parity fixes are not planned: it says so.
    expect(local.stderr).toContain('no state of app-a (the pair partner)');
    expect(b.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
    expect(b.exec(['systemctl', 'is-enabled', 'appd.service']).stdout.trim()).toBe('enabled');
  });

  it('records every run, manual ones like any other', () => {
    const runs = JSON.parse(world.cli(['runs', '--json']).stdout) as {
      runs: { trigger: string; dryRun: boolean; status: string; via: string }[];
    };
    expect(runs.runs.map((r) => [r.trigger, r.via, r.dryRun, r.status])).toEqual([
      ['cli', 'local', false, 'succeeded'],
      ['cli', 'ssh', false, 'succeeded'],
      ['cli', 'ssh', false, 'succeeded'],
      ['cli', 'ssh', true, 'succeeded'],
    ]);
  });
});
