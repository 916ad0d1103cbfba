/**
 * The store (DESIGN §10): the only module that speaks SQL or knows which database holds the
 * state — an embedded SQLite file (the default) or PostgreSQL, chosen by the location given to
 * `openStore`. Both answer through the same asynchronous repositories, with the same SQL.
 */
import { AgentWorkRepository } from './agent-work';
import { AuditRepository } from './audit';
import { EvaluationsRepository } from './evaluations';
import { FindingsRepository } from './findings';
import { PlansRepository } from './plans';
import { isPostgresUrl } from './location';
import { openPostgres } from './postgres';
import { ParsedContents } from './parsed-contents';
import { ReadinessRepository } from './readiness';
import { RunsRepository } from './runs';
import type { Broadcast } from './broadcast';
import type { Lease, LeaseOptions } from './lease';
import type { Backend, Database, Sql, TransactionOptions } from './sql';
import type { OpenOptions } from './sqlite';
import { openSqlite } from './sqlite';
import { pruneHistory } from './retention';
import type { Pruned, RetentionCutoffs } from './retention';
import { StatesRepository } from './states';
import { TokensRepository } from './tokens';

export type { NodeRow, CategoryVersion } from './states';
export type { StoredFinding, FindingSource, EvaluationChange } from './findings';
export type { TokenInfo, TokenRole } from './tokens';
export type { ReadinessRecord } from './readiness';
export type { RunSummary, RunFilter } from './runs';
export type { StoredPlan } from './plans';
export type { AuditEvent, AuditEventName } from './audit';
export type { AgentWorkRow } from './agent-work';
export type { Backend, TransactionOptions } from './sql';
export type { Lease, LeaseOptions } from './lease';
export type { Broadcast } from './broadcast';
export type { Pruned, RetentionCutoffs } from './retention';
export { MAX_BROADCAST_BYTES } from './broadcast';
export type { OpenOptions } from './sqlite';

export interface StoreOptions extends OpenOptions {
  /**
   * Keep parsed category contents in memory, from up to this much JSON text: for a process
   * that reads the same states over and over (the evaluation worker). Off by default.
   */
  keepParsedChars?: number;
}
export { companionPath, displayLocation, isPostgresUrl } from './location';

/** Every repository, on one connection: the store's own, or a transaction's. */
export class Repositories {
  readonly states: StatesRepository;
  readonly findings: FindingsRepository;
  readonly tokens: TokensRepository;
  readonly readiness: ReadinessRepository;
  readonly runs: RunsRepository;
  readonly plans: PlansRepository;
  readonly audit: AuditRepository;
  readonly agentWork: AgentWorkRepository;
  readonly evaluations: EvaluationsRepository;

  constructor(sql: Sql, parsed?: ParsedContents) {
    this.states = new StatesRepository(sql, parsed);
    this.findings = new FindingsRepository(sql);
    this.tokens = new TokensRepository(sql);
    this.readiness = new ReadinessRepository(sql);
    this.runs = new RunsRepository(sql);
    this.plans = new PlansRepository(sql);
    this.audit = new AuditRepository(sql);
    this.agentWork = new AgentWorkRepository(sql);
    this.evaluations = new EvaluationsRepository(sql);
  }
}

export class Store extends Repositories {
  /**
   * @param parsed parsed contents kept between reads of states — by the store's own repositories
   *   only: a transaction's reads may see rows it then rolls back
   */
  constructor(
    private readonly db: Database,
    parsed?: ParsedContents,
  ) {
    super(db, parsed);
  }

  get backend(): Backend {
    return this.db.backend;
  }

  /**
   * Runs `work` in one transaction: all of it is stored, or none. `work` uses the repositories
   * it is given (`tx.states…`), never the store's own — on SQLite those wait for the
   * transaction to end, and would wait for ever. It may be run again from the start when
   * PostgreSQL reports a conflict with a concurrent transaction, so it does nothing but store
   * work; what follows from the result happens after it resolves.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.db.transaction((sql) => work(new Repositories(sql)), options);
  }

  schemaVersion(): Promise<number> {
    return this.db.schemaVersion();
  }

  /**
   * Forgets history older than the cutoffs that no question about a later time needs
   * (`retention.ts`), in small transactions; how many rows of each kind went.
   */
  pruneHistory(cutoffs: RetentionCutoffs, options?: { window?: number }): Promise<Pruned> {
    return pruneHistory(this.db, cutoffs, options?.window);
  }

  /**
   * The lease `name`: held by one process at a time of all those on this store — always by the
   * only one on SQLite. Released by `release()` or when the store is closed.
   */
  lease(name: string, options?: LeaseOptions): Lease {
    return this.db.lease(name, options);
  }

  /**
   * Messages to the other processes on this store (the live events of other server instances):
   * NOTIFY/LISTEN on PostgreSQL; on SQLite there are none to tell. Closed with the store.
   */
  broadcast(channel: string, onError?: (err: unknown) => void): Broadcast {
    return this.db.broadcast(channel, onError);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * Opens the store at `location` and brings its schema up to date: PostgreSQL for a
 * `postgres://` or `postgresql://` URL, otherwise the SQLite file at that path.
 */
export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  const db = isPostgresUrl(location) ? await openPostgres(location) : openSqlite(location, options);
  const chars = options.keepParsedChars ?? 0;
  return new Store(db, chars > 0 ? new ParsedContents(chars) : undefined);
}
