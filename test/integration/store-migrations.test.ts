/**
 * The migration to UTC (3 here): collection times stored with an offset before ingest converted them to UTC are
 * converted when an older store is opened, so they sort in time order as text.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MIGRATIONS } from '../../src/store/migrations';
import { openStore } from '../../src/store';

test('a version-2 store with offset times opens with them in UTC', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-migrate-'));
  try {
    const file = path.join(dir, 'old.db');
    const db = new Database(file);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) db.exec(migration.sql);
    db.pragma('user_version = 2');
    db.prepare(
      "INSERT INTO nodes VALUES ('pypi-2', '2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z', '2026-12-06T12:00:00+05:00', '[]')",
    ).run();
    db.prepare(
      "INSERT INTO category_versions (node, category, hash, content, collected_at, received_at) VALUES ('pypi-2', 'os', 'sha256:x', '{}', '2026-12-06T12:00:00+05:00', '2026-12-06T10:00:00.000Z')",
    ).run();
    db.close();

    const store = await openStore(file);
    try {
      expect(await store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version);
      expect((await store.states.node('pypi-2'))?.collectedAt).toBe('2026-12-06T07:00:00.000Z');
      expect(await store.states.versionsSince('pypi-2', '2026-12-06T06:59:00.000Z')).toEqual([
        expect.objectContaining({ category: 'os', collectedAt: '2026-12-06T07:00:00.000Z' }),
      ]);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a version-6 store keeps every category text when its contents move to one row per hash (7)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-migrate-'));
  try {
    const file = path.join(dir, 'old.db');
    const db = new Database(file);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 6)) db.exec(migration.sql);
    db.pragma('user_version = 6');
    const node = db.prepare(
      "INSERT INTO nodes VALUES (?, '2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00.000Z', '[]')",
    );
    const version = db.prepare(
      "INSERT INTO category_versions (node, category, hash, content, collected_at, received_at) VALUES (?, ?, ?, ?, ?, '2026-12-06T10:00:00.000Z') RETURNING id",
    );
    const latest = db.prepare(
      'INSERT INTO category_latest (node, category, version_id, hash) VALUES (?, ?, ?, ?)',
    );
    for (const name of ['a-1', 'a-2']) {
      node.run(name);
      // The same users on both nodes (one hash), and each its own os; a-1's os changed once.
      const users = version.get(
        name,
        'users',
        'sha256:u',
        '{"items":{"root":{"uid":0}}}',
        '2026-12-06T09:00:00.000Z',
      ) as { id: number };
      latest.run(name, 'users', users.id, 'sha256:u');
      const os1 = version.get(
        name,
        'os',
        `sha256:os-${name}`,
        `{"id":"debian","hostname":"${name}"}`,
        '2026-12-06T09:00:00.000Z',
      ) as { id: number };
      latest.run(name, 'os', os1.id, `sha256:os-${name}`);
    }
    const changed = version.get(
      'a-1',
      'os',
      'sha256:os-new',
      '{"id":"debian","hostname":"a-1.new"}',
      '2026-12-06T09:30:00.000Z',
    ) as { id: number };
    db.prepare(
      "UPDATE category_latest SET version_id = ?, hash = 'sha256:os-new' WHERE node = 'a-1' AND category = 'os'",
    ).run(changed.id);
    db.close();

    const store = await openStore(file);
    try {
      expect(await store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version); // through 7 to the latest
      expect(await store.states.latestState('a-1')).toMatchObject({
        os: { id: 'debian', hostname: 'a-1.new' },
        users: { items: { root: { uid: 0 } } },
      });
      expect(await store.states.latestState('a-2')).toMatchObject({
        os: { hostname: 'a-2' },
        users: { items: { root: { uid: 0 } } },
      });
      expect(await store.states.stateAt('a-1', '2026-12-06T09:10:00.000Z')).toMatchObject({
        os: { hostname: 'a-1' },
      });
    } finally {
      await store.close();
    }
    const after = new Database(file, { readonly: true });
    try {
      // Four distinct texts, the shared one once; the versions keep no text of their own.
      expect(after.prepare('SELECT count(*) AS n FROM category_contents').get()).toEqual({ n: 4 });
      expect(after.prepare('SELECT count(*) AS n FROM category_versions').get()).toEqual({ n: 5 });
      const columns = after.prepare('PRAGMA table_info(category_versions)').all() as { name: string }[];
      expect(columns.map((c) => c.name)).not.toContain('content');
    } finally {
      after.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
