/**
 * Running an argv on a node — the one thing every enforcement transport must do. Over SSH the
 * argv becomes one command line through the one quoting function (`shJoin`); locally it is
 * spawned without a shell, under `chroot ROOT` when the node's root is not `/`. Everything else
 * enforcement does on a node (reading, backing up, writing files) is built from this, once.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { ClientChannel } from 'ssh2';
import { CommandError } from '../shared/errors';
import { shJoin } from './shell-quote';
import type { SshConnection } from './ssh';

export interface CommandResult {
  /** Exit code; null when a signal ended it or it timed out. */
  code: number | null;
  stdout: Buffer;
  /** The last few KB of stderr, as text. */
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: string | Buffer;
  timeoutMs?: number;
}

export interface NodeShell {
  /** Where commands run, for messages and the run record (`ssh://root@10.0.0.12:22`, `chroot:/srv/n`). */
  readonly description: string;
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
}

const STDERR_KEPT = 8000;
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;
/** A PATH with the sbin directories, which non-login sessions (and sudo -n) may lack. */
const SANE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function checkArgv(argv: readonly string[]): void {
  if (argv.length === 0) throw new CommandError('an empty command');
  for (const word of argv)
    if (word.includes('\0')) throw new CommandError('a command word contains a NUL byte');
}

/** Collects a child's output into a CommandResult, with a timeout that kills it. */
function collectOutput(
  streams: { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream },
  kill: () => void,
  timeoutMs: number,
  onExit: (done: (code: number | null) => void) => void,
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    streams.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    streams.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    let settled = false;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      resolve({
        code: timedOut ? null : code,
        stdout: Buffer.concat(out),
        stderr: timedOut ? `${err}\n(killed after ${Math.round(timeoutMs / 1000)} s)`.trim() : err,
        ms: performance.now() - started,
      });
    };
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
      // A process or channel that does not even close when killed must not hang the run.
      grace = setTimeout(() => finish(null), 5_000);
    }, timeoutMs);
    onExit(finish);
  });
}

/** This machine, or a tree on it run with `chroot` (a node's disk mounted here, a test sandbox). */
export class LocalShell implements NodeShell {
  readonly description: string;
  private readonly root: string;

  constructor(root = '/') {
    this.root = path.resolve(root);
    this.description = this.root === '/' ? 'local' : `chroot:${this.root}`;
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    checkArgv(argv);
    const [file, ...args] = this.root === '/' ? argv : ['chroot', this.root, ...argv];
    const child = spawn(file as string, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PATH: SANE_PATH, LC_ALL: 'C' },
    });
    child.stdin.on('error', () => undefined); // a command that does not read its input
    child.stdin.end(options.input ?? '');
    return collectOutput(
      child,
      () => child.kill('SIGKILL'),
      options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      (done) => {
        child.on('error', (error) => {
          child.stderr.emit('data', Buffer.from(`cannot run ${file}: ${error.message}`));
          done(127);
        });
        child.on('close', (code) => done(code));
      },
    );
  }

  async close(): Promise<void> {}
}

/**
 * A constant wrapper that runs the argv after it and reports its exit status as the last line
 * of stderr. The SSH exit status can be lost: sshd sends it as a channel request just before
 * closing the channel, and an exec channel that the client closes first (ssh2 does when both
 * directions of the stream have ended) never receives it — seen here as exit code "null" for
 * about one command in twenty. A change must not be taken for a failure, nor a failure for a
 * change: the status travels in band, and the channel's own is only the fallback.
 */
const EXIT_MARKER = '@driftguard-exit';
const REPORT_EXIT = [
  'sh',
  '-c',
  `"$@"; s=$?; printf '\\n${EXIT_MARKER} %d\\n' "$s" >&2; exit "$s"`,
  'driftguard-run',
];

/** Takes the in-band exit status off the end of stderr (see REPORT_EXIT). */
function exitReportedInBand(result: CommandResult): CommandResult {
  const match = new RegExp(`\\n?${EXIT_MARKER} (\\d+)\\n?$`).exec(result.stderr);
  if (!match) return result;
  return { ...result, code: Number(match[1]), stderr: result.stderr.slice(0, match.index) };
}

/** One SSH connection to the node: an exec channel per command. With `sudo`, every argv runs under `sudo -n`. */
export class SshShell implements NodeShell {
  constructor(
    private readonly connection: SshConnection,
    readonly description: string,
    private readonly sudo = false,
  ) {}

  /** The command line an argv becomes: every word quoted, under `sudo -n` when asked. */
  private commandLine(argv: readonly string[], reportExit = false): string {
    checkArgv(argv);
    const words = ['env', `PATH=${SANE_PATH}`, 'LC_ALL=C', ...(reportExit ? REPORT_EXIT : []), ...argv];
    return shJoin(this.sudo ? ['sudo', '-n', '--', ...words] : words);
  }

  /** A long-running command whose stdin and stdout the caller talks over (the sweep's dump script). */
  openStream(argv: readonly string[]): Promise<ClientChannel> {
    return this.connection.exec(this.commandLine(argv));
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const channel: ClientChannel = await this.connection.exec(this.commandLine(argv, true));
    channel.on('error', () => undefined);
    channel.end(options.input ?? '');
    return collectOutput(
      { stdout: channel, stderr: channel.stderr },
      () => channel.destroy(),
      options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      (done) => {
        let code: number | null = null;
        channel.on('exit', (exitCode: number | null) => {
          code = exitCode;
        });
        channel.on('close', () => done(code));
      },
    ).then(exitReportedInBand);
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
