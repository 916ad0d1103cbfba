/** Readiness verdicts over time, per pair: each change of outcome is a row. */
import type { Readiness, Verdict } from '../model/readiness';
import type { Db } from './database';

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
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      latest: db.prepare<[string], RawRecord>(
        'SELECT * FROM readiness_history WHERE pair = ? ORDER BY id DESC LIMIT 1',
      ),
      insert: db.prepare(
        `INSERT INTO readiness_history (pair, verdict, failing, result, evaluated_at, last_evaluated_at)
         VALUES (@pair, @verdict, @failing, @result, @at, @at)`,
      ),
      confirm: db.prepare('UPDATE readiness_history SET last_evaluated_at = ?, result = ? WHERE id = ?'),
      history: db.prepare<[string, number], RawRecord>(
        'SELECT * FROM readiness_history WHERE pair = ? ORDER BY id DESC LIMIT ?',
      ),
      lastGo: db.prepare<[string], RawRecord>(
        "SELECT * FROM readiness_history WHERE pair = ? AND verdict = 'GO' ORDER BY id DESC LIMIT 1",
      ),
      // The row each pair was at when `since` came, and every later one, oldest first per pair.
      changesSince: db.prepare<[string, string], { pair: string; verdict: Verdict; evaluated_at: string }>(
        `SELECT pair, verdict, evaluated_at FROM readiness_history
         WHERE evaluated_at > ?
            OR id IN (SELECT max(id) FROM readiness_history WHERE evaluated_at <= ? GROUP BY pair)
         ORDER BY pair, id`,
      ),
      latestPerPair: db.prepare<[], Omit<RawRecord, 'result'>>(
        `SELECT id, pair, verdict, failing, evaluated_at, last_evaluated_at FROM readiness_history
         WHERE id IN (SELECT max(id) FROM readiness_history GROUP BY pair)`,
      ),
    };
  }

  /** Records an evaluation: a new row when the verdict or the failing checks changed. */
  record(result: Readiness): { changed: boolean } {
    const failing = result.checks.filter((check) => check.status === 'fail').map((check) => check.id);
    const latest = this.statements.latest.get(result.pair);
    if (latest && latest.verdict === result.verdict && latest.failing === JSON.stringify(failing)) {
      this.statements.confirm.run(result.evaluatedAt, JSON.stringify(result), latest.id);
      return { changed: false };
    }
    this.statements.insert.run({
      pair: result.pair,
      verdict: result.verdict,
      failing: JSON.stringify(failing),
      result: JSON.stringify(result),
      at: result.evaluatedAt,
    });
    return { changed: true };
  }

  latest(pair: string): ReadinessRecord | undefined {
    const raw = this.statements.latest.get(pair);
    return raw && toRecord(raw);
  }

  history(pair: string, limit = 100): ReadinessRecord[] {
    return this.statements.history.all(pair, limit).map(toRecord);
  }

  /** The most recent time this pair said GO (the start of that GO period). */
  lastGo(pair: string): ReadinessRecord | undefined {
    const raw = this.statements.lastGo.get(pair);
    return raw && toRecord(raw);
  }

  /** Every pair's verdict changes that matter from `since` on (the one in force then included). */
  historySince(since: string): VerdictChangeRow[] {
    return this.statements.changesSince
      .all(since, since)
      .map((raw) => ({ pair: raw.pair, verdict: raw.verdict, evaluatedAt: raw.evaluated_at }));
  }

  /**
   * Each pair's current verdict without the checks behind it (the fleet list, /metrics): a few
   * bytes a pair, where the full results would be tens of kilobytes to parse.
   */
  latestPerPair(): Omit<ReadinessRecord, 'result'>[] {
    return this.statements.latestPerPair.all().map((raw) => ({
      pair: raw.pair,
      verdict: raw.verdict,
      failing: JSON.parse(raw.failing) as string[],
      evaluatedAt: raw.evaluated_at,
      lastEvaluatedAt: raw.last_evaluated_at,
    }));
  }
}
