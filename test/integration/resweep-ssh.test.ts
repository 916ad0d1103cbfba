/**
 * `driftguard sweep --cache DIR` twice against a real sshd (Debian's openssh-server on 127.0.0.1,
 * test/helpers/sshd.ts), through the built CLI: the second run says in --json which categories
 * the node answered the same, moves a fraction of the bytes, and writes the state the first did.
 * Fails, never skips, without /usr/sbin/sshd.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeState } from '../../src/model/state';
import { runCli } from '../helpers/cli';
import { startSshd } from '../helpers/sshd';
import type { TestSshd } from '../helpers/sshd';
import { removeTree } from '../helpers/temp-tree';

jest.setTimeout(120_000);

let sshd: TestSshd;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-resweep-ssh-'));
  fs.mkdirSync(path.join(dir, 'desired'));
  fs.writeFileSync(
    path.join(dir, 'desired', 'node.yaml'),
    `kind: Node\nname: here\nroles: []\nssh: { host: 127.0.0.1, port: ${sshd.port}, user: root }\n`,
  );
});

afterAll(async () => {
  await sshd?.stop();
  if (dir) removeTree(dir);
});

interface SweepJson {
  reached: number;
  nodes: { node: string; ok: boolean; bytes: number; reused: string[]; rounds: number }[];
}

function sweepOnce(...extra: string[]): { json: SweepJson; state: NodeState } {
  const out = path.join(dir, 'states');
  const result = runCli([
    'sweep',
    '--desired',
    path.join(dir, 'desired'),
    '--known-hosts',
    sshd.knownHostsFile,
    '--identity',
    sshd.clientKeyFile,
    '--out-dir',
    out,
    '--json',
    ...extra,
  ]);
  if (result.code !== 0) throw new Error(`sweep failed (${result.code}): ${result.stdout}\n${result.stderr}`);
  const state = JSON.parse(fs.readFileSync(path.join(out, 'here.json'), 'utf8')) as NodeState;
  return { json: JSON.parse(result.stdout) as SweepJson, state };
}

/** As sweep-ssh.test.ts: the one live value the kernel tunes by itself, and the time stamps. */
function comparable(state: NodeState): unknown {
  const { hashes: _hashes, collectedAt: _at, ...copy } = structuredClone(state);
  delete copy.sysctls?.live['kernel.perf_event_max_sample_rate'];
  return copy;
}

it('a second sweep with the same cache reuses what did not change, and says so in --json', () => {
  const cacheDir = path.join(dir, 'cache');
  const first = sweepOnce('--cache', cacheDir);
  expect(first.json.reached).toBe(1);
  expect(first.json.nodes[0]?.reused).toEqual([]);

  const second = sweepOnce('--cache', cacheDir);
  const node = second.json.nodes[0];
  expect(node?.ok).toBe(true);
  // What this host reads from files and listings is the same a moment later; capacity reads
  // /proc/meminfo, which moves on every read, so it is collected again.
  expect(node?.reused).toEqual(expect.arrayContaining(['os', 'packages', 'units', 'files', 'users']));
  expect(node?.reused).not.toContain('capacity');
  expect(node?.bytes).toBeLessThan((first.json.nodes[0]?.bytes ?? 0) / 20);
  expect(comparable(second.state)).toEqual(comparable(first.state));

  // --no-cache: today's one conversation, nothing reused, the same state.
  const plain = sweepOnce('--no-cache');
  expect(plain.json.nodes[0]?.reused).toEqual([]);
  expect(plain.json.nodes[0]?.bytes).toBeGreaterThan(20 * (node?.bytes ?? 0));
  expect(comparable(plain.state)).toEqual(comparable(first.state));
  expect(fs.readdirSync(cacheDir)).toEqual(['here.json']);
});
