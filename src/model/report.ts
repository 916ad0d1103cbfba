/**
 * What an agent (or an SSH sweep) sends to the server: `POST /api/v1/reports` with a
 * `driftguard/report@1` document. A report carries the hashes of EVERY category the node
 * collected, and the content of only those the server does not have yet — all of them
 * (full), the changed ones (delta), or none (heartbeat). The server stores a category's
 * history only when its hash changes.
 *
 * Replies (the agent's state machine depends on them — keep them stable):
 *   201 { stored: true, changed: Category[] }          new report applied
 *   200 { stored: false, duplicate: true }            same (node, reportId) seen before: retry of a delivered report
 *   409 { error: { code: 'E_NEEDS_CATEGORIES', categories } }  the server lacks the content for these hashes: resend with them
 *   409 { error: { code: 'E_OUT_OF_ORDER' } }          older than the node's latest report: superseded, drop it
 *   400 malformed JSON / schema violation / hash that does not match content
 *   401 missing or unknown token · 403 token of another node · 413 body too large · 415 not JSON
 */
import type { Category, CategoryValues, CollectorErrorEntry } from './state';

export const REPORT_SCHEMA_ID = 'driftguard/report@1';

export interface Report {
  schema: typeof REPORT_SCHEMA_ID;
  /** Unique per node; a retry of the same report reuses it, so it is stored once. */
  reportId: string;
  node: string;
  /** When the node collected what this report describes (ISO 8601 UTC). */
  collectedAt: string;
  /** `sha256:…` of every category the node collected this time. */
  hashes: Partial<Record<Category, string>>;
  errors: CollectorErrorEntry[];
  /** Content of the categories the server needs; a subset of `hashes`' keys. */
  categories: Partial<CategoryValues>;
}

export type ReportKind = 'full' | 'delta' | 'heartbeat';

/** How a report is called in logs and metrics: by how much content it carries. */
export function reportKind(report: Report): ReportKind {
  const sent = Object.keys(report.categories).length;
  if (sent === 0) return 'heartbeat';
  return sent === Object.keys(report.hashes).length ? 'full' : 'delta';
}
