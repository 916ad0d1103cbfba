/**
 * Runs, their events and the node locks. A run is one JSON document rewritten as it
 * progresses (a few KB; the columns beside it are for listing and filtering); its events are
 * appended in order. Locks: one run at a time per node, taken for all of a run's nodes at once
 * or not at all.
 */
import type { NodeLock, RunSummary } from '../model/api';
import type { RunEvent, RunRecord, RunStatus } from '../model/run';
import { ConflictError } from '../shared/errors';
import type { Sql, SqlValue } from './sql';

export type { NodeLock, RunSummary };

interface RawRun {
  record: string;
}

interface RawLock {
  node: string;
  run_id: string;
  holder: string;
  acquired_at: string;
  heartbeat_at: string;
}

export interface RunFilter {
  limit?: number;
  status?: RunStatus;
}

/** A lock not refreshed for this long was left by a process that died. */
const DEFAULT_LOCK_LEASE_MS = 15 * 60_000;

export class RunsRepository {
  constructor(private readonly sql: Sql) {}

  /** The columns of a run: its summary (what lists show), what links it to others, and the document. */
  private columns(record: RunRecord): SqlValue[] {
    const summary = summaryOf(record);
    return [
      summary.status,
      summary.finishedAt ?? null,
      summary.reason ?? null,
      JSON.stringify(record),
      summary.kind,
      summary.trigger,
      summary.actor,
      summary.via,
      summary.target,
      summary.dryRun ? 1 : 0,
      record.planId ?? null,
      record.planHash ?? null,
      record.restoreOf ?? null,
      summary.startedAt,
      summary.id,
    ];
  }

  async create(record: RunRecord): Promise<void> {
    await this.sql.run(
      `INSERT INTO runs (status, finished_at, reason, record, kind, trigger, actor, via, target, dry_run, plan_id, plan_hash, restore_of, started_at, id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      this.columns(record),
    );
  }

  /** Rewrites what changes as a run goes on: its status, end, reason and document. */
  async save(record: RunRecord): Promise<void> {
    const columns = this.columns(record);
    await this.sql.run('UPDATE runs SET status = ?, finished_at = ?, reason = ?, record = ? WHERE id = ?', [
      ...columns.slice(0, 4),
      record.id,
    ]);
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const raw = await this.sql.get<RawRun>('SELECT record FROM runs WHERE id = ?', [id]);
    return raw ? (JSON.parse(raw.record) as RunRecord) : undefined;
  }

  async list(filter: RunFilter = {}): Promise<RunSummary[]> {
    const limit = filter.limit ?? 100;
    const rows = filter.status
      ? await this.sql.all<RawRun>(
          'SELECT record FROM runs WHERE status = ? ORDER BY started_at DESC, id DESC LIMIT ?',
          [filter.status, limit],
        )
      : await this.sql.all<RawRun>('SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?', [
          limit,
        ]);
    return rows.map((raw) => summaryOf(JSON.parse(raw.record) as RunRecord));
  }

  /** Appends an event with the next sequence number of its run. */
  appendEvent(event: Omit<RunEvent, 'seq'>): Promise<RunEvent> {
    return this.sql.transaction(async (sql) => {
      const row = await sql.get<{ seq: number }>(
        'SELECT coalesce(max(seq), 0) + 1 AS seq FROM run_events WHERE run_id = ?',
        [event.runId],
      );
      const full: RunEvent = { ...event, seq: row!.seq };
      await sql.run('INSERT INTO run_events (run_id, seq, event) VALUES (?, ?, ?)', [
        event.runId,
        full.seq,
        JSON.stringify(full),
      ]);
      return full;
    });
  }

  /** The events of a run after `afterSeq`, in order. */
  async events(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    const rows = await this.sql.all<{ event: string }>(
      'SELECT event FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq',
      [runId, afterSeq],
    );
    return rows.map((row) => JSON.parse(row.event) as RunEvent);
  }

  /**
   * Takes the lock of every node for `runId`, or none: a node held by a live run refuses with a
   * ConflictError naming that run. A lock not refreshed within `leaseMs` is taken over, and the
   * run that held it is marked abandoned.
   */
  lock(
    nodes: readonly string[],
    runId: string,
    holder: string,
    now: Date,
    leaseMs = DEFAULT_LOCK_LEASE_MS,
  ): Promise<void> {
    return this.sql.transaction(async (sql) => {
      const runs = new RunsRepository(sql);
      const at = now.toISOString();
      for (const node of nodes) {
        const held = await sql.get<RawLock>('SELECT * FROM node_locks WHERE node = ?', [node]);
        if (!held || held.run_id === runId) continue;
        if (now.getTime() - Date.parse(held.heartbeat_at) <= leaseMs) {
          throw new ConflictError(
            `node ${node} is being changed by run ${held.run_id} (${held.holder}, since ${held.acquired_at}): one run at a time per node`,
            { node, runningRun: held.run_id },
          );
        }
        await runs.abandon(
          held.run_id,
          at,
          `its lock on ${node} was not refreshed for ${Math.round(leaseMs / 60_000)} min: the process that held it is gone`,
        );
      }
      for (const node of nodes) {
        await sql.run(
          `INSERT INTO node_locks (node, run_id, holder, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (node) DO UPDATE SET run_id = excluded.run_id, holder = excluded.holder,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
          [node, runId, holder, at, at],
        );
      }
    });
  }

  async heartbeat(runId: string, now: Date): Promise<void> {
    await this.sql.run('UPDATE node_locks SET heartbeat_at = ? WHERE run_id = ?', [now.toISOString(), runId]);
  }

  async unlock(runId: string): Promise<void> {
    await this.sql.run('DELETE FROM node_locks WHERE run_id = ?', [runId]);
  }

  async locks(): Promise<NodeLock[]> {
    const rows = await this.sql.all<RawLock>('SELECT * FROM node_locks ORDER BY node');
    return rows.map((raw) => ({
      node: raw.node,
      runId: raw.run_id,
      holder: raw.holder,
      acquiredAt: raw.acquired_at,
      heartbeatAt: raw.heartbeat_at,
    }));
  }

  private async abandon(runId: string, at: string, reason: string): Promise<void> {
    const record = await this.get(runId);
    if (record && record.status === 'running')
      await this.save({ ...record, status: 'abandoned', finishedAt: at, reason });
    await this.unlock(runId);
  }
}

export function summaryOf(record: RunRecord): RunSummary {
  return {
    id: record.id,
    kind: record.kind,
    trigger: record.trigger,
    actor: record.actor,
    via: record.via,
    target: record.target,
    dryRun: record.dryRun,
    status: record.status,
    startedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.planId ? { planId: record.planId } : {}),
  };
}
