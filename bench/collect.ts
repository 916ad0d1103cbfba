/**
 * Full collection of a node (default: this host), as an operator runs it:
 * `driftguard collect --out FILE`, a fresh process each time, wall time and peak RSS measured
 * from outside with GNU time. Then one in-process run to show where the time goes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectors } from '../src/collect';
import { commandRunnerFor } from '../src/collect/command-runner';
import { DiskRootFs } from '../src/collect/root-fs';
import type { Category } from '../src/model/state';
import { ms, summarize } from './stats';

const CLI = path.resolve(__dirname, '../../bin/driftguard.js');
const GNU_TIME = '/usr/bin/time';

function oneRun(root: string, out: string): { wallMs: number; rssMb: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    GNU_TIME,
    ['-f', '%M', process.execPath, CLI, 'collect', '--root', root, '--out', out],
    {
      encoding: 'utf8',
    },
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`collect failed: ${result.stderr}`);
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
      // The CLI run above already reports collector errors; here only the time matters.
    }
    times[category as Category] = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return times;
}

export async function runCollectBench(args: Map<string, string>): Promise<void> {
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: apt-get install time`);
  const root = args.get('root') ?? '/';
  const runs = Number(args.get('runs') ?? 30);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-')), 'state.json');
  oneRun(root, out); // warm the page cache
  const samples = Array.from({ length: runs }, () => oneRun(root, out));
  const state = JSON.parse(fs.readFileSync(out, 'utf8'));
  const wall = summarize(samples.map((s) => s.wallMs));
  const rss = summarize(samples.map((s) => s.rssMb));
  const sizes = {
    packages: Object.keys(state.packages?.items ?? {}).length,
    sysctls: Object.keys(state.sysctls?.live ?? {}).length,
    units: Object.keys(state.units?.items ?? {}).length,
    files: Object.keys(state.files?.items ?? {}).length,
  };
  const lines = [
    `driftguard collect --root ${root}: ${runs} runs, fresh process each (node ${process.version}, ${os.cpus().length} CPUs)`,
    `  state: ${sizes.packages} packages, ${sizes.sysctls} live sysctls, ${sizes.units} units, ${sizes.files} files, ${state.errors.length} collector errors`,
    `  wall:  median ${ms(wall.median)}  p90 ${ms(wall.p90)}  min ${ms(wall.min)}  max ${ms(wall.max)}   (target: median ≤ 150 ms)`,
    `  peak RSS: median ${rss.median.toFixed(1)} MB  max ${rss.max.toFixed(1)} MB   (target: ≤ 120 MB)`,
    `  in-process, per collector (one warm run):`,
  ];
  await perCollector(root);
  for (const [category, time] of Object.entries(await perCollector(root)))
    lines.push(`    ${category.padEnd(12)} ${ms(time)}`);
  process.stdout.write(lines.join('\n') + '\n');
}
