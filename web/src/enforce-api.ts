/**
 * The answers of the enforcement API as the dashboard reads them. The server builds them from
 * src/store (StoredPlan, RunSummary, AuditEvent), which web code may not import, so they are
 * restated here over the model's types; if they moved to src/model/api.ts this file would shrink
 * to re-exports.
 */
import type { Plan } from '../../src/model/plan';
import type { RunRecord, RunVia } from '../../src/model/run';
import { serverNow } from './format';

/** `GET /plans/:id`, `POST /plans`, `POST /plans/:id/approve`. */
export interface StoredPlan {
  id: string;
  target: string;
  hash: string;
  via: RunVia;
  plan: Plan;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  approvedAt?: string;
  approvedBy?: string;
}

/** An entry of `GET /plans`: the stored plan without its fixes, with their counts. */
export type PlanListItem = Omit<StoredPlan, 'plan'> & { changes: number; advice: number };

/** An entry of `GET /runs`. */
export type RunSummary = Pick<
  RunRecord,
  | 'id'
  | 'kind'
  | 'trigger'
  | 'actor'
  | 'via'
  | 'target'
  | 'dryRun'
  | 'status'
  | 'startedAt'
  | 'finishedAt'
  | 'reason'
>;

/** `POST /plans/:id/run` (202). */
export interface RunStarted {
  run: RunSummary;
  /** The run's event stream, an absolute path. */
  events: string;
}

/** An entry of `GET /audit`. */
export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  event: string;
  runId?: string;
  planId?: string;
  node?: string;
  detail: Record<string, unknown>;
}

/** An entry of `GET /locks`. */
export interface NodeLock {
  node: string;
  runId: string;
  holder: string;
  acquiredAt: string;
  heartbeatAt: string;
}

/** Past its expiry by the server's clock: it can no longer be approved or run. */
export function planExpired(plan: Pick<StoredPlan, 'expiresAt'>): boolean {
  return Date.parse(plan.expiresAt) <= serverNow();
}
