/**
 * Commands whose output is part of a node's state (rpm's database, `drbdsetup status --json`,
 * systemd's active states). Always argv arrays — never a shell string built from data.
 *
 * For a fixture tree the answers come from captured output listed in
 * `ROOT/.driftguard/commands.json`:
 *
 *   { "commands": [ { "argv": ["drbdsetup", "status", "--json"], "stdoutFile": "drbdsetup-status.json" },
 *                   { "argv": ["rpm", "-qa"], "stdoutFile": "rpm-qa.txt", "exitCode": 0 } ] }
 *
 * An entry answers a command whose argv starts with the entry's argv (so a fixture need not
 * repeat a long `--qf` format). A command with no entry behaves as not installed (exit 127).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CommandResult {
  /** Exit code; 127 when the program does not exist. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(argv: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
}

export const COMMAND_NOT_FOUND = 127;

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Runs programs on this host. */
export class LocalCommandRunner implements CommandRunner {
  run(argv: readonly string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    const [program, ...args] = argv;
    if (program === undefined) return Promise.reject(new Error('empty argv'));
    return new Promise((resolve) => {
      execFile(
        program,
        args,
        {
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          maxBuffer: MAX_OUTPUT_BYTES,
          env: { ...process.env, LC_ALL: 'C' },
        },
        (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr });
          const errno = err as NodeJS.ErrnoException & { code?: string | number };
          if (errno.code === 'ENOENT') {
            return resolve({ code: COMMAND_NOT_FOUND, stdout: '', stderr: `${program}: command not found` });
          }
          const code = typeof errno.code === 'number' ? errno.code : 1;
          resolve({ code, stdout, stderr: stderr || err.message });
        },
      );
    });
  }
}

interface CapturedCommand {
  argv: string[];
  stdout?: string;
  stdoutFile?: string;
  stderr?: string;
  exitCode?: number;
}

/** Answers from a fixture tree's captured output. */
export class FixtureCommandRunner implements CommandRunner {
  private readonly captured: CapturedCommand[];
  private readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, '.driftguard');
    const manifest = path.join(this.dir, 'commands.json');
    this.captured = fs.existsSync(manifest)
      ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { commands: CapturedCommand[] }).commands
      : [];
  }

  run(argv: readonly string[]): Promise<CommandResult> {
    const entry = this.captured.find(
      (candidate) =>
        candidate.argv.length <= argv.length && candidate.argv.every((word, index) => argv[index] === word),
    );
    if (!entry) {
      return Promise.resolve({
        code: COMMAND_NOT_FOUND,
        stdout: '',
        stderr: `${argv[0]}: command not found`,
      });
    }
    const stdout =
      entry.stdoutFile !== undefined
        ? fs.readFileSync(path.join(this.dir, entry.stdoutFile), 'utf8')
        : (entry.stdout ?? '');
    return Promise.resolve({ code: entry.exitCode ?? 0, stdout, stderr: entry.stderr ?? '' });
  }
}

/** The host's own runner for `/`, captured answers for any other root. */
export function commandRunnerFor(root: string): CommandRunner {
  return path.resolve(root) === '/' ? new LocalCommandRunner() : new FixtureCommandRunner(root);
}
