/**
 * `driftguard agent`: the node agent (agents/): collects this node (or a tree under --root) on
 * an interval, reports to the server, spools while the server is away. Runs until SIGTERM or
 * SIGINT, which finish the delivery under way and leave the rest spooled; `--once` collects,
 * delivers what it can, and exits (0 when the spool is empty, 2 when reports still wait).
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyPendingWork } from '../../../agents/apply-work';
import type { AgentLog } from '../../../agents/log';
import { getJson } from '../../app/api-client';
import { createAgent } from '../../../agents/agent';
import { LOG_LEVELS, createAgentLogger } from '../../../agents/log';
import { nodeCollector } from '../../../agents/node-collector';
import { parseSize } from '../../../agents/size';
import { Spool } from '../../../agents/spool';
import { readTokenFile } from '../../../agents/token-file';
import { failoverTransport, fetchWatchList, fromAnyServer } from '../../../agents/transport';
import { durationOption } from './shared';
import { currentTime } from '../../shared/clock';
import { ServerError, UsageError } from '../../shared/errors';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';

export interface AgentCliOptions {
  /** One URL, or several: instances of one server on one PostgreSQL store, tried in turn. */
  server: string | string[];
  tokenFile: string;
  interval: string;
  root: string;
  node?: string;
  spool: string;
  spoolMaxReports: string;
  spoolMaxSize: string;
  backoffMax: string;
  watchRefresh: string;
  once: boolean;
  logLevel: string;
  /** Apply the approved work waiting for this node, answer the server, exit (the privileged apply unit). */
  apply: boolean;
  /** The daemon starts this unit when work waits for the node. */
  applyUnit?: string;
}

/** `--apply`: one pass of the agent's apply step (agents/apply-work.ts). Exit 0 applied or nothing to do, 1 failed or refused. */
async function runApplyStep(
  options: AgentCliOptions,
  io: CliIo,
  servers: readonly URL[],
  token: string,
): Promise<number> {
  const log = createAgentLogger(options.logLevel);
  const node = options.node ?? os.hostname();
  // The apply step is one conversation (claim the work, answer it): with the first instance that answers.
  const hrefs = servers.map((url) => url.href);
  const server =
    hrefs.length === 1
      ? (hrefs[0] as string)
      : await fromAnyServer(hrefs, async (href) => {
          const answer = await getJson(href, '/healthz', token, 10_000);
          if (answer.status !== 200) throw new ServerError(`${href} answered ${answer.status}`);
          return href;
        });
  const http = { server, token };
  const result = await applyPendingWork({
    ...http,
    node,
    root: path.resolve(io.cwd, options.root),
    now: () => currentTime(io.env),
    log,
    // The same files, sensitive ones by hash only, as the collecting agent records.
    watchList: await fetchWatchList(node, http),
  });
  if (result === 'none') {
    io.err(`driftguard: no approved work waits for ${node}\n`);
    return EXIT_OK;
  }
  // A dry run that found the plan's ground unchanged did all it was asked to.
  const done = result.outcome?.status === 'succeeded' || result.outcome?.status === 'dry-run';
  return !result.refused && done ? EXIT_OK : EXIT_FINDINGS;
}

/**
 * The collecting daemon never applies anything itself (it runs read-only): when the server has
 * work for the node it starts the privileged apply unit, which an operator may leave disabled.
 */
function applyUnitStarter(
  unit: string,
  node: () => string,
  http: { servers: readonly string[]; token: string },
  log: AgentLog,
): () => Promise<void> {
  return async () => {
    const pathname = `/api/v1/nodes/${encodeURIComponent(node())}/work`;
    const answer = await fromAnyServer(http.servers, (server) =>
      getJson(server, pathname, http.token, 10_000),
    ).catch(() => undefined);
    if (answer?.status !== 200 || (answer.body as { pending?: boolean }).pending !== true) return;
    log.info(
      { unit, run: (answer.body as { runId?: string }).runId },
      'approved work waits for this node: starting the apply unit',
    );
    const started = spawnSync('systemctl', ['start', '--no-block', unit], { encoding: 'utf8' });
    if (started.status !== 0)
      log.error({ unit, stderr: started.stderr.trim() }, 'cannot start the apply unit');
  };
}

function positiveInteger(flag: string, text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`${flag} wants a whole number of at least 1, not ${JSON.stringify(text)}`);
  return value;
}

function serverUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--server wants a URL like https://driftguard.example:8443, not ${JSON.stringify(text)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--server must be an http or https URL, not ${text}`);
  return url;
}

/** Resolves on the first SIGTERM or SIGINT. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function runAgent(options: AgentCliOptions, io: CliIo): Promise<number> {
  const servers = (Array.isArray(options.server) ? options.server : [options.server]).map(serverUrl);
  if (servers.length === 0) throw new UsageError('--server is needed');
  const intervalMs = durationOption('--interval', options.interval, 1000);
  const backoffMaxMs = durationOption('--backoff-max', options.backoffMax, 1000);
  const refreshEvery = positiveInteger('--watch-refresh', options.watchRefresh);
  const maxReports = positiveInteger('--spool-max-reports', options.spoolMaxReports);
  const maxBytes = parseSize(options.spoolMaxSize);
  if (maxBytes === undefined || maxBytes < 1)
    throw new UsageError(
      `--spool-max-size wants a size like 100M, not ${JSON.stringify(options.spoolMaxSize)}`,
    );
  if (!(LOG_LEVELS as readonly string[]).includes(options.logLevel))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const token = readTokenFile(path.resolve(io.cwd, options.tokenFile));
  if (options.apply) return runApplyStep(options, io, servers, token);

  const log = createAgentLogger(options.logLevel);
  const { spool, quarantined } = Spool.open(path.resolve(io.cwd, options.spool), { maxReports, maxBytes });
  for (const bad of quarantined)
    log.error({ file: bad.file, reason: bad.reason }, 'moved an unreadable spool file to quarantine');
  try {
    const http = { servers: servers.map((url) => url.href), token };
    const now = () => currentTime(io.env);
    const agent = createAgent({
      collect: nodeCollector({
        root: path.resolve(io.cwd, options.root),
        node: options.node,
        fetchWatchList: (node) =>
          fromAnyServer(http.servers, (server) => fetchWatchList(node, { server, token })),
        refreshEvery,
        now,
        log,
      }),
      transport: failoverTransport({
        ...http,
        onSwitch: (from, to, why) =>
          log.warn({ from, to, why }, 'the server instance is away: reports go to another one'),
      }),
      spool,
      intervalMs,
      backoff: { baseMs: Math.min(1000, backoffMaxMs), maxMs: backoffMaxMs },
      now,
      log,
    });

    if (options.once) {
      const round = await agent.runOnce();
      if (round.waiting > 0) {
        throw new ServerError(
          `${round.waiting} report(s) wait in the spool ${spool.dir} for the next run: ${round.problem ?? 'not delivered'}`,
        );
      }
      io.err(`driftguard: report delivered to ${servers.map((url) => url.origin).join(' or ')}\n`);
      return EXIT_OK;
    }
    agent.start();
    const checkWork = options.applyUnit
      ? applyUnitStarter(options.applyUnit, () => options.node ?? os.hostname(), http, log)
      : undefined;
    const workTimer = checkWork ? setInterval(() => void checkWork(), intervalMs) : undefined;
    const signal = await untilStopSignal();
    clearInterval(workTimer);
    log.info({ signal }, 'stopping');
    await agent.stop();
    return EXIT_OK;
  } finally {
    spool.close();
  }
}
