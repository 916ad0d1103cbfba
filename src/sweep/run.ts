/**
 * The SSH sweep: collects every given node agentlessly — one SSH connection per node, one run of
 * the remote script, the collectors run here on what it sent — with bounded concurrency and a
 * deadline per node. Each node ends as `{ ok: true, state }` or `{ ok: false, reason, error }`;
 * one node failing (unreachable, refused, too slow) never stops the others.
 */
import type { WatchList } from '../collect/types';
import type { Desired, NodeDecl, SshTarget } from '../model/desired';
import type { Category, NodeState } from '../model/state';
import { asDriftguardError, DriftguardError } from '../shared/errors';
import type { TransportFailure } from '../transport/errors';
import { TransportError } from '../transport/errors';
import type { SshIdentity } from '../transport/identity';
import type { KnownHosts } from '../transport/known-hosts';
import { connectSsh } from '../transport/ssh';
import { mapLimited } from './limit';
import { remoteCommandLine } from './remote-script';
import type { SweepCache } from './fingerprint-cache';
import { collectWithCache } from './resweep';
import type { DumpChannel, DumpCollectOptions } from './session';
import { collectThroughDump } from './session';
import { StreamDumpChannel } from './stream-channel';
import { resolveTargets } from '../desired/targets';

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Connect + handshake + authentication; a node that does not answer SSH in this long is unreachable. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;
/** How long a finished script gets to clean up its temporary directory before the connection closes. */
const GOODBYE_MS = 2_000;

export type SweepFailure = TransportFailure | 'not-configured';

export type SweepResult =
  | {
      node: string;
      ok: true;
      state: NodeState;
      rounds: number;
      /** Bytes received from the node. */
      bytes: number;
      ms: number;
      warnings: string[];
      /** Categories taken from the fingerprint cache (the node answered "same"); [] without one. */
      reused: Category[];
    }
  | { node: string; ok: false; reason: SweepFailure; error: DriftguardError; ms: number };

export type SweepEvent = { kind: 'started'; node: string } | { kind: 'finished'; result: SweepResult };

/** A remote script running for one node, however it was reached. */
export interface OpenedChannel {
  channel: DumpChannel;
  /** Where the node's state came from, for messages (`ssh://root@10.0.0.11:22`). */
  description: string;
  /** Ends the conversation politely (the script removes its temporary directory). */
  finish(): Promise<void>;
  /** Drops everything at once (deadline passed, failure). */
  destroy(): void;
}

export interface OpenOptions {
  knownHosts: KnownHosts;
  identity: SshIdentity;
  connectTimeoutMs: number;
}

export type ChannelOpener = (
  node: NodeDecl & { ssh: SshTarget },
  options: OpenOptions,
) => Promise<OpenedChannel>;

export interface SweepOptions {
  knownHosts: KnownHosts;
  identity: SshIdentity;
  concurrency?: number;
  /** Whole budget per node: connect, script, collection. */
  timeoutMs?: number;
  now?: () => Date;
  /** The paths a node's roles watch, and those recorded by hash only (from the desired state). */
  watchList?: (node: string) => WatchList;
  onEvent?: (event: SweepEvent) => void;
  /** How a node's script is reached: SSH unless a test says otherwise. */
  open?: ChannelOpener;
  /**
   * Fingerprints of the last sweeps: a category the node answers the same is not fetched or
   * collected again (src/sweep/resweep.ts). Without one, one conversation over every category.
   */
  cache?: SweepCache;
}

/** SSH: connect, check the host key, log in, exec the constant script. */
export const openOverSsh: ChannelOpener = async (node, options) => {
  const connection = await connectSsh({
    node: node.name,
    host: node.ssh.host,
    port: node.ssh.port,
    user: node.ssh.user,
    knownHosts: options.knownHosts,
    identity: options.identity,
    connectTimeoutMs: options.connectTimeoutMs,
  });
  let stream;
  try {
    stream = await connection.exec(remoteCommandLine());
  } catch (err) {
    connection.destroy();
    throw err;
  }
  const channel = new StreamDumpChannel(stream, stream, stream.stderr);
  const closed = new Promise<void>((resolve) => {
    stream.on('close', (code: number | null, signal?: string) => {
      channel.ended(signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`);
      resolve();
    });
  });
  return {
    channel,
    description: `ssh://${node.ssh.user}@${node.ssh.host}:${node.ssh.port}`,
    async finish() {
      channel.quit();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, GOODBYE_MS)))]);
      clearTimeout(timer);
      connection.close();
    },
    destroy: () => connection.destroy(),
  };
};

function failure(node: string, err: unknown, started: number): SweepResult {
  const error = asDriftguardError(err);
  const reason: SweepFailure =
    error instanceof TransportError ? error.reason : error.code === 'E_INTERNAL' ? 'protocol' : 'script';
  return { node, ok: false, reason, error, ms: performance.now() - started };
}

async function sweepOne(node: NodeDecl, options: SweepOptions, open: ChannelOpener): Promise<SweepResult> {
  const started = performance.now();
  const ssh = node.ssh;
  if (!ssh) {
    return failure(
      node.name,
      new TransportError('protocol', `node ${node.name} has no ssh: entry in the desired state`),
      started,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let opened: OpenedChannel | undefined;
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      opened?.destroy();
      reject(
        new TransportError(
          'timeout',
          `${node.name} (${ssh.host}:${ssh.port}) did not finish within ${timeoutMs / 1000}s`,
        ),
      );
    }, timeoutMs);
  });
  try {
    const opening = open(
      { ...node, ssh },
      {
        knownHosts: options.knownHosts,
        identity: options.identity,
        connectTimeoutMs: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS),
      },
    );
    // A connection that completes after the deadline is dropped as soon as it exists.
    opening.then((late) => (expired ? late.destroy() : undefined)).catch(() => undefined);
    opened = await Promise.race([opening, deadline]);
    const watch = options.watchList?.(node.name);
    const collectOptions: DumpCollectOptions = {
      node: node.name,
      now: (options.now ?? (() => new Date()))(),
      watchPaths: watch?.paths ?? [],
      sensitivePaths: watch?.sensitive ?? [],
      description: opened.description,
    };
    const collected = await Promise.race([
      options.cache
        ? collectWithCache(opened.channel, collectOptions, options.cache)
        : collectThroughDump(opened.channel, collectOptions).then((result) => ({
            ...result,
            reused: [] as Category[],
          })),
      deadline,
    ]);
    await opened.finish();
    return {
      node: node.name,
      ok: true,
      state: collected.state,
      rounds: collected.rounds,
      bytes: collected.bytes,
      ms: performance.now() - started,
      warnings: collected.warnings,
      reused: collected.reused,
    };
  } catch (err) {
    if (!expired) opened?.destroy(); // an expired deadline has destroyed it already
    const wrapped =
      err instanceof DriftguardError && !(err instanceof TransportError)
        ? new TransportError('script', `${node.name}: ${err.message}`, err)
        : err;
    return failure(node.name, wrapped, started);
  } finally {
    clearTimeout(timer);
  }
}

/** Sweeps the nodes, at most `concurrency` at a time; results in the order of `nodes`. */
export function sweep(nodes: readonly NodeDecl[], options: SweepOptions): Promise<SweepResult[]> {
  const open = options.open ?? openOverSsh;
  return mapLimited(nodes, options.concurrency ?? DEFAULT_CONCURRENCY, async (node) => {
    options.onEvent?.({ kind: 'started', node: node.name });
    const result = await sweepOne(node, options, open);
    options.onEvent?.({ kind: 'finished', result });
    return result;
  });
}

/**
 * For a `kind: Schedule`: sweeps what its targets name (`pair:NAME`, `node:NAME`, `role:NAME`).
 * A targeted node without an `ssh:` entry is a failed result ('not-configured'), not a silent skip.
 */
export async function sweepTargets(
  desired: Desired,
  targets: readonly string[],
  options: SweepOptions,
): Promise<SweepResult[]> {
  const nodes = resolveTargets(desired, targets);
  const reachable = nodes.filter((node) => node.ssh !== undefined);
  const results = new Map((await sweep(reachable, options)).map((result) => [result.node, result]));
  return nodes.map(
    (node): SweepResult =>
      results.get(node.name) ?? {
        node: node.name,
        ok: false,
        reason: 'not-configured',
        error: new DriftguardError(
          'E_USAGE',
          `node ${node.name} has no ssh: entry in ${desired.dir}: it cannot be swept`,
        ),
        ms: 0,
      },
  );
}
