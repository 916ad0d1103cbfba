/**
 * Command outputs a dump brought back, and the CommandRunner that answers the collectors from
 * them — the sweep's counterpart of FixtureCommandRunner. A command the collectors ask for that
 * the dump does not hold yet is reported through `onMissing` (the sweep runs it in the next
 * round) and answered meanwhile as not installed.
 */
import type { CommandResult, CommandRunner } from '../collect/command-runner';
import { COMMAND_NOT_FOUND } from '../collect/command-runner';
import { DriftguardError } from '../shared/errors';
import type { CommandId } from './commands';
import { commandIdOf } from './commands';

export type CapturedCommand = CommandResult;

export class CapturedCommands {
  private readonly results = new Map<CommandId, CapturedCommand>();

  set(id: CommandId, result: CapturedCommand): void {
    this.results.set(id, result);
  }

  get(id: CommandId): CapturedCommand | undefined {
    return this.results.get(id);
  }
}

export class SnapshotCommandRunner implements CommandRunner {
  onMissing: ((id: CommandId) => void) | undefined;

  constructor(private readonly captured: CapturedCommands) {}

  run(argv: readonly string[]): Promise<CommandResult> {
    const id = commandIdOf(argv);
    if (id === undefined) {
      // A collector asks for a command the remote script does not know: a driftguard bug, to be
      // fixed in src/sweep/commands.ts, never something to run from data.
      return Promise.reject(
        new DriftguardError(
          'E_INTERNAL',
          `the sweep has no command ${JSON.stringify(argv)} (src/sweep/commands.ts)`,
        ),
      );
    }
    const result = this.captured.get(id);
    if (result === undefined) {
      this.onMissing?.(id);
      return Promise.resolve({ code: COMMAND_NOT_FOUND, stdout: '', stderr: `${argv[0]}: not fetched yet` });
    }
    return Promise.resolve({ ...result });
  }
}
