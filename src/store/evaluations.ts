/**
 * Evaluations owed: a report that changed something marks its node in the same transaction
 * that stores it, and the evaluation that saw the mark removes it. A mark that stays (the
 * instance that stored the report died before evaluating it) is found by `stale` and evaluated
 * by the instance holding the schedules' lease — so a crash loses no evaluation.
 */
import type { Sql } from './sql';

export class EvaluationsRepository {
  constructor(private readonly sql: Sql) {}

  /** The node's newest report changed something (inside the ingest transaction). */
  async mark(node: string, at: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO evaluation_pending (node, seq, marked_at) VALUES (?, 1, ?)
       ON CONFLICT (node) DO UPDATE SET seq = evaluation_pending.seq + 1, marked_at = excluded.marked_at`,
      [node, at],
    );
  }

  /** The node's mark, read before its state is: what an evaluation starting now will have seen. */
  async pending(node: string): Promise<number | undefined> {
    return (await this.sql.get<{ seq: number }>('SELECT seq FROM evaluation_pending WHERE node = ?', [node]))
      ?.seq;
  }

  /** The evaluation that read `seq` is recorded: the mark goes, unless a newer report marked it again. */
  async done(node: string, seq: number): Promise<void> {
    await this.sql.run('DELETE FROM evaluation_pending WHERE node = ? AND seq = ?', [node, seq]);
  }

  /** Nodes marked before `before` and still not evaluated, oldest first. */
  async stale(before: string): Promise<string[]> {
    const rows = await this.sql.all<{ node: string }>(
      'SELECT node FROM evaluation_pending WHERE marked_at < ? ORDER BY marked_at, node',
      [before],
    );
    return rows.map((row) => row.node);
  }
}
