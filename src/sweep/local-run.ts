/**
 * The remote script run on this machine against a directory (DRIFTGUARD_ROOT), with the same
 * conversation as over SSH: how tests dump a fixture tree, and how the sweep runner can be
 * pointed at trees instead of hosts. PATH may put stub programs first (see fixture-commands.ts).
 */
import { spawn } from 'node:child_process';
import { REMOTE_SCRIPT } from './remote-script';
import type { OpenedChannel } from './run';
import type { DumpCollectOptions, DumpCollectResult } from './session';
import { collectThroughDump } from './session';
import { StreamDumpChannel } from './stream-channel';

export interface LocalScriptOptions {
  root: string;
  /** Directories searched for programs before the inherited PATH. */
  pathPrefix?: string;
  /** The shell that runs the script (default /bin/sh, dash on Debian). */
  shell?: string;
}

/** Starts the script against `root`; the result plugs into the sweep runner like an SSH channel. */
export function openLocally(options: LocalScriptOptions): OpenedChannel {
  const env: NodeJS.ProcessEnv = { ...process.env, DRIFTGUARD_ROOT: options.root };
  if (options.pathPrefix) env.PATH = `${options.pathPrefix}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  const child = spawn(options.shell ?? '/bin/sh', ['-c', REMOTE_SCRIPT, 'driftguard-sweep'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const channel = new StreamDumpChannel(child.stdin, child.stdout, child.stderr);
  const exited = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      channel.ended(signal ? `signal ${signal}` : `exit code ${code}`);
      resolve();
    });
    child.on('error', (err) => {
      channel.ended(err.message);
      resolve();
    });
  });
  return {
    channel,
    description: options.root,
    async finish() {
      channel.quit();
      await exited;
    },
    destroy: () => child.kill('SIGKILL'),
  };
}

export async function collectTreeThroughDump(
  options: LocalScriptOptions & Omit<DumpCollectOptions, 'description'>,
): Promise<DumpCollectResult> {
  const opened = openLocally(options);
  try {
    return await collectThroughDump(opened.channel, { ...options, description: opened.description });
  } finally {
    await opened.finish();
  }
}
