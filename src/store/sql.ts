/**
 * What the repositories need of a database, whichever it is: statements with `?` parameters,
 * answered asynchronously (a PostgreSQL client is; the SQLite one answers at once), and
 * transactions. The SQL the repositories write is the dialect both databases share (RETURNING,
 * ON CONFLICT … DO UPDATE, partial indexes), so each query is written once.
 */
import type { Broadcast } from './broadcast';
import type { Lease, LeaseOptions } from './lease';

export type SqlValue = string | number | null;

export interface Sql {
  /** Every row the statement returns. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, if any. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs `work` in one transaction on this connection — all of it or none — or, called inside a
   * transaction, as part of that one. `work` may be run more than once (PostgreSQL retries a
   * transaction that lost a serialization conflict): it must do nothing but database work.
   */
  transaction<T>(work: (sql: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  /**
   * The transaction reads and writes only rows that belong to this name (a node's reports and
   * state, a scope's findings, a pair's readiness): it is run one at a time with every other
   * transaction given the same name, and needs no more isolation than that. PostgreSQL then runs
   * it at READ COMMITTED behind an advisory lock on the name, instead of SERIALIZABLE — whose
   * predicate locks cover index pages, not rows, so the reports of two different nodes failed
   * each other (a 10,000-node fleet's ingest rolled back thousands of times). SQLite runs every
   * writer one at a time anyway.
   */
  serializeOn?: string;
}

export type Backend = 'sqlite' | 'postgres';

/** A connection (or pool) to one store, as `openStore` makes it. */
export interface Database extends Sql {
  readonly backend: Backend;
  /** The number of the last migration applied. */
  schemaVersion(): Promise<number>;
  /** A lease of this name (see `lease.ts`): held by one process of those that ask, at a time. */
  lease(name: string, options?: LeaseOptions): Lease;
  /** The broadcast on `channel` (see `broadcast.ts`): messages to the other processes on this store. */
  broadcast(channel: string, onError?: (err: unknown) => void): Broadcast;
  close(): Promise<void>;
}
