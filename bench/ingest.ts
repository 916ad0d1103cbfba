/**
 * Ingest throughput of a real `driftguard serve` process on loopback: full reports (every
 * category, a ~200 KB state of this host, first contact of each node so everything is stored
 * and evaluated) and heartbeats (hashes only), with p50/p99 latency. The fleet is declared in a
 * generated desired state — N nodes in N/2 pairs with a role — so every stored report also pays
 * for drift and parity evaluation, as in production.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from '../src/app/build-report';
import { collectNode } from '../src/app/collect-node';
import type { Report } from '../src/model/report';
import type { NodeState } from '../src/model/state';
import { ms, percentile } from './stats';

const CLI = path.resolve(__dirname, '../../bin/driftguard.js');

function fleetDesiredState(dir: string, nodes: string[]): void {
  const role = fs
    .readFileSync(path.resolve(__dirname, '../../desired-state/localhost.yaml'), 'utf8')
    .split('\n---\n')[0];
  const docs = [role];
  for (const node of nodes) docs.push(`kind: Node\nname: ${node}\nroles: [debian-server]`);
  for (let i = 0; i + 1 < nodes.length; i += 2)
    docs.push(`kind: Pair\nname: pair-${i / 2}\nprimary: ${nodes[i]}\nsecondary: ${nodes[i + 1]}`);
  fs.writeFileSync(path.join(dir, 'fleet.yaml'), docs.join('\n---\n') + '\n');
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

interface Result {
  count: number;
  seconds: number;
  latencies: number[];
  failures: string[];
}

/** Sends every body with `concurrency` requests in flight over keep-alive connections. */
async function load(port: number, token: string, bodies: string[], concurrency: number): Promise<Result> {
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

function line(label: string, result: Result): string {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return `  ${label.padEnd(16)} ${String(result.count).padStart(6)} in ${result.seconds.toFixed(2)} s = ${(result.count / result.seconds).toFixed(0).padStart(6)}/s   p50 ${ms(percentile(sorted, 50))}  p99 ${ms(percentile(sorted, 99))}${result.failures.length ? `   FAILED: ${result.failures.length} (${[...new Set(result.failures)].join(', ')})` : ''}`;
}

export async function runIngestBench(args: Map<string, string>): Promise<void> {
  const nodeCount = Number(args.get('nodes') ?? 1000);
  const heartbeatRounds = Number(args.get('heartbeat-rounds') ?? 5);
  const concurrency = Number(args.get('concurrency') ?? 16);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-ingest-'));
  const desiredDir = path.join(dir, 'desired');
  fs.mkdirSync(desiredDir);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node-${String(i).padStart(5, '0')}`);
  fleetDesiredState(desiredDir, nodes);

  const { state: host } = await collectNode({ root: '/', node: 'bench', now: new Date() });
  const port = await freePort();
  const server = spawn(
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
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitFor(`http://127.0.0.1:${port}/healthz`, 30_000);
    const token = fs.readFileSync(path.join(dir, 'dg.db.admin-token'), 'utf8').trim();
    const at = (offsetSeconds: number) =>
      new Date(Date.parse(host.collectedAt) + offsetSeconds * 1000).toISOString();
    const stateOf = (node: string, collectedAt: string): NodeState => ({ ...host, node, collectedAt });
    const full = nodes.map((node) => JSON.stringify(buildReport(stateOf(node, at(0)), `${node}-full`)));
    const fullResult = await load(port, token, full, concurrency);
    // Round by round: a node's heartbeats must arrive in order (an older one is refused as out of order).
    const rounds: Result[] = [];
    for (let round = 1; round <= heartbeatRounds; round++) {
      const beats = nodes.map((node) =>
        JSON.stringify(
          buildReport(stateOf(node, at(round)), `${node}-beat-${round}`, host.hashes) satisfies Report,
        ),
      );
      rounds.push(await load(port, token, beats, concurrency * 2));
    }
    const beatResult: Result = {
      count: rounds.reduce((n, r) => n + r.count, 0),
      seconds: rounds.reduce((n, r) => n + r.seconds, 0),
      latencies: rounds.flatMap((r) => r.latencies),
      failures: rounds.flatMap((r) => r.failures),
    };
    const size = (Buffer.byteLength(full[0] as string) / 1024).toFixed(0);
    process.stdout.write(
      [
        `driftguard ingest: real server on 127.0.0.1, ${nodeCount} nodes in ${nodeCount / 2} pairs (node ${process.version}, ${os.cpus().length} CPUs)`,
        `  full report = this host's state, ${size} KB: ${Object.keys(host.packages?.items ?? {}).length} packages, ${Object.keys(host.sysctls?.live ?? {}).length} sysctls, ${Object.keys(host.units?.items ?? {}).length} units`,
        line('full reports', fullResult) + `   (${concurrency} in flight)`,
        line('heartbeats', beatResult) + `   (${concurrency * 2} in flight)`,
        `  targets: ≥ 300 full reports/s, ≥ 3,000 heartbeats/s`,
      ].join('\n') + '\n',
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
