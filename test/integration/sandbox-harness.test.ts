/**
 * The sandbox-node harness itself (test/helpers/sandbox*.ts, apt-repo.ts, incident-sandbox.ts):
 * nodes answer SSH with pinned keys, keep every change to themselves (sysctl -w, apt, files),
 * report changes through fingerprint(), and leave nothing behind when stopped; the PyPI 2013
 * pair starts with its drift. The host's own configuration is compared before and after.
 * Fails, never skips, without debootstrap, openssh-server or root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DebSpec } from '../helpers/apt-repo';
import { runCli } from '../helpers/cli';
import { fixtureRoot } from '../helpers/fixture-nodes';
import { hostFingerprint } from '../helpers/host-fingerprint';
import { startIncidentPair } from '../helpers/incident-sandbox';
import type { IncidentPair } from '../helpers/incident-sandbox';
import { startSandboxFleet } from '../helpers/sandbox';
import type { SandboxFleet, SandboxNode } from '../helpers/sandbox';
import { sandboxImage } from '../helpers/sandbox-image';

// The first run on a machine builds the image (about a minute); later runs reuse it.
jest.setTimeout(60_000);

const hostBefore = hostFingerprint();

beforeAll(async () => {
  await sandboxImage();
}, 600_000);

/** ssh(1) options that pin the host key from `knownHosts` (never asking, never adding). */
function sshOptions(fleet: SandboxFleet, knownHosts: string, node: SandboxNode): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-i',
    fleet.clientKeyFile,
    '-p',
    String(node.port),
    `root@${node.host}`,
  ];
}

/** A command over real SSH. */
function ssh(node: SandboxNode, fleet: SandboxFleet, command: string, knownHosts = fleet.knownHostsFile) {
  const result = spawnSync('ssh', [...sshOptions(fleet, knownHosts, node), command], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Host pids of the processes in a pid namespace (`pid:[…]`). */
function processesIn(namespace: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return fs.readlinkSync(`/proc/${name}/ns/pid`) === namespace;
      } catch {
        return false; // gone meanwhile, or a zombie
      }
    })
    .map(Number);
}

/** Mount points of this (the host's) mount namespace under `dir`. */
function hostMountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(dir));
}

function demoPackage(version: string): DebSpec {
  return {
    name: 'dg-demo',
    version,
    description: 'a package with two versions',
    files: {
      '/usr/share/dg-demo/version': `${version}\n`,
      '/usr/bin/dg-demo': `#!/bin/sh\necho dg-demo ${version}\n`,
      '/etc/dg-demo.conf': 'greeting = hello\n',
    },
    postinst:
      'if [ "$1" = configure ]; then echo "configured from ${2:-nothing}" >> /var/lib/dg-demo.log; fi\n',
  };
}

describe('a sandbox fleet', () => {
  let fleet: SandboxFleet;
  let a: SandboxNode;
  let b: SandboxNode;

  beforeAll(async () => {
    fleet = await startSandboxFleet(
      [
        {
          name: 'sbx-a',
          packages: ['dg-demo=1.0-1'],
          fromTree: {
            dir: fixtureRoot('pypi-1'),
            paths: ['/etc/drbd.d', '/etc/systemd/system/multi-user.target.wants/drbd.service'],
          },
          files: {
            '/etc/app/secret.conf': { content: 'token = x\n', mode: 0o640, uid: 0, gid: 990 },
            '/lib/systemd/system/dg-extra.service': '[Service]\nExecStart=/bin/true\n',
          },
          setup: [
            ['groupadd', '--gid', '990', 'app'],
            ['useradd', '--uid', '990', '--gid', '990', '--no-create-home', 'app'],
          ],
        },
        { name: 'sbx-b' },
      ],
      { repo: [demoPackage('1.0-1'), demoPackage('2.0-1')] },
    );
    a = fleet.nodes['sbx-a'] as SandboxNode;
    b = fleet.nodes['sbx-b'] as SandboxNode;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  test('each node answers SSH as itself, with its own host key, pinned by the fleet known_hosts', () => {
    for (const node of [a, b]) {
      const result = ssh(node, fleet, 'hostname; cat /etc/hostname; id -u');
      expect(result).toMatchObject({ code: 0, stdout: `${node.name}\n${node.name}\n0\n` });
    }
    expect(a.hostKeyLine).toMatch(/^ssh-ed25519 /);
    expect(a.hostKeyLine).not.toBe(b.hostKeyLine);
    expect(fs.readFileSync(fleet.knownHostsFile, 'utf8')).toBe(
      `[127.0.0.1]:${a.port} ${a.hostKeyLine}\n[127.0.0.1]:${b.port} ${b.hostKeyLine}\n`,
    );
  });

  test('a host key known_hosts does not hold is refused', () => {
    const onlyA = path.join(fleet.dir, 'known_hosts.only-a');
    fs.writeFileSync(onlyA, `[127.0.0.1]:${a.port} ${a.hostKeyLine}\n`);
    const result = ssh(b, fleet, 'true', onlyA);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed/);
  });

  test('exec runs inside the node: its root, its hostname, its own /proc', () => {
    expect(a.exec(['hostname'])).toEqual({ code: 0, stdout: 'sbx-a\n', stderr: '' });
    expect(a.exec(['cat', '/etc/debian_version']).stdout).toMatch(/^12\./);
    expect(a.exec(['sh', '-c', 'cat; exit 3'], 'piped in')).toEqual({
      code: 3,
      stdout: 'piped in',
      stderr: '',
    });
    expect(a.exec(['sysctl', '-n', 'kernel.hostname']).stdout).toBe('sbx-a\n');
    expect(a.readFile('/proc/sys/vm/swappiness')?.toString()).toBe('60\n');
  });

  test('sysctl -w writes the sandbox file, never the host kernel', () => {
    const hostPanic = fs.readFileSync('/proc/sys/kernel/panic', 'utf8');
    const result = a.exec(['sysctl', '-w', 'kernel.panic=10']);
    expect(result).toMatchObject({ code: 0, stdout: 'kernel.panic = 10\n' });
    expect(a.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
    expect(ssh(a, fleet, 'sysctl -n kernel.panic').stdout).toBe('10\n');
    expect(b.readFile('/proc/sys/kernel/panic')?.toString()).toBe('0\n');
    expect(fs.readFileSync('/proc/sys/kernel/panic', 'utf8')).toBe(hostPanic);
  });

  test('files and trees of the spec keep modes, owners and symlinks; the image /lib symlink stays', () => {
    expect(a.fileFacts('/etc/app/secret.conf')).toMatchObject({ mode: '0640', uid: 0, gid: 990 });
    expect(a.exec(['stat', '-c', '%a %U:%G', '/etc/app/secret.conf']).stdout).toBe('640 root:app\n');
    expect(a.exec(['readlink', '/lib']).stdout).toBe('usr/lib\n');
    expect(a.readFile('/usr/lib/systemd/system/dg-extra.service')?.toString()).toMatch(/ExecStart/);
    expect(a.fileFacts('/no/such/file')).toBeUndefined();
    // fromTree: folders whole, symlinks as symlinks, root-owned.
    const r0 = fs.readFileSync(path.join(fixtureRoot('pypi-1'), 'etc/drbd.d/r0.res'));
    expect(a.readFile('/etc/drbd.d/r0.res')).toEqual(r0);
    expect(a.fileFacts('/etc/drbd.d/r0.res')).toMatchObject({ mode: '0644', uid: 0, gid: 0 });
    expect(a.exec(['readlink', '/etc/systemd/system/multi-user.target.wants/drbd.service']).stdout).toBe(
      '/lib/systemd/system/drbd.service\n',
    );
  });

  test('an apt upgrade between two versions of a package is real', () => {
    const installed = (): string =>
      a.exec(['dpkg-query', '-W', '-f', '${Version} ${db:Status-Abbrev}', 'dg-demo']).stdout;
    expect(installed()).toBe('1.0-1 ii ');
    expect(b.exec(['dpkg-query', '-W', 'dg-demo']).code).not.toBe(0);

    const upgrade = a.exec(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'dg-demo=2.0-1']);
    expect(upgrade).toMatchObject({ code: 0 });
    expect(installed()).toBe('2.0-1 ii ');
    expect(ssh(a, fleet, 'dg-demo').stdout).toBe('dg-demo 2.0-1\n');
    expect(a.readFile('/usr/share/dg-demo/version')?.toString()).toBe('2.0-1\n');
    expect(a.readFile('/var/lib/dg-demo.log')?.toString()).toBe(
      'configured from nothing\nconfigured from 1.0-1\n',
    );
    // The packaged /etc file is a conffile, as debhelper would make it.
    expect(a.exec(['dpkg-query', '-W', '-f', '${Conffiles}', 'dg-demo']).stdout).toMatch(
      /\/etc\/dg-demo\.conf/,
    );
  });

  test('fingerprint() changes with a write, not with reads, SSH sessions or a temporary file', () => {
    const before = b.fingerprint();
    expect(b.differences()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/etc\/hostname: file 0644 0:0 /)]),
    );
    b.readFile('/etc/fstab');
    b.fileFacts('/etc/passwd');
    expect(
      ssh(
        b,
        fleet,
        'cat /etc/passwd >/dev/null; dpkg-query -W >/dev/null; t=$(mktemp -d); touch "$t/x"; rm -r "$t"',
      ).code,
    ).toBe(0);
    expect(b.exec(['sysctl', '-n', 'kernel.panic', 'vm.swappiness']).code).toBe(0);
    expect(b.differences()).toEqual(expect.not.arrayContaining([expect.stringMatching(/^\/tmp/)]));
    expect(b.fingerprint()).toBe(before);

    expect(ssh(b, fleet, 'echo "# edited" >> /etc/fstab').code).toBe(0);
    const edited = b.fingerprint();
    expect(edited).not.toBe(before);
    expect(b.differences()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/etc\/fstab: file 0644 0:0 /)]),
    );

    b.exec(['chmod', '0600', '/etc/fstab']);
    expect(b.fingerprint()).not.toBe(edited);
    b.exec(['rm', '/etc/issue']);
    expect(b.differences()).toContain('/etc/issue: whiteout');
  });

  test('rekey(): the node answers with a new key, and a client pinning the old one refuses it', async () => {
    const oldKey = b.hostKeyLine;
    const pid = b.pid;
    const newKey = await b.rekey();
    expect(newKey).not.toBe(oldKey);
    expect(b.hostKeyLine).toBe(newKey);
    expect(b.pid).toBe(pid);
    const refused = ssh(b, fleet, 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const trusting = path.join(fleet.dir, 'known_hosts.new-b');
    fs.writeFileSync(trusting, `[127.0.0.1]:${b.port} ${newKey}\n`);
    expect(ssh(b, fleet, 'hostname', trusting)).toMatchObject({ code: 0, stdout: 'sbx-b\n' });
  });
});

test('stop() leaves no mount, no process and no folder; a failing node says why', async () => {
  const fleet = await startSandboxFleet([{ name: 'sbx-stop' }]);
  const node = fleet.nodes['sbx-stop'] as SandboxNode;
  const namespace = fs.readlinkSync(`/proc/${node.pid}/ns/pid`);
  // An SSH session still open when the node stops must not outlive it.
  const session = spawn('ssh', [
    ...sshOptions(fleet, fleet.knownHostsFile, node),
    'echo started; exec sleep 600',
  ]);
  const sessionEnded = once(session, 'exit');
  await new Promise((resolve) => session.stdout.once('data', resolve));
  expect(processesIn(namespace).length).toBeGreaterThanOrEqual(3); // sshd, its session, sleep
  expect(hostMountsUnder(fleet.dir)).toEqual([]);

  await fleet.stop();
  expect(processesIn(namespace)).toEqual([]);
  expect(fs.existsSync(`/proc/${node.pid}`)).toBe(false);
  expect(fs.existsSync(fleet.dir)).toBe(false);
  expect(hostMountsUnder(fleet.dir)).toEqual([]);
  expect(await sessionEnded).toEqual([255, null]); // the node closed the connection

  await expect(
    startSandboxFleet([{ name: 'sbx-broken', files: { '/etc/ssh/sshd_config': 'NoSuchOption yes\n' } }]),
  ).rejects.toThrow(/sbx-broken did not start: .*sshd.*NoSuchOption/s);
  await expect(startSandboxFleet([{ name: 'sbx-nopkg', packages: ['no-such-package'] }])).rejects.toThrow(
    /sbx-nopkg: apt-get install .*no-such-package/s,
  );
});

describe('the PyPI 2013 incident pair', () => {
  let pair: IncidentPair;
  let statesDir: string;

  beforeAll(async () => {
    pair = await startIncidentPair();
    statesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-incident-states-'));
  });

  afterAll(async () => {
    await pair?.stop();
    if (statesDir) fs.rmSync(statesDir, { recursive: true, force: true });
  });

  test('the desired state points at the sandboxes, keeps its comments and is valid', () => {
    const text = fs.readFileSync(path.join(pair.desiredDir, 'pypi.yaml'), 'utf8');
    const nodes = parseAllDocuments(text)
      .map((doc) => doc.toJS() as { kind: string; name: string })
      .filter((doc) => doc.kind === 'Node');
    expect(nodes).toEqual(
      ['pypi-1', 'pypi-2'].map((name) => {
        const port = pair.fleet.nodes[name]?.port as number;
        return {
          kind: 'Node',
          name,
          roles: ['pypi-backend'],
          ssh: { host: '127.0.0.1', port, user: 'root' },
          probes: [{ name: 'ssh', tcp: `127.0.0.1:${port}` }],
        };
      }),
    );
    expect(text).toContain('pypissh: present # forgotten in the 2014 migration');
    expect(runCli(['validate', '--desired', pair.desiredDir])).toMatchObject({ code: 0 });
  });

  test('packages are real dpkg installs at the fixtures versions', () => {
    const versions = (name: string): string =>
      (pair.fleet.nodes[name] as SandboxNode).exec([
        'dpkg-query',
        '-W',
        '-f',
        '${Package} ${Version} ${Architecture}\n',
        'drbd-utils',
        'python3',
        'python3-psycopg2',
        'python3-sqlalchemy',
        'pypissh',
      ]).stdout;
    const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim();
    expect(versions('pypi-1')).toBe(
      [
        `drbd-utils 9.22.0-1 ${arch}`,
        `pypissh 1.2.0-1 all`,
        `python3 3.11.2-1+b1 ${arch}`,
        `python3-psycopg2 2.9.5-1+b1 ${arch}`,
        `python3-sqlalchemy 1.4.46+ds1-1 all`,
        '',
      ].join('\n'),
    );
    expect(versions('pypi-2')).toBe(
      [
        `drbd-utils 9.22.0-1 ${arch}`,
        `python3 3.11.2-1+b1 ${arch}`,
        `python3-psycopg2 2.8.6-2 ${arch}`,
        `python3-sqlalchemy 1.3.22+ds1-1 all`,
        '',
      ].join('\n'),
    );
  });

  test('swept over SSH, pypi-2 shows the 2013 drift', () => {
    const sweep = runCli([
      'sweep',
      '--desired',
      pair.desiredDir,
      '--known-hosts',
      pair.fleet.knownHostsFile,
      '--identity',
      pair.fleet.clientKeyFile,
      '--out-dir',
      statesDir,
      '--json',
    ]);
    expect(sweep).toMatchObject({ code: 0 });
    expect(fs.readdirSync(statesDir).sort()).toEqual(['pypi-1.json', 'pypi-2.json']);

    const check = runCli(['check', 'pypi-2', '--desired', pair.desiredDir, '--states', statesDir, '--json']);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as {
      drift: { category: string; key: string; kind: string; message: string }[];
      parity: { findings: { category: string; key: string; kind: string; message: string }[] }[];
    };
    const drift = report.drift.map((finding) => `${finding.category} ${finding.key} ${finding.kind}`);
    expect(drift).toEqual(
      expect.arrayContaining([
        'packages pypissh missing',
        'units pypissh.service missing',
        'sysctls kernel.panic mismatch',
        'sysctls kernel.panic not-persisted',
        'mounts /srv/pypi mismatch',
        'mounts /srv/pypi unsafe',
        'users pypi mismatch',
        'files /etc/pypi/config.ini mismatch',
      ]),
    );
    const parity = report.parity.flatMap((pairing) => pairing.findings);
    expect(parity.map((finding) => `${finding.category} ${finding.key}`)).toEqual(
      expect.arrayContaining([
        'files /etc/drbd.d/r0.res',
        'packages pypissh:all',
        expect.stringMatching(/^packages python3-psycopg2:/),
        'packages python3-sqlalchemy:all',
      ]),
    );
    expect(report.drift.find((finding) => finding.key === 'kernel.panic')?.message).toMatch(/is 0 live/);
  });

  test('pypi-1 conforms where the incident says it did: pypissh, its unit and config.ini', () => {
    const check = runCli(['check', 'pypi-1', '--desired', pair.desiredDir, '--states', statesDir, '--json']);
    const report = JSON.parse(check.stdout) as { drift: { category: string; key: string }[] };
    const keys = report.drift.map((finding) => `${finding.category} ${finding.key}`);
    expect(keys).toEqual(expect.arrayContaining(['sysctls kernel.panic', 'mounts /srv/pypi']));
    expect(keys).not.toContain('packages pypissh');
    expect(keys).not.toContain('units pypissh.service');
    expect(keys).not.toContain('files /etc/pypi/config.ini');
    expect(keys).not.toContain('users pypi');
  });
});

test('the host is untouched by all of it', () => {
  expect(hostFingerprint()).toEqual(hostBefore);
});
