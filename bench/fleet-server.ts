/**
 * What the server benchmarks (and the screenshots script) share: a generated fleet (N nodes with a role, the first ones in
 * pairs), a real `driftguard serve` process on loopback with its own SQLite file, and a loader
 * that sends report bodies with a number of requests in flight.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

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

export interface BenchServer {
  port: number;
  url: string;
  /** The first admin token (reports for any node, and reads). */
  token: string;
  /** The server process, for its CPU time and memory (/proc/PID). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * `driftguard serve` on a fresh store in a temp dir with this desired state (a folder, or a
 * fleet generated into the temp dir); `stop` ends it and removes the temp dir.
 */
export async function startServeProcess(options: {
  desired: string | ((dir: string) => void);
  args?: readonly string[];
}): Promise<BenchServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-'));
  let desiredDir = typeof options.desired === 'string' ? options.desired : path.join(dir, 'desired');
  if (typeof options.desired === 'function') {
    fs.mkdirSync(desiredDir);
    options.desired(desiredDir);
  }
  desiredDir = path.resolve(desiredDir);
  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      'serve',
      '--db',
      path.join(dir, 'dg.db'),
      '--desired',
      desiredDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const token = fs.readFileSync(path.join(dir, 'dg.db.admin-token'), 'utf8').trim();
  return { port, url: `http://127.0.0.1:${port}`, token, pid: server.pid!, stop };
}

/** A server for a generated fleet: `nodes` with a role, the first 2 × `pairs` of them in pairs. */
export function startBenchServer(options: {
  nodes: readonly string[];
  pairs?: number;
  args?: readonly string[];
}): Promise<BenchServer> {
  return startServeProcess({
    desired: (dir) => fleetDesiredState(dir, options.nodes, options.pairs),
    ...(options.args ? { args: options.args } : {}),
  });
}

export interface LoadResult {
  count: number;
  seconds: number;
  latencies: number[];
  failures: string[];
}

/** Sends every body with `concurrency` requests in flight over keep-alive connections. */
export async function load(
  port: number,
  token: string,
  bodies: readonly string[],
  concurrency: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const sent = process.hrtime.bigint();
      const status = await new Promise<number>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/reports',
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: `Bearer ${token}`,
            },
          },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      if (status !== 201 && status !== 200) failures.push(String(status));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return {
    count: bodies.length,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latencies,
    failures,
  };
}

/** CPU seconds (user + system, every thread) a process has used so far. */
export function cpuSeconds(pid: number): number {
  // /proc/PID/stat: the command may hold spaces; fields 14 and 15 (utime, stime) follow the ')'.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
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
