import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { localSession } from '../src/app/enforce/node-session';
import type { AgentResult, AgentWork } from '../src/model/agent-work';
import { applyPendingWork, carryOut, refusalOf } from './apply-work';
import { silentLog } from './log';

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
