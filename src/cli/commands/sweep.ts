/**
 * `driftguard sweep`: agentless collection over SSH of every Node with an `ssh:` entry (or the
 * ones named), each state written to --out-dir as NODE.json or sent to a server as a full report.
 * Exit 0 when every node was reached (and delivered), 1 when some were not, 2 on usage errors.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReport } from '../../app/build-report';
import { sendReport } from '../../app/report-client';
import { loadDesired, nodeByName, watchListFor } from '../../desired';
import type { NodeDecl } from '../../model/desired';
import type { NodeState } from '../../model/state';
import { writeFileAtomic } from '../../shared/atomic-write';
import { currentTime } from '../../shared/clock';
import { UsageError } from '../../shared/errors';
import { defaultCacheDir, FileSweepCache } from '../../sweep/file-cache';
import type { SweepCache } from '../../sweep/fingerprint-cache';
import { sweepProgress } from '../../sweep/progress';
import type { SweepResult } from '../../sweep/run';
import { sweep } from '../../sweep/run';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { durationOption, readToken, sshCredentials } from './shared';
import { byText } from '../../shared/order';

export interface SweepCliOptions {
  desired: string;
  node?: string[];
  knownHosts?: string;
  identity?: string;
  concurrency: string;
  timeout: string;
  outDir?: string;
  server?: string;
  tokenFile?: string;
  /** A folder for the fingerprint cache; false with --no-cache; undefined: the default folder. */
  cache?: string | false;
  json: boolean;
}

/** Where each reached node's state went, or why it did not get there. */
type Delivery = { ok: true; where: string } | { ok: false; message: string };

function warn(io: CliIo, message: string): void {
  io.err(`${io.colors.yellow('driftguard: warning:')} ${message}\n`);
}

function selectNodes(
  desired: ReturnType<typeof loadDesired>,
  names: readonly string[] | undefined,
): NodeDecl[] {
  if (names && names.length > 0) {
    return names.map((name) => {
      const node = nodeByName(desired, name);
      if (!node.ssh)
        throw new UsageError(`node ${name} has no ssh: entry in ${desired.dir}: it cannot be swept`);
      return node;
    });
  }
  const nodes = Object.values(desired.nodes)
    .filter((node) => node.ssh !== undefined)
    .sort(byText((node) => node.name));
  if (nodes.length === 0)
    throw new UsageError(`no Node in ${desired.dir} has an ssh: entry: nothing to sweep`);
  return nodes;
}

/** The fingerprint cache the sweep uses, or none (--no-cache). DRIFTGUARD_DEBUG=1 says what it ignores. */
function sweepCache(options: SweepCliOptions, io: CliIo): SweepCache | undefined {
  if (options.cache === false) return undefined;
  const dir = options.cache === undefined ? defaultCacheDir(io.env) : path.resolve(io.cwd, options.cache);
  const debug = io.env.DRIFTGUARD_DEBUG
    ? (message: string) => io.err(`driftguard: debug: ${message}\n`)
    : undefined;
  return new FileSweepCache(dir, debug);
}

function concurrencyOption(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, not ${JSON.stringify(text)}`);
  }
  return value;
}

async function deliver(
  state: NodeState,
  options: SweepCliOptions,
  io: CliIo,
  token: string | undefined,
): Promise<Delivery> {
  if (options.outDir) {
    const file = path.join(path.resolve(io.cwd, options.outDir), `${state.node}.json`);
    writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
    return { ok: true, where: file };
  }
  const outcome = await sendReport(buildReport(state, randomUUID()), {
    server: options.server as string,
    token: token as string,
  });
  switch (outcome.kind) {
    case 'delivered':
      return { ok: true, where: options.server as string };
    case 'superseded':
      return { ok: false, message: 'the server already holds a newer report of this node' };
    case 'needs-categories':
      return { ok: false, message: `the server asked again for ${outcome.categories.join(', ')}` };
    case 'rejected':
      return { ok: false, message: `the server refused the report (${outcome.status}): ${outcome.message}` };
    case 'retry':
      return { ok: false, message: outcome.message };
  }
}

export async function runSweep(options: SweepCliOptions, io: CliIo): Promise<number> {
  if (Boolean(options.outDir) === Boolean(options.server)) {
    throw new UsageError('say where the states go: --out-dir DIR or --server URL (with --token-file FILE)');
  }
  const token = options.server ? readToken(options.tokenFile, io.env) : undefined;
  if (options.server && !token) {
    throw new UsageError(
      '--server needs a token that may report for every node swept: --token-file FILE (an admin token)',
    );
  }
  const concurrency = concurrencyOption(options.concurrency);
  const timeoutMs = durationOption('--timeout', options.timeout, 1000);
  const desired = loadDesired(path.resolve(io.cwd, options.desired));
  const nodes = selectNodes(desired, options.node);
  const { knownHosts, identity } = sshCredentials(options, io);
  const cache = sweepCache(options, io);
  if (options.outDir) fs.mkdirSync(path.resolve(io.cwd, options.outDir), { recursive: true });

  // A bar only when stderr is a terminal; plain lines otherwise.
  const tty = io.errIsTTY ? process.stderr : undefined;
  const progress = sweepProgress(nodes.length, {
    ...(tty ? { tty } : {}),
    line: (text) => io.err(`${text}\n`),
  });
  const deliveries = new Map<string, Promise<Delivery>>();
  let results: SweepResult[];
  try {
    results = await sweep(nodes, {
      knownHosts,
      identity,
      concurrency,
      timeoutMs,
      now: () => currentTime(io.env),
      watchList: (name) => watchListFor(desired, name),
      ...(cache ? { cache } : {}),
      onEvent: (event) => {
        progress.onEvent(event);
        // Deliver as each node finishes: a slow node does not hold the others' reports back.
        if (event.kind === 'finished' && event.result.ok) {
          deliveries.set(
            event.result.node,
            deliver(event.result.state, options, io, token).catch((err: Error) => ({
              ok: false,
              message: err.message,
            })),
          );
        }
      },
    });
  } finally {
    progress.stop();
  }

  const summary = await Promise.all(
    results.map(async (result) => {
      const delivery = result.ok ? await deliveries.get(result.node) : undefined;
      return { result, delivery };
    }),
  );
  const reached = summary.filter(({ result, delivery }) => result.ok && delivery?.ok);
  const failed = summary.length - reached.length;

  if (options.json) {
    printJson(io, {
      nodes: summary.map(({ result, delivery }) =>
        result.ok
          ? {
              node: result.node,
              ok: delivery?.ok === true,
              rounds: result.rounds,
              bytes: result.bytes,
              ms: Math.round(result.ms),
              collectorErrors: result.state.errors.length,
              warnings: result.warnings,
              reused: result.reused,
              ...(delivery?.ok
                ? { deliveredTo: delivery.where }
                : { reason: 'delivery', message: delivery?.message }),
            }
          : {
              node: result.node,
              ok: false,
              reason: result.reason,
              message: result.error.message,
              ms: Math.round(result.ms),
            },
      ),
      reached: reached.length,
      failed,
    });
  } else {
    // Each node's problems once: failures (named in the progress as they happen) are explained
    // in the list after the count.
    for (const { result, delivery } of summary) {
      if (!result.ok) continue;
      if (!delivery?.ok)
        io.err(`${io.colors.red('✗')} ${result.node}: reached, but not delivered: ${delivery?.message}\n`);
      else {
        for (const warning of result.warnings) warn(io, `${result.node}: ${warning}`);
        for (const error of result.state.errors)
          warn(io, `${result.node}: ${error.collector}: ${error.message}`);
      }
    }
    const where = options.outDir
      ? ` (states in ${options.outDir})`
      : options.server
        ? ` (reports sent to ${options.server})`
        : '';
    io.err(`swept ${summary.length} node(s): ${reached.length} reached, ${failed} failed${where}\n`);
    for (const { result } of summary) {
      if (!result.ok) io.err(`  ${io.colors.red('✗')} ${result.error.message}\n`);
    }
  }
  return failed === 0 ? EXIT_OK : EXIT_FINDINGS;
}
