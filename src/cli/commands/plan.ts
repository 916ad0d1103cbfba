/**
 * `driftguard plan TARGET`: the fixes for the current findings of a node or a pair, from a
 * folder of states or a server — reviewable, changing nothing. Exit 0 nothing to do, 1 fixes
 * planned (changes or advice), 2 error. `--out FILE` keeps the plan for `apply --plan FILE`.
 */
import * as path from 'node:path';
import { planTarget } from '../../app/enforce/plan-target';
import { loadDesired } from '../../desired';
import { writeFileAtomic } from '../../shared/atomic-write';
import { currentTime } from '../../shared/clock';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { renderPlan } from '../render/plan';
import type { StateOptions } from './shared';
import { stateSourceFrom } from './shared';

export interface PlanOptions extends StateOptions {
  desired: string;
  out?: string;
}

export async function runPlan(target: string, options: PlanOptions, io: CliIo): Promise<number> {
  const desired = loadDesired(options.desired);
  const plan = await planTarget(desired, stateSourceFrom(options, io.env), target, {
    now: currentTime(io.env),
  });
  if (options.out) writeFileAtomic(path.resolve(io.cwd, options.out), JSON.stringify(plan, null, 2) + '\n');
  if (options.json) printJson(io, plan);
  else io.out(renderPlan(plan, io.colors));
  return plan.fixes.length === 0 ? EXIT_OK : EXIT_FINDINGS;
}
