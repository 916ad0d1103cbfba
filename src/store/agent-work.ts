/**
 * Work for agents (`apply --via agent`): the fixes of a run for one node, released when its wave
 * starts, claimed by that node's agent, completed with what it did. A node's token can see only
 * its own work (checked by the route).
 */
import type { Sql } from './sql';

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
  constructor(private readonly sql: Sql) {}

  async release(runId: string, node: string, work: unknown, at: string): Promise<void> {
    await this.sql.run('INSERT INTO agent_work (run_id, node, released_at, work) VALUES (?, ?, ?, ?)', [
      runId,
      node,
      at,
      JSON.stringify(work),
    ]);
  }

  /** The oldest work of the node that is not done. */
  async pendingFor<W, R>(node: string): Promise<AgentWorkRow<W, R> | undefined> {
    const raw = await this.sql.get<RawWork>(
      'SELECT * FROM agent_work WHERE node = ? AND done_at IS NULL ORDER BY released_at LIMIT 1',
      [node],
    );
    return raw ? toRow<W, R>(raw) : undefined;
  }

  async get<W, R>(runId: string, node: string): Promise<AgentWorkRow<W, R> | undefined> {
    const raw = await this.sql.get<RawWork>('SELECT * FROM agent_work WHERE run_id = ? AND node = ?', [
      runId,
      node,
    ]);
    return raw ? toRow<W, R>(raw) : undefined;
  }

  async claim(runId: string, node: string, at: string): Promise<void> {
    await this.sql.run(
      'UPDATE agent_work SET claimed_at = ? WHERE run_id = ? AND node = ? AND claimed_at IS NULL',
      [at, runId, node],
    );
  }

  /** False when it was completed already (a retried result). */
  async complete(runId: string, node: string, result: unknown, at: string): Promise<boolean> {
    const changed = await this.sql.run(
      'UPDATE agent_work SET done_at = ?, result = ? WHERE run_id = ? AND node = ? AND done_at IS NULL',
      [at, JSON.stringify(result), runId, node],
    );
    return changed === 1;
  }
}
