/**
 * Real driftguard processes for reliability tests: `driftguard serve` on a free loopback port
 * with a SQLite file in a temp dir (or a PostgreSQL database), and `driftguard agent` processes pointed at it — started
 * through the built CLI (bin/driftguard.js) exactly as an operator starts them, stopped with
 * SIGTERM or killed with SIGKILL. Every process started here is tracked, so `killAll()` in an
 * afterEach/afterAll reaps whatever a failing test left running.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { adminTokenFileOf } from '../../src/app/admin-token-file';
import { isPostgresUrl } from '../../src/store/location';
import { CLI, CLI_ENV, REPO } from './cli';

const running = new Set<ChildProcess>();

/** A port nobody listens on right now: bind port 0 on loopback, read it, let it go. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls `check` until it returns something other than undefined/false, or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, everyMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A CLI process with its output captured. */
export class CliProcess {
  stdout = '';
  stderr = '';
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  private done = false;

  constructor(readonly child: ChildProcess) {
    running.add(child);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        running.delete(child);
        this.done = true;
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return !this.done;
  }

  /** SIGTERM (a clean stop) and the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** kill -9: no cleanup of any kind. */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** stderr's pino JSON lines (others skipped). */
  logLines(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** The built CLI in a child process, without blocking this one (a server in this process keeps answering). */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = REPO): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...CLI_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new CliProcess(child);
}

export interface ServerProcess extends CliProcess {
  url: string;
  port: number;
  db: string;
  adminToken: string;
}

/** GET /healthz over HTTPS, trusting only `ca`. */
function httpsHealthy(url: string, ca: Buffer): () => Promise<boolean> {
  return () =>
    new Promise((resolve) => {
      const request = https.get(`${url}/healthz`, { ca }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('error', () => resolve(false));
    });
}

/**
 * The working directory of servers on a PostgreSQL store, one per database: their first admin
 * token is written there (a SQLite store has it beside its file), never in the repository.
 */
const postgresServerDirs = new Map<string, string>();

/** Where a server on `db` runs, and where it writes the store's first admin token. */
function serverHome(db: string): { cwd: string; adminTokenFile: string } {
  if (!isPostgresUrl(db)) return { cwd: REPO, adminTokenFile: `${path.resolve(db)}.admin-token` };
  let cwd = postgresServerDirs.get(db);
  if (!cwd) {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-serve-pg-'));
    postgresServerDirs.set(db, cwd);
  }
  return { cwd, adminTokenFile: path.join(cwd, path.basename(adminTokenFileOf(db))) };
}

/**
 * `driftguard serve --db DB --listen 127.0.0.1:PORT --desired DESIRED`, resolved once /healthz
 * answers. Pass the `db` and `port` of a stopped server to start it again on the same store. DB
 * is a SQLite file (by default a new one in a temp dir) or a PostgreSQL URL.
 */
export async function startServer(
  options: {
    db?: string;
    port?: number;
    desired?: string;
    args?: string[];
    tls?: { cert: string; key: string };
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<ServerProcess> {
  const db = options.db ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dg-serve-')), 'driftguard.db');
  const port = options.port ?? (await freePort());
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const tlsArgs = options.tls ? ['--tls-cert', options.tls.cert, '--tls-key', options.tls.key] : [];
  const home = serverHome(db);
  const server = startCli(
    [
      'serve',
      '--db',
      db,
      '--listen',
      `127.0.0.1:${port}`,
      '--desired',
      path.resolve(REPO, options.desired ?? 'desired-state'),
      '--log-level',
      'warn',
      ...tlsArgs,
      ...(options.args ?? []),
    ],
    options.env,
    home.cwd,
  );
  const healthy = options.tls
    ? httpsHealthy(url, fs.readFileSync(options.tls.cert))
    : async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true;
  const state = await waitFor(`the server on ${url}`, async () => {
    if (!server.alive) return 'exited';
    return (await healthy()) && 'ready';
  });
  if (state === 'exited')
    throw new Error(`driftguard serve exited with ${await server.exited}: ${server.stderr}`);
  const adminToken = fs.readFileSync(home.adminTokenFile, 'utf8').trim();
  return Object.assign(server, { url, port, db, adminToken }) as ServerProcess;
}

export interface AgentProcessOptions {
  server: string;
  tokenFile: string;
  root: string;
  spool: string;
  interval?: string;
  node?: string;
  args?: string[];
}

/** `driftguard agent …` with the given flags (debug logs, so tests see every heartbeat and coalescing). */
export function startAgent(options: AgentProcessOptions): CliProcess {
  return startCli(agentArgs(options));
}

export function agentArgs(options: AgentProcessOptions): string[] {
  return [
    'agent',
    '--server',
    options.server,
    '--token-file',
    options.tokenFile,
    '--root',
    options.root,
    '--spool',
    options.spool,
    '--interval',
    options.interval ?? '1s',
    '--log-level',
    'debug',
    ...(options.node ? ['--node', options.node] : []),
    ...(options.args ?? []),
  ];
}

/** A node token created through the API with the server's admin token, written 0600 in `dir`. */
export async function createNodeToken(server: ServerProcess, node: string, dir: string): Promise<string> {
  const created = (await api(server, '/api/v1/tokens', {
    method: 'POST',
    token: server.adminToken,
    body: { role: 'node', node },
  })) as { token: string };
  const file = path.join(dir, `${node}.token`);
  fs.writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
  return file;
}

/** A JSON API call; throws on a non-2xx answer. */
export async function api(
  server: { url: string; adminToken: string },
  route: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<unknown> {
  const response = await fetch(`${server.url}${route}`, {
    method: options.method ?? 'GET',
    headers: {
      authorization: `Bearer ${options.token ?? server.adminToken}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = (await response.json()) as unknown;
  if (!response.ok)
    throw new Error(
      `${options.method ?? 'GET'} ${route} answered ${response.status}: ${JSON.stringify(body)}`,
    );
  return body;
}

export interface StoredReport {
  id: number;
  node: string;
  reportId: string;
  kind: 'full' | 'delta' | 'heartbeat';
  collectedAt: string;
  changed: string[];
}

/** The store's reports table, in the order rows were stored, read through a read-only connection. */
export function storedReports(db: string, node?: string): StoredReport[] {
  const connection = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = connection
      .prepare(
        `SELECT id, node, report_id AS reportId, kind, collected_at AS collectedAt, changed FROM reports
         ${node ? 'WHERE node = ?' : ''} ORDER BY id`,
      )
      .all(...(node ? [node] : [])) as (Omit<StoredReport, 'changed'> & { changed: string })[];
    return rows.map((row) => ({ ...row, changed: JSON.parse(row.changed) as string[] }));
  } finally {
    connection.close();
  }
}

/** The same, of a SQLite file or a PostgreSQL database. */
export async function storedReportsOf(db: string, node?: string): Promise<StoredReport[]> {
  if (!isPostgresUrl(db)) return storedReports(db, node);
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    const { rows } = await client.query<
      Omit<StoredReport, 'changed' | 'id'> & { id: string; changed: string }
    >(
      `SELECT id, node, report_id AS "reportId", kind, collected_at AS "collectedAt", changed FROM reports
       ${node ? 'WHERE node = $1' : ''} ORDER BY id`,
      node ? [node] : [],
    );
    return rows.map((row) => ({ ...row, id: Number(row.id), changed: JSON.parse(row.changed) as string[] }));
  } finally {
    await client.end();
  }
}

/** Report ids waiting in an agent's spool, oldest first. */
export function spooledIds(spool: string): string[] {
  if (!fs.existsSync(spool)) return [];
  return fs
    .readdirSync(spool)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => name.slice(0, -'.json'.length));
}

/** kill -9 every process started here that is still running (for afterEach/afterAll). */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  const exiting = left.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(exiting.map((child) => once(child, 'exit')));
}
