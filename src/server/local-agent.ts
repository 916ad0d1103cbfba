/**
 * The server's own host as a node (`serve --local-node NAME`): the agent's loop, collecting this
 * host in-process, with a transport that calls the ingest code directly instead of going through
 * HTTP — so `npm start` shows a real node at once, through exactly the same path as any agent.
 */
import * as path from 'node:path';
import { createAgent } from '../../agents/agent';
import type { Agent } from '../../agents/agent';
import type { AgentLog } from '../../agents/log';
import { nodeCollector } from '../../agents/node-collector';
import { Spool } from '../../agents/spool';
import type { Transport } from '../../agents/transport';
import type { EvaluationQueue } from '../app/evaluate';
import { ingestReport, SERVER_CALLER } from '../app/ingest';
import type { DeliveryOutcome } from '../app/report-client';
import { watchListFor } from '../desired';
import type { Desired } from '../model/desired';
import type { Category } from '../model/state';
import { asDriftguardError } from '../shared/errors';
import type { Store } from '../store';
import { companionPath } from '../store';
import { httpStatusFor } from './http-status';

/** Ingest without HTTP, with the answers the HTTP route would give mapped to the agent's outcomes. */
export function inProcessTransport(store: Store, evaluator: EvaluationQueue, now: () => Date): Transport {
  return {
    async send(report): Promise<DeliveryOutcome> {
      try {
        const result = await ingestReport(store, report, SERVER_CALLER, now());
        evaluator.reported(report.node, result.changed);
        return { kind: 'delivered', duplicate: result.duplicate, changed: result.changed };
      } catch (err) {
        const error = asDriftguardError(err);
        if (error.code === 'E_NEEDS_CATEGORIES')
          return { kind: 'needs-categories', categories: (error.details.categories ?? []) as Category[] };
        if (error.code === 'E_OUT_OF_ORDER') return { kind: 'superseded' };
        const status = httpStatusFor(error);
        return status >= 500
          ? { kind: 'retry', message: error.message }
          : { kind: 'rejected', status, message: error.message };
      }
    },
  };
}

export interface LocalAgentOptions {
  node: string;
  /** The node's `/`: this host (default), or a tree such as a fixture node (the demo's pair). */
  root?: string;
  store: Store;
  evaluator: EvaluationQueue;
  desired: () => Desired | undefined;
  now: () => Date;
  intervalMs: number;
  /** The store's location: its spool lives beside a SQLite file, or in the current directory. */
  dbFile: string;
  log: AgentLog;
}

export function startLocalAgent(options: LocalAgentOptions): Agent {
  const { spool } = Spool.open(
    path.join(path.dirname(companionPath(options.dbFile, '')), `local-agent-${options.node}.spool`),
  );
  const agent = createAgent({
    collect: nodeCollector({
      root: options.root ?? '/',
      node: options.node,
      fetchWatchList: async (node) => {
        const desired = options.desired();
        return desired ? watchListFor(desired, node) : { paths: [], sensitive: [] };
      },
      refreshEvery: 10,
      now: options.now,
      log: options.log,
    }),
    transport: inProcessTransport(options.store, options.evaluator, options.now),
    spool,
    intervalMs: options.intervalMs,
    now: options.now,
    log: options.log,
  });
  agent.start();
  return agent;
}
