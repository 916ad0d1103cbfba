/**
 * In-process readiness evaluation of one pair whose nodes have 3,000 packages, 1,500 sysctls
 * and 400 units each (the PyPI example states, grown with realistic entries), many times over:
 * the median is what a `ready` call or a server evaluation pays for the pure part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDesired } from '../src/desired';
import { emptyUnitDependencies } from '../src/model/state';
import type { NodeState, UnitInfo } from '../src/model/state';
import { readiness } from '../src/readiness';
import { ms, summarize } from './stats';

const REPO = path.resolve(__dirname, '../..');

function grown(node: string, seed: number): NodeState {
  const state = JSON.parse(
    fs.readFileSync(path.join(REPO, `examples/states/${node}.json`), 'utf8'),
  ) as NodeState;
  const packages = state.packages!.items;
  for (let i = Object.keys(packages).length; i < 3000; i++) {
    const name = `lib-bench-${i}`;
    // Every 500th package differs between the nodes, as real pairs drift.
    packages[`${name}:amd64`] = {
      name,
      arch: 'amd64',
      version: `1.${i % 500 === 0 ? seed : 0}.${i}-1`,
      status: 'install ok installed',
    };
  }
  const live = state.sysctls!.live;
  for (let i = Object.keys(live).length; i < 1500; i++)
    live[`net.ipv4.conf.bench${i}.rp_filter`] = String((i + seed) % 3 === 0 ? 2 : 1);
  const units = state.units!.items;
  for (let i = Object.keys(units).length; i < 400; i++) {
    const name = `bench-${i}.service`;
    const unit: UnitInfo = {
      name,
      type: 'service',
      path: `/lib/systemd/system/${name}`,
      dropIns: [],
      masked: false,
      enablement: 'enabled',
      defaultDependencies: true,
      ...emptyUnitDependencies(),
    };
    unit.after = ['network.target', `bench-${i - 1}.service`];
    unit.wantedBy = ['multi-user.target'];
    unit.wantedByLinks = ['multi-user.target'];
    units[name] = unit;
  }
  return state;
}

export async function runReadyBench(args: Map<string, string>): Promise<void> {
  const runs = Number(args.get('runs') ?? 200);
  const desired = loadDesired(path.join(REPO, 'desired-state'));
  const pair = desired.pairs.pypi!;
  const primary = grown('pypi-1', 1);
  const secondary = grown('pypi-2', 2);
  const now = new Date(Date.parse(secondary.collectedAt) + 60_000);
  const input = { pair, desired, primary, secondary, now, probes: [] };
  for (let i = 0; i < 20; i++) readiness(input); // warm up the JIT, as a running server is
  const samples: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    verdict = readiness(input).verdict;
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const stats = summarize(samples);
  const sizes = (s: NodeState) =>
    `${Object.keys(s.packages!.items).length} packages, ${Object.keys(s.sysctls!.live).length} sysctls, ${Object.keys(s.units!.items).length} units`;
  process.stdout.write(
    [
      `readiness of one pair, in process, ${runs} evaluations (node ${process.version})`,
      `  primary: ${sizes(primary)}; secondary: ${sizes(secondary)}; verdict ${verdict}`,
      `  per evaluation: median ${ms(stats.median)}  p90 ${ms(stats.p90)}  min ${ms(stats.min)}  max ${ms(stats.max)}   (target: median ≤ 20 ms)`,
    ].join('\n') + '\n',
  );
}
