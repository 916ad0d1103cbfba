/**
 * Findings with their history: each evaluation of a node's drift or a pair's parity replaces
 * the open set — findings seen again keep their first-seen time, new ones open, missing ones
 * are resolved. That is the drift timeline ("open since Tuesday 14:02").
 */
import type { Finding, Severity } from '../model/finding';
import { findingFingerprint } from '../model/finding';
import type { Db } from './database';

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

export class FindingsRepository {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      open: db.prepare<[string, string], RawFinding>(
        'SELECT * FROM findings WHERE scope = ? AND source = ? AND resolved_at IS NULL',
      ),
      openAll: db.prepare<[string], RawFinding>(
        'SELECT * FROM findings WHERE scope = ? AND resolved_at IS NULL ORDER BY source, category, key',
      ),
      insert: db.prepare(
        `INSERT INTO findings (scope, source, fingerprint, category, key, severity, finding, first_seen, last_seen)
         VALUES (@scope, @source, @fingerprint, @category, @key, @severity, @finding, @now, @now)`,
      ),
      seenAgain: db.prepare(
        'UPDATE findings SET last_seen = @now, severity = @severity, finding = @finding WHERE id = @id',
      ),
      resolve: db.prepare('UPDATE findings SET resolved_at = ? WHERE id = ?'),
      since: db.prepare<[string, string, string], RawFinding>(
        `SELECT * FROM findings WHERE scope = ? AND (first_seen > ? OR resolved_at > ?)
         ORDER BY coalesce(resolved_at, first_seen), id`,
      ),
      openCounts: db.prepare<
        [],
        { scope: string; source: FindingSource; category: string; severity: string; count: number }
      >(
        `SELECT scope, source, category, severity, count(*) AS count FROM findings
         WHERE resolved_at IS NULL GROUP BY scope, source, category, severity`,
      ),
      openCountsOf: db.prepare<
        [string],
        { scope: string; source: FindingSource; category: string; severity: string; count: number }
      >(
        `SELECT scope, source, category, severity, count(*) AS count FROM findings
         WHERE resolved_at IS NULL AND scope = ? GROUP BY scope, source, category, severity`,
      ),
      // Open ones through the partial index of open findings, resolved ones through
      // findings_by_resolution: the long history of findings resolved before `since` is not read.
      intervalsSince: db.prepare<
        [string],
        {
          scope: string;
          source: FindingSource;
          severity: Severity;
          first_seen: string;
          resolved_at: string | null;
        }
      >(
        `SELECT scope, source, severity, first_seen, resolved_at FROM findings WHERE resolved_at IS NULL
         UNION ALL
         SELECT scope, source, severity, first_seen, resolved_at FROM findings WHERE resolved_at > ?`,
      ),
      forget: db.prepare('UPDATE findings SET resolved_at = ? WHERE scope = ? AND resolved_at IS NULL'),
    };
  }

  /** Replaces the open findings of `scope`/`source` with the result of a new evaluation. */
  recordEvaluation(
    scope: string,
    source: FindingSource,
    findings: readonly Finding[],
    now: string,
  ): EvaluationChange {
    const open = new Map(this.statements.open.all(scope, source).map((raw) => [raw.fingerprint, raw]));
    const seen = new Set<string>();
    let opened = 0;
    for (const finding of findings) {
      let fingerprint = findingFingerprint(finding);
      // Two findings of one evaluation with one identity: keep both, numbered.
      for (let n = 2; seen.has(fingerprint); n++) fingerprint = `${findingFingerprint(finding)}#${n}`;
      seen.add(fingerprint);
      const row = { now, severity: finding.severity, finding: JSON.stringify(finding) };
      const existing = open.get(fingerprint);
      if (existing) {
        this.statements.seenAgain.run({ ...row, id: existing.id });
      } else {
        this.statements.insert.run({
          ...row,
          scope,
          source,
          fingerprint,
          category: finding.category,
          key: finding.key,
        });
        opened++;
      }
    }
    let resolved = 0;
    for (const [fingerprint, raw] of open) {
      if (seen.has(fingerprint)) continue;
      this.statements.resolve.run(now, raw.id);
      resolved++;
    }
    return { opened, resolved, open: seen.size };
  }

  open(scope: string, source?: FindingSource): StoredFinding[] {
    const rows = source ? this.statements.open.all(scope, source) : this.statements.openAll.all(scope);
    return rows.map(toStored);
  }

  /** Findings of a scope opened or resolved after `since`, in the order it happened. */
  changedSince(scope: string, since: string): StoredFinding[] {
    return this.statements.since.all(scope, since, since).map(toStored);
  }

  /**
   * Open findings counted by scope, source, category and severity (for lists and /metrics); of
   * one scope when given (a dashboard row read again after a report).
   */
  openCounts(scope?: string): {
    scope: string;
    source: FindingSource;
    category: string;
    severity: string;
    count: number;
  }[] {
    return scope === undefined ? this.statements.openCounts.all() : this.statements.openCountsOf.all(scope);
  }

  /**
   * Every finding of every scope open at `since` or opened after, as intervals (first seen →
   * resolved): one query for the whole fleet, which trends sample.
   */
  intervalsSince(since: string): FindingIntervalRow[] {
    return this.statements.intervalsSince.all(since).map((raw) => {
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
  resolveScope(scope: string, now: string): number {
    return this.statements.forget.run(now, scope).changes;
  }
}
