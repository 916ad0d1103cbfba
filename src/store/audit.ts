/**
 * The audit log: plan created, approved, run started, applied, failed, refused, restored — who
 * and when. Append-only: there is no update or delete here, and the database's own triggers
 * refuse them (migration 3), so not even a bug in driftguard can rewrite history.
 */
import type { AuditEvent, AuditEventName } from '../model/api';
import type { Db } from './database';

export type { AuditEvent, AuditEventName };

interface RawAudit {
  id: number;
  at: string;
  actor: string;
  event: AuditEventName;
  run_id: string | null;
  plan_id: string | null;
  node: string | null;
  detail: string;
}

export class AuditRepository {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(
        'INSERT INTO audit_events (at, actor, event, run_id, plan_id, node, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare<[number], RawAudit>('SELECT * FROM audit_events ORDER BY id DESC LIMIT ?'),
      ofRun: db.prepare<[string], RawAudit>('SELECT * FROM audit_events WHERE run_id = ? ORDER BY id'),
    };
  }

  append(entry: Omit<AuditEvent, 'id'>): void {
    this.statements.insert.run(
      entry.at,
      entry.actor,
      entry.event,
      entry.runId ?? null,
      entry.planId ?? null,
      entry.node ?? null,
      JSON.stringify(entry.detail),
    );
  }

  /** Newest first. */
  list(options: { limit?: number } = {}): AuditEvent[] {
    return this.statements.list.all(options.limit ?? 200).map(toEvent);
  }

  ofRun(runId: string): AuditEvent[] {
    return this.statements.ofRun.all(runId).map(toEvent);
  }
}

function toEvent(raw: RawAudit): AuditEvent {
  return {
    id: raw.id,
    at: raw.at,
    actor: raw.actor,
    event: raw.event,
    ...(raw.run_id ? { runId: raw.run_id } : {}),
    ...(raw.plan_id ? { planId: raw.plan_id } : {}),
    ...(raw.node ? { node: raw.node } : {}),
    detail: JSON.parse(raw.detail) as Record<string, unknown>,
  };
}
