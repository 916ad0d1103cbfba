/**
 * `npm run bench -- NAME [options]`: the project's benchmarks. Timings are measured here and
 * reported in docs/performance.md — never asserted in tests.
 */
import { runApplyBench } from './apply';
import { runCollectBench } from './collect';
import { runDashboardBench } from './dashboard';
import { runFleetBench } from './fleet';
import { runIngestBench } from './ingest';
import { runReadyBench } from './ready';
import { runRetentionBench } from './retention';
import { benchArgs } from './stats';
import { runSweepBench } from './sweep';

const benches: Record<string, (args: Map<string, string>) => Promise<void>> = {
  apply: runApplyBench,
  collect: runCollectBench,
  dashboard: runDashboardBench,
  fleet: runFleetBench,
  ingest: runIngestBench,
  ready: runReadyBench,
  retention: runRetentionBench,
  sweep: runSweepBench,
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    process.stderr.write(
      `usage: npm run bench -- <${Object.keys(benches).join('|')}> [--runs N] [--root DIR]\n`,
    );
    process.exitCode = 2;
    return;
  }
  await bench(benchArgs(rest));
}

void main();
