/**
 * Retention: the store forgets history older than the operator keeps (`serve --keep-history`),
 * so that it stops growing — a 10,000-node fleet wrote 5.4 GB of history in an hour of the fleet
 * benchmark. What is forgotten is only what no question about a time after the cutoff needs:
 *
 * - a category version that a newer one had replaced by the cutoff (never a node's latest): the
 *   state at any time from the cutoff on, and the versions collected since, read the same;
 * - a category text no remaining version names;
 * - a finding resolved before the cutoff (trends and timelines from the cutoff on never show it);
 * - a readiness verdict a newer one had replaced by the cutoff — except each pair's last GO, which
 *   "when did this pair last say GO?" answers however long ago it was;
 * - a report's receipt (idempotency: a retried report is stored once) received before its own,
 *   shorter cutoff — agents retry within seconds to hours, and an older report is refused by its
 *   collection time anyway.
 *
 * The audit log, runs and plans are kept: they are the record of what was done to the nodes.
 *
 * Work is done in small transactions, one window of rows at a time, so that reports keep being
 * stored in between (on SQLite every transaction holds the one write lock).
 */
import type { Database, Sql } from './sql';

export interface RetentionCutoffs {
  /** History superseded or resolved before this time (ISO 8601) is forgotten. */
  history: string;
  /** Report receipts received before this time are forgotten. */
  receipts: string;
}

/** How many rows each kind lost. */
export interface Pruned {
  receipts: number;
  versions: number;
  contents: number;
  findings: number;
  readiness: number;
}

/** Rows looked at per transaction. */
const WINDOW = 500;

export async function pruneHistory(
  db: Database,
  cutoffs: RetentionCutoffs,
  window = WINDOW,
): Promise<Pruned> {
  const pruned: Pruned = { receipts: 0, versions: 0, contents: 0, findings: 0, readiness: 0 };
  pruned.receipts = await deleteInBatches(
    db,
    `DELETE FROM reports WHERE id IN
       (SELECT id FROM reports WHERE received_at < ? ORDER BY received_at LIMIT ?)`,
    [cutoffs.receipts, window],
  );
  pruned.findings = await deleteInBatches(
    db,
    // Through findings_by_resolution (resolved_at < ? implies the index's resolved_at IS NOT NULL).
    'DELETE FROM findings WHERE id IN (SELECT id FROM findings WHERE resolved_at < ? LIMIT ?)',
    [cutoffs.history, window],
  );
  await walkWindows(db, 'category_versions', cutoffs.history, window, async (sql, from, to) => {
    const counts = await pruneVersions(db, sql, from, to, cutoffs.history);
    pruned.versions += counts.versions;
    pruned.contents += counts.contents;
  });
  await walkWindows(db, 'readiness_history', cutoffs.history, window, async (sql, from, to) => {
    pruned.readiness += await sql.run(
      `DELETE FROM readiness_history
       WHERE id >= ? AND id <= ?
         AND EXISTS (SELECT 1 FROM readiness_history newer
                     WHERE newer.pair = readiness_history.pair AND newer.id > readiness_history.id
                       AND newer.evaluated_at <= ?)
         AND NOT (verdict = 'GO'
                  AND NOT EXISTS (SELECT 1 FROM readiness_history go
                                  WHERE go.pair = readiness_history.pair AND go.verdict = 'GO'
                                    AND go.id > readiness_history.id))`,
      [from, to, cutoffs.history],
    );
  });
  return pruned;
}

/** Runs `sql` (a DELETE of at most `window` rows) until it deletes none; the total. */
async function deleteInBatches(db: Database, sql: string, params: [string, number]): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.transaction((tx) => tx.run(sql, params), { serializeOn: RETENTION });
    total += deleted;
    if (deleted < params[1]) return total;
    await turn();
  }
}

/**
 * Lets the event loop run between windows: SQLite answers at once, so without this the whole
 * prune would run as one long chain of resolved promises and hold the server's HTTP thread.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Calls `prune` with windows of ids of `table`, oldest first, each in a transaction of its own,
 * until a window starts with a row received (or evaluated) at or after `cutoff`: nothing from
 * there on was replaced before the cutoff. Rows are appended in time order, so the walk stops
 * at about the cutoff, whatever the table's size.
 */
async function walkWindows(
  db: Database,
  table: 'category_versions' | 'readiness_history',
  cutoff: string,
  window: number,
  prune: (sql: Sql, from: number, to: number) => Promise<void>,
): Promise<void> {
  const time = table === 'category_versions' ? 'received_at' : 'evaluated_at';
  let after = 0;
  for (;;) {
    const ids = await db.all<{ id: number; at: string }>(
      `SELECT id, ${time} AS at FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`,
      [after, window],
    );
    const first = ids[0];
    const last = ids[ids.length - 1];
    if (!first || !last || first.at >= cutoff) return;
    await db.transaction((sql) => prune(sql, Number(first.id), Number(last.id)), {
      serializeOn: RETENTION,
    });
    after = Number(last.id);
    await turn();
  }
}

/** Versions replaced by the cutoff in ids [from, to], then the texts they leave unnamed. */
async function pruneVersions(
  db: Database,
  sql: Sql,
  from: number,
  to: number,
  cutoff: string,
): Promise<{ versions: number; contents: number }> {
  if (db.backend === 'postgres') {
    // Ingest stores a text (ON CONFLICT DO NOTHING when it is there) and then a version naming
    // it, in one transaction that holds ROW EXCLUSIVE on category_contents. This mode conflicts
    // with that: such transactions finish first, and the versions they add are seen below —
    // a text is never deleted under a version being stored. (SQLite has one writer at a time.)
    await sql.run('LOCK TABLE category_contents IN SHARE ROW EXCLUSIVE MODE');
  }
  const deleted = await sql.all<{ hash: string }>(
    `DELETE FROM category_versions
     WHERE id >= ? AND id <= ? AND collected_at <= ?
       AND EXISTS (SELECT 1 FROM category_versions newer
                   WHERE newer.node = category_versions.node
                     AND newer.category = category_versions.category
                     AND newer.id > category_versions.id AND newer.collected_at <= ?)
       AND NOT EXISTS (SELECT 1 FROM category_latest latest
                       WHERE latest.node = category_versions.node
                         AND latest.category = category_versions.category
                         AND latest.version_id = category_versions.id)
     RETURNING hash`,
    [from, to, cutoff, cutoff],
  );
  const hashes = [...new Set(deleted.map((row) => row.hash))];
  if (hashes.length === 0) return { versions: 0, contents: 0 };
  const contents = await sql.run(
    `DELETE FROM category_contents
     WHERE hash IN (${hashes.map(() => '?').join(', ')})
       AND NOT EXISTS (SELECT 1 FROM category_versions v WHERE v.hash = category_contents.hash)`,
    hashes,
  );
  return { versions: deleted.length, contents };
}

/**
 * The name retention's transactions are serialized on (TransactionOptions.serializeOn): two
 * instances pruning at once wait for each other rather than fail each other.
 */
const RETENTION = 'store-retention';
