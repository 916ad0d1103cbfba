/**
 * How a run is recorded while it happens: the run document saved at every step, its events
 * appended in order and handed to whoever follows live (the server's event stream), the audit
 * log told what matters. Every apply and restore — CLI, API, schedule, agent — goes through
 * this one journal, so they are recorded alike.
 */
import * as os from 'node:os';
import type { NodeOutcome, RunEvent, RunEventType, RunRecord } from '../../model/run';
import type { AuditEventName, Store } from '../../store';

export type RunListener = (event: RunEvent, record: RunRecord) => void;

export class RunJournal {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly listener?: RunListener,
  ) {}

  /** pid@host: who holds a node's lock. */
  static holder(): string {
    return `${process.pid}@${os.hostname()}`;
  }

  async start(record: RunRecord): Promise<void> {
    await this.store.runs.create(record);
    await this.audit(record, 'run-started', {
      target: record.target,
      via: record.via,
      dryRun: record.dryRun,
      ...(record.planHash ? { planHash: record.planHash } : {}),
    });
    await this.event(record, 'run-started', `${record.kind} of ${record.target} started by ${record.actor}`);
  }

  /**
   * Saves the record and announces one step of it. A step is also a sign of life: it refreshes
   * the run's locks, so that a long run (apply or restore) is not taken for one whose process died.
   */
  async step(
    record: RunRecord,
    type: RunEventType,
    message: string,
    about: { node?: string; fixId?: string; status?: string } = {},
  ): Promise<void> {
    await this.store.runs.save(record);
    await this.store.runs.heartbeat(record.id, this.now());
    await this.event(record, type, message, about);
  }

  /** A node's part is over: its status, and why when it failed. */
  nodeFinished(record: RunRecord, outcome: NodeOutcome): Promise<void> {
    return this.step(
      record,
      'node-finished',
      `${outcome.node}: ${outcome.status}${outcome.error ? ` — ${outcome.error}` : ''}`,
      { node: outcome.node, status: outcome.status },
    );
  }

  async finish(record: RunRecord): Promise<void> {
    record.finishedAt = this.now().toISOString();
    await this.store.runs.save(record);
    const name: AuditEventName =
      record.kind === 'restore' && record.status === 'succeeded'
        ? 'restored'
        : record.status === 'succeeded'
          ? 'run-succeeded'
          : record.status === 'refused'
            ? 'run-refused'
            : record.status === 'abandoned'
              ? 'run-abandoned'
              : 'run-failed';
    await this.audit(record, name, {
      status: record.status,
      ...(record.reason ? { reason: record.reason } : {}),
      ...(record.restoreOf ? { restoreOf: record.restoreOf } : {}),
      fixes: record.nodes.flatMap((n) => n.fixes.map((f) => `${f.fixId}: ${f.status}`)),
    });
    await this.event(
      record,
      'run-finished',
      `${record.kind} of ${record.target} ${record.status}${record.reason ? `: ${record.reason}` : ''}`,
      {
        status: record.status,
      },
    );
  }

  private audit(record: RunRecord, event: AuditEventName, detail: Record<string, unknown>): Promise<void> {
    return this.store.audit.append({
      at: this.now().toISOString(),
      actor: record.actor,
      event,
      runId: record.id,
      ...(record.planId ? { planId: record.planId } : {}),
      detail,
    });
  }

  private async event(
    record: RunRecord,
    type: RunEventType,
    message: string,
    about: { node?: string; fixId?: string; status?: string } = {},
  ): Promise<void> {
    const event = await this.store.runs.appendEvent({
      runId: record.id,
      at: this.now().toISOString(),
      type,
      message,
      ...about,
    });
    this.listener?.(event, record);
  }
}
