/**
 * `driftguard adopt NODE`: a team with a healthy primary and no desired state gets one written
 * from the node's state — that `validate` accepts and `check NODE` finds clean — from a folder
 * of states, from a server, and from this very host.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../../src/app/build-report';
import type { NodeState } from '../../src/model/state';
import { runCli, runCliAsync } from '../helpers/cli';
import { startTestServer } from '../helpers/server';

jest.setTimeout(60_000);

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-adopt-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** adopt into a desired-state folder of its own, then validate and check against it. */
function adoptValidateCheck(node: string, states: string, extra: string[] = []) {
  const desired = fs.mkdtempSync(path.join(work, 'desired-'));
  const out = path.join(desired, `${node}.yaml`);
  const adopted = runCli(['adopt', node, '--states', states, '--out', out, ...extra]);
  expect({ code: adopted.code, stderr: adopted.stderr }).toEqual({
    code: 0,
    stderr: expect.stringContaining(`wrote a desired state adopted from ${node}`),
  });
  const validate = runCli(['validate', '--desired', desired]);
  const check = runCli(['check', node, '--desired', desired, '--states', states]);
  return { yaml: fs.readFileSync(out, 'utf8'), validate, check };
}

describe('adopt', () => {
  it('writes a role from the PyPI primary that validate accepts and check finds clean', () => {
    const { yaml, validate, check } = adoptValidateCheck('pypi-1', 'examples/states', [
      '--role',
      'pypi-backend',
    ]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('1 role, 1 node');
    expect(check.stdout).toContain('pypi-1 is clean');
    expect(check.code).toBe(0);
    // What it took, and where from.
    expect(yaml).toMatch(/^kind: Role\nname: pypi-backend$/m);
    expect(yaml).toMatch(/^ {2}pypissh: present$/m);
    expect(yaml).toMatch(
      /^ {2}drbd\.service: \{ enabled: true \} {2}# \/usr\/lib\/systemd\/system\/drbd\.service$/m,
    );
    expect(yaml).toMatch(/^ {2}kernel\.pid_max: 4194304 {2}# \/usr\/lib\/sysctl\.d\/50-pid-max\.conf:16$/m);
    expect(yaml).toMatch(/^ {2}\/srv\/pypi: \{ device: \/dev\/drbd0, fstype: ext4 \} {2}# fstab line 17$/m);
    expect(yaml).toMatch(/^ {2}\/etc\/drbd\.d\/r0\.res: \{ parity: true \} {2}# DRBD/m);
    expect(yaml).toMatch(/^kind: Node\nname: pypi-1\nroles: \[pypi-backend\]$/m);
    expect(yaml).toContain('# kind: Pair');
    // A versioned kernel package is left out, and says why.
    expect(yaml).toContain('# not adopted: linux-image-6.1.0-56-amd64 (a kernel named by its version)');
    // Ordered: packages by name.
    const packages = [...yaml.matchAll(/^ {2}([a-z0-9][a-z0-9.+-]*): present$/gm)].map((m) => m[1] as string);
    expect(packages.length).toBeGreaterThan(50);
    expect(packages).toEqual([...packages].sort());
  });

  it('pins versions when asked; the same role then finds what the 2013 secondary lacks', () => {
    const { yaml, check } = adoptValidateCheck('pypi-1', 'examples/states', [
      '--pin-versions',
      '--role',
      'pinned',
    ]);
    expect(yaml).toMatch(/^ {2}python3-psycopg2: "= 2\.9\.5-1\+b1"$/m);
    expect(check.code).toBe(0);
    const desired = fs.mkdtempSync(path.join(work, 'pair-'));
    fs.writeFileSync(
      path.join(desired, 'adopted.yaml'),
      `${yaml}---\nkind: Node\nname: pypi-2\nroles: [pinned]\n`,
    );
    const secondary = runCli(['check', 'pypi-2', '--desired', desired, '--states', 'examples/states']);
    expect(secondary.code).toBe(1);
    expect(secondary.stdout).toContain('pypissh is not installed');
    expect(secondary.stdout).toMatch(/python3-psycopg2.*2\.8\.6-2/);
  });

  it('this host: the state collect writes, adopted, validated and checked clean', () => {
    const states = fs.mkdtempSync(path.join(work, 'host-'));
    expect(
      runCli(['collect', '--node', 'this-host', '--out', path.join(states, 'this-host.json')]).code,
    ).toBe(0);
    const { validate, check } = adoptValidateCheck('this-host', states);
    expect(validate.code).toBe(0);
    expect({ code: check.code, tail: check.stdout.trim().split('\n').pop() }).toEqual({
      code: 0,
      tail: 'this-host is clean',
    });
  });

  it('from a server: the same role as from the state folder', async () => {
    const server = await startTestServer();
    try {
      const state = JSON.parse(fs.readFileSync('examples/states/pypi-1.json', 'utf8')) as NodeState;
      const sent = await server.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${server.adminToken}` },
        payload: buildReport({ ...state, collectedAt: new Date().toISOString() }, 'adopt'),
      });
      expect(sent.statusCode).toBe(201);
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (server.app.server.address() as { port: number }).port;
      const fromServer = await runCliAsync(
        ['adopt', 'pypi-1', '--server', `http://127.0.0.1:${port}`, '--json'],
        {
          DRIFTGUARD_TOKEN: server.adminToken,
        },
      );
      expect(fromServer.code).toBe(0);
      const fromFolder = runCli(['adopt', 'pypi-1', '--states', 'examples/states']);
      const body = (text: string) =>
        text.split('\n').filter((line) => !line.startsWith('# Desired state adopted'));
      expect(body((JSON.parse(fromServer.stdout) as { yaml: string }).yaml)).toEqual(body(fromFolder.stdout));
    } finally {
      await server.close();
    }
  });

  it('refuses a role name the desired state could not hold, exit 2', () => {
    const result = runCli(['adopt', 'pypi-1', '--states', 'examples/states', '--role', 'no spaces']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--role "no spaces" is not a role name');
  });
});
