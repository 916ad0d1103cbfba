/**
 * The sweep runner without SSH: nodes are reached through the same remote script run locally
 * against fixture trees (or through channels that fail in chosen ways), so concurrency, per-node
 * failure isolation, deadlines and schedule targets are tested on real dumps.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDesired } from '../../src/desired';
import type { NodeDecl } from '../../src/model/desired';
import { writeCommandStubs } from '../../src/sweep/fixture-commands';
import { openLocally } from '../../src/sweep/local-run';
import type { ChannelOpener, OpenedChannel, SweepEvent } from '../../src/sweep/run';
import { sweep, sweepTargets } from '../../src/sweep/run';
import { TransportError } from '../../src/transport/errors';
import { parseKnownHosts } from '../../src/transport/known-hosts';
import { REPO } from '../helpers/cli';
import { preparedFixtureRoot } from '../helpers/fixture-nodes';
import { removeTree } from '../helpers/temp-tree';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-22T10:00:00.000Z');
const roots = new Map<string, { root: string; bin: string }>();

beforeAll(async () => {
  for (const name of ['pypi-1', 'pypi-2', 'debian12-clean']) {
    const root = preparedFixtureRoot(name);
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-stubs-'));
    await writeCommandStubs(root, bin);
    roots.set(name, { root, bin });
  }
});

afterAll(() => {
  for (const { root, bin } of roots.values()) {
    removeTree(root);
    removeTree(bin);
  }
});

function node(name: string): NodeDecl {
  return {
    kind: 'Node',
    name,
    roles: [],
    probes: [],
    ssh: { host: `${name}.example.org`, port: 22, user: 'root' },
    at: { file: 'test', line: 1, col: 1 },
  };
}

/** A channel that accepts requests and never answers. */
function silentChannel(onDestroy: () => void): OpenedChannel {
  return {
    channel: { send: () => undefined, nextBatch: () => new Promise(() => undefined) },
    description: 'silent',
    finish: () => Promise.resolve(),
    destroy: onDestroy,
  };
}

const baseOptions = {
  knownHosts: parseKnownHosts('', 'known_hosts'),
  identity: {},
  now: () => NOW,
};

describe('sweep', () => {
  it('isolates failures: each node ends with its own reason, the others are collected', async () => {
    let destroyed = 0;
    let open = 0;
    let peak = 0;
    const opener: ChannelOpener = async (target) => {
      peak = Math.max(peak, ++open);
      try {
        await new Promise((resolve) => setTimeout(resolve, 20));
        switch (target.name) {
          case 'down':
            throw new TransportError('unreachable', 'down is unreachable: connection refused');
          case 'silent':
            return silentChannel(() => destroyed++);
          case 'broken':
            return openLocally({ root: '/', shell: '/bin/false' });
          default: {
            const fixture = roots.get(target.name);
            if (!fixture) throw new Error(`no fixture ${target.name}`);
            return openLocally({ root: fixture.root, pathPrefix: fixture.bin });
          }
        }
      } finally {
        open--;
      }
    };
    const events: SweepEvent[] = [];
    const results = await sweep(['pypi-1', 'down', 'silent', 'broken', 'pypi-2'].map(node), {
      ...baseOptions,
      open: opener,
      concurrency: 2,
      timeoutMs: 1_500,
      onEvent: (event) => events.push(event),
    });

    expect(results.map((r) => (r.ok ? [r.node, 'ok'] : [r.node, r.reason]))).toEqual([
      ['pypi-1', 'ok'],
      ['down', 'unreachable'],
      ['silent', 'timeout'],
      ['broken', 'script'],
      ['pypi-2', 'ok'],
    ]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(destroyed).toBe(1);
    const [first, , silent, broken] = results;
    if (!first?.ok) throw new Error('pypi-1 failed');
    expect(first.state.node).toBe('pypi-1');
    expect(first.state.collectedAt).toBe(NOW.toISOString());
    expect(first.state.replication?.drbd.r0).toMatchObject({ role: 'Primary' });
    expect(!silent?.ok && silent?.error.message).toMatch(/silent .* did not finish within 1\.5s/);
    expect(!broken?.ok && broken?.error.message).toMatch(
      /the sweep script ended before answering \(exit code 1\)/,
    );
    expect(
      events.filter((e) => e.kind === 'started').map((e) => e.kind === 'started' && e.node),
    ).toHaveLength(5);
  });

  it('passes each node its roles’ watch paths', async () => {
    const fixture = roots.get('debian12-clean') as { root: string; bin: string };
    const [result] = await sweep([node('debian12-clean')], {
      ...baseOptions,
      open: async () => openLocally({ root: fixture.root, pathPrefix: fixture.bin }),
      watchList: (name) => ({ paths: name === 'debian12-clean' ? ['/etc/hostname'] : [], sensitive: [] }),
    });
    expect(result?.ok && result.state.files?.items['/etc/hostname']).toMatchObject({
      exists: true,
      type: 'file',
    });
  });
});

describe('sweepTargets', () => {
  const desired = loadDesired(path.join(REPO, 'desired-state'));

  it('sweeps a pair primary first, and reports a targeted node without ssh: as not configured', async () => {
    const opener: ChannelOpener = async (target) => {
      const fixture = roots.get(target.name) as { root: string; bin: string };
      return openLocally({ root: fixture.root, pathPrefix: fixture.bin });
    };
    const results = await sweepTargets(desired, ['pair:pypi', 'node:localhost', 'node:pypi-2'], {
      ...baseOptions,
      open: opener,
    });
    expect(results.map((r) => [r.node, r.ok ? 'ok' : r.reason])).toEqual([
      ['pypi-1', 'ok'],
      ['pypi-2', 'ok'],
      ['localhost', 'not-configured'],
    ]);
  });

  it('refuses targets it does not understand, with the names that exist', async () => {
    await expect(sweepTargets(desired, ['pairs:pypi'], baseOptions)).rejects.toThrow(/not a target/);
    await expect(sweepTargets(desired, ['pair:pypy'], baseOptions)).rejects.toThrow(/no pair named `pypy`/);
  });
});
