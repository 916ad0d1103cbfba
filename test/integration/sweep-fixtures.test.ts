/**
 * The decisive test of the sweep's snapshot: for every fixture node, the state collected through
 * the remote script (run locally with DRIFTGUARD_ROOT = the tree, commands answered by stubs made
 * from the tree's commands.json) → parse-dump → SnapshotRootFs equals the state collected by
 * DiskRootFs + FixtureCommandRunner on the same tree. Same collectors, same inputs, two file
 * systems: any difference is a bug in the dump, its parsing or the snapshot.
 *
 * Needs /bin/sh, GNU find, grep, tar and coreutils (Debian: dash, findutils, grep, tar,
 * coreutils — all Essential).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectState } from '../../src/collect';
import { FixtureCommandRunner } from '../../src/collect/command-runner';
import { DiskRootFs } from '../../src/collect/root-fs';
import { loadDesired, watchPathsFor } from '../../src/desired';
import type { NodeState } from '../../src/model/state';
import { writeCommandStubs } from '../../src/sweep/fixture-commands';
import { collectTreeThroughDump, openLocally } from '../../src/sweep/local-run';
import { initialRequests } from '../../src/sweep/manifest';
import { formatBatch } from '../../src/sweep/requests';
import { FIXTURE_NODES, preparedFixtureRoot } from '../helpers/fixture-nodes';
import { REPO } from '../helpers/cli';
import { removeTree, writeTree } from '../helpers/temp-tree';

// Each case runs the script and two collections: seconds on a busy 2-CPU machine.
jest.setTimeout(30_000);

const NOW = new Date('2026-11-22T10:00:00.000Z');
const desired = loadDesired(path.join(REPO, 'desired-state'));

/** Role watch paths where the node is declared, plus a glob over /etc and a secret-named file. */
function watchPathsOf(node: string): string[] {
  const fromRoles = desired.nodes[node] ? watchPathsFor(desired, node) : [];
  return [...fromRoles, '/etc/*.conf', '/etc/pypi/*', '/etc/ssl/private/driftguard.key', '/etc/missing-file'];
}

async function collectBothWays(
  root: string,
  node: string,
  watchPaths: readonly string[],
): Promise<{ disk: NodeState; dump: NodeState; rounds: number; warnings: string[]; followUps: string[] }> {
  const disk = await collectState(
    { fs: new DiskRootFs(root), run: new FixtureCommandRunner(root), watchPaths },
    { node, now: NOW },
  );
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-stubs-'));
  try {
    await writeCommandStubs(root, bin);
    const result = await collectTreeThroughDump({ root, pathPrefix: bin, node, now: NOW, watchPaths });
    return {
      disk,
      dump: result.state,
      rounds: result.rounds,
      warnings: result.warnings,
      followUps: result.followUps,
    };
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe('sweep dump of every fixture node = DiskRootFs collection of the same tree', () => {
  it.each(FIXTURE_NODES)('%s', async (node) => {
    const root = preparedFixtureRoot(node);
    try {
      const { disk, dump, rounds, warnings, followUps } = await collectBothWays(
        root,
        node,
        watchPathsOf(node),
      );
      expect(dump).toEqual(disk);
      // The manifest covers the fixture nodes: everything came back in the first round.
      expect(warnings).toEqual([]);
      expect(followUps).toEqual([]);
      expect(rounds).toBe(1);
      // Not a vacuous equality: the collectors found the node's contents.
      expect(Object.keys(dump.packages?.items ?? {}).length).toBeGreaterThan(0);
      expect(Object.keys(dump.units?.items ?? {}).length).toBeGreaterThan(0);
      expect(Object.keys(dump.sysctls?.live ?? {}).length).toBeGreaterThan(0);
    } finally {
      removeTree(root);
    }
  });
});

it('gives the same state when the script runs under bash (EL nodes: /bin/sh is bash)', async () => {
  const root = preparedFixtureRoot('rpm-el9');
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-stubs-'));
  try {
    await writeCommandStubs(root, bin);
    const options = { root, pathPrefix: bin, node: 'rpm-el9', now: NOW, watchPaths: watchPathsOf('rpm-el9') };
    const underDash = await collectTreeThroughDump({ ...options, shell: '/bin/dash' });
    const underBash = await collectTreeThroughDump({ ...options, shell: '/bin/bash' });
    expect(underBash.state).toEqual(underDash.state);
    expect(underBash.state.packages?.manager).toBe('rpm');
  } finally {
    removeTree(root);
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

describe('what the manifest cannot foresee comes in later rounds, on the same conversation', () => {
  let root: string;

  beforeAll(() => {
    root = preparedFixtureRoot('debian12-clean');
    const extra = writeTree({
      // A unit linked from outside the search path, through a symlinked directory.
      '/opt/acme/lib/acme.service': '[Unit]\nAfter=network.target\n[Install]\nWantedBy=multi-user.target\n',
      '/opt/current': { symlink: 'acme' },
      '/etc/systemd/system/acme.service': { symlink: '/opt/current/lib/acme.service' },
      '/etc/systemd/system/multi-user.target.wants/acme.service': {
        symlink: '/etc/systemd/system/acme.service',
      },
      // A watched symlink to a file elsewhere; a watched private file (hashed on the node only).
      '/etc/hosts.allow': { symlink: '../srv/config/hosts.allow' },
      '/srv/config/hosts.allow': 'sshd: 10.0.0.0/8\n',
      '/etc/pypi/config.ini': { content: '[db]\npassword = hunter2\n', mode: 0o640 },
      '/etc/pypi/db.secret': 'not for the server\n',
      '/etc/pypi/link-to-secret': { symlink: 'db.secret' },
      // Named like a secret to the script's wide net, not to the files collector: its text is kept.
      '/etc/pypi/monkey.conf': 'bananas = 3\n',
      // A sysctl.d mask and a long name (tar's GNU long-name entries).
      '/etc/sysctl.d/50-pid-max.conf': { symlink: '/dev/null' },
      [`/etc/drbd.d/${'r'.repeat(120)}.res`]: 'resource long {}\n',
      '/etc/drbd.d/with space.res': 'resource spaced {}\n',
      // What a sweep never reads, even when a role watches it.
      '/etc/shadow': { content: 'root:$y$j9T$secret:19000:0:99999:7:::\n', mode: 0o640 },
    });
    fs.cpSync(extra, root, { recursive: true, verbatimSymlinks: true });
    removeTree(extra);
  });

  afterAll(() => removeTree(root));

  it('ends with the same state as a local collection', async () => {
    const watchPaths = ['/etc/hosts.allow', '/etc/pypi/*', '/etc/shadow'];
    const { disk, dump, rounds, warnings } = await collectBothWays(root, 'debian12-clean', watchPaths);
    expect(warnings).toEqual([]);
    expect(rounds).toBeGreaterThan(1);

    // The sweep refuses /etc/shadow, which a local collection hashes: that item alone differs.
    const shadow = dump.files?.items['/etc/shadow'];
    expect(shadow).toMatchObject({
      exists: true,
      type: 'file',
      error: expect.stringMatching(/never read by a sweep/),
    });
    expect(shadow?.sha256).toBeUndefined();
    expect(disk.files?.items['/etc/shadow']?.sha256).toMatch(/^sha256:/);
    const withoutShadow = (state: NodeState): unknown => {
      const copy = structuredClone(state);
      delete copy.files?.items['/etc/shadow'];
      delete (copy.hashes as Record<string, string>).files;
      return copy;
    };
    expect(withoutShadow(dump)).toEqual(withoutShadow(disk));

    expect(dump.files?.items['/etc/pypi/monkey.conf']?.text).toBe('bananas = 3\n');
    expect(dump.units?.items['acme.service']).toMatchObject({
      path: '/opt/current/lib/acme.service',
      after: ['network.target'],
    });
    // Secrets: the same hash as the local collection, but their bytes never left the node.
    expect(dump.files?.items['/etc/pypi/db.secret']?.sha256).toBe(
      disk.files?.items['/etc/pypi/db.secret']?.sha256,
    );
    expect(dump.files?.items['/etc/pypi/config.ini']?.sha256).toBe(
      disk.files?.items['/etc/pypi/config.ini']?.sha256,
    );
  });

  it('never lets the bytes of secrets, private files or /etc/shadow leave the node', async () => {
    const opened = openLocally({ root });
    try {
      opened.channel.send(formatBatch(initialRequests(['/etc/pypi/*', '/etc/shadow', '/etc/*'])));
      const batch = await opened.channel.nextBatch();
      const everything = Buffer.concat([...batch.sections.values()]).toString('latin1');
      expect(everything).toContain('resource spaced'); // world-readable watched files do travel
      expect(everything).not.toContain('hunter2'); // /etc/pypi/config.ini, mode 0640: hashed on the node
      expect(everything).not.toContain('not for the server'); // db.secret: a secret's name, hashed
      expect(everything).not.toContain('$y$j9T$secret'); // /etc/shadow: not even hashed
    } finally {
      await opened.finish();
    }
  });
});
