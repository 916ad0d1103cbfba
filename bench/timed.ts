/** A command run as an operator runs it — a fresh process, timed from outside, wall clock from start to exit. */
import { spawnSync } from 'node:child_process';

export interface Timed {
  wallMs: number;
  code: number;
  stdout: string;
  stderr: string;
}

export function timed(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Timed {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return { wallMs, code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
