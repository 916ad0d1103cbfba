/**
 * `driftguard serve`: the server on the embedded SQLite store, with the desired state loaded
 * and watched, evaluation on every report, optional import of saved states, and the plain page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { ensureFirstAdminToken } from '../../app/admin-token-file';
import { DesiredHolder } from '../../app/desired-holder';
import { loadDesiredInWorker } from '../../app/desired-worker';
import { WorkerEvaluator } from '../../app/worker-evaluator';
import { importStates } from '../../app/import-states';
import { startReadinessMonitor } from '../../app/readiness-monitor';
import { startHistoryRetention } from '../../app/history-retention';
import { watchFolder } from '../../app/watch-desired';
import { durationOption, expandPath } from './shared';
import { loadDesired } from '../../desired';
import { buildServer } from '../../server/app';
import { startLocalAgent } from '../../server/local-agent';
import { currentTime } from '../../shared/clock';
import { IoError, UsageError, errorMessage } from '../../shared/errors';
import { displayLocation, openStore } from '../../store';
import { Scheduler } from '../../schedule/scheduler';
import { MemorySweepCache } from '../../sweep/fingerprint-cache';
import { RunEventHub } from '../../app/enforce/events';
import { LiveHub, forwardRunEvents, liveObserver } from '../../app/live-events';
import { Enforcer } from '../../app/enforce/service';
import { loadIdentity } from '../../transport/identity';
import { readKnownHostsFile } from '../../transport/known-hosts';
import type { CliIo } from '../io';

/** An evaluation owed this long is taken as lost (its instance died), and how often to look. */
const OWED_FOR_MS = 60_000;
const RECOVERY_EVERY_MS = 15_000;

export interface ServeOptions {
  desired: string;
  db: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  anonymousRead?: boolean;
  import?: string[];
  logLevel: string;
  durable: boolean;
  /** How often every pair's readiness is evaluated (`0` = only when asked). */
  readinessInterval: string;
  probeTimeout: string;
  /** For schedules' sweeps: where host keys are pinned, and the key to log in with. */
  knownHosts: string;
  identity?: string;
  /** Collect in-process: `NAME` (this host) or `NAME=DIR` (the tree under DIR, e.g. a fixture node). */
  localNode?: string[];
  localInterval: string;
  /** How long a plan made over the API may be approved and run. */
  planTtl: string;
  /** How long a node's agent has for the work of an `--via agent` run. */
  agentTimeout: string;
  /** How long history is kept once replaced or resolved (`0s` = for ever). */
  keepHistory: string;
}

/** The shortest `--keep-history`: shorter would forget what the last hour's trends show. */
const MIN_KEEP_HISTORY_MS = 60 * 60 * 1000;

/** `--local-node NAME[=DIR]`: the node's name, and its `/` (this host unless a DIR is given). */
export function parseLocalNode(value: string, cwd: string): { node: string; root: string } {
  const [node = '', dir] = value.split(/=(.*)/s);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(node))
    throw new UsageError(
      `--local-node wants NAME or NAME=DIR, and ${JSON.stringify(node)} is not a node name`,
    );
  if (dir === undefined) return { node, root: '/' };
  const root = path.resolve(cwd, dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--local-node ${value}: ${dir} is not a folder`);
  return { node, root };
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw new UsageError(`--listen wants HOST:PORT, e.g. 127.0.0.1:8080, not ${JSON.stringify(listen)}`);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function readTls(options: ServeOptions): { key: Buffer; cert: Buffer } | undefined {
  if (!options.tlsCert && !options.tlsKey) return undefined;
  if (!options.tlsCert || !options.tlsKey) throw new UsageError('TLS needs both --tls-cert and --tls-key');
  try {
    return { cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey) };
  } catch (err) {
    throw new IoError(`cannot read the TLS certificate or key: ${errorMessage(err)}`, err);
  }
}

/** `--keep-history`: how long, in ms; 0 keeps everything. */
function keepHistoryOption(text: string): number {
  const keepMs = durationOption('--keep-history', text);
  if (keepMs > 0 && keepMs < MIN_KEEP_HISTORY_MS)
    throw new UsageError(`--keep-history ${text} is too short: at least 1h, or 0s to keep everything`);
  return keepMs;
}

export async function runServe(options: ServeOptions, io: CliIo): Promise<number> {
  const { host, port } = parseListen(options.listen);
  const localNodes = (options.localNode ?? []).map((value) => parseLocalNode(value, io.cwd));
  const https = readTls(options);
  const keepHistoryMs = keepHistoryOption(options.keepHistory);
  const now = () => currentTime(io.env);
  // The evaluation worker checkpoints SQLite's log (evaluation-worker.ts): a report's commit never waits for that.
  const store = await openStore(options.db, { durable: options.durable, checkpoints: 'elsewhere' });
  const tokenFile = await ensureFirstAdminToken(store, options.db, now());
  if (tokenFile) io.err(`driftguard: created the first admin token in ${tokenFile}\n`);
  const holder = new DesiredHolder(options.desired, loadDesired, now, loadDesiredInWorker);
  const first = holder.reload();
  if (!first.ok) throw first.error; // nothing good to fall back on at start

  const probeTimeoutMs = durationOption('--probe-timeout', options.probeTimeout);
  const log = pino({ level: options.logLevel });
  const live = new LiveHub();
  // Every instance on one PostgreSQL store tells the others' dashboards what happened here
  // (NOTIFY/LISTEN); on SQLite there is no other instance.
  const relayFailed = (err: unknown) => log.warn({ error: errorMessage(err) }, 'live events: relay failed');
  const stopRelay = live.relay(store.broadcast('driftguard_live', relayFailed), relayFailed);
  const toLive = liveObserver(live, now);
  const evaluator = new WorkerEvaluator(
    { location: options.db, durable: options.durable },
    (node, message) => log.error({ node, error: message }, 'evaluation failed'),
    {
      reported: toLive.reported,
      // A pair whose parity changed has a new verdict: open dashboards see it without waiting a round.
      // (which reaches the readiness monitor through the live events, below).
      evaluated: (summary) => toLive.evaluated?.(summary),
    },
  );
  evaluator.setDesired(first.desired);
  // Schedules and the readiness monitor run on one instance of those sharing the store: the
  // holder of this lease (on SQLite, always this one; DESIGN "Several instances").
  const lease = store.lease('schedules-and-readiness');
  const readinessEvery = durationOption('--readiness-interval', options.readinessInterval);
  const monitor =
    readinessEvery > 0
      ? startReadinessMonitor({
          desired: () => holder.desired,
          now,
          intervalMs: readinessEvery,
          evaluatePair: evaluator.pairEvaluation(probeTimeoutMs),
          live,
          active: () => lease.held,
          onError: (pair, message) => log.error({ pair, error: message }, 'readiness evaluation failed'),
        })
      : undefined;
  const retention =
    keepHistoryMs > 0
      ? startHistoryRetention({
          store,
          now,
          keepHistoryMs,
          active: () => lease.held,
          onPruned: (pruned) => log.info({ pruned, keepHistory: options.keepHistory }, 'history pruned'),
          onError: (message) => log.error({ error: message }, 'history pruning failed'),
        })
      : undefined;
  lease.onChange((held) => {
    log.info(
      { lease: 'schedules-and-readiness', held },
      held ? 'this instance runs schedules and readiness' : 'another instance runs schedules and readiness',
    );
    if (held) {
      monitor?.evaluateAll();
      void retention?.pruneNow();
    }
  });
  // A node evaluated here or on another instance: the monitor (if this instance runs it)
  // evaluates its pairs again soon.
  const stopFollowing = live.subscribe((event) => {
    if (event.type === 'node-evaluated') monitor?.evaluateSoon(event.pairs);
  });
  // Evaluations owed for longer than a minute were lost with the instance that stored their
  // reports (or it lags far behind): the lease holder evaluates them (twice does no harm).
  const recovery = setInterval(() => {
    if (!lease.held) return;
    const before = new Date(now().getTime() - OWED_FOR_MS).toISOString();
    void store.evaluations.stale(before).then(
      (nodes) => {
        for (const node of nodes) evaluator.schedule(node);
        if (nodes.length > 0) log.warn({ nodes }, 'evaluating reports whose evaluation was lost');
      },
      (err: unknown) => log.error({ error: errorMessage(err) }, 'cannot list the evaluations owed'),
    );
  }, RECOVERY_EVERY_MS);
  recovery.unref();
  const credentials = () => ({
    knownHosts: readKnownHostsFile(expandPath(options.knownHosts, io), (message) =>
      log.warn({ knownHosts: options.knownHosts }, message),
    ),
    identity: loadIdentity({
      ...(options.identity ? { identityFile: expandPath(options.identity, io) } : {}),
      env: io.env,
    }),
  });
  const runEvents = new RunEventHub();
  const stopRunEvents = forwardRunEvents(runEvents, live);
  const enforcer = new Enforcer({
    store,
    desired: () => holder.desired,
    now,
    evaluator,
    events: runEvents,
    credentials,
    planTtlMs: durationOption('--plan-ttl', options.planTtl, 60_000),
    agentTimeoutMs: durationOption('--agent-timeout', options.agentTimeout, 1000),
  });
  // Scheduled sweeps keep their fingerprints in memory: a restart costs one full sweep.
  const sweepCache = new MemorySweepCache();
  const scheduler = new Scheduler(
    { store, evaluator, now, credentials, enforcer, sweepCache },
    log,
    () => lease.held,
  );
  const { app } = await buildServer({
    store,
    desired: holder,
    evaluator,
    now,
    anonymousRead: options.anonymousRead ?? isLoopback(host),
    probeTimeoutMs,
    https,
    scheduler,
    enforcer,
    live,
    logger: log,
  });

  for (const dir of options.import ?? []) {
    const result = await importStates(store, holder.desired, dir, now());
    app.log.info(
      { dir, imported: result.imported, skipped: result.skipped.map((s) => `${s.file}: ${s.reason}`) },
      'states imported',
    );
  }
  evaluator.scheduleAll();
  scheduler.load(first.desired);

  // Whoever reloads (the folder watch, SIGHUP, the API), the evaluation worker and the schedules follow.
  holder.onChange((desired) => {
    live.publish({ type: 'desired', hash: desired.hash, at: now().toISOString() });
    evaluator.setDesired(desired);
    evaluator.scheduleAll();
    scheduler.load(desired);
  });
  // Reloads load in a worker thread: a large folder takes seconds, and requests keep being answered.
  const reload = async () => {
    app.log.info({ dir: options.desired }, 'desired state changed: reloading');
    const result = await holder.reloadInBackground();
    if (result.ok) {
      app.log.info(
        { hash: result.desired.hash },
        result.changed ? 'desired state reloaded' : 'desired state unchanged',
      );
    } else {
      app.log.error(
        { error: result.error.toJSON() },
        'desired state refused: the last good one keeps running',
      );
    }
  };
  const reloadSoon = () => void reload();
  const stopWatching = watchFolder(options.desired, reloadSoon);
  const localIntervalMs = durationOption('--local-interval', options.localInterval, 1000);
  const localAgents = localNodes.map((local) =>
    startLocalAgent({
      ...local,
      store,
      evaluator,
      desired: () => holder.desired,
      now,
      intervalMs: localIntervalMs,
      dbFile: options.db,
      log: app.log,
    }),
  );
  process.on('SIGHUP', reloadSoon);

  await app.listen({ host, port });
  const scheme = https ? 'https' : 'http';
  io.err(
    `driftguard: serving ${scheme}://${host.includes(':') ? `[${host}]` : host}:${port} — store ${displayLocation(options.db)}, desired state ${options.desired}\n`,
  );

  return new Promise<number>((resolve) => {
    const stop = async () => {
      stopWatching();
      monitor?.stop();
      retention?.stop();
      clearInterval(recovery);
      await lease.release();
      stopFollowing();
      stopRunEvents();
      scheduler.stop();
      await Promise.all(localAgents.map((agent) => agent.stop()));
      // A run under way is let finish (up to a minute); its locks would otherwise wait out their lease.
      await Promise.race([enforcer.idle(), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
      process.off('SIGHUP', reloadSoon);
      await app.close();
      await evaluator.close();
      stopRelay();
      await store.close();
      resolve(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });
}
