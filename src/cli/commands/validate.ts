import { loadDesired } from '../../desired';
import { EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { plural } from '../render/findings';

export interface ValidateOptions {
  desired: string;
  json: boolean;
}

/** Errors propagate to main, which prints each problem as file:line:col and exits 2. */
export async function runValidate(options: ValidateOptions, io: CliIo): Promise<number> {
  const desired = loadDesired(options.desired);
  const counts = {
    roles: Object.keys(desired.roles).length,
    nodes: Object.keys(desired.nodes).length,
    pairs: Object.keys(desired.pairs).length,
    schedules: Object.keys(desired.schedules).length,
  };
  if (options.json) {
    printJson(io, { valid: true, dir: desired.dir, hash: desired.hash, ...counts });
  } else {
    io.out(
      `${io.colors.green('✓')} ${options.desired} is valid: ${plural(counts.roles, 'role')}, ${plural(counts.nodes, 'node')}, ${plural(counts.pairs, 'pair')}, ${plural(counts.schedules, 'schedule')}\n`,
    );
  }
  return EXIT_OK;
}
