/**
 * The CLI against a running server (`--server URL`): check, diff and ready answer exactly as
 * they do offline on the same states — over HTTP and over HTTPS (`serve --tls-cert/--tls-key`) —
 * and tokens made by `driftguard token` work against it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';
import { killAll, startServer, waitFor } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';
import { requireTool } from '../helpers/tools';

jest.setTimeout(60_000);

const NOW = { DRIFTGUARD_NOW: '2026-11-22T10:05:00.000Z' };

function json(
  args: string[],
  env: NodeJS.ProcessEnv = NOW,
): { code: number; document: unknown; stderr: string } {
  const run = runCli(args, { env });
  return {
    code: run.code,
    document: run.stdout ? (JSON.parse(run.stdout) as unknown) : undefined,
    stderr: run.stderr,
  };
}

afterAll(() => killAll());

describe('check, diff and ready with --server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer({ args: ['--import', 'examples/states', '--readiness-interval', '0s'] });
  });
  afterAll(() => server.stop());

  it.each([[['check', 'pypi-2']], [['diff', 'pypi-1', 'pypi-2']], [['ready', 'pypi', '--no-probes']]])(
    '%j answers as it does offline',
    (args) => {
      const offline = json([...args, '--states', 'examples/states', '--json']);
      const online = json([...args, '--server', server.url, '--json']);
      expect(online.code).toBe(1);
      expect(online.document).toEqual(offline.document);
    },
  );

  it('a node the server never heard of: exit 2, and the message says so', () => {
    const run = runCli(['diff', 'pypi-1', 'nosuch', '--server', server.url], { env: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no state for node nosuch');
  });

  it('tokens from `driftguard token` on the store file: created, listed, revoked', async () => {
    const created = runCli(['token', 'create', '--reader', '--label', 'ci', '--db', server.db, '--json']);
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: number };
    const ok = await fetch(`${server.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(403); // a reader may read, not manage tokens
    expect(runCli(['token', 'list', '--db', server.db]).stdout).toMatch(
      new RegExp(`\\b${id}\\s+reader\\s+live\\s+ci`),
    );
    expect(runCli(['token', 'revoke', String(id), '--db', server.db]).code).toBe(0);
    const after = await fetch(`${server.url}/api/v1/nodes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
  });
});

describe('over HTTPS', () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    requireTool(['openssl', 'version'], 'openssl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=driftguard-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = await startServer({
      tls: { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') },
      args: ['--import', 'examples/states', '--readiness-interval', '0s'],
    });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves https, and a client that trusts the certificate gets the same answer', () => {
    expect(server.url.startsWith('https://')).toBe(true);
    const offline = json(['check', 'pypi-2', '--states', 'examples/states', '--json']);
    const online = json(['check', 'pypi-2', '--server', server.url, '--json'], {
      ...NOW,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
    });
    expect(online.document).toEqual(offline.document);
  });

  it('a client that does not trust it refuses, exit 2', () => {
    const run = runCli(['check', 'pypi-2', '--server', server.url], { env: NOW });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot reach ${server.url}`);
  });
});

describe('the desired state of a running server', () => {
  it('is reloaded when its folder changes; a broken edit is refused and the last good one keeps running', async () => {
    const desiredDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-watch-'));
    fs.cpSync('desired-state', desiredDir, { recursive: true });
    const server = await startServer({ desired: desiredDir, args: ['--readiness-interval', '0s'] });
    const status = async () =>
      (await (await fetch(`${server.url}/api/v1/desired`)).json()) as {
        loaded?: { nodes: number; hash: string };
        rejected?: { error: { code: string; issues: { message: string }[] } };
      };
    try {
      const before = await status();
      expect(before.loaded?.nodes).toBe(3);
      fs.appendFileSync(
        path.join(desiredDir, 'localhost.yaml'),
        '\n---\nkind: Node\nname: db-1\nroles: [no-such-role]\n',
      );
      const refused = await waitFor('the broken edit to be refused', async () => (await status()).rejected);
      expect(refused.error.code).toBe('E_DESIRED_INVALID');
      expect(JSON.stringify(refused.error.issues)).toContain('no-such-role');
      expect((await status()).loaded?.hash).toBe(before.loaded?.hash);
      fs.writeFileSync(
        path.join(desiredDir, 'localhost.yaml'),
        fs.readFileSync('desired-state/localhost.yaml', 'utf8') +
          '\n---\nkind: Node\nname: db-1\nroles: [debian-server]\n',
      );
      const reloaded = await waitFor('the fixed edit to load', async () => {
        const now = await status();
        return now.loaded?.nodes === 4 && !now.rejected && now;
      });
      expect(reloaded.loaded?.hash).not.toBe(before.loaded?.hash);
    } finally {
      await server.stop();
      fs.rmSync(desiredDir, { recursive: true, force: true });
    }
  });
});
