/**
 * `driftguard sweep` as users run it (the built CLI), against a real sshd on 127.0.0.1 and a real
 * driftguard server on a loopback port: states to --out-dir, reports to --server, summary and
 * exit codes (0 all reached, 1 some failed, 2 usage).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeState } from '../../src/model/state';
import { runCliAsync } from '../helpers/cli';
import { freePort, startSshd } from '../helpers/sshd';
import type { TestSshd } from '../helpers/sshd';
import { startTestServer } from '../helpers/server';
import type { TestServer } from '../helpers/server';

jest.setTimeout(60_000);

let sshd: TestSshd;
let work: string;
let desiredDir: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-sweep-cli-'));
  desiredDir = path.join(work, 'desired');
  fs.mkdirSync(desiredDir);
  const closed = await freePort();
  const node = (name: string, port: number, extra = ''): string =>
    `kind: Node\nname: ${name}\nroles: [web]\nssh: { host: 127.0.0.1, port: ${port}, user: root }\n${extra}`;
  fs.writeFileSync(
    path.join(desiredDir, 'nodes.yaml'),
    [
      'kind: Role\nname: web\nfiles:\n  /etc/hostname: { parity: true }\n',
      node('web-1', sshd.port),
      node('web-2', sshd.port),
      node('web-down', closed),
      'kind: Node\nname: no-ssh\nroles: [web]\n',
    ].join('---\n'),
  );
});

afterAll(async () => {
  await sshd?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const sshArgs = (): string[] => [
  '--desired',
  desiredDir,
  '--known-hosts',
  sshd.knownHostsFile,
  '--identity',
  sshd.clientKeyFile,
];

describe('driftguard sweep', () => {
  it('writes a state per reached node, reports the unreachable one, and exits 1', async () => {
    const out = path.join(work, 'states');
    const result = await runCliAsync(['sweep', ...sshArgs(), '--out-dir', out, '--timeout', '10s', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      nodes: { node: string; ok: boolean; reason?: string; message?: string; rounds?: number }[];
      reached: number;
      failed: number;
    };
    expect(report.nodes.map((n) => [n.node, n.ok, n.reason])).toEqual([
      ['web-1', true, undefined],
      ['web-2', true, undefined],
      ['web-down', false, 'unreachable'],
    ]);
    expect(report).toMatchObject({ reached: 2, failed: 1 });
    expect(fs.readdirSync(out).sort()).toEqual(['web-1.json', 'web-2.json']);
    const state = JSON.parse(fs.readFileSync(path.join(out, 'web-1.json'), 'utf8')) as NodeState;
    expect(state).toMatchObject({ schema: 'driftguard/state@1', node: 'web-1', errors: [] });
    // The role's watch path came along: the files collector recorded it.
    expect(state.files?.items['/etc/hostname']).toMatchObject({ exists: true });
    expect(result.stderr).toMatch(/\[\d\/3\] web-down: FAILED \(unreachable\)/);
  });

  it('says once why an unreachable node failed (text for a person)', async () => {
    const out = path.join(work, 'text');
    const result = await runCliAsync(['sweep', ...sshArgs(), '--out-dir', out, '--timeout', '10s']);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    // Named as it happens, explained once after the count.
    expect(lines.filter((line) => line.includes('web-down'))).toEqual([
      expect.stringMatching(/^\[\d\/3\] web-down: FAILED \(unreachable\)$/),
      expect.stringMatching(/^ {2}✗ web-down \(root@127\.0\.0\.1:\d+\) is unreachable: connection refused$/),
    ]);
    expect(result.stderr).toContain('swept 3 node(s): 2 reached, 1 failed');
  });

  it('sweeps only the named nodes and exits 0 when all are reached; prints a summary', async () => {
    const out = path.join(work, 'named');
    const result = await runCliAsync(['sweep', ...sshArgs(), '--node', 'web-2', '--out-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`swept 1 node(s): 1 reached, 0 failed (states in ${out})`);
    expect(fs.readdirSync(out)).toEqual(['web-2.json']);
  });

  it('refuses usage errors with exit 2', async () => {
    const noTarget = await runCliAsync(['sweep', ...sshArgs()]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--out-dir DIR or --server URL/);
    const noSsh = await runCliAsync(['sweep', ...sshArgs(), '--node', 'no-ssh', '--out-dir', work]);
    expect(noSsh.code).toBe(2);
    expect(noSsh.stderr).toMatch(/node no-ssh has no ssh: entry/);
    const typo = await runCliAsync(['sweep', ...sshArgs(), '--node', 'web-3', '--out-dir', work]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no node named `web-3`/);
    const badConcurrency = await runCliAsync([
      'sweep',
      ...sshArgs(),
      '--concurrency',
      '0',
      '--out-dir',
      work,
    ]);
    expect(badConcurrency.code).toBe(2);
  });

  describe('--server', () => {
    let server: TestServer;
    let url: string;
    beforeAll(async () => {
      server = await startTestServer({ desiredDir });
      url = await server.app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => server?.close());

    it('posts each reached node as a full report the server stores', async () => {
      const tokenFile = path.join(work, 'admin.token');
      fs.writeFileSync(tokenFile, `${server.adminToken}\n`, { mode: 0o600 });
      const result = await runCliAsync([
        'sweep',
        ...sshArgs(),
        '--node',
        'web-1',
        '--node',
        'web-2',
        '--server',
        url,
        '--token-file',
        tokenFile,
      ]);
      expect(result.stderr).toContain('2 reached, 0 failed');
      expect(result.code).toBe(0);
      const stored = await server.app.inject({
        url: '/api/v1/nodes/web-2/state',
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(stored.statusCode).toBe(200);
      expect(stored.json()).toMatchObject({ node: 'web-2', schema: 'driftguard/state@1' });
    });

    it('says so when the server refuses the token', async () => {
      const tokenFile = path.join(work, 'bad.token');
      fs.writeFileSync(tokenFile, 'not-a-token\n');
      const result = await runCliAsync([
        'sweep',
        ...sshArgs(),
        '--node',
        'web-1',
        '--server',
        url,
        '--token-file',
        tokenFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /web-1: reached, but not delivered: the server refused the report \(401\)/,
      );
    });
  });
});
