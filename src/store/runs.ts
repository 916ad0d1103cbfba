/**
 * Runs, their events and the node locks. A run is one JSON document rewritten as it
 * progresses (a few KB; the columns beside it are for listing and filtering); its events are
 * appended in order. Locks: one run at a time per node, taken for all of a run's nodes at once
 * or not at all.
 */
import type { NodeLock, RunSummary } from '../model/api';
import type { RunEvent, RunRecord, RunStatus } from '../model/run';
import { ConflictError } from '../shared/errors';
import type { Db } from './database';

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
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO runs (id, kind, trigger, actor, via, target, dry_run, plan_id, plan_hash, restore_of, status, started_at, finished_at, reason, record)
         VALUES (@id, @kind, @trigger, @actor, @via, @target, @dryRun, @planId, @planHash, @restoreOf, @status, @startedAt, @finishedAt, @reason, @record)`,
      ),
      update: db.prepare(
        'UPDATE runs SET status = @status, finished_at = @finishedAt, reason = @reason, record = @record WHERE id = @id',
      ),
      get: db.prepare<[string], RawRun>('SELECT record FROM runs WHERE id = ?'),
      list: db.prepare<[number], RawRun>('SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?'),
      listByStatus: db.prepare<[string, number], RawRun>(
        'SELECT record FROM runs WHERE status = ? ORDER BY started_at DESC, id DESC LIMIT ?',
      ),
      nextSeq: db
        .prepare<[string]>('SELECT coalesce(max(seq), 0) + 1 FROM run_events WHERE run_id = ?')
        .pluck(),
      insertEvent: db.prepare('INSERT INTO run_events (run_id, seq, event) VALUES (?, ?, ?)'),
      events: db
        .prepare<[string, number]>('SELECT event FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq')
        .pluck(),
      lockOf: db.prepare<[string], RawLock>('SELECT * FROM node_locks WHERE node = ?'),
      takeLock: db.prepare(
        'INSERT OR REPLACE INTO node_locks (node, run_id, holder, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)',
      ),
      heartbeat: db.prepare('UPDATE node_locks SET heartbeat_at = ? WHERE run_id = ?'),
      unlock: db.prepare('DELETE FROM node_locks WHERE run_id = ?'),
      locks: db.prepare<[], RawLock>('SELECT * FROM node_locks ORDER BY node'),
    };
  }

  /** The columns of a run: its summary (what lists show), what links it to others, and the document. */
  private row(record: RunRecord) {
    const summary = summaryOf(record);
    return {
      ...summary,
      dryRun: summary.dryRun ? 1 : 0,
      finishedAt: summary.finishedAt ?? null,
      reason: summary.reason ?? null,
      planId: record.planId ?? null,
      planHash: record.planHash ?? null,
      restoreOf: record.restoreOf ?? null,
      record: JSON.stringify(record),
    };
  }

  create(record: RunRecord): void {
    this.statements.insert.run(this.row(record));
  }

  save(record: RunRecord): void {
    this.statements.update.run(this.row(record));
  }

  get(id: string): RunRecord | undefined {
    const raw = this.statements.get.get(id);
    return raw ? (JSON.parse(raw.record) as RunRecord) : undefined;
  }

  list(filter: RunFilter = {}): RunSummary[] {
    const limit = filter.limit ?? 100;
    const rows = filter.status
      ? this.statements.listByStatus.all(filter.status, limit)
      : this.statements.list.all(limit);
    return rows.map((raw) => summaryOf(JSON.parse(raw.record) as RunRecord));
  }

  /** Appends an event with the next sequence number of its run. */
  appendEvent(event: Omit<RunEvent, 'seq'>): RunEvent {
    return this.db
      .transaction(() => {
        const seq = this.statements.nextSeq.get(event.runId) as number;
        const full: RunEvent = { ...event, seq };
        this.statements.insertEvent.run(event.runId, seq, JSON.stringify(full));
        return full;
      })
      .immediate();
  }

  /** The events of a run after `afterSeq`, in order. */
  events(runId: string, afterSeq = 0): RunEvent[] {
    return (this.statements.events.all(runId, afterSeq) as string[]).map(
      (text) => JSON.parse(text) as RunEvent,
    );
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
  ): void {
    this.db
      .transaction(() => {
        const at = now.toISOString();
        for (const node of nodes) {
          const held = this.statements.lockOf.get(node);
          if (!held || held.run_id === runId) continue;
          if (now.getTime() - Date.parse(held.heartbeat_at) <= leaseMs) {
            throw new ConflictError(
              `node ${node} is being changed by run ${held.run_id} (${held.holder}, since ${held.acquired_at}): one run at a time per node`,
              { node, runningRun: held.run_id },
            );
          }
          this.abandon(
            held.run_id,
            at,
            `its lock on ${node} was not refreshed for ${Math.round(leaseMs / 60_000)} min: the process that held it is gone`,
          );
        }
        for (const node of nodes) this.statements.takeLock.run(node, runId, holder, at, at);
      })
      .immediate();
  }

  heartbeat(runId: string, now: Date): void {
    this.statements.heartbeat.run(now.toISOString(), runId);
  }

  unlock(runId: string): void {
    this.statements.unlock.run(runId);
  }

  locks(): NodeLock[] {
    return this.statements.locks.all().map((raw) => ({
      node: raw.node,
      runId: raw.run_id,
      holder: raw.holder,
      acquiredAt: raw.acquired_at,
      heartbeatAt: raw.heartbeat_at,
    }));
  }

  private abandon(runId: string, at: string, reason: string): void {
    const record = this.get(runId);
    if (record && record.status === 'running')
      this.save({ ...record, status: 'abandoned', finishedAt: at, reason });
    this.statements.unlock.run(runId);
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
