/**
 * The first admin token file belongs to its store: two stores in one folder get one file each,
 * and a file that holds no token of the store is never overwritten.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adminTokenFileOf, ensureFirstAdminToken } from '../../src/app/admin-token-file';
import { openStore } from '../../src/store';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/cli';
import { api, freePort, killAll, startServer } from '../helpers/processes';

const NOW = new Date('2026-12-06T10:00:00.000Z');

describe('the first admin token file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-admin-token-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Opens the store file, ensures its first token, closes it; returns the file written, if any. */
  const start = async (db: string): Promise<string | undefined> => {
    const store = await openStore(db);
    try {
      return await ensureFirstAdminToken(store, db, NOW);
    } finally {
      await store.close();
    }
  };

  const verifies = async (db: string, token: string): Promise<boolean> => {
    const store = await openStore(db);
    try {
      return (await store.tokens.verify(token))?.role === 'admin';
    } finally {
      await store.close();
    }
  };

  it('two stores in one folder: each its own file, the first left as it was', async () => {
    const a = path.join(dir, 'a.db');
    const b = path.join(dir, 'b.db');
    expect(await start(a)).toBe(adminTokenFileOf(a));
    const first = fs.readFileSync(adminTokenFileOf(a), 'utf8');
    expect(await start(b)).toBe(adminTokenFileOf(b));
    expect(fs.readFileSync(adminTokenFileOf(a), 'utf8')).toBe(first);
    expect(await verifies(a, first.trim())).toBe(true);
    expect(await verifies(b, fs.readFileSync(adminTokenFileOf(b), 'utf8').trim())).toBe(true);
    expect((fs.statSync(adminTokenFileOf(b)).mode & 0o777).toString(8)).toBe('600');
    // Started again: it has an admin token, nothing is written.
    expect(await start(a)).toBeUndefined();
  });

  it('never overwrites a file that holds no token of its store, and says what to do', async () => {
    const a = path.join(dir, 'a.db');
    fs.writeFileSync(adminTokenFileOf(a), 'dg_someone-elses-token\n');
    await expect(start(a)).rejects.toThrow(
      /holds no token of the store .*a\.db.*driftguard token create --admin/,
    );
    expect(fs.readFileSync(adminTokenFileOf(a), 'utf8')).toBe('dg_someone-elses-token\n');
  });

  it("replaces its own store's revoked admin token", async () => {
    const a = path.join(dir, 'a.db');
    await start(a);
    const old = fs.readFileSync(adminTokenFileOf(a), 'utf8').trim();
    const store = await openStore(a);
    await store.tokens.revoke((await store.tokens.verify(old))!.id, NOW.toISOString());
    await store.close();
    expect(await start(a)).toBe(adminTokenFileOf(a));
    const fresh = fs.readFileSync(adminTokenFileOf(a), 'utf8').trim();
    expect(fresh).not.toBe(old);
    expect(await verifies(a, fresh)).toBe(true);
  });

  it('two servers on two stores in one folder: each keeps its own token file', async () => {
    try {
      const first = await startServer({ db: path.join(dir, 'a.db') });
      const second = await startServer({ db: path.join(dir, 'b.db') });
      // Two files, two different tokens.
      expect(adminTokenFileOf(first.db)).not.toBe(adminTokenFileOf(second.db));
      const [firstToken, secondToken] = [first, second].map((server) =>
        fs.readFileSync(adminTokenFileOf(server.db), 'utf8').trim(),
      );
      expect(firstToken).not.toBe(secondToken);
      // Each token file still holds a working admin token of its own server.
      for (const server of [first, second]) {
        const token = fs.readFileSync(adminTokenFileOf(server.db), 'utf8').trim();
        await expect(api(server, '/api/v1/tokens', { token })).resolves.toBeDefined();
      }
      // And only of its own: the second server does not know the first one's token.
      const foreign = await fetch(`${second.url}/api/v1/tokens`, {
        headers: { authorization: `Bearer ${firstToken}` },
      });
      expect(foreign.status).toBe(401);
    } finally {
      await killAll();
    }
  }, 60_000);

  it('serve refuses to start (exit 2) rather than overwrite a foreign token file', async () => {
    const db = path.join(dir, 'x.db');
    fs.writeFileSync(adminTokenFileOf(db), 'not ours\n');
    const result = spawnSync(
      process.execPath,
      [CLI, 'serve', '--db', db, '--listen', `127.0.0.1:${await freePort()}`],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('holds no token of the store');
    expect(fs.readFileSync(adminTokenFileOf(db), 'utf8')).toBe('not ours\n');
  }, 30_000);
});
