/**
 * Numbered schema migrations of the SQLite store, applied in order at open inside one
 * transaction each; SQLite's `user_version` records how far a database has come. Never edit a
 * released migration: add the next number — here and, with the same number, in `postgres.ts`.
 */
import { IoError } from '../../shared/errors';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The migrations a store at schema version `current` still needs, in order. A store newer than
 * this driftguard (written by a later release) is refused rather than misread.
 */
export function pendingMigrations(migrations: readonly Migration[], current: number): Migration[] {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new IoError(
      `the store is at schema version ${current}, newer than this driftguard knows (${latest}): upgrade driftguard`,
    );
  }
  return migrations.filter((migration) => migration.version > current);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'nodes, reports, category versions, findings, tokens',
    sql: `
      CREATE TABLE nodes (
        name          TEXT PRIMARY KEY,
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,  -- when the last report (heartbeats too) arrived
        collected_at  TEXT NOT NULL,  -- collectedAt of that report
        errors        TEXT NOT NULL   -- JSON: the collectors that failed in it
      ) STRICT;

      -- One row per report received: idempotency (a retried report is stored once) and audit.
      CREATE TABLE reports (
        id            INTEGER PRIMARY KEY,
        node          TEXT NOT NULL,
        report_id     TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        collected_at  TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('full', 'delta', 'heartbeat')),
        changed       TEXT NOT NULL,  -- JSON: categories whose content changed
        UNIQUE (node, report_id)
      ) STRICT;
      CREATE INDEX reports_by_received ON reports (received_at);

      -- Each distinct content of a category, stored when its hash changes: the history.
      CREATE TABLE category_versions (
        id            INTEGER PRIMARY KEY,
        node          TEXT NOT NULL,
        category      TEXT NOT NULL,
        hash          TEXT NOT NULL,
        content       TEXT NOT NULL,  -- JSON
        collected_at  TEXT NOT NULL,  -- first collected in this version
        received_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX category_versions_by_node ON category_versions (node, category, collected_at);

      -- The version each category of each node is at now.
      CREATE TABLE category_latest (
        node          TEXT NOT NULL,
        category      TEXT NOT NULL,
        version_id    INTEGER NOT NULL REFERENCES category_versions (id),
        hash          TEXT NOT NULL,
        PRIMARY KEY (node, category)
      ) STRICT, WITHOUT ROWID;

      -- Drift and parity findings with the time they were first and last seen: the timeline.
      CREATE TABLE findings (
        id            INTEGER PRIMARY KEY,
        scope         TEXT NOT NULL,  -- node:NAME or pair:NAME
        source        TEXT NOT NULL CHECK (source IN ('drift', 'parity')),
        fingerprint   TEXT NOT NULL,
        category      TEXT NOT NULL,
        key           TEXT NOT NULL,
        severity      TEXT NOT NULL,
        finding       TEXT NOT NULL,  -- JSON of the latest Finding
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        resolved_at   TEXT
      ) STRICT;
      CREATE UNIQUE INDEX findings_open ON findings (scope, source, fingerprint) WHERE resolved_at IS NULL;
      CREATE INDEX findings_by_scope ON findings (scope, resolved_at, first_seen);

      CREATE TABLE tokens (
        id            INTEGER PRIMARY KEY,
        role          TEXT NOT NULL CHECK (role IN ('node', 'admin', 'reader')),
        node          TEXT,
        hash          TEXT NOT NULL UNIQUE,  -- sha256 of the token: the token itself is never stored
        label         TEXT,
        created_at    TEXT NOT NULL,
        revoked_at    TEXT,
        CHECK ((role = 'node') = (node IS NOT NULL))
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'readiness history',
    sql: `
      -- One row per change of a pair's verdict or of the set of failing checks; evaluations that
      -- change neither only move last_evaluated_at. "When did this pair last say GO?" is one query.
      CREATE TABLE readiness_history (
        id                 INTEGER PRIMARY KEY,
        pair               TEXT NOT NULL,
        verdict            TEXT NOT NULL CHECK (verdict IN ('GO', 'NO-GO')),
        failing            TEXT NOT NULL,  -- JSON: ids of the failing checks
        result             TEXT NOT NULL,  -- JSON: the whole readiness document
        evaluated_at       TEXT NOT NULL,  -- first evaluation with this outcome
        last_evaluated_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX readiness_by_pair ON readiness_history (pair, id);
    `,
  },
  {
    version: 3,
    description: 'enforcement: plans, runs and their events, node locks, the audit log',
    sql: `
      -- Plans made on the server (API, schedules): reviewed, approved, then run. Plans expire.
      CREATE TABLE plans (
        id            TEXT PRIMARY KEY,
        target        TEXT NOT NULL,
        hash          TEXT NOT NULL,  -- the plan's content hash
        via           TEXT NOT NULL CHECK (via IN ('ssh', 'local', 'agent')),
        plan          TEXT NOT NULL,  -- JSON
        created_at    TEXT NOT NULL,
        created_by    TEXT NOT NULL,
        expires_at    TEXT NOT NULL,
        approved_at   TEXT,
        approved_by   TEXT
      ) STRICT;
      CREATE INDEX plans_by_creation ON plans (created_at);

      -- Every apply and restore, however started, as one growing document.
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('apply', 'restore')),
        trigger       TEXT NOT NULL CHECK (trigger IN ('cli', 'api', 'schedule', 'agent')),
        actor         TEXT NOT NULL,
        via           TEXT NOT NULL CHECK (via IN ('ssh', 'local', 'agent')),
        target        TEXT NOT NULL,
        dry_run       INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
        plan_id       TEXT,
        plan_hash     TEXT,
        restore_of    TEXT,
        status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'refused', 'abandoned')),
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        reason        TEXT,
        record        TEXT NOT NULL  -- JSON: the RunRecord
      ) STRICT;
      CREATE INDEX runs_by_start ON runs (started_at);

      -- Progress of a run, in order: replayed to whoever starts following it late.
      CREATE TABLE run_events (
        run_id        TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        event         TEXT NOT NULL,  -- JSON: the RunEvent
        PRIMARY KEY (run_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- One run at a time per node. A lock whose heartbeat is older than the lease was left by a
      -- process that died: the next run may take it (its run is then marked abandoned).
      CREATE TABLE node_locks (
        node          TEXT PRIMARY KEY,
        run_id        TEXT NOT NULL,
        holder        TEXT NOT NULL,  -- pid@host
        acquired_at   TEXT NOT NULL,
        heartbeat_at  TEXT NOT NULL
      ) STRICT;

      -- Work for agents: the fixes of a run for one node, released when its wave starts.
      CREATE TABLE agent_work (
        run_id        TEXT NOT NULL,
        node          TEXT NOT NULL,
        released_at   TEXT NOT NULL,
        claimed_at    TEXT,
        done_at       TEXT,
        work          TEXT NOT NULL,  -- JSON: what the agent applies
        result        TEXT,           -- JSON: what it reports
        PRIMARY KEY (run_id, node)
      ) STRICT;
      CREATE INDEX agent_work_pending ON agent_work (node, done_at);

      -- What happened, by whom: plan created, approved, run started, applied, failed, restored,
      -- refused. Append-only, enforced by the database itself.
      CREATE TABLE audit_events (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        actor         TEXT NOT NULL,
        event         TEXT NOT NULL,
        run_id        TEXT,
        plan_id       TEXT,
        node          TEXT,
        detail        TEXT NOT NULL   -- JSON
      ) STRICT;
      CREATE INDEX audit_by_time ON audit_events (at);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 4,
    description: 'collection times in UTC',
    // Reports stamped with an offset (12:00:00+05:00) were stored as written, and such times do
    // not sort as text in time order. Ingest now converts to UTC; this converts what is stored.
    // SQLite's strftime reads the offset; anything it cannot read is left as it is.
    sql: [
      'nodes.collected_at',
      'reports.collected_at',
      'category_versions.collected_at',
      'findings.first_seen',
      'findings.last_seen',
      'findings.resolved_at',
    ]
      .map((column) => {
        const [table, name] = column.split('.') as [string, string];
        const utc = `strftime('%Y-%m-%dT%H:%M:%fZ', ${name})`;
        return `UPDATE ${table} SET ${name} = ${utc} WHERE ${utc} IS NOT NULL AND ${name} <> ${utc};`;
      })
      .join('\n'),
  },
  {
    version: 5,
    description: 'findings by resolution time (trends)',
    // Trends read every finding open at a time or resolved after it; without this index that
    // is a scan of every finding ever resolved, which only grows.
    sql: 'CREATE INDEX findings_by_resolution ON findings (resolved_at) WHERE resolved_at IS NOT NULL;',
  },
  {
    version: 6,
    description: 'evaluations pending (several instances: a crash loses none)',
    // A node whose newest report changed something and whose evaluation has not seen it yet;
    // \`seq\` counts such reports, so an evaluation removes only what it saw.
    sql: `
      CREATE TABLE evaluation_pending (
        node       TEXT PRIMARY KEY,
        seq        INTEGER NOT NULL,
        marked_at  TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    description: 'category contents stored once per hash',
    // A content is named by its hash (ingest checks every text against it), and the nodes of a
    // role send the same packages, units and users: each distinct text is now stored once,
    // however many nodes and versions hold it. A version keeps its hash; its text is found by it.
    sql: `
      CREATE TABLE category_contents (
        hash     TEXT PRIMARY KEY,
        content  TEXT NOT NULL  -- JSON
      ) STRICT;
      INSERT OR IGNORE INTO category_contents (hash, content)
        SELECT hash, content FROM category_versions ORDER BY id;
      ALTER TABLE category_versions DROP COLUMN content;
    `,
  },
  {
    version: 8,
    description: 'versions by hash and latest by version (retention)',
    // Retention forgets versions superseded long ago, then the texts no version names any more:
    // finding whether a version still names a text is a lookup by hash. Deleting a version has
    // the database check that no category_latest row references it (the foreign key): without
    // an index that check read all of category_latest for each version deleted.
    sql: `
      CREATE INDEX category_versions_by_hash ON category_versions (hash);
      CREATE INDEX category_latest_by_version ON category_latest (version_id);
    `,
  },
];
