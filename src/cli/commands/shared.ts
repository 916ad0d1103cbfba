import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServerStateSource } from '../../app/server-state-source';
import type { SessionOptions } from '../../app/enforce/sessions';
import { DirectoryStateSource } from '../../app/state-source';
import type { StateSource } from '../../app/state-source';
import { parseDuration } from '../../desired/values';
import { formatDuration } from '../../shared/format';
import { IoError, UsageError } from '../../shared/errors';
import { isPostgresUrl } from '../../store/location';
import type { SshIdentity } from '../../transport/identity';
import { loadIdentity } from '../../transport/identity';
import type { KnownHosts } from '../../transport/known-hosts';
import { readKnownHostsFile } from '../../transport/known-hosts';
import type { CliIo } from '../io';

export interface StateOptions {
  states?: string;
  server?: string;
  tokenFile?: string;
  json: boolean;
}

/** A token from a file (first line), else from DRIFTGUARD_TOKEN, else none. */
export function readToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (tokenFile === undefined) return env.DRIFTGUARD_TOKEN || undefined;
  try {
    return fs.readFileSync(tokenFile, 'utf8').split('\n')[0]?.trim() || undefined;
  } catch (err) {
    throw new IoError(`cannot read the token file ${tokenFile}: ${(err as Error).message}`, err);
  }
}

/** The state source a command was pointed at; exactly one of --states and --server. */
export function stateSourceFrom(options: StateOptions, env: NodeJS.ProcessEnv): StateSource {
  if (options.states) return new DirectoryStateSource(options.states);
  if (options.server) return new ServerStateSource(options.server, readToken(options.tokenFile, env));
  throw new UsageError('say where the states are: --states DIR (a folder of NODE.json) or --server URL');
}

/** A duration flag (`90s`, `5m`, `500ms`) in milliseconds, at least `minimumMs`. */
export function durationOption(flag: string, text: string, minimumMs = 0): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.error}`);
  if (parsed.value < minimumMs)
    throw new UsageError(`${flag} ${text} is too short: at least ${formatDuration(minimumMs)}`);
  return parsed.value;
}

/** A path option as the shell would expand it: `~/…` in the user's home, relative to the working folder. */
export function expandPath(file: string, io: Pick<CliIo, 'env' | 'cwd'>): string {
  const home = io.env.HOME || os.homedir();
  return path.resolve(io.cwd, file.startsWith('~/') ? path.join(home, file.slice(2)) : file);
}

/** A command's `--db`: a PostgreSQL URL as given, or a store file path expanded like any other. */
export function storeLocation(db: string, io: Pick<CliIo, 'env' | 'cwd'>): string {
  return isPostgresUrl(db) ? db : expandPath(db, io);
}

/** Host keys and the login key for SSH (sweep, apply, restore): `~/` expanded, known_hosts warnings shown. */
export function sshCredentials(
  options: { knownHosts?: string; identity?: string },
  io: CliIo,
): { knownHosts: KnownHosts; identity: SshIdentity } {
  const knownHosts = readKnownHostsFile(
    expandPath(options.knownHosts ?? '~/.ssh/known_hosts', io),
    (message) => io.err(`${io.colors.yellow('driftguard: warning:')} ${message}\n`),
  );
  const identity = loadIdentity({
    ...(options.identity ? { identityFile: expandPath(options.identity, io) } : {}),
    env: io.env,
    home: io.env.HOME || os.homedir(),
  });
  return { knownHosts, identity };
}

/** What apply and restore reach nodes with: the options of `--via local` and of `--via ssh`. */
export interface SessionFlags {
  root?: string;
  knownHosts?: string;
  identity?: string;
  sudo: boolean;
  connectTimeout: string;
}

/** How apply and restore reach nodes: the tree under --root (default /), or SSH with the fleet's keys. */
export function sessionOptionsFor(
  via: 'ssh' | 'local',
  flags: SessionFlags,
  io: CliIo,
  now: () => Date,
): SessionOptions {
  if (via === 'local') return { via, root: expandPath(flags.root ?? '/', io), now };
  return {
    via,
    ...sshCredentials(flags, io),
    connectTimeoutMs: durationOption('--connect-timeout', flags.connectTimeout, 1000),
    sudo: flags.sudo,
    now,
  };
}
