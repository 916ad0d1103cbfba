/** Readiness verdicts over time, per pair: each change of outcome is a row. */
import type { Readiness, Verdict } from '../model/readiness';
import type { Sql } from './sql';

export interface ReadinessRecord {
  pair: string;
  verdict: Verdict;
  failing: string[];
  evaluatedAt: string;
  lastEvaluatedAt: string;
  result: Readiness;
}

interface RawRecord {
  id: number;
  pair: string;
  verdict: Verdict;
  failing: string;
  result: string;
  evaluated_at: string;
  last_evaluated_at: string;
}

function toRecord(raw: RawRecord): ReadinessRecord {
  return {
    pair: raw.pair,
    verdict: raw.verdict,
    failing: JSON.parse(raw.failing) as string[],
    evaluatedAt: raw.evaluated_at,
    lastEvaluatedAt: raw.last_evaluated_at,
    result: JSON.parse(raw.result) as Readiness,
  };
}

/** A change of a pair's verdict, without the document: what trends read. */
export interface VerdictChangeRow {
  pair: string;
  verdict: Verdict;
  evaluatedAt: string;
}

export class ReadinessRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Records an evaluation: a new row when the verdict or the failing checks changed. Run it in a
   * transaction: it reads the latest row, then writes.
   */
  async record(result: Readiness): Promise<{ changed: boolean }> {
    const failing = result.checks.filter((check) => check.status === 'fail').map((check) => check.id);
    const latest = await this.latestRow(result.pair);
    if (latest && latest.verdict === result.verdict && latest.failing === JSON.stringify(failing)) {
      await this.sql.run('UPDATE readiness_history SET last_evaluated_at = ?, result = ? WHERE id = ?', [
        result.evaluatedAt,
        JSON.stringify(result),
        latest.id,
      ]);
      return { changed: false };
    }
    await this.sql.run(
      `INSERT INTO readiness_history (pair, verdict, failing, result, evaluated_at, last_evaluated_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [
        result.pair,
        result.verdict,
        JSON.stringify(failing),
        JSON.stringify(result),
        result.evaluatedAt,
        result.evaluatedAt,
      ],
    );
    return { changed: true };
  }

  async latest(pair: string): Promise<ReadinessRecord | undefined> {
    const raw = await this.latestRow(pair);
    return raw && toRecord(raw);
  }

  async history(pair: string, limit = 100): Promise<ReadinessRecord[]> {
    const rows = await this.sql.all<RawRecord>(
      'SELECT * FROM readiness_history WHERE pair = ? ORDER BY id DESC LIMIT ?',
      [pair, limit],
    );
    return rows.map(toRecord);
  }

  /** The most recent time this pair said GO (the start of that GO period). */
  async lastGo(pair: string): Promise<ReadinessRecord | undefined> {
    const raw = await this.sql.get<RawRecord>(
      "SELECT * FROM readiness_history WHERE pair = ? AND verdict = 'GO' ORDER BY id DESC LIMIT 1",
      [pair],
    );
    return raw && toRecord(raw);
  }

  /** Every pair's verdict changes that matter from `since` on (the one in force then included). */
  async historySince(since: string): Promise<VerdictChangeRow[]> {
    // The row each pair was at when `since` came, and every later one, oldest first per pair.
    const rows = await this.sql.all<{ pair: string; verdict: Verdict; evaluated_at: string }>(
      `SELECT pair, verdict, evaluated_at FROM readiness_history
       WHERE evaluated_at > ?
          OR id IN (SELECT max(id) FROM readiness_history WHERE evaluated_at <= ? GROUP BY pair)
       ORDER BY pair, id`,
      [since, since],
    );
    return rows.map((raw) => ({ pair: raw.pair, verdict: raw.verdict, evaluatedAt: raw.evaluated_at }));
  }

  /**
   * Each pair's current verdict without the checks behind it (the fleet list, /metrics): a few
   * bytes a pair, where the full results would be tens of kilobytes to parse.
   */
  async latestPerPair(): Promise<Omit<ReadinessRecord, 'result'>[]> {
    const rows = await this.sql.all<Omit<RawRecord, 'result'>>(
      `SELECT id, pair, verdict, failing, evaluated_at, last_evaluated_at FROM readiness_history
       WHERE id IN (SELECT max(id) FROM readiness_history GROUP BY pair)`,
    );
    return rows.map((raw) => ({
      pair: raw.pair,
      verdict: raw.verdict,
      failing: JSON.parse(raw.failing) as string[],
      evaluatedAt: raw.evaluated_at,
      lastEvaluatedAt: raw.last_evaluated_at,
    }));
  }

  private latestRow(pair: string): Promise<RawRecord | undefined> {
    return this.sql.get<RawRecord>(
      'SELECT * FROM readiness_history WHERE pair = ? ORDER BY id DESC LIMIT 1',
      [pair],
    );
  }
}
