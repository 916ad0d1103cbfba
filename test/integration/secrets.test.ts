/**
 * Secrets in watched files never reach the server (DESIGN §16): secret values in file text are
 * redacted on the node, line by line, and `files: {PATH: {sensitive: true}}` keeps only the
 * hash. `collect`, the agent and the SSH sweep record the very same `files` — and the sweep
 * never even carries a sensitive file's content off the node.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadDesired, watchListFor } from '../../src/desired';
import type { NodeState } from '../../src/model/state';
import { writeCommandStubs } from '../../src/sweep/fixture-commands';
import { REMOTE_SCRIPT } from '../../src/sweep/remote-script';
import { collectThroughDump } from '../../src/sweep/session';
import { StreamDumpChannel } from '../../src/sweep/stream-channel';
import { EXAMPLE_TIME, runCli } from '../helpers/cli';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import { api, createNodeToken, killAll, startAgent, startServer, waitFor } from '../helpers/processes';
import { removeTree } from '../helpers/temp-tree';

jest.setTimeout(60_000);

/** Every secret value written into the node below: none may appear in any state. */
const SECRETS = [
  'CHANGE-ME',
  'hunter2-db',
  'FooFunFactory',
  'vrrp-pass-42',
  'sk_live_1234567890',
  'AAAAC3Nza',
  'r9-secret-xyz',
  'cifs-pass-77',
  'dav-pass-9',
];
/** The secrets of sensitive files: not even the sweep's wire may carry them. */
const SENSITIVE_SECRETS = ['CHANGE-ME', 'sk_live_1234567890', 'r9-secret-xyz'];

const FILES: Record<string, string> = {
  // Watched by the role, not sensitive: secret values redacted, the rest kept.
  '/etc/app/plain.ini': '[db]\nuser = app\npassword = hunter2-db\nhost = db.internal\n',
  // A private key in a file not named like one: its lines redacted.
  '/etc/app/deploy-identity':
    'comment = deploy\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAC3Nza\n-----END OPENSSH PRIVATE KEY-----\n',
  // Watched by the role as sensitive: hash only.
  '/etc/app/stripe.conf': 'api_key = sk_live_1234567890\n',
  // In a directory the built-in list watches (/etc/drbd.d/*), marked sensitive by the role.
  '/etc/drbd.d/r9.res': 'resource r9 {\n\tnet {\n\t\tshared-secret "r9-secret-xyz";\n\t}\n}\n',
  // Built-in watches (HA configuration): DRBD's shared secret, keepalived's VRRP password.
  '/etc/drbd.d/r1.res':
    'resource r1 {\n\tnet {\n\t\tcram-hmac-alg sha1;\n\t\tshared-secret "FooFunFactory";\n\t}\n}\n',
  '/etc/keepalived/keepalived.conf':
    'vrrp_instance VI_1 {\n    authentication {\n        auth_type PASS\n        auth_pass vrrp-pass-42\n    }\n}\n',
};

/**
 * Lines appended to the node's fstab and mount table: secrets in option lists and in a device's
 * URL, which the mounts collector records, and the units collector in the mount unit it
 * simulates systemd-fstab-generator making.
 */
const APPENDED: Record<string, string> = {
  '/etc/fstab': '//nas/share /mnt/share cifs username=pypi,password=cifs-pass-77,vers=3.0 0 0\n',
  '/proc/1/mountinfo':
    '90 28 0:55 / /mnt/dav rw,relatime shared:410 - davfs https://pypi:dav-pass-9@dav.example/files rw,username=pypi,password=dav-pass-9\n',
};

const DESIRED = `kind: Role
name: app
files:
  /etc/pypi/config.ini: { sensitive: true, parity: true }
  /etc/app/plain.ini: { parity: true }
  /etc/app/deploy-identity: { parity: true }
  /etc/app/stripe.conf: { sensitive: true }
  /etc/drbd.d/r9.res: { sensitive: true, parity: true }
---
kind: Node
name: pypi-1
roles: [app]
`;

let root: string;
let desiredDir: string;
let work: string;

beforeAll(() => {
  root = preparedFixtureRoot('pypi-1');
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text, { mode: 0o644 });
  }
  for (const [file, text] of Object.entries(APPENDED)) fs.appendFileSync(path.join(root, file), text);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-secrets-'));
  desiredDir = path.join(work, 'desired');
  fs.mkdirSync(desiredDir);
  fs.writeFileSync(path.join(desiredDir, 'app.yaml'), DESIRED);
});

afterAll(async () => {
  await killAll();
  removeTree(root);
  fs.rmSync(work, { recursive: true, force: true });
});

function sha256Of(file: string): string {
  return `sha256:${createHash('sha256')
    .update(fs.readFileSync(path.join(root, file)))
    .digest('hex')}`;
}

/** What every way of collecting must have recorded. */
function expectSecretsKept(state: NodeState, how: string): void {
  const text = JSON.stringify(state);
  for (const secret of SECRETS)
    expect({ how, leaked: text.includes(secret) ? secret : undefined }).toEqual({ how, leaked: undefined });
  // Mount options and a device's URL: the secret words replaced, every other word kept.
  const marker = expect.stringMatching(/^password=<redacted sha256:[0-9a-f]{12}…>$/) as unknown;
  expect(state.mounts?.fstab.find((entry) => entry.file === '/mnt/share')?.options).toEqual([
    'username=pypi',
    marker,
    'vers=3.0',
  ]);
  expect(state.mounts?.live.find((mount) => mount.mountPoint === '/mnt/dav')).toMatchObject({
    source: expect.stringMatching(
      /^https:\/\/pypi:<redacted sha256:[0-9a-f]{12}…>@dav\.example\/files$/,
    ) as unknown,
    superOptions: ['rw', 'username=pypi', marker],
  });
  expect(state.units?.items['mnt-share.mount']?.mount?.options).toMatch(
    /^username=pypi,password=<redacted sha256:[0-9a-f]{12}…>,vers=3\.0$/,
  );
  const files = state.files!;
  // Redacted in place, line by line, and marked.
  const plain = files.items['/etc/app/plain.ini'];
  expect(plain).toMatchObject({ redacted: true, sha256: sha256Of('/etc/app/plain.ini') });
  expect(plain?.text?.split('\n')).toEqual([
    '[db]',
    'user = app',
    expect.stringMatching(/^password = <redacted sha256:[0-9a-f]{12}…>$/),
    'host = db.internal',
    '',
  ]);
  expect(files.items['/etc/app/deploy-identity']?.text?.split('\n')).toEqual([
    'comment = deploy',
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    expect.stringMatching(/^<redacted sha256:[0-9a-f]{12}…>$/),
    '-----END OPENSSH PRIVATE KEY-----',
    '',
  ]);
  for (const file of [
    '/etc/drbd.d/r1.res',
    '/etc/keepalived/keepalived.conf',
    '/etc/app/deploy-identity',
    '/etc/pypi/config.ini',
    '/etc/app/stripe.conf',
    '/etc/drbd.d/r9.res',
  ])
    expect({ file, redacted: files.items[file]?.redacted }).toEqual({ file, redacted: true });
  // Sensitive: the hash, no text at all.
  for (const file of ['/etc/pypi/config.ini', '/etc/app/stripe.conf', '/etc/drbd.d/r9.res']) {
    const info = files.items[file];
    expect({ file, text: info?.text, sha256: info?.sha256 }).toEqual({
      file,
      text: undefined,
      sha256: sha256Of(file),
    });
  }
}

async function viaCollect(): Promise<NodeState> {
  const out = path.join(work, 'collected.json');
  const result = runCli(
    ['collect', '--root', root, '--node', 'pypi-1', '--desired', desiredDir, '--out', out],
    {
      env: { DRIFTGUARD_NOW: EXAMPLE_TIME },
    },
  );
  expect(result.code).toBe(0);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as NodeState;
}

async function viaAgent(): Promise<NodeState> {
  const server = await startServer({ desired: desiredDir });
  const tokenFile = await createNodeToken(server, 'pypi-1', work);
  const agent = startAgent({
    server: server.url,
    tokenFile,
    root,
    spool: path.join(work, 'spool'),
    node: 'pypi-1',
    args: ['--once'],
  });
  expect(await agent.exited).toBe(0);
  return waitFor(
    'the state of pypi-1',
    async () =>
      (await api(server, '/api/v1/nodes/pypi-1/state').catch(() => undefined)) as NodeState | undefined,
  );
}

/** The sweep's remote script on the tree, every byte it sends back recorded. */
async function viaSweep(): Promise<{ state: NodeState; received: Buffer }> {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-stubs-'));
  await writeCommandStubs(root, bin);
  const child = spawn('/bin/sh', ['-c', REMOTE_SCRIPT, 'driftguard-sweep'], {
    env: { ...process.env, DRIFTGUARD_ROOT: root, PATH: `${bin}:${process.env.PATH ?? ''}` },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  const tee = new PassThrough();
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout.pipe(tee);
  const channel = new StreamDumpChannel(child.stdin, tee, child.stderr);
  child.on('close', (code) => channel.ended(`exit code ${code}`));
  try {
    const list = watchListFor(loadDesired(desiredDir), 'pypi-1');
    const result = await collectThroughDump(channel, {
      node: 'pypi-1',
      now: new Date(EXAMPLE_TIME),
      watchPaths: list.paths,
      sensitivePaths: list.sensitive,
      description: root,
    });
    channel.quit();
    return { state: result.state, received: Buffer.concat(chunks) };
  } finally {
    child.kill();
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe('secrets in watched files, fstab and the mount table', () => {
  let collected: NodeState;

  it('collect: redacted on the node, sensitive files by hash only', async () => {
    collected = await viaCollect();
    expectSecretsKept(collected, 'collect');
  });

  it('the agent sends the same files to the server', async () => {
    const reported = await viaAgent();
    expectSecretsKept(reported, 'agent');
    expect([reported.files, reported.mounts, reported.units]).toEqual([
      collected.files,
      collected.mounts,
      collected.units,
    ]);
  });

  it('the sweep records the same files, and the content of sensitive files never leaves the node', async () => {
    const { state, received } = await viaSweep();
    expectSecretsKept(state, 'sweep');
    expect([state.files, state.mounts?.fstab, state.units?.items['mnt-share.mount']]).toEqual([
      collected.files,
      collected.mounts?.fstab,
      collected.units?.items['mnt-share.mount'],
    ]);
    const wire = received.toString('latin1');
    for (const secret of SENSITIVE_SECRETS)
      expect({ secret, sent: wire.includes(secret) }).toEqual({ secret, sent: false });
  });
});
