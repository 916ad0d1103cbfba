/**
 * Node states that tests collect from fixture trees with the real collectors, kept for the rest
 * of a mutation run when `scripts/mutate.mjs` asks for it (DG_MUTATE_STATE_CACHE, a folder).
 *
 * Why: under Stryker every mutant runs its covering tests in a fresh module registry, so a test
 * that collects pypi-1 collects it again for each mutant — half a second a variant, seconds a
 * mutant. Stryker times each test once, in the dry run, where an earlier test had already
 * collected what a later one reuses: the later test's time was too short, and its mutants "timed
 * out" when it ran alone — counted as killed without being killed. The cache is set only for
 * targets that no collector runs through (src/readiness): the collection is the tests' input
 * there, not what is measured. Outside a mutation run it does nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeState } from '../../src/model/state';

export async function collectedOnce(key: string, collect: () => Promise<NodeState>): Promise<NodeState> {
  const dir = process.env.DG_MUTATE_STATE_CACHE;
  if (!dir) return collect();
  const file = path.join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as NodeState;
  const state = await collect();
  fs.mkdirSync(dir, { recursive: true });
  // Written aside and renamed: several test runners of one run may collect the same state.
  const aside = `${file}.${process.pid}`;
  fs.writeFileSync(aside, JSON.stringify(state));
  fs.renameSync(aside, file);
  return state;
}
