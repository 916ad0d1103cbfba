/**
 * Re-sweeps by fingerprint on real dumps: the remote script run locally against a copy of a
 * fixture node (DRIFTGUARD_ROOT), the sweep runner with a real file cache in a temporary folder.
 * The second sweep of an unchanged tree takes every category from the cache and moves almost no
 * bytes; a change in the tree is seen, and the state then equals a sweep without any cache.
 *
 * Needs /bin/sh, GNU find, grep, tar and coreutils (sha256sum), as every sweep test does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NodeDecl } from '../../src/model/desired';
import type { NodeState } from '../../src/model/state';
import { CATEGORIES } from '../../src/model/state';
import { fingerprintKey } from '../../src/sweep/cache-key';
import { FileSweepCache } from '../../src/sweep/file-cache';
import type { SweepCache } from '../../src/sweep/fingerprint-cache';
import { MemorySweepCache } from '../../src/sweep/fingerprint-cache';
import { writeCommandStubs } from '../../src/sweep/fixture-commands';
import { openLocally } from '../../src/sweep/local-run';
import { initialRequests } from '../../src/sweep/manifest';
import { formatBatch, holdingDigest } from '../../src/sweep/requests';
import type { SweepResult } from '../../src/sweep/run';
import { sweep } from '../../src/sweep/run';
import { parseKnownHosts } from '../../src/transport/known-hosts';
import { FIXTURE_NODES, preparedFixtureRoot } from '../helpers/fixture-nodes';
import { removeTree } from '../helpers/temp-tree';

jest.setTimeout(60_000);

const FIRST = new Date('2026-11-22T10:00:00.000Z');
const LATER = new Date('2026-11-22T11:00:00.000Z');
const WATCH = { paths: ['/etc/hosts', '/etc/pypi/*', '/etc/ssh/sshd_config'], sensitive: [] };

type Reached = Extract<SweepResult, { ok: true }>;

function nodeDecl(name: string): NodeDecl {
  return {
    kind: 'Node',
    name,
    roles: [],
    probes: [],
    ssh: { host: `${name}.example.org`, port: 22, user: 'root' },
    at: { file: 'test', line: 1, col: 1 },
  };
}

/** One node's tree, its command stubs, and a cache folder of its own. */
class Tree {
  readonly root: string;
  readonly bin: string;
  readonly cacheDir: string;

  constructor(readonly name: string) {
    this.root = preparedFixtureRoot(name);
    this.bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-stubs-'));
    this.cacheDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dg-cache-')), 'sweep');
  }

  async ready(): Promise<this> {
    await writeCommandStubs(this.root, this.bin);
    return this;
  }

  async sweep(cache: SweepCache | undefined, now = LATER): Promise<Reached> {
    const [result] = await sweep([nodeDecl(this.name)], {
      knownHosts: parseKnownHosts('', 'known_hosts'),
      identity: {},
      now: () => now,
      watchList: () => WATCH,
      open: () => Promise.resolve(openLocally({ root: this.root, pathPrefix: this.bin })),
      ...(cache ? { cache } : {}),
    });
    if (!result?.ok) throw new Error(`sweep failed: ${result?.ok === false ? result.error.message : '?'}`);
    return result;
  }

  edit(nodePath: string, change: (text: string) => string): void {
    const file = path.join(this.root, nodePath);
    fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
  }

  remove(): void {
    removeTree(this.root);
    removeTree(this.bin);
    removeTree(path.dirname(this.cacheDir));
  }
}

const withoutTime = (state: NodeState): Omit<NodeState, 'collectedAt'> => {
  const { collectedAt: _ignored, ...rest } = state;
  return rest;
};

describe('a second sweep of an unchanged node takes every category from the cache', () => {
  it.each(FIXTURE_NODES)('%s', async (name) => {
    const tree = await new Tree(name).ready();
    try {
      const plain = await tree.sweep(undefined, FIRST);
      const cache = new FileSweepCache(tree.cacheDir);
      const cold = await tree.sweep(cache, FIRST);
      // One conversation per category gives the state one conversation over all of them gives.
      expect(cold.state).toEqual(plain.state);
      expect(cold.reused).toEqual([]);
      // The manifest's part of each category is enough for it alone: no follow-up rounds.
      expect(cold.rounds).toBe(1);

      const warm = await tree.sweep(cache, LATER);
      expect(warm.reused).toEqual([...CATEGORIES]);
      expect(withoutTime(warm.state)).toEqual(withoutTime(cold.state));
      expect(warm.state.collectedAt).toBe(LATER.toISOString());
      expect(warm.warnings).toEqual(cold.warnings);
      // A hundred-odd bytes per batch (a category may take two rounds) instead of the answers.
      expect(warm.bytes).toBeLessThan(200 * CATEGORIES.length);
      expect(cold.bytes).toBeGreaterThan(50 * warm.bytes);
    } finally {
      tree.remove();
    }
  });
});

describe('what changed on the node is seen, and the cache follows', () => {
  let tree: Tree;
  let cache: FileSweepCache;

  beforeAll(async () => {
    tree = await new Tree('pypi-1').ready();
    cache = new FileSweepCache(tree.cacheDir);
    await tree.sweep(cache, FIRST);
  });
  afterAll(() => tree.remove());

  /** After a change: the re-sweep equals a sweep without cache, and the next one reuses all. */
  async function expectSeen(changed: string[]): Promise<NodeState> {
    const resweep = await tree.sweep(cache);
    const fresh = await tree.sweep(undefined);
    expect(resweep.state).toEqual(fresh.state);
    expect(resweep.reused).toEqual(CATEGORIES.filter((category) => !changed.includes(category)));
    const again = await tree.sweep(cache);
    expect(again.reused).toEqual([...CATEGORIES]);
    expect(again.state).toEqual(fresh.state);
    return resweep.state;
  }

  it('a package upgraded in dpkg status', async () => {
    tree.edit('/var/lib/dpkg/status', (text) => {
      const next = text.replace(/^(Package: openssh-server\n(?:.+\n)*?Version: )(.+)$/m, '$1$2+dg1');
      expect(next).not.toBe(text);
      return next;
    });
    const state = await expectSeen(['packages']);
    expect(state.packages?.items['openssh-server:amd64']?.version).toMatch(/\+dg1$/);
  });

  it('a unit file changed (files lists /etc/systemd/system for its drop-ins: its answer changes too)', async () => {
    tree.edit('/etc/systemd/system/pypi-web.service', (text) => `${text}# drift\nNice=5\n`);
    await expectSeen(['units', 'files']);
  });

  it('a watched file changed', async () => {
    tree.edit('/etc/hosts', (text) => `${text}10.9.9.9 drift.example.org\n`);
    const state = await expectSeen(['files']);
    expect(JSON.stringify(state.files)).toContain('drift.example.org');
  });

  it('an account added to /etc/passwd (users, and the owner names files uses)', async () => {
    tree.edit('/etc/passwd', (text) => `${text}drift:x:4242:4242::/nonexistent:/usr/sbin/nologin\n`);
    const state = await expectSeen(['users', 'files']);
    expect(JSON.stringify(state.users)).toContain('drift');
  });
});

describe('the cache is only ever a shortcut', () => {
  it('a corrupt or foreign entry is ignored, said at debug level, and written anew', async () => {
    const tree = await new Tree('debian12-clean').ready();
    try {
      const said: string[] = [];
      const cache = new FileSweepCache(tree.cacheDir, (message) => said.push(message));
      const first = await tree.sweep(cache, FIRST);
      const [file] = fs.readdirSync(tree.cacheDir);
      const entryFile = path.join(tree.cacheDir, file as string);
      // Private: a cached state may hold the text of watched files.
      expect(fs.statSync(tree.cacheDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(entryFile).mode & 0o777).toBe(0o600);

      for (const corrupt of ['{"key": "', '[]', JSON.stringify({ key: 'another version', categories: {} })]) {
        fs.writeFileSync(entryFile, corrupt);
        const again = await tree.sweep(cache, FIRST);
        expect(again.reused).toEqual([]);
        expect(again.state).toEqual(first.state);
        expect(said.pop()).toMatch(/^sweep cache: ignoring .*debian12-clean\.json/);
        expect((await tree.sweep(cache, FIRST)).reused).toEqual([...CATEGORIES]);
      }

      // A cached value tampered with but still well-formed would be served: the key and digests
      // guard against other code and other answers, not against someone who can write the file.
      // A batch text that is not what this code sends is not reused.
      const entry = JSON.parse(fs.readFileSync(entryFile, 'utf8')) as {
        categories: Record<string, { batches: { text: string }[] }>;
      };
      (entry.categories.users?.batches[0] as { text: string }).text = 'S ./etc\n.\n';
      fs.writeFileSync(entryFile, JSON.stringify(entry));
      const after = await tree.sweep(cache, FIRST);
      expect(after.reused).toEqual(CATEGORIES.filter((category) => category !== 'users'));
      expect(after.state).toEqual(first.state);
    } finally {
      tree.remove();
    }
  });
});

it("a server's in-memory cache reuses too, and never shares objects with a state it handed out", async () => {
  const tree = await new Tree('pypi-2').ready();
  try {
    const cache = new MemorySweepCache();
    const first = await tree.sweep(cache, FIRST);
    const expected = structuredClone(first.state);
    // Whoever got the state changes it (as a report pipeline might): the cache must not care.
    (first.state.packages as { items: object }).items = {};
    const second = await tree.sweep(cache, FIRST);
    expect(second.reused).toEqual([...CATEGORIES]);
    expect(second.state).toEqual(expected);
  } finally {
    tree.remove();
  }
});

describe('the script answers "same" only to the digest of its very answer', () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await new Tree('debian12-clean').ready();
  });
  afterAll(() => tree.remove());

  it('a wrong digest gets the full answer, the right one only @same; a malformed P is ignored', async () => {
    const opened = openLocally({ root: tree.root, pathPrefix: tree.bin });
    try {
      const batch = formatBatch(initialRequests([], [], ['users']));
      opened.channel.send(batch);
      const full = await opened.channel.nextBatch();
      const digest = full.digest?.hex as string;
      expect(full.digest?.same).toBe(false);
      expect(full.sections.get('tar')?.length).toBeGreaterThan(0);

      const wrong = `${digest.slice(0, 63)}${digest.endsWith('0') ? '1' : '0'}`;
      opened.channel.send(holdingDigest(batch, wrong));
      const answer = await opened.channel.nextBatch();
      expect(answer.digest).toEqual({ hex: digest, same: false });
      expect(answer.bytes).toBe(full.bytes);

      opened.channel.send(holdingDigest(batch, digest));
      const same = await opened.channel.nextBatch();
      expect(same.digest).toEqual({ hex: digest, same: true });
      expect(same.sections.size).toBe(0);

      // Sent raw, as a hostile or broken client could: never a match, never run.
      const marker = path.join(tree.root, 'pwned');
      for (const bad of [
        digest.toUpperCase(),
        digest.slice(1),
        `${digest}0`,
        `$(touch ${marker})`,
        `${digest.slice(0, 60)};id`,
      ]) {
        opened.channel.send(`P ${bad}\n${batch}`);
        const reply = await opened.channel.nextBatch();
        expect(reply.digest).toEqual({ hex: digest, same: false });
        expect(reply.bytes).toBe(full.bytes);
      }
      expect(fs.existsSync(marker)).toBe(false);
    } finally {
      await opened.finish();
    }
  });

  it('the key changes with the watch list and with where the node is reached', () => {
    const at = 'ssh://root@10.0.0.11:22';
    expect(fingerprintKey(WATCH, at)).not.toBe(fingerprintKey({ ...WATCH, sensitive: ['/etc/hosts'] }, at));
    expect(fingerprintKey(WATCH, at)).not.toBe(fingerprintKey(WATCH, 'ssh://root@10.0.0.12:22'));
    expect(fingerprintKey(WATCH, at)).toBe(fingerprintKey({ ...WATCH }, at));
  });
});
