/**
 * The embedded SQLite store (better-sqlite3): WAL (readers never wait for the writer),
 * migrations applied at open. `synchronous = NORMAL` in WAL mode keeps every committed
 * transaction across a crash of the process (kill -9): the WAL is written before commit
 * returns; only a power loss can cost the last transactions. `--durable` switches to FULL (an
 * fsync per commit).
 *
 * better-sqlite3 answers synchronously; this wraps it in the asynchronous `Database` the
 * repositories share with PostgreSQL. One connection serves a whole process, so a transaction
 * must not interleave with other work on it: while one is open (its work awaits between
 * statements), every other statement and transaction waits for it to finish.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, IoError } from '../shared/errors';
import { MIGRATIONS, pendingMigrations } from './migrations';
import type { Database, Sql, SqlValue, TransactionOptions } from './sql';
import type { Lease } from './lease';
import { SoleLease } from './lease';
import type { Broadcast } from './broadcast';
import { NoOtherProcesses } from './broadcast';

export interface OpenOptions {
  /** fsync every commit (survives power loss, slower). */
  durable?: boolean;
  /**
   * Who copies the write-ahead log back into the database file (a checkpoint, with its fsync).
   * `commit` (SQLite's default): the connection whose commit fills the log past 4 MB, inside
   * that commit. `elsewhere`: another connection of this process does it on a timer (below);
   * this one only when the log passes 64 MB, should the other stop. `timer`: every second, and
   * as `commit`. `serve` takes reports on a connection set to `elsewhere` and evaluates on one
   * set to `timer`, so a report's commit is never the one that waits for the disk.
   */
  checkpoints?: 'commit' | 'elsewhere' | 'timer';
}

/** Pages of write-ahead log (4 KiB each) before a commit checkpoints: SQLite's default, and 64 MB. */
const CHECKPOINT_PAGES = { commit: 1000, elsewhere: 16_384 } as const;
const CHECKPOINT_EVERY_MS = 1000;

type Connection = BetterSqlite3.Database;

export function openSqlite(file: string, options: OpenOptions = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Connection;
  try {
    db = new BetterSqlite3(file);
  } catch (err) {
    throw new IoError(`cannot open the store ${file}: ${(err as Error).message}`, err);
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const checkpoints = options.checkpoints ?? 'commit';
  db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES[checkpoints === 'elsewhere' ? 'elsewhere' : 'commit']}`);
  migrate(db);
  return new SqliteDatabase(db, checkpoints === 'timer' ? CHECKPOINT_EVERY_MS : undefined);
}

function userVersion(db: Connection): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Connection): void {
  for (const migration of pendingMigrations(MIGRATIONS, userVersion(db))) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/** The same conflict PostgreSQL's unique violations become: a row with this key exists. */
function translated(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new ConflictError(`already in the store: ${(err as Error).message}`);
  }
  return err;
}

/** Statements on the connection, prepared once per SQL text. */
class Statements {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly db: Connection) {}

  all<T>(sql: string, params: readonly SqlValue[]): T[] {
    return this.prepared(sql).all(...params) as T[];
  }

  run(sql: string, params: readonly SqlValue[]): number {
    try {
      return this.prepared(sql).run(...params).changes;
    } catch (err) {
      throw translated(err);
    }
  }

  private prepared(sql: string): BetterSqlite3.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

/** Statements inside the open transaction: they run at once, and nested transactions join it. */
class InTransaction implements Sql {
  constructor(private readonly statements: Statements) {}

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return settle(() => this.statements.all<T>(sql, params));
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return settle(() => this.statements.all<T>(sql, params)[0]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return settle(() => this.statements.run(sql, params));
  }

  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }
}

/** A synchronous answer as a promise: a throw becomes a rejection, as a database's would. */
function settle<T>(answer: () => T): Promise<T> {
  try {
    return Promise.resolve(answer());
  } catch (err) {
    return Promise.reject(translated(err));
  }
}

class SqliteDatabase implements Database {
  readonly backend = 'sqlite';
  private readonly statements: Statements;
  private readonly inTransaction: InTransaction;
  /** Settles when the open transaction ends; undefined when none is open. */
  private open: Promise<void> | undefined;

  private readonly checkpointTimer: NodeJS.Timeout | undefined;

  constructor(db: Connection, checkpointEveryMs?: number) {
    this.statements = new Statements(db);
    this.inTransaction = new InTransaction(this.statements);
    if (checkpointEveryMs !== undefined) {
      // PASSIVE: copies what no reader still needs, waits for no one, and is cheap when idle.
      this.checkpointTimer = setInterval(
        () =>
          void this.outsideTransactions(() => db.pragma('wal_checkpoint(PASSIVE)')).catch(() => undefined),
        checkpointEveryMs,
      );
      this.checkpointTimer.unref();
    }
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.outsideTransactions(() => this.inTransaction.all<T>(sql, params));
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.outsideTransactions(() => this.inTransaction.get<T>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.outsideTransactions(() => this.inTransaction.run(sql, params));
  }

  /**
   * BEGIN IMMEDIATE: the write lock is taken at the start, so two connections (the server and
   * its evaluation worker) wait for each other through busy_timeout instead of failing with
   * SQLITE_BUSY when a read turns into a write.
   */
  // `options.serializeOn` asks for no more than this gives every transaction anyway.
  async transaction<T>(work: (sql: Sql) => Promise<T>, _options?: TransactionOptions): Promise<T> {
    // Checked and taken in one synchronous step: no other transaction can begin in between.
    while (this.open) await this.open;
    let end!: () => void;
    this.open = new Promise((resolve) => (end = resolve));
    const { db } = this.statements;
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.inTransaction);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.open = undefined;
      end();
    }
  }

  schemaVersion(): Promise<number> {
    return Promise.resolve(userVersion(this.statements.db));
  }

  /** One process serves a SQLite store: it holds every lease. */
  lease(): Lease {
    return new SoleLease();
  }

  /** …and no other server process to tell what happened. */
  broadcast(): Broadcast {
    return new NoOtherProcesses();
  }

  close(): Promise<void> {
    clearInterval(this.checkpointTimer);
    return this.outsideTransactions(() => {
      this.statements.db.close();
    });
  }

  /**
   * Runs `work` once no transaction is open, in the same synchronous step as the check: awaiting
   * anything in between would let a transaction begin, and `work` would become part of it.
   */
  private async outsideTransactions<T>(work: () => T): Promise<Awaited<T>> {
    while (this.open) await this.open;
    return await work();
  }
}
