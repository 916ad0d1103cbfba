import type { Colors } from 'picocolors/types';
import { createColors } from 'picocolors';

/** Where a command writes, and whether a person is watching (colour only on a TTY). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  colors: Colors;
  /** Whether stderr is a terminal (progress bars go there). */
  errIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    colors: createColors(colour),
    errIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Pretty JSON on stdout and nothing else there (`--json` contract). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}
