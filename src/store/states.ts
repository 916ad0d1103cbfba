import type { CategoryVersion } from '../model/api';
/**
 * Node states in the store: the latest version of each category, every version it had
 * (stored only when its hash changed), and the reports that brought them.
 */
import type { Category, CategoryValues, CollectorErrorEntry, NodeState } from '../model/state';
import { CATEGORIES, STATE_SCHEMA_ID } from '../model/state';
import type { ReportKind } from '../model/report';
import type { Db } from './database';

export interface NodeRow {
  name: string;
  firstSeen: string;
  lastSeen: string;
  collectedAt: string;
  errors: CollectorErrorEntry[];
}

export type { CategoryVersion } from '../model/api';

interface RawNode {
  name: string;
  first_seen: string;
  last_seen: string;
  collected_at: string;
  errors: string;
}

interface RawContent {
  category: Category;
  hash: string;
  content: string;
}

function toNodeRow(raw: RawNode): NodeRow {
  return {
    name: raw.name,
    firstSeen: raw.first_seen,
    lastSeen: raw.last_seen,
    collectedAt: raw.collected_at,
    errors: JSON.parse(raw.errors) as CollectorErrorEntry[],
  };
}

export class StatesRepository {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      reportSeen: db.prepare('SELECT 1 FROM reports WHERE node = ? AND report_id = ?').pluck(),
      node: db.prepare<[string], RawNode>('SELECT * FROM nodes WHERE name = ?'),
      nodes: db.prepare<[], RawNode>('SELECT * FROM nodes ORDER BY name'),
      latestHashes: db.prepare<[string], { category: Category; hash: string }>(
        'SELECT category, hash FROM category_latest WHERE node = ?',
      ),
      insertReport: db.prepare(
        `INSERT INTO reports (node, report_id, received_at, collected_at, kind, changed)
         VALUES (@node, @reportId, @receivedAt, @collectedAt, @kind, @changed)`,
      ),
      insertVersion: db.prepare(
        `INSERT INTO category_versions (node, category, hash, content, collected_at, received_at)
         VALUES (@node, @category, @hash, @content, @collectedAt, @receivedAt)`,
      ),
      upsertLatest: db.prepare(
        `INSERT INTO category_latest (node, category, version_id, hash) VALUES (@node, @category, @versionId, @hash)
         ON CONFLICT (node, category) DO UPDATE SET version_id = excluded.version_id, hash = excluded.hash`,
      ),
      dropLatest: db.prepare('DELETE FROM category_latest WHERE node = ? AND category = ?'),
      upsertNode: db.prepare(
        `INSERT INTO nodes (name, first_seen, last_seen, collected_at, errors)
         VALUES (@name, @receivedAt, @receivedAt, @collectedAt, @errors)
         ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen,
           collected_at = excluded.collected_at, errors = excluded.errors`,
      ),
      latestContent: db.prepare<[string], RawContent>(
        `SELECT l.category, l.hash, v.content FROM category_latest l
         JOIN category_versions v ON v.id = l.version_id WHERE l.node = ?`,
      ),
      contentAt: db.prepare<[string, string, string], RawContent>(
        `SELECT v.category, v.hash, v.content FROM category_versions v
         WHERE v.id IN (SELECT max(id) FROM category_versions
                        WHERE node = ? AND collected_at <= ? GROUP BY category)
           AND v.node = ?`,
      ),
      versionsSince: db.prepare<
        [string, string],
        { category: Category; hash: string; collected_at: string; received_at: string }
      >(
        `SELECT category, hash, collected_at, received_at FROM category_versions
         WHERE node = ? AND collected_at > ? ORDER BY collected_at, id`,
      ),
      pruneReports: db.prepare('DELETE FROM reports WHERE received_at < ?'),
    };
  }

  reportSeen(node: string, reportId: string): boolean {
    return this.statements.reportSeen.get(node, reportId) !== undefined;
  }

  node(name: string): NodeRow | undefined {
    const raw = this.statements.node.get(name);
    return raw && toNodeRow(raw);
  }

  nodes(): NodeRow[] {
    return this.statements.nodes.all().map(toNodeRow);
  }

  latestHashes(node: string): Map<Category, string> {
    return new Map(this.statements.latestHashes.all(node).map((row) => [row.category, row.hash]));
  }

  recordReport(report: {
    node: string;
    reportId: string;
    receivedAt: string;
    collectedAt: string;
    kind: ReportKind;
    changed: Category[];
  }): void {
    this.statements.insertReport.run({ ...report, changed: JSON.stringify(report.changed) });
  }

  /** A new version of a category becomes the latest. `content` is its JSON text. */
  putCategory(version: {
    node: string;
    category: Category;
    hash: string;
    content: string;
    collectedAt: string;
    receivedAt: string;
  }): void {
    const versionId = this.statements.insertVersion.run(version).lastInsertRowid;
    this.statements.upsertLatest.run({
      node: version.node,
      category: version.category,
      versionId,
      hash: version.hash,
    });
  }

  /** The node no longer reports this category (its collector failed): it has no latest version. */
  dropCategory(node: string, category: Category): void {
    this.statements.dropLatest.run(node, category);
  }

  touchNode(
    node: string,
    seen: { receivedAt: string; collectedAt: string; errors: CollectorErrorEntry[] },
  ): void {
    this.statements.upsertNode.run({ name: node, ...seen, errors: JSON.stringify(seen.errors) });
  }

  /** The node's state as its latest reports left it. */
  latestState(node: string): NodeState | undefined {
    const row = this.node(node);
    if (!row) return undefined;
    return assemble(row, row.collectedAt, this.statements.latestContent.all(node));
  }

  /** The node's state as it was at `time` (each category's last version collected by then). */
  stateAt(node: string, time: string): NodeState | undefined {
    const row = this.node(node);
    if (!row) return undefined;
    const contents = this.statements.contentAt.all(node, time, node);
    if (contents.length === 0) return undefined;
    return assemble({ ...row, errors: [] }, time, contents);
  }

  /** Every category version collected after `since`, oldest first: "what changed on X since T". */
  versionsSince(node: string, since: string): CategoryVersion[] {
    return this.statements.versionsSince.all(node, since).map((row) => ({
      category: row.category,
      hash: row.hash,
      collectedAt: row.collected_at,
      receivedAt: row.received_at,
    }));
  }

  /** Forgets report rows (not states) received before `before`; returns how many. */
  pruneReports(before: string): number {
    return this.statements.pruneReports.run(before).changes;
  }
}

function assemble(row: NodeRow, collectedAt: string, contents: RawContent[]): NodeState {
  const values: Partial<Record<Category, unknown>> = {};
  const hashes: Partial<Record<Category, string>> = {};
  for (const content of contents) {
    values[content.category] = JSON.parse(content.content) as unknown;
    hashes[content.category] = content.hash;
  }
  const ordered: Partial<CategoryValues> = {};
  const orderedHashes: Partial<Record<Category, string>> = {};
  for (const category of CATEGORIES) {
    if (values[category] === undefined) continue;
    (ordered as Record<Category, unknown>)[category] = values[category];
    orderedHashes[category] = hashes[category];
  }
  return {
    schema: STATE_SCHEMA_ID,
    node: row.name,
    collectedAt,
    ...ordered,
    errors: row.errors,
    hashes: orderedHashes,
  };
}
