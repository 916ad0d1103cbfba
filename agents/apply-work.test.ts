import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFiles } from '../src/app/enforce/node-files';
import type { NodeSession } from '../src/app/enforce/node-session';
import { localSession } from '../src/app/enforce/node-session';
import { basisOf } from '../src/enforce';
import type { AgentResult, AgentWork } from '../src/model/agent-work';
import type { Fix } from '../src/model/plan';
import { sha256Hex } from '../src/shared/canonical-json';
import { ServerError } from '../src/shared/errors';
import { LocalShell } from '../src/transport/node-shell';
import { applyPendingWork, carryOut, refusalOf } from './apply-work';
import type { AgentLog } from './log';
import { silentLog } from './log';
import { MemoryLog } from '../test/helpers/memory-log';

const work = (node: string, fixNodes: string[]): AgentWork => ({
  runId: 'r-20261206-120000-abcdef',
  node,
  target: `node:${node}`,
  planHash: 'sha256:0',
  basis: {},
  fixes: fixNodes.map((n, i) => ({
    id: `${n}/sysctls/k${i}`,
    node: n,
    category: 'sysctls',
    key: `k${i}`,
    action: 'change',
    description: 'x',
    files: [],
    commands: [['touch', '/tmp/never']],
    addresses: [],
  })),
  backupDir: '/var/lib/driftguard/backups/r-20261206-120000-abcdef',
  dryRun: false,
});

describe("the agent's apply step", () => {
  it('refuses work for another node, or with a fix for another node', () => {
    expect(refusalOf(work('pypi-2', ['pypi-2']), 'pypi-2')).toBeUndefined();
    expect(refusalOf(work('pypi-1', ['pypi-1']), 'pypi-2')).toBe(
      'the work is for node pypi-1; this agent is pypi-2',
    );
    expect(refusalOf(work('pypi-2', ['pypi-2', 'pypi-1']), 'pypi-2')).toBe(
      'fix pypi-1/sysctls/k1 is for node pypi-1; this agent is pypi-2',
    );
  });

  it('refuses before touching the node: nothing collected, nothing run', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-root-'));
    try {
      const session = localSession('pypi-2', root, { watchPaths: [], now: () => new Date() });
      const result = await carryOut(work('pypi-1', ['pypi-1']), session, {
        node: 'pypi-2',
        now: () => new Date(),
        log: silentLog,
      });
      expect(result).toEqual({
        runId: 'r-20261206-120000-abcdef',
        node: 'pypi-2',
        refused: 'the work is for node pypi-1; this agent is pypi-2',
      });
      expect(fs.readdirSync(root)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  // The fresh state goes to the server: a sensitive file's content must stay on the node, and a
  // plan's basis (hashed from the agent's reports, sensitive files by hash) must still match.
  it('collects the sensitive files of its watch list by hash only, as the collecting agent does', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-root-'));
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/app.secret'), 'password=hunter2\n');
    let answered: AgentResult | undefined;
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        if (request.url?.endsWith('/work/claim')) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ work: { ...work('pypi-2', []), dryRun: true } }));
        } else {
          answered = JSON.parse(body) as AgentResult;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"taken":true}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await applyPendingWork({
        server: `http://127.0.0.1:${port}`,
        token: 'node-token',
        node: 'pypi-2',
        root,
        now: () => new Date(),
        log: silentLog,
        watchList: { paths: ['/etc/app.secret'], sensitive: ['/etc/app.secret'] },
      });
      const file = answered?.state?.files?.items['/etc/app.secret'];
      expect(file).toMatchObject({ exists: true, redacted: true });
      expect(file?.sha256).toMatch(/^sha256:/);
      expect(JSON.stringify(answered)).not.toContain('hunter2');
    } finally {
      server.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

const RUN = 'r-20261206-120000-abcdef';
const NOW = new Date('2026-12-06T12:00:05.000Z');
const now = () => NOW;
const sha = (text: string) => `sha256:${sha256Hex(text)}`;

/** A node tree under a temporary folder: /etc/app.conf, and the users a collection records. */
function nodeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-root-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/app.conf'), 'a = 1\n', { mode: 0o644 });
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\n');
  return root;
}

/**
 * The node is the tree under `root`: collected there as the agent collects its node, its files
 * changed through this host's shell at their paths on this host (a chroot into the tree would
 * need a whole system in it).
 */
function treeSession(root: string): NodeSession {
  const collecting = localSession('pypi-2', root, { watchPaths: ['/etc/app.conf'], now });
  const shell = new LocalShell('/');
  return {
    ...collecting,
    description: shell.description,
    shell,
    files: new NodeFiles(shell),
    systemdRunning: async () => false,
  };
}

/** The fix that turns /etc/app.conf from `a = 1` into `a = 2`. */
const appFix = (root: string): Fix => ({
  id: 'pypi-2/files/etc/app.conf',
  node: 'pypi-2',
  category: 'files',
  key: '/etc/app.conf',
  action: 'change',
  description: 'set a = 2 in /etc/app.conf',
  files: [{ path: path.join(root, 'etc/app.conf'), beforeSha256: sha('a = 1\n'), after: 'a = 2\n' }],
  commands: [],
  addresses: [],
});

describe('carrying the work out on the node', () => {
  let root: string;
  let backups: string;
  beforeEach(() => {
    root = nodeTree();
    backups = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-agent-backups-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(backups, { recursive: true, force: true });
  });
  const appConf = () => fs.readFileSync(path.join(root, 'etc/app.conf'), 'utf8');

  async function workOn(session: NodeSession, extra: Partial<AgentWork> = {}): Promise<AgentWork> {
    return {
      ...work('pypi-2', []),
      basis: basisOf(await session.collect(), ['files', 'users']),
      fixes: [appFix(root)],
      backupDir: path.join(backups, RUN),
      ...extra,
    };
  }

  it('applies the fixes of a plan that still fits, says each step, and answers with the state after', async () => {
    const session = treeSession(root);
    const job = await workOn(session);
    expect(Object.keys(job.basis)).toEqual(['files', 'users']);
    const log = new MemoryLog();
    const result = await carryOut(job, session, { node: 'pypi-2', now, log });
    expect(appConf()).toBe('a = 2\n');
    const after = await session.collect();
    expect(after.files?.items['/etc/app.conf']).toMatchObject({ text: 'a = 2\n' });
    const file = path.join(root, 'etc/app.conf');
    const snapshot = (text: string) => ({ sha256: sha(text), mode: '0644', uid: 0, gid: 0 });
    expect(result).toEqual({
      runId: RUN,
      node: 'pypi-2',
      outcome: {
        node: 'pypi-2',
        wave: 0,
        status: 'succeeded',
        where: 'local',
        backupDir: path.join(backups, RUN),
        fixes: [
          {
            fixId: 'pypi-2/files/etc/app.conf',
            category: 'files',
            key: '/etc/app.conf',
            description: 'set a = 2 in /etc/app.conf',
            status: 'applied',
            startedAt: NOW.toISOString(),
            finishedAt: NOW.toISOString(),
            files: [
              {
                path: file,
                before: snapshot('a = 1\n'),
                after: snapshot('a = 2\n'),
                backup: path.join(backups, RUN, 'files', file),
              },
            ],
            commands: [],
          },
        ],
      },
      state: after,
    });
    expect(fs.readFileSync(path.join(backups, RUN, 'files', file), 'utf8')).toBe('a = 1\n');
    expect(log.lines).toEqual([
      {
        level: 'info',
        fields: { run: RUN, step: 'fix-started' },
        message: 'pypi-2/files/etc/app.conf: set a = 2 in /etc/app.conf',
      },
      {
        level: 'info',
        fields: { run: RUN, step: 'fix-finished' },
        message: 'pypi-2/files/etc/app.conf: applied',
      },
    ]);
  });

  it('refuses a stale plan, naming every category that changed, with the state as it found it; nothing changed', async () => {
    const session = treeSession(root);
    const job = await workOn(session);
    fs.writeFileSync(path.join(root, 'etc/app.conf'), 'a = 3\n');
    fs.appendFileSync(path.join(root, 'etc/passwd'), 'app:x:1000:1000::/srv/app:/bin/sh\n');
    const found = await session.collect();
    const log = new MemoryLog();
    const result = await carryOut(job, session, { node: 'pypi-2', now, log });
    expect(result).toEqual({
      runId: RUN,
      node: 'pypi-2',
      refused: 'stale plan: the files, users of pypi-2 changed since the plan was made; nothing was changed',
      state: found,
    });
    expect(appConf()).toBe('a = 3\n');
    expect(fs.readdirSync(backups)).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('changes nothing on a dry run, and answers with the state as it found it', async () => {
    const session = treeSession(root);
    const job = await workOn(session, { dryRun: true });
    const found = await session.collect();
    const log = new MemoryLog();
    const result = await carryOut(job, session, { node: 'pypi-2', now, log });
    expect(result).toEqual({
      runId: RUN,
      node: 'pypi-2',
      outcome: { node: 'pypi-2', wave: 0, status: 'dry-run', fixes: [] },
      state: found,
    });
    expect(appConf()).toBe('a = 1\n');
    expect(fs.readdirSync(backups)).toEqual([]);
    expect(log.lines).toEqual([]);
  });
});

interface Request {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** A driftguard server that answers each request with `answer(url)`, and what it was asked. */
async function fakeServer(
  answer: (url: string) => { status: number; body?: unknown },
): Promise<{ url: string; requests: Request[]; close: () => void }> {
  const requests: Request[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body: body === '' ? undefined : (JSON.parse(body) as unknown),
      });
      const { status, body: answerBody } = answer(request.url ?? '');
      if (answerBody === undefined) {
        response.writeHead(status);
        response.end();
      } else {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answerBody));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => server.close() };
}

const CLAIM = '/api/v1/nodes/pypi-2/work/claim';
const RESULT = `/api/v1/runs/${RUN}/nodes/pypi-2/result`;
const claimed = { method: 'POST', url: CLAIM, authorization: 'Bearer node-token', body: {} };

describe('claiming the work and answering the server', () => {
  let root: string;
  beforeEach(() => (root = nodeTree()));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const options = (server: string, log: AgentLog) => ({
    server,
    token: 'node-token',
    node: 'pypi-2',
    root,
    now,
    log,
    watchList: { paths: ['/etc/app.conf'], sensitive: [] },
  });
  /** What applyPendingWork threw. */
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => new Error('it did not fail'),
      (err: unknown) => err,
    );

  it('has nothing to do when the server has no work for the node (204)', async () => {
    const server = await fakeServer(() => ({ status: 204 }));
    try {
      const log = new MemoryLog();
      expect(await applyPendingWork(options(server.url, log))).toBe('none');
      expect(server.requests).toEqual([claimed]);
      expect(log.lines).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('fails, in the server’s words, when the server will not hand the work over', async () => {
    const server = await fakeServer(() => ({ status: 403, body: { error: { message: 'not your node' } } }));
    try {
      const err = await failure(applyPendingWork(options(server.url, new MemoryLog())));
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toBe(`${server.url} answered 403 for ${CLAIM}: not your node`);
      expect(server.requests).toEqual([claimed]);
    } finally {
      server.close();
    }
  });

  it('fails when the server answers the claim without work', async () => {
    const server = await fakeServer(() => ({ status: 200, body: { taken: true } }));
    try {
      const err = await failure(applyPendingWork(options(server.url, new MemoryLog())));
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toBe(`${CLAIM} answered without work`);
      expect(server.requests).toEqual([claimed]);
    } finally {
      server.close();
    }
  });

  it('answers a refusal to the run’s result endpoint, and logs it as an error', async () => {
    const server = await fakeServer((url) =>
      url === CLAIM ? { status: 200, body: { work: work('pypi-1', ['pypi-1']) } } : { status: 200, body: {} },
    );
    try {
      const log = new MemoryLog();
      const result = await applyPendingWork(options(server.url, log));
      const refusal = {
        runId: RUN,
        node: 'pypi-2',
        refused: 'the work is for node pypi-1; this agent is pypi-2',
      };
      expect(result).toEqual(refusal);
      expect(server.requests).toEqual([
        claimed,
        { method: 'POST', url: RESULT, authorization: 'Bearer node-token', body: refusal },
      ]);
      expect(log.lines).toEqual([
        {
          level: 'info',
          fields: { run: RUN, fixes: 1 },
          message: 'applying the approved fixes for this node',
        },
        { level: 'error', fields: { run: RUN }, message: `refused: ${refusal.refused}` },
      ]);
    } finally {
      server.close();
    }
  });

  it('answers what it did with the node’s state, and says the server verifies', async () => {
    const server = await fakeServer((url) =>
      url === CLAIM
        ? { status: 200, body: { work: { ...work('pypi-2', []), dryRun: true } } }
        : { status: 200, body: { taken: true } },
    );
    try {
      const log = new MemoryLog();
      const result = await applyPendingWork(options(server.url, log));
      const found = await localSession('pypi-2', root, { watchPaths: ['/etc/app.conf'], now }).collect();
      const answered = {
        runId: RUN,
        node: 'pypi-2',
        outcome: { node: 'pypi-2', wave: 0, status: 'dry-run', fixes: [] },
        state: found,
      };
      expect(result).toEqual(answered);
      expect(server.requests).toEqual([
        claimed,
        { method: 'POST', url: RESULT, authorization: 'Bearer node-token', body: answered },
      ]);
      expect(log.lines).toEqual([
        {
          level: 'info',
          fields: { run: RUN, fixes: 0 },
          message: 'applying the approved fixes for this node',
        },
        { level: 'info', fields: { run: RUN, status: 'dry-run' }, message: 'applied; the server verifies' },
      ]);
    } finally {
      server.close();
    }
  });

  it('fails, in the server’s words, when the server will not take the answer', async () => {
    const server = await fakeServer((url) =>
      url === CLAIM
        ? { status: 200, body: { work: { ...work('pypi-2', []), dryRun: true } } }
        : { status: 409, body: { error: { message: 'the run is over' } } },
    );
    try {
      const log = new MemoryLog();
      const err = await failure(applyPendingWork(options(server.url, log)));
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toBe(`${server.url} answered 409 for ${RESULT}: the run is over`);
      expect(server.requests.map((request) => request.url)).toEqual([CLAIM, RESULT]);
      expect(log.lines.map((line) => line.message)).toEqual(['applying the approved fixes for this node']);
    } finally {
      server.close();
    }
  });

  it('closes the node’s session once the work is carried out, and when carrying it out fails', async () => {
    const malformed = { ...work('pypi-2', []), basis: null };
    let handedOut = 0;
    const server = await fakeServer((url) =>
      url === CLAIM
        ? {
            status: 200,
            body: { work: handedOut++ === 0 ? { ...work('pypi-2', []), dryRun: true } : malformed },
          }
        : { status: 200, body: { taken: true } },
    );
    const close = jest.spyOn(LocalShell.prototype, 'close');
    try {
      await applyPendingWork(options(server.url, new MemoryLog()));
      expect(close).toHaveBeenCalledTimes(1);
      const err = await failure(applyPendingWork(options(server.url, new MemoryLog())));
      expect(err).toBeInstanceOf(TypeError);
      expect(close).toHaveBeenCalledTimes(2);
      expect(server.requests.map((request) => request.url)).toEqual([CLAIM, RESULT, CLAIM]);
    } finally {
      close.mockRestore();
      server.close();
    }
  });
});
