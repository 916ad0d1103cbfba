/**
 * What the server benchmarks (and the screenshots script) share: a generated fleet (N nodes with a role, the first ones in
 * pairs), a real `driftguard serve` process on loopback with its own store — a SQLite file, or a
 * database on a private PostgreSQL cluster (test/helpers/postgres.ts) — and a loader that sends
 * report bodies with a number of requests in flight.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { adminTokenFileOf } from '../src/app/admin-token-file';
import { startPostgres } from '../test/helpers/postgres';

const CLI = path.resolve(__dirname, '../../bin/driftguard.js');

/** N nodes with the role of desired-state/localhost.yaml; the first 2 × `pairs` in pairs. */
export function fleetDesiredState(dir: string, nodes: readonly string[], pairs = nodes.length / 2): void {
  const role = fs
    .readFileSync(path.resolve(__dirname, '../../desired-state/localhost.yaml'), 'utf8')
    .split('\n---\n')[0];
  const docs = [role];
  for (const node of nodes) docs.push(`kind: Node\nname: ${node}\nroles: [debian-server]`);
  for (let i = 0; i + 1 < nodes.length && i / 2 < pairs; i += 2)
    docs.push(`kind: Pair\nname: pair-${i / 2}\nprimary: ${nodes[i]}\nsecondary: ${nodes[i + 1]}`);
  fs.writeFileSync(path.join(dir, 'fleet.yaml'), docs.join('\n---\n') + '\n');
}

export function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${String(i).padStart(5, '0')}`);
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not come up at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type BenchStore = 'sqlite' | 'postgres';

export interface BenchServer {
  port: number;
  url: string;
  /** The first admin token (reports for any node, and reads). */
  token: string;
  /** The server process (its RSS and CPU are in /proc/PID). */
  pid: number;
  store: BenchStore;
  /** What the store takes on disk now, in bytes, and what that is made of. */
  storeSize(): Promise<{ bytes: number; detail: string }>;
  /** PostgreSQL's count of the database's committed and rolled-back transactions (pg_stat_database); undefined for SQLite. */
  storeTransactions(): Promise<{ commits: number; rollbacks: number } | undefined>;
  /** CPU seconds the store's own processes have used (PostgreSQL's backends of this database); 0 for SQLite, which runs in the server. */
  storeCpuSeconds(): number;
  /** What the server logged so far (warnings and errors: pino's JSON lines). */
  log(): string;
  stop(): Promise<void>;
}

/** A PostgreSQL database of its own on a private cluster (test/helpers/postgres.ts), and how to measure it. */
async function benchDatabase(): Promise<{
  url: string;
  size(): Promise<{ bytes: number; detail: string }>;
  transactions(): Promise<{ commits: number; rollbacks: number }>;
  cpuSeconds(): number;
  stop(): void;
}> {
  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase();
    const database = new URL(url).pathname.slice(1);
    const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<T>(sql)).rows[0] as T;
      } finally {
        await client.end();
      }
    };
    return {
      url,
      async size() {
        const row = await query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
        return { bytes: Number(row.bytes), detail: 'pg_database_size' };
      },
      async transactions() {
        const row = await query<{ commits: string; rollbacks: string }>(
          'SELECT xact_commit AS commits, xact_rollback AS rollbacks FROM pg_stat_database WHERE datname = current_database()',
        );
        return { commits: Number(row.commits), rollbacks: Number(row.rollbacks) };
      },
      // Backends name their database in their title ("postgres: postgres dg_… 127.0.0.1(…) idle").
      cpuSeconds: processesCpu((cmdline) => cmdline.includes(` ${database} `)),
      stop: () => cluster.stop(),
    };
  } catch (err) {
    cluster.stop();
    throw err;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process so far (/proc/PID/stat), 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the processes whose command line matches, so far: every call looks for them
 * again, and a process that has ended counts with what it had used when last seen (call often
 * enough to see short-lived ones).
 */
function processesCpu(matches: (cmdline: string) => boolean): () => number {
  const seen = new Map<number, number>();
  return () => {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (matches(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ')))
          seen.set(Number(entry), Math.max(seen.get(Number(entry)) ?? 0, cpuSeconds(Number(entry))));
      } catch {
        // gone meanwhile
      }
    }
    let total = 0;
    for (const cpu of seen.values()) total += cpu;
    return total;
  };
}

function fileSize(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * `driftguard serve` on a fresh store in a temp dir with this desired state (a folder, or a
 * fleet generated into the temp dir); `stop` ends it and removes the temp dir (and the
 * PostgreSQL cluster). `store`: a SQLite file (default) or a database on a private PostgreSQL
 * cluster started for this server.
 */
export async function startServeProcess(options: {
  desired: string | ((dir: string) => void);
  args?: readonly string[];
  store?: BenchStore;
}): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-'));
  let desiredDir = typeof options.desired === 'string' ? options.desired : path.join(dir, 'desired');
  if (typeof options.desired === 'function') {
    fs.mkdirSync(desiredDir);
    options.desired(desiredDir);
  }
  desiredDir = path.resolve(desiredDir);
  const sqliteFile = path.join(dir, 'dg.db');
  const postgres = options.store === 'postgres' ? await benchDatabase() : undefined;
  const db = postgres?.url ?? sqliteFile;
  const port = await freePort();
  const logFile = path.join(dir, 'serve.log');
  const logFd = fs.openSync(logFile, 'w');
  const server: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      'serve',
      '--db',
      db,
      '--desired',
      desiredDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    // On PostgreSQL the first admin token is written to the current directory.
    { stdio: ['ignore', logFd, 'inherit'], cwd: dir },
  );
  fs.closeSync(logFd);
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const token = fs.readFileSync(path.join(dir, path.basename(adminTokenFileOf(db))), 'utf8').trim();
  const sqliteSize = () => {
    const [file, wal] = [fileSize(sqliteFile), fileSize(`${sqliteFile}-wal`)];
    return Promise.resolve({ bytes: file + wal, detail: `file ${mib(file)} + WAL ${mib(wal)}` });
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    pid: server.pid as number,
    store: postgres ? 'postgres' : 'sqlite',
    storeSize: postgres ? () => postgres.size() : sqliteSize,
    storeTransactions: postgres ? () => postgres.transactions() : () => Promise.resolve(undefined),
    storeCpuSeconds: postgres ? () => postgres.cpuSeconds() : () => 0,
    log: () => fs.readFileSync(logFile, 'utf8'),
    stop,
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/** A server for a generated fleet: `nodes` with a role, the first 2 × `pairs` of them in pairs. */
export function startBenchServer(options: {
  nodes: readonly string[];
  pairs?: number;
  args?: readonly string[];
  store?: BenchStore;
}): Promise<BenchServer> {
  return startServeProcess({
    desired: (dir) => fleetDesiredState(dir, options.nodes, options.pairs),
    ...(options.args ? { args: options.args } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
}

export interface LoadResult {
  count: number;
  seconds: number;
  latencies: number[];
  failures: string[];
}

export interface Sent {
  /** HTTP status, or 0 when there was no answer (then `error` says why). */
  status: number;
  ms: number;
  error?: string;
}

/** A keep-alive connection pool to the server on loopback. */
export function keepAlive(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * POST /api/v1/reports with this body (a string, or pieces written one after the other — a
 * large shared piece is encoded once, not per request); the latency is from here to the end of
 * the answer. Never rejects: a request that gets no answer (or none in `timeoutMs`) is status 0.
 */
export function postReport(
  agent: http.Agent,
  port: number,
  token: string,
  body: string | readonly (string | Buffer)[],
  timeoutMs = 60_000,
): Promise<Sent> {
  const pieces = typeof body === 'string' ? [body] : body;
  const length = pieces.reduce((n, piece) => n + Buffer.byteLength(piece), 0);
  const sent = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - sent) / 1e6;
  return new Promise<Sent>((resolve) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/reports',
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': length,
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: elapsed() }));
        response.on('error', (err) => resolve({ status: 0, ms: elapsed(), error: err.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    request.on('error', (err) => resolve({ status: 0, ms: elapsed(), error: err.message }));
    for (const piece of pieces) request.write(piece);
    request.end();
  });
}

/** What a failed request is called in the output: its status, or why there was none. */
export function failureOf(result: Sent): string | undefined {
  if (result.status === 201 || result.status === 200) return undefined;
  return result.status ? String(result.status) : (result.error ?? 'no answer');
}

/** Runs `work` on every item with `concurrency` at a time, in order of the items. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Sends every body with `concurrency` requests in flight over keep-alive connections. */
export async function load(
  port: number,
  token: string,
  bodies: readonly string[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = keepAlive(concurrency);
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = process.hrtime.bigint();
  await inPool(bodies, concurrency, async (body) => {
    const result = await postReport(agent, port, token, body);
    latencies.push(result.ms);
    const failure = failureOf(result);
    if (failure) failures.push(failure);
  });
  agent.destroy();
  return {
    count: bodies.length,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latencies,
    failures,
  };
}

/**
 * CPU seconds the process used from `before` until it went quiet: the evaluations a burst left
 * behind are done when its CPU time stops growing (less than 20 ms in half a second).
 */
export async function cpuUntilQuiet(pid: number, before: number): Promise<number> {
  let last = cpuSeconds(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuSeconds(pid);
    if (now - last < 0.02) return now - before;
    last = now;
  }
}
