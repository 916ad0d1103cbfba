import { DirectoryStateSource } from '../../app/state-source';
import type { StateSource } from '../../app/state-source';
import { UsageError } from '../../shared/errors';

export interface StateOptions {
  states?: string;
  server?: string;
  json: boolean;
}

/** The state source a command was pointed at; exactly one of --states and --server. */
export function stateSourceFrom(options: StateOptions): StateSource {
  if (options.states) return new DirectoryStateSource(options.states);
  if (options.server) {
    throw new UsageError(
      '--server needs the driftguard server, which this version does not include yet; use --states DIR',
    );
  }
  throw new UsageError('say where the states are: --states DIR (a folder of NODE.json) or --server URL');
}
