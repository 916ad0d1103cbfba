/**
 * Opening the embedded SQLite store: WAL (readers never wait for the writer), migrations
 * applied at open. `synchronous = NORMAL` in WAL mode keeps every committed transaction across
 * a crash of the process (kill -9): the WAL is written before commit returns; only a power
 * loss can cost the last transactions. `--durable` switches to FULL (an fsync per commit).
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError } from '../shared/errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** fsync every commit (survives power loss, slower). */
  durable?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new IoError(`cannot open the store ${file}: ${(err as Error).message}`, err);
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  const current = schemaVersion(db);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new IoError(
      `the store is at schema version ${current}, newer than this driftguard knows (${latest}): upgrade driftguard`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
