/**
 * The PostgreSQL store (node-postgres): for fleets and organisations that keep their state in
 * PostgreSQL, and — later — several driftguard servers on one database. A pool of connections;
 * a transaction holds one of them from BEGIN to COMMIT.
 *
 * Transactions are SERIALIZABLE: SQLite runs its writers one after another (BEGIN IMMEDIATE), and
 * this gives the same answers — every transaction behaves as if it ran alone. Where two
 * overlapped (two copies of one report, a report and its node's evaluation), PostgreSQL fails one
 * with a serialization error and it is run again from the start, and then sees the other's rows
 * (the copy is a duplicate, as it would have been on SQLite). A transaction that names what it
 * touches (TransactionOptions.serializeOn: a report of one node, one scope's findings) runs at
 * READ COMMITTED behind an advisory lock on that name instead: SERIALIZABLE's predicate locks
 * cover index pages, and the reports of different nodes rolled each other back by the thousand
 * at fleet scale (`npm run bench -- fleet`). Times and JSON are stored as text,
 * as in SQLite, so both stores return the very same strings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ConflictError, IoError } from '../shared/errors';
import { displayLocation } from './location';
import { pendingMigrations } from './migrations';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import type { Database, Sql, SqlValue, TransactionOptions } from './sql';
import { AdvisoryLease } from './advisory-lease';
import type { Broadcast } from './broadcast';
import { PostgresBroadcast } from './postgres-broadcast';
import type { Lease, LeaseOptions } from './lease';
import { DEFAULT_LEASE_CHECK_MS } from './lease';

const INT8_OID = 20;
/**
 * count(*) and identity columns are bigint, which node-postgres returns as strings; driftguard's
 * counts and ids stay far below 2^53, and SQLite returns them as numbers.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID
      ? Number
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs after which a transaction is run again: serialization failure, deadlock. */
const RETRIED = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;
const UNIQUE_VIOLATION = '23505';

/** Migrations and nothing else: one instance at a time, whoever starts first. */
const MIGRATION_LOCK = 0x64726967; // "drig"
/** The first key of the advisory locks that serialize named transactions (TransactionOptions). */
const NAMED_TRANSACTIONS = 0x64726774; // "drgt"

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, types, application_name: 'driftguard' });
  // An idle connection the server dropped is replaced at the next checkout; without a listener
  // its error event would end the process.
  pool.on('error', () => undefined);
  const db = new PostgresDatabase(pool, url);
  try {
    await migrate(db);
  } catch (err) {
    await pool.end();
    if (err instanceof IoError) throw err;
    throw new IoError(`cannot open the store ${displayLocation(url)}: ${(err as Error).message}`, err);
  }
  return db;
}

async function migrate(db: PostgresDatabase): Promise<void> {
  await db.transaction(async (sql) => {
    await sql.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await sql.run('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const current = await currentVersion(sql);
    for (const migration of pendingMigrations(POSTGRES_MIGRATIONS, current)) {
      if (migration.sql.trim() !== '') await sql.run(migration.sql);
      await sql.run('DELETE FROM schema_version');
      await sql.run('INSERT INTO schema_version (version) VALUES (?)', [migration.version]);
    }
  });
}

async function currentVersion(sql: Sql): Promise<number> {
  const row = await sql.get<{ version: number }>('SELECT version FROM schema_version');
  return row?.version ?? 0;
}

/** `?` placeholders, in order, as PostgreSQL's `$1, $2, …` (the repositories' SQL has no `?` in literals). */
const numbered = new Map<string, string>();
function toPostgres(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

/** The same conflict SQLite's constraint errors become: a row with this key exists. */
function translated(err: unknown): unknown {
  if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) {
    return new ConflictError(`already in the store: ${(err as Error).message}`);
  }
  return err;
}

type Queryable = pg.Pool | pg.PoolClient;

async function rows<T>(on: Queryable, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
  try {
    return await on.query<T & pg.QueryResultRow>(toPostgres(sql), params as SqlValue[]);
  } catch (err) {
    throw translated(err);
  }
}

/** Statements on one connection, inside its open transaction; nested transactions join it. */
class OnClient implements Sql {
  constructor(private readonly client: Queryable) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await rows<T>(this.client, sql, params)).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await rows(this.client, sql, params)).rowCount ?? 0;
  }

  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }
}

class PostgresDatabase extends OnClient implements Database {
  readonly backend = 'postgres';

  private readonly leases = new Set<Lease>();
  private readonly broadcasts = new Set<Broadcast>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    super(pool);
  }

  override async transaction<T>(
    work: (sql: Sql) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      for (let attempt = 1; ; attempt++) {
        if (options.serializeOn === undefined) {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        } else {
          await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
          // Held until COMMIT or ROLLBACK; the names' own key space, apart from the leases'.
          await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
            NAMED_TRANSACTIONS,
            options.serializeOn,
          ]);
        }
        try {
          const result = await work(new OnClient(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr));
          if (broken !== undefined) throw err;
          const code = (err as { code?: unknown }).code;
          if (typeof code !== 'string' || !RETRIED.has(code) || attempt >= MAX_ATTEMPTS) throw err;
          // Apart a little, at random, so the two that collided do not collide again.
          await sleep(Math.random() * Math.min(50, 2 * attempt));
        }
      }
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool closes it.
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  schemaVersion(): Promise<number> {
    return currentVersion(this);
  }

  lease(name: string, options: LeaseOptions = {}): Lease {
    const lease = new AdvisoryLease(this.url, name, options.checkMs ?? DEFAULT_LEASE_CHECK_MS);
    this.leases.add(lease);
    return lease;
  }

  broadcast(channel: string, onError?: (err: unknown) => void): Broadcast {
    const broadcast = new PostgresBroadcast(this.pool, this.url, channel, onError);
    this.broadcasts.add(broadcast);
    return broadcast;
  }

  async close(): Promise<void> {
    await Promise.all([...this.leases].map((lease) => lease.release()));
    await Promise.all([...this.broadcasts].map((broadcast) => broadcast.close()));
    await this.pool.end();
  }
}
