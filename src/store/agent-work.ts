/**
 * Work for agents (`apply --via agent`): the fixes of a run for one node, released when its wave
 * starts, claimed by that node's agent, completed with what it did. A node's token can see only
 * its own work (checked by the route).
 */
import type { Db } from './database';

export interface AgentWorkRow<W = unknown, R = unknown> {
  runId: string;
  node: string;
  releasedAt: string;
  claimedAt?: string;
  doneAt?: string;
  work: W;
  result?: R;
}

interface RawWork {
  run_id: string;
  node: string;
  released_at: string;
  claimed_at: string | null;
  done_at: string | null;
  work: string;
  result: string | null;
}

function toRow<W, R>(raw: RawWork): AgentWorkRow<W, R> {
  return {
    runId: raw.run_id,
    node: raw.node,
    releasedAt: raw.released_at,
    ...(raw.claimed_at ? { claimedAt: raw.claimed_at } : {}),
    ...(raw.done_at ? { doneAt: raw.done_at } : {}),
    work: JSON.parse(raw.work) as W,
    ...(raw.result ? { result: JSON.parse(raw.result) as R } : {}),
  };
}

export class AgentWorkRepository {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      release: db.prepare('INSERT INTO agent_work (run_id, node, released_at, work) VALUES (?, ?, ?, ?)'),
      pending: db.prepare<[string], RawWork>(
        'SELECT * FROM agent_work WHERE node = ? AND done_at IS NULL ORDER BY released_at LIMIT 1',
      ),
      get: db.prepare<[string, string], RawWork>('SELECT * FROM agent_work WHERE run_id = ? AND node = ?'),
      claim: db.prepare(
        'UPDATE agent_work SET claimed_at = ? WHERE run_id = ? AND node = ? AND claimed_at IS NULL',
      ),
      complete: db.prepare(
        'UPDATE agent_work SET done_at = ?, result = ? WHERE run_id = ? AND node = ? AND done_at IS NULL',
      ),
    };
  }

  release(runId: string, node: string, work: unknown, at: string): void {
    this.statements.release.run(runId, node, at, JSON.stringify(work));
  }

  /** The oldest work of the node that is not done. */
  pendingFor<W, R>(node: string): AgentWorkRow<W, R> | undefined {
    const raw = this.statements.pending.get(node);
    return raw ? toRow<W, R>(raw) : undefined;
  }

  get<W, R>(runId: string, node: string): AgentWorkRow<W, R> | undefined {
    const raw = this.statements.get.get(runId, node);
    return raw ? toRow<W, R>(raw) : undefined;
  }

  claim(runId: string, node: string, at: string): void {
    this.statements.claim.run(at, runId, node);
  }

  /** False when it was completed already (a retried result). */
  complete(runId: string, node: string, result: unknown, at: string): boolean {
    return this.statements.complete.run(at, JSON.stringify(result), runId, node).changes === 1;
  }
}
