/**
 * `driftguard ready` on the PyPI 2013 pair as its fixture trees were collected: NO-GO with every
 * cause of the outage under its check id and with its exact key; the corrected pair: GO, exit 0.
 * Reachability with real TCP endpoints on loopback.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CheckResult, Readiness } from '../../src/model/readiness';
import { runCli } from '../helpers/cli';
import { collectCorrectedPair } from '../helpers/corrected-pypi';
import { freePort } from '../helpers/processes';

/** Five minutes after the example states were collected: they are fresh. */
const NOW = { DRIFTGUARD_NOW: '2026-11-22T10:05:00.000Z' };

function readyJson(args: string[], env: NodeJS.ProcessEnv = NOW): { code: number; result: Readiness } {
  const run = runCli(['ready', 'pypi', ...args, '--json'], { env });
  return { code: run.code, result: JSON.parse(run.stdout) as Readiness };
}

const checkOf = (result: Readiness, id: string) => result.checks.find((c) => c.id === id) as CheckResult;
const keysOf = (check: CheckResult) => check.findings.map((f) => `${f.node} ${f.key}`);

/** How plan installs a package: non-interactive, no recommends, keeping changed configuration files. */
const APT_INSTALL = [
  'env',
  'DEBIAN_FRONTEND=noninteractive',
  'apt-get',
  'install',
  '--yes',
  '--no-install-recommends',
  '--allow-downgrades',
  '-o',
  'Dpkg::Options::=--force-confold',
];

describe('ready on the PyPI 2013 pair', () => {
  const { code, result } = readyJson(['--states', 'examples/states', '--no-probes']);

  it('is NO-GO, exit 1, in the contract shape', () => {
    expect(code).toBe(1);
    expect(Object.keys(result)).toEqual(['pair', 'primary', 'secondary', 'verdict', 'evaluatedAt', 'checks']);
    expect(result).toMatchObject({
      pair: 'pypi',
      primary: 'pypi-1',
      secondary: 'pypi-2',
      verdict: 'NO-GO',
      evaluatedAt: NOW.DRIFTGUARD_NOW,
    });
    for (const check of result.checks)
      expect(Object.keys(check)).toEqual(['id', 'status', 'summary', 'findings']);
  });

  it('names the packages the secondary lacks or has older', () => {
    const check = checkOf(result, 'parity-packages');
    expect(check.status).toBe('fail');
    expect(keysOf(check)).toEqual(
      expect.arrayContaining([
        'pypi-2 pypissh:all',
        'pypi-2 python3-psycopg2:amd64',
        'pypi-2 python3-sqlalchemy:all',
      ]),
    );
  });

  it('finds the DRBD boot hang on both nodes, with the fstab line', () => {
    const check = checkOf(result, 'boot-safety');
    expect(check.status).toBe('fail');
    expect(keysOf(check)).toEqual(expect.arrayContaining(['pypi-1 /srv/pypi', 'pypi-2 /srv/pypi']));
    const hang = check.findings.find((f) => f.node === 'pypi-1' && f.aspect === 'boot-hang');
    expect(JSON.stringify(hang)).toContain('17');
    expect(JSON.stringify(hang)).toContain('drbd');
  });

  it('finds kernel.panic 0 live and unset persisted on both nodes', () => {
    const check = checkOf(result, 'panic-reboot');
    expect(check.status).toBe('fail');
    expect(check.findings.map((f) => `${f.node} ${f.key} ${f.aspect}`)).toEqual([
      'pypi-1 kernel.panic live',
      'pypi-1 kernel.panic persisted',
      'pypi-2 kernel.panic live',
      'pypi-2 kernel.panic persisted',
    ]);
  });

  it('finds the secondary underpowered', () => {
    const check = checkOf(result, 'capacity');
    expect(check.status).toBe('fail');
    expect(keysOf(check)).toEqual(['pypi-2 cpus', 'pypi-2 memoryBytes']);
  });

  it('says how much memory the secondary needs in units a person reads', () => {
    const memory = checkOf(result, 'capacity').findings.find((f) => f.key === 'memoryBytes');
    expect(memory?.fix?.description).toMatch(/at least 31\.4 GiB of memory/);
    expect(memory?.fix?.description).not.toMatch(/bytes/);
  });

  it('under --no-probes, says a probe is untested — not that the network or the BMC is broken', () => {
    const reach = checkOf(result, 'reachability');
    expect(reach.status).toBe('warn');
    for (const finding of reach.findings) {
      expect(finding.fix?.description).toMatch(/without --no-probes/);
      expect(finding.fix?.description).not.toMatch(/firewall|BMC itself/);
    }
  });

  it('finds the pypissh service absent on the secondary', () => {
    expect(keysOf(checkOf(result, 'parity-units'))).toContain('pypi-2 pypissh.service');
    expect(keysOf(checkOf(result, 'secondary-conforms'))).toEqual(
      expect.arrayContaining(['pypi-2 pypissh.service', 'pypi-2 pypissh']),
    );
  });

  it('proposes the fix plan would make, as argv', () => {
    const pypissh = checkOf(result, 'parity-packages').findings.find((f) => f.key === 'pypissh:all');
    expect(pypissh?.fix).toMatchObject({
      node: 'pypi-2',
      action: 'change',
      commands: [[...APT_INSTALL, 'pypissh:all=1.2.0-1']],
    });
    const panic = checkOf(result, 'panic-reboot').findings.find(
      (f) => f.node === 'pypi-2' && f.aspect === 'live',
    );
    expect(panic?.fix?.commands).toEqual([['sysctl', '-w', 'kernel.panic=10']]);
  });

  it('shows a person the verdict, the evidence and the fixes', () => {
    const text = runCli(['ready', 'pypi', '--states', 'examples/states', '--no-probes'], { env: NOW });
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toContain('NO-GO');
    expect(text.stdout).toContain('✗ boot-safety');
    expect(text.stdout).toContain(`$ ${APT_INSTALL.join(' ')} pypissh:all=1.2.0-1`);
    // The fstab fix is shown as the diff plan would apply.
    expect(text.stdout).toContain('+/dev/drbd0  /srv/pypi  ext4  defaults,noauto  0  2');
    expect(text.stdout).toMatch(/NO-GO: \d+ of 13 checks fail/);
  });

  it('a stale secondary state fails fresh-reports', () => {
    const { result: late } = readyJson(['--states', 'examples/states', '--no-probes'], {
      DRIFTGUARD_NOW: '2026-11-22T12:00:00.000Z',
    });
    expect(checkOf(late, 'fresh-reports').status).toBe('fail');
  });

  it('an unknown pair is an input error, exit 2', () => {
    const run = runCli(['ready', 'nosuch', '--states', 'examples/states', '--no-probes'], { env: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nosuch');
  });
});

describe('ready on the corrected pair', () => {
  let statesDir: string;
  beforeAll(() => {
    statesDir = collectCorrectedPair(NOW.DRIFTGUARD_NOW);
  });
  afterAll(() => fs.rmSync(statesDir, { recursive: true, force: true }));

  it('is GO, exit 0 — warning only that the probes were not run', () => {
    const { code, result } = readyJson(['--states', statesDir, '--no-probes']);
    const notPassing = result.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`);
    expect(notPassing).toEqual(['reachability warn']);
    expect(result.verdict).toBe('GO');
    expect(code).toBe(0);
  });

  it('--strict turns that warning into NO-GO', () => {
    const { code, result } = readyJson(['--states', statesDir, '--no-probes', '--strict']);
    expect(result.verdict).toBe('NO-GO');
    expect(code).toBe(1);
  });

  describe('with real probes', () => {
    let listener: net.Server;
    let openPort: number;
    let closedPort: number;
    let desiredDir: string;

    beforeAll(async () => {
      listener = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      openPort = (listener.address() as net.AddressInfo).port;
      closedPort = await freePort();
      desiredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-desired-'));
      fs.cpSync('desired-state', desiredDir, { recursive: true });
    });
    afterAll(async () => {
      await new Promise((resolve) => listener.close(resolve));
      fs.rmSync(desiredDir, { recursive: true, force: true });
    });

    function withProbes(ssh: number, bmc: number): void {
      const file = path.join(desiredDir, 'pypi.yaml');
      const text = fs
        .readFileSync('desired-state/pypi.yaml', 'utf8')
        .replace(/(['"])10\.0\.0\.12:22\1/, `'127.0.0.1:${ssh}'`)
        .replace(/(['"])10\.0\.1\.12:623\1/, `'127.0.0.1:${bmc}'`);
      if (!text.includes(`127.0.0.1:${bmc}`))
        throw new Error('desired-state/pypi.yaml no longer declares the probes this test replaces');
      fs.writeFileSync(file, text);
    }

    it("passes when the secondary's SSH and BMC answer", () => {
      withProbes(openPort, openPort);
      const { code, result } = readyJson([
        '--states',
        statesDir,
        '--desired',
        desiredDir,
        '--probe-timeout',
        '2s',
      ]);
      expect(checkOf(result, 'reachability').status).toBe('pass');
      expect(code).toBe(0);
    });

    it('fails when the BMC does not answer, naming it', () => {
      withProbes(openPort, closedPort);
      const { code, result } = readyJson([
        '--states',
        statesDir,
        '--desired',
        desiredDir,
        '--probe-timeout',
        '2s',
      ]);
      const check = checkOf(result, 'reachability');
      expect(check.status).toBe('fail');
      expect(check.findings.map((f) => [f.key, f.actual])).toEqual([['bmc', 'connection refused']]);
      expect(code).toBe(1);
    });
  });
});
