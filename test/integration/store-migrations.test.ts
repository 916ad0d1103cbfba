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
