import type { CategoryVersion } from '../model/api';
/**
 * Node states in the store: the latest version of each category, every version it had
 * (stored only when its hash changed), and the reports that brought them.
 */
import type { Category, CategoryValues, CollectorErrorEntry, NodeState } from '../model/state';
import { CATEGORIES, STATE_SCHEMA_ID } from '../model/state';
import type { ReportKind } from '../model/report';
import type { Sql } from './sql';
import type { ParsedContents } from './parsed-contents';

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
  /** @param parsed parsed contents kept between reads (outside transactions only: see Store) */
  constructor(
    private readonly sql: Sql,
    private readonly parsed?: ParsedContents,
  ) {}

  async reportSeen(node: string, reportId: string): Promise<boolean> {
    const row = await this.sql.get('SELECT 1 AS seen FROM reports WHERE node = ? AND report_id = ?', [
      node,
      reportId,
    ]);
    return row !== undefined;
  }

  async node(name: string): Promise<NodeRow | undefined> {
    const raw = await this.sql.get<RawNode>('SELECT * FROM nodes WHERE name = ?', [name]);
    return raw && toNodeRow(raw);
  }

  async nodes(): Promise<NodeRow[]> {
    return (await this.sql.all<RawNode>('SELECT * FROM nodes ORDER BY name')).map(toNodeRow);
  }

  async latestHashes(node: string): Promise<Map<Category, string>> {
    const rows = await this.sql.all<{ category: Category; hash: string }>(
      'SELECT category, hash FROM category_latest WHERE node = ?',
      [node],
    );
    return new Map(rows.map((row) => [row.category, row.hash]));
  }

  async recordReport(report: {
    node: string;
    reportId: string;
    receivedAt: string;
    collectedAt: string;
    kind: ReportKind;
    changed: Category[];
  }): Promise<void> {
    await this.sql.run(
      `INSERT INTO reports (node, report_id, received_at, collected_at, kind, changed)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [
        report.node,
        report.reportId,
        report.receivedAt,
        report.collectedAt,
        report.kind,
        JSON.stringify(report.changed),
      ],
    );
  }

  /** A new version of a category becomes the latest. `content` is its JSON text. */
  async putCategory(version: {
    node: string;
    category: Category;
    hash: string;
    content: string;
    collectedAt: string;
    receivedAt: string;
  }): Promise<void> {
    // Stored once per hash: the same text from another node or an earlier version is there already.
    await this.sql.run(
      'INSERT INTO category_contents (hash, content) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
      [version.hash, version.content],
    );
    const inserted = await this.sql.get<{ id: number }>(
      `INSERT INTO category_versions (node, category, hash, collected_at, received_at)
       VALUES (?, ?, ?, ?, ?) RETURNING id`,
      [version.node, version.category, version.hash, version.collectedAt, version.receivedAt],
    );
    await this.sql.run(
      `INSERT INTO category_latest (node, category, version_id, hash) VALUES (?, ?, ?, ?)
       ON CONFLICT (node, category) DO UPDATE SET version_id = excluded.version_id, hash = excluded.hash`,
      [version.node, version.category, inserted!.id, version.hash],
    );
  }

  /** The node no longer reports this category (its collector failed): it has no latest version. */
  async dropCategory(node: string, category: Category): Promise<void> {
    await this.sql.run('DELETE FROM category_latest WHERE node = ? AND category = ?', [node, category]);
  }

  async touchNode(
    node: string,
    seen: { receivedAt: string; collectedAt: string; errors: CollectorErrorEntry[] },
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO nodes (name, first_seen, last_seen, collected_at, errors) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen,
         collected_at = excluded.collected_at, errors = excluded.errors`,
      [node, seen.receivedAt, seen.receivedAt, seen.collectedAt, JSON.stringify(seen.errors)],
    );
  }

  /** The node's state as its latest reports left it. */
  async latestState(node: string): Promise<NodeState | undefined> {
    const row = await this.node(node);
    if (!row) return undefined;
    if (this.parsed) return assemble(row, row.collectedAt, await this.latestParsed(node, this.parsed));
    const contents = await this.sql.all<RawContent>(
      `SELECT l.category, l.hash, c.content FROM category_latest l
       JOIN category_contents c ON c.hash = l.hash WHERE l.node = ?`,
      [node],
    );
    return assemble(row, row.collectedAt, contents.map(parseContent));
  }

  /** The latest contents, the texts read and parsed only for hashes not parsed before. */
  private async latestParsed(node: string, parsed: ParsedContents): Promise<ParsedContent[]> {
    const latest = await this.sql.all<{ category: Category; hash: string }>(
      'SELECT category, hash FROM category_latest WHERE node = ?',
      [node],
    );
    const contents: ParsedContent[] = [];
    const missing: typeof latest = [];
    for (const entry of latest) {
      const value = parsed.get(entry.category, entry.hash);
      if (value === undefined) missing.push(entry);
      else contents.push({ category: entry.category, hash: entry.hash, value });
    }
    if (missing.length === 0) return contents;
    const texts = await this.sql.all<{ hash: string; content: string }>(
      `SELECT hash, content FROM category_contents WHERE hash IN (${missing.map(() => '?').join(', ')})`,
      missing.map((entry) => entry.hash),
    );
    const textOf = new Map(texts.map((text) => [text.hash, text.content]));
    for (const entry of missing) {
      const text = textOf.get(entry.hash);
      if (text === undefined) continue; // not stored: as if the category were not
      contents.push({
        category: entry.category,
        hash: entry.hash,
        value: parsed.parse(entry.category, entry.hash, text),
      });
    }
    return contents;
  }

  /** The node's state as it was at `time` (each category's last version collected by then). */
  async stateAt(node: string, time: string): Promise<NodeState | undefined> {
    const row = await this.node(node);
    if (!row) return undefined;
    const contents = await this.sql.all<RawContent>(
      `SELECT v.category, v.hash, c.content FROM category_versions v
       JOIN category_contents c ON c.hash = v.hash
       WHERE v.id IN (SELECT max(id) FROM category_versions
                      WHERE node = ? AND collected_at <= ? GROUP BY category)
         AND v.node = ?`,
      [node, time, node],
    );
    if (contents.length === 0) return undefined;
    return assemble({ ...row, errors: [] }, time, contents.map(parseContent));
  }

  /** Every category version collected after `since`, oldest first: "what changed on X since T". */
  async versionsSince(node: string, since: string): Promise<CategoryVersion[]> {
    const rows = await this.sql.all<{
      category: Category;
      hash: string;
      collected_at: string;
      received_at: string;
    }>(
      `SELECT category, hash, collected_at, received_at FROM category_versions
       WHERE node = ? AND collected_at > ? ORDER BY collected_at, id`,
      [node, since],
    );
    return rows.map((row) => ({
      category: row.category,
      hash: row.hash,
      collectedAt: row.collected_at,
      receivedAt: row.received_at,
    }));
  }
}

interface ParsedContent {
  category: Category;
  hash: string;
  value: unknown;
}

function parseContent(raw: RawContent): ParsedContent {
  return { category: raw.category, hash: raw.hash, value: JSON.parse(raw.content) as unknown };
}

function assemble(row: NodeRow, collectedAt: string, contents: ParsedContent[]): NodeState {
  const values: Partial<Record<Category, unknown>> = {};
  const hashes: Partial<Record<Category, string>> = {};
  for (const content of contents) {
    values[content.category] = content.value;
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
