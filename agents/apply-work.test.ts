import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localSession } from '../src/app/enforce/node-session';
import type { AgentWork } from '../src/model/agent-work';
import { carryOut, refusalOf } from './apply-work';
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
});
