/**
 * Ingest throughput of a real `driftguard serve` process on loopback: full reports (every
 * category, a ~250 KB state of this host made each node's own (bench/node-states.ts), first
 * contact of each node so everything is stored
 * and evaluated) and heartbeats (hashes only), with p50/p99 latency. The fleet is declared in a
 * generated desired state — N nodes in N/2 pairs with a role — so every stored report also pays
 * for drift and parity evaluation, as in production.
 */
import * as os from 'node:os';
import { buildReport } from '../src/app/build-report';
import { collectNode } from '../src/app/collect-node';
import type { Report } from '../src/model/report';
import { cpuSeconds, cpuUntilQuiet, load, nodeNames, startBenchServer } from './fleet-server';
import { nodeState } from './node-states';
import type { LoadResult } from './fleet-server';
import { ms, percentile } from './stats';

function line(label: string, result: LoadResult): string {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return `  ${label.padEnd(16)} ${String(result.count).padStart(6)} in ${result.seconds.toFixed(2)} s = ${(result.count / result.seconds).toFixed(0).padStart(6)}/s   p50 ${ms(percentile(sorted, 50))}  p99 ${ms(percentile(sorted, 99))}${result.failures.length ? `   FAILED: ${result.failures.length} (${[...new Set(result.failures)].join(', ')})` : ''}`;
}

export async function runIngestBench(args: Map<string, string>): Promise<void> {
  const nodeCount = Number(args.get('nodes') ?? 1000);
  const heartbeatRounds = Number(args.get('heartbeat-rounds') ?? 5);
  const concurrency = Number(args.get('concurrency') ?? 16);
  const nodes = nodeNames(nodeCount);
  const { state: host } = await collectNode({ root: '/', node: 'bench', now: new Date() });
  const server = await startBenchServer({ nodes });
  const { port, token } = server;
  try {
    const at = (offsetSeconds: number) =>
      new Date(Date.parse(host.collectedAt) + offsetSeconds * 1000).toISOString();
    const states = new Map(nodes.map((node) => [node, nodeState(host, node, at(0))]));
    const full = nodes.map((node) => JSON.stringify(buildReport(states.get(node)!, `${node}-full`)));
    const cpuBefore = cpuSeconds(server.pid);
    const fullResult = await load(port, token, full, concurrency);
    const cpuAtEnd = cpuSeconds(server.pid) - cpuBefore;
    const cpuWithEvaluation = await cpuUntilQuiet(server.pid, cpuBefore);
    // Round by round: a node's heartbeats must arrive in order (an older one is refused as out of order).
    const rounds: LoadResult[] = [];
    for (let round = 1; round <= heartbeatRounds; round++) {
      const beats = nodes.map((node) =>
        JSON.stringify(
          buildReport(
            { ...states.get(node)!, collectedAt: at(round) },
            `${node}-beat-${round}`,
            states.get(node)!.hashes,
          ) satisfies Report,
        ),
      );
      rounds.push(await load(port, token, beats, concurrency * 2));
    }
    const beatResult: LoadResult = {
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
        `    server CPU per full report: ${ms((cpuAtEnd * 1000) / nodeCount)} while they came in, ${ms((cpuWithEvaluation * 1000) / nodeCount)} with the evaluations they left (all threads; ${os.cpus().length} CPUs = at most ${((os.cpus().length * nodeCount) / cpuWithEvaluation).toFixed(0)} evaluated full reports/s)`,
        line('heartbeats', beatResult) + `   (${concurrency * 2} in flight)`,
        `  targets: ≥ 300 full reports/s, ≥ 3,000 heartbeats/s`,
      ].join('\n') + '\n',
    );
  } finally {
    await server.stop();
  }
}
