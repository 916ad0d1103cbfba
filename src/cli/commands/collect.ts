import * as path from 'node:path';
import { collectNode } from '../../app/collect-node';
import { writeFileAtomic } from '../../shared/atomic-write';
import { currentTime } from '../../shared/clock';
import { EXIT_OK } from '../exit-codes';
import type { WatchList } from '../../collect/types';
import type { CliIo } from '../io';

export interface CollectOptions {
  root: string;
  node?: string;
  desired?: string;
  out?: string;
}

/** The files the node's roles watch; the desired-state loader is required only when asked for. */
async function watchListFrom(
  dir: string | undefined,
  io: CliIo,
): Promise<((node: string) => WatchList) | undefined> {
  if (!dir) return undefined;
  const { loadDesired, watchListFor } = await import('../../desired');
  const desired = loadDesired(dir);
  return (node) => {
    if (!desired.nodes[node])
      warn(io, `node ${node} is not declared in ${dir}: only the built-in files are recorded`);
    return watchListFor(desired, node);
  };
}

function warn(io: CliIo, message: string): void {
  io.err(`${io.colors.yellow('driftguard: warning:')} ${message}\n`);
}

export async function runCollect(options: CollectOptions, io: CliIo): Promise<number> {
  const watch = await watchListFrom(options.desired, io);
  const { state, warnings } = await collectNode({
    root: options.root,
    node: options.node,
    watchList: watch,
    now: currentTime(io.env),
  });
  for (const warning of warnings) warn(io, warning);
  const json = JSON.stringify(state, null, 2) + '\n';
  if (options.out) {
    writeFileAtomic(path.resolve(io.cwd, options.out), json);
    io.err(`wrote the state of ${state.node} to ${options.out}\n`);
  } else {
    io.out(json);
  }
  return EXIT_OK;
}
