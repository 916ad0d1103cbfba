/**
 * Findings with their history: each evaluation of a node's drift or a pair's parity replaces
 * the open set — findings seen again keep their first-seen time, new ones open, missing ones
 * are resolved. That is the drift timeline ("open since Tuesday 14:02").
 */
import type { Finding, Severity } from '../model/finding';
import { findingFingerprint } from '../model/finding';
import type { Sql } from './sql';

export type FindingSource = 'drift' | 'parity';

export interface StoredFinding {
  id: number;
  scope: string;
  source: FindingSource;
  finding: Finding;
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
}

interface RawFinding {
  id: number;
  scope: string;
  source: FindingSource;
  fingerprint: string;
  finding: string;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
}

function toStored(raw: RawFinding): StoredFinding {
  const stored: StoredFinding = {
    id: raw.id,
    scope: raw.scope,
    source: raw.source,
    finding: JSON.parse(raw.finding) as Finding,
    firstSeen: raw.first_seen,
    lastSeen: raw.last_seen,
  };
  if (raw.resolved_at) stored.resolvedAt = raw.resolved_at;
  return stored;
}

/** A finding's open interval, for trends: what it was about is not read. */
export interface FindingIntervalRow {
  scope: string;
  source: FindingSource;
  severity: Severity;
  firstSeen: string;
  resolvedAt?: string;
}

export interface EvaluationChange {
  opened: number;
  resolved: number;
  open: number;
}

type OpenCount = { scope: string; source: FindingSource; category: string; severity: string; count: number };

export class FindingsRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Replaces the open findings of `scope`/`source` with the result of a new evaluation. Run it
   * in a transaction: it reads the open set, then changes it.
   */
  async recordEvaluation(
    scope: string,
    source: FindingSource,
    findings: readonly Finding[],
    now: string,
  ): Promise<EvaluationChange> {
    const open = new Map((await this.openRows(scope, source)).map((raw) => [raw.fingerprint, raw]));
    const seen = new Set<string>();
    let opened = 0;
    for (const finding of findings) {
      let fingerprint = findingFingerprint(finding);
      // Two findings of one evaluation with one identity: keep both, numbered.
      for (let n = 2; seen.has(fingerprint); n++) fingerprint = `${findingFingerprint(finding)}#${n}`;
      seen.add(fingerprint);
      const text = JSON.stringify(finding);
      const existing = open.get(fingerprint);
      if (existing) {
        await this.sql.run('UPDATE findings SET last_seen = ?, severity = ?, finding = ? WHERE id = ?', [
          now,
          finding.severity,
          text,
          existing.id,
        ]);
      } else {
        await this.sql.run(
          `INSERT INTO findings (scope, source, fingerprint, category, key, severity, finding, first_seen, last_seen)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [scope, source, fingerprint, finding.category, finding.key, finding.severity, text, now, now],
        );
        opened++;
      }
    }
    let resolved = 0;
    for (const [fingerprint, raw] of open) {
      if (seen.has(fingerprint)) continue;
      await this.sql.run('UPDATE findings SET resolved_at = ? WHERE id = ?', [now, raw.id]);
      resolved++;
    }
    return { opened, resolved, open: seen.size };
  }

  async open(scope: string, source?: FindingSource): Promise<StoredFinding[]> {
    const rows = source
      ? await this.openRows(scope, source)
      : await this.sql.all<RawFinding>(
          'SELECT * FROM findings WHERE scope = ? AND resolved_at IS NULL ORDER BY source, category, key',
          [scope],
        );
    return rows.map(toStored);
  }

  /** Findings of a scope opened or resolved after `since`, in the order it happened. */
  async changedSince(scope: string, since: string): Promise<StoredFinding[]> {
    const rows = await this.sql.all<RawFinding>(
      `SELECT * FROM findings WHERE scope = ? AND (first_seen > ? OR resolved_at > ?)
       ORDER BY coalesce(resolved_at, first_seen), id`,
      [scope, since, since],
    );
    return rows.map(toStored);
  }

  /**
   * Open findings counted by scope, source, category and severity (for lists and /metrics); of
   * one scope when given (a dashboard row read again after a report).
   */
  openCounts(scope?: string): Promise<OpenCount[]> {
    const select = 'SELECT scope, source, category, severity, count(*) AS count FROM findings';
    const group = 'GROUP BY scope, source, category, severity';
    return scope === undefined
      ? this.sql.all<OpenCount>(`${select} WHERE resolved_at IS NULL ${group}`)
      : this.sql.all<OpenCount>(`${select} WHERE resolved_at IS NULL AND scope = ? ${group}`, [scope]);
  }

  /**
   * Every finding of every scope open at `since` or opened after, as intervals (first seen →
   * resolved): one query for the whole fleet, which trends sample. Open ones through the partial
   * index of open findings, resolved ones through findings_by_resolution: the long history of
   * findings resolved before `since` is not read.
   */
  async intervalsSince(since: string): Promise<FindingIntervalRow[]> {
    const rows = await this.sql.all<{
      scope: string;
      source: FindingSource;
      severity: Severity;
      first_seen: string;
      resolved_at: string | null;
    }>(
      `SELECT scope, source, severity, first_seen, resolved_at FROM findings WHERE resolved_at IS NULL
       UNION ALL
       SELECT scope, source, severity, first_seen, resolved_at FROM findings WHERE resolved_at > ?`,
      [since],
    );
    return rows.map((raw) => {
      const row: FindingIntervalRow = {
        scope: raw.scope,
        source: raw.source,
        severity: raw.severity,
        firstSeen: raw.first_seen,
      };
      if (raw.resolved_at) row.resolvedAt = raw.resolved_at;
      return row;
    });
  }

  /** Resolves everything open for a scope that no longer exists (a node removed from the desired state). */
  resolveScope(scope: string, now: string): Promise<number> {
    return this.sql.run('UPDATE findings SET resolved_at = ? WHERE scope = ? AND resolved_at IS NULL', [
      now,
      scope,
    ]);
  }

  private openRows(scope: string, source: FindingSource): Promise<RawFinding[]> {
    return this.sql.all<RawFinding>(
      'SELECT * FROM findings WHERE scope = ? AND source = ? AND resolved_at IS NULL',
      [scope, source],
    );
  }
}
