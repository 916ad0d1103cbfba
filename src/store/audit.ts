/**
 * The audit log: plan created, approved, run started, applied, failed, refused, restored — who
 * and when. Append-only: there is no update or delete here, and the database's own triggers
 * refuse them (migration 3), so not even a bug in driftguard can rewrite history.
 */
import type { AuditEvent, AuditEventName } from '../model/api';
import type { Sql } from './sql';

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
  constructor(private readonly sql: Sql) {}

  async append(entry: Omit<AuditEvent, 'id'>): Promise<void> {
    await this.sql.run(
      'INSERT INTO audit_events (at, actor, event, run_id, plan_id, node, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        entry.at,
        entry.actor,
        entry.event,
        entry.runId ?? null,
        entry.planId ?? null,
        entry.node ?? null,
        JSON.stringify(entry.detail),
      ],
    );
  }

  /** Newest first. */
  async list(options: { limit?: number } = {}): Promise<AuditEvent[]> {
    const rows = await this.sql.all<RawAudit>('SELECT * FROM audit_events ORDER BY id DESC LIMIT ?', [
      options.limit ?? 200,
    ]);
    return rows.map(toEvent);
  }

  async ofRun(runId: string): Promise<AuditEvent[]> {
    const rows = await this.sql.all<RawAudit>('SELECT * FROM audit_events WHERE run_id = ? ORDER BY id', [
      runId,
    ]);
    return rows.map(toEvent);
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
