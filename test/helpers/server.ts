/**
 * A real driftguard server for tests: a real SQLite file in a temp dir, the desired state from
 * a folder, built with buildServer; callers use `inject()` or `listen` on a loopback port.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DesiredHolder } from '../../src/app/desired-holder';
import { RunEventHub } from '../../src/app/enforce/events';
import { Enforcer } from '../../src/app/enforce/service';
import type { EnforcerDeps } from '../../src/app/enforce/service';
import { Evaluator } from '../../src/app/evaluate';
import { LiveHub, forwardRunEvents, liveObserver } from '../../src/app/live-events';
import { buildServer } from '../../src/server/app';
import type { DriftguardServer } from '../../src/server/app';
import { loadDesired } from '../../src/desired';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store';

export interface TestServer extends DriftguardServer {
  store: Store;
  enforcer: Enforcer;
  evaluator: Evaluator;
  holder: DesiredHolder;
  dir: string;
  dbFile: string;
  adminToken: string;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    desiredDir?: string;
    anonymousRead?: boolean;
    now?: () => Date;
    bodyLimit?: number;
    /** Known hosts and key for runs over SSH (default: none, so such runs fail to connect). */
    credentials?: EnforcerDeps['credentials'];
    agentTimeoutMs?: number;
    requestTimeoutMs?: number;
  } = {},
): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-server-'));
  const dbFile = path.join(dir, 'driftguard.db');
  const store = await openStore(dbFile);
  const now = options.now ?? (() => new Date());
  const holder = new DesiredHolder(options.desiredDir ?? 'desired-state', loadDesired, now);
  const loaded = holder.reload();
  if (!loaded.ok) throw loaded.error;
  const live = new LiveHub();
  const evaluator = new Evaluator({
    store,
    desired: () => holder.desired,
    onError: (node, err) => {
      throw new Error(`evaluating ${node}: ${String(err)}`);
    },
    observer: liveObserver(live, now),
  });
  // As serve wires it: whoever reloads (the API here), a changed desired state is evaluated.
  holder.onChange(() => evaluator.scheduleAll());
  const runEvents = new RunEventHub();
  forwardRunEvents(runEvents, live);
  const enforcer = new Enforcer({
    store,
    desired: () => holder.desired,
    now,
    evaluator,
    events: runEvents,
    credentials:
      options.credentials ??
      (() => {
        throw new Error('this test server has no SSH credentials');
      }),
    ...(options.agentTimeoutMs ? { agentTimeoutMs: options.agentTimeoutMs } : {}),
  });
  const server = await buildServer({
    store,
    desired: holder,
    evaluator,
    enforcer,
    live,
    now,
    anonymousRead: options.anonymousRead ?? false,
    bodyLimit: options.bodyLimit,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const adminToken = (await store.tokens.create({ role: 'admin', label: 'test' }, now().toISOString())).token;
  return {
    ...server,
    store,
    enforcer,
    evaluator,
    holder,
    dir,
    dbFile,
    adminToken,
    async close() {
      await server.app.close();
      await enforcer.idle();
      await evaluator.idle();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every row of every table of a store file, as one string: "the store is unchanged" means this
 * is equal before and after. Reads through its own connection (WAL lets it read beside the server).
 */
export function storeSnapshot(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    return JSON.stringify(
      tables.map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY 1`).all()]),
    );
  } finally {
    db.close();
  }
}
