import * as path from 'node:path';
import { collectNode } from '../../app/collect-node';
import { loadDesired } from '../../desired';
import { writeFileAtomic } from '../../shared/atomic-write';
import { currentTime } from '../../shared/clock';
import { EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';

export interface CollectOptions {
  root: string;
  node?: string;
  desired?: string;
  out?: string;
}

export async function runCollect(options: CollectOptions, io: CliIo): Promise<number> {
  const desired = options.desired ? loadDesired(options.desired) : undefined;
  const { state, warnings } = await collectNode({
    root: options.root,
    node: options.node,
    desired,
    now: currentTime(io.env),
  });
  for (const warning of warnings) io.err(`${io.colors.yellow('driftguard: warning:')} ${warning}\n`);
  const json = JSON.stringify(state, null, 2) + '\n';
  if (options.out) {
    writeFileAtomic(path.resolve(io.cwd, options.out), json);
    io.err(`wrote the state of ${state.node} to ${options.out}\n`);
  } else {
    io.out(json);
  }
  return EXIT_OK;
}
