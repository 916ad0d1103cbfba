/**
 * Full collection of a node (default: this host), as an operator runs it: a fresh
 * `driftguard collect` process each time, wall time and peak RSS measured from outside with GNU
 * time. Measured side by side, interleaved, with an empty `node -e 0` — the floor no Node
 * program can go under on this machine — and with `--out FILE` (atomic write with fsync).
 * Then one in-process run per collector, cold and warm, to show where the time goes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectors } from '../src/collect';
import { commandRunnerFor } from '../src/collect/command-runner';
import { DiskRootFs } from '../src/collect/root-fs';
import { ms, summarize } from './stats';

const CLI = path.resolve(__dirname, '../../bin/driftguard.js');
const GNU_TIME = '/usr/bin/time';

interface Sample {
  wallMs: number;
  rssMb: number;
}

function oneRun(argv: string[], stdoutFile: string): Sample {
  const out = fs.openSync(stdoutFile, 'w');
  const started = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ['-f', '%M', process.execPath, ...argv], {
    stdio: ['ignore', out, 'pipe'],
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  fs.closeSync(out);
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  const kb = Number(result.stderr.trim().split('\n').pop());
  return { wallMs, rssMb: kb / 1024 };
}

async function perCollector(root: string): Promise<Record<string, number>> {
  const ctx = { fs: new DiskRootFs(root), run: commandRunnerFor(root), watchPaths: [] };
  const times: Record<string, number> = {};
  for (const [category, collector] of Object.entries(collectors)) {
    const started = process.hrtime.bigint();
    try {
      await collector.collect(ctx);
    } catch {
      // The CLI runs above report collector errors; here only the time matters.
    }
    times[category] = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return times;
}

function line(label: string, samples: Sample[]): string {
  const wall = summarize(samples.map((s) => s.wallMs));
  const rss = summarize(samples.map((s) => s.rssMb));
  return `  ${label.padEnd(34)} median ${ms(wall.median).padStart(9)}  p90 ${ms(wall.p90).padStart(9)}  min ${ms(wall.min).padStart(9)}   peak RSS ${rss.max.toFixed(1)} MB`;
}

export async function runCollectBench(args: Map<string, string>): Promise<void> {
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: apt-get install time`);
  const root = args.get('root') ?? '/';
  const runs = Number(args.get('runs') ?? 30);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-'));
  const stateFile = path.join(dir, 'state.json');
  const variants: [string, string[]][] = [
    ['node -e 0 (the floor)', ['-e', '0']],
    ['collect > FILE', [CLI, 'collect', '--root', root]],
    [
      'collect --out FILE (fsync + rename)',
      [CLI, 'collect', '--root', root, '--out', path.join(dir, 'out.json')],
    ],
  ];
  const samples = variants.map((): Sample[] => []);
  for (const [, argv] of variants) oneRun(argv, stateFile); // warm the page cache
  for (let run = 0; run < runs; run++) {
    variants.forEach(([, argv], index) =>
      samples[index]?.push(oneRun(argv, index === 1 ? stateFile : path.join(dir, 'ignored'))),
    );
  }
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  const sizes = {
    packages: Object.keys(state.packages?.items ?? {}).length,
    sysctls: Object.keys(state.sysctls?.live ?? {}).length,
    units: Object.keys(state.units?.items ?? {}).length,
    files: Object.keys(state.files?.items ?? {}).length,
  };
  const cold = await perCollector(root);
  const warm = await perCollector(root);
  const lines = [
    `driftguard collect --root ${root}: ${runs} interleaved runs each, fresh process (node ${process.version}, ${os.cpus().length} CPUs)`,
    `  state: ${sizes.packages} packages, ${sizes.sysctls} live sysctls, ${sizes.units} units, ${sizes.files} files, ${state.errors.length} collector errors`,
    ...variants.map(([label], index) => line(label, samples[index] ?? [])),
    `  targets: median ≤ 150 ms wall, ≤ 120 MB peak RSS`,
    `  in-process per collector, first run (cold) / second run (warm, what a running agent pays):`,
    ...Object.keys(cold).map(
      (category) =>
        `    ${category.padEnd(12)} ${ms(cold[category] ?? NaN).padStart(9)} / ${ms(warm[category] ?? NaN).padStart(9)}`,
    ),
    `    ${'total'.padEnd(12)} ${ms(Object.values(cold).reduce((a, b) => a + b, 0)).padStart(9)} / ${ms(Object.values(warm).reduce((a, b) => a + b, 0)).padStart(9)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
}
