/**
 * The embedded store (DESIGN §10): the only module that imports better-sqlite3 or speaks SQL.
 */
import type { Db, OpenOptions } from './database';
import { openDatabase, schemaVersion } from './database';
import { AgentWorkRepository } from './agent-work';
import { AuditRepository } from './audit';
import { FindingsRepository } from './findings';
import { PlansRepository } from './plans';
import { ReadinessRepository } from './readiness';
import { RunsRepository } from './runs';
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

export class Store {
  readonly states: StatesRepository;
  readonly findings: FindingsRepository;
  readonly tokens: TokensRepository;
  readonly readiness: ReadinessRepository;
  readonly runs: RunsRepository;
  readonly plans: PlansRepository;
  readonly audit: AuditRepository;
  readonly agentWork: AgentWorkRepository;

  constructor(private readonly db: Db) {
    this.states = new StatesRepository(db);
    this.findings = new FindingsRepository(db);
    this.tokens = new TokensRepository(db);
    this.readiness = new ReadinessRepository(db);
    this.runs = new RunsRepository(db);
    this.plans = new PlansRepository(db);
    this.audit = new AuditRepository(db);
    this.agentWork = new AgentWorkRepository(db);
  }

  /**
   * Runs `work` in one transaction: all of it is stored, or none. IMMEDIATE: the write lock is
   * taken at the start, so two connections (the server and its evaluation worker) wait for each
   * other through busy_timeout instead of failing with SQLITE_BUSY when a read turns into a write.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  close(): void {
    this.db.close();
  }
}

export function openStore(file: string, options: OpenOptions = {}): Store {
  return new Store(openDatabase(file, options));
}
