/**
 * The worker thread that evaluates drift and parity for `serve`, beside the thread that answers
 * HTTP: evaluation parses whole states and compares them — milliseconds per report that would
 * otherwise stall ingest — and a second core is there to do it. The worker has its own
 * connection to the store (SQLite in WAL mode, or its own PostgreSQL pool): it reads states and
 * writes findings while the main thread ingests.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import type { Desired } from '../model/desired';
import { reviveDesired } from '../desired';
import { errorMessage } from '../shared/errors';
import type { Store } from '../store';
import { openStore } from '../store';
import { Evaluator } from './evaluate';
import type { EvaluationSummary } from './evaluate';
import type { PairEvaluationOutcome } from './pair-readiness';
import { pairEvaluationWith } from './pair-readiness';

export type ToWorker =
  | { type: 'desired'; desired: Desired }
  | { type: 'evaluate'; nodes: string[] }
  | { type: 'all' }
  /** Readiness of a pair, evaluated and recorded; `now` is ISO 8601 (the server's clock). */
  | { type: 'readiness'; id: number; pair: string; now: string; probeTimeoutMs: number }
  | { type: 'idle'; id: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'error'; node: string; message: string }
  | { type: 'evaluated'; summary: EvaluationSummary }
  | { type: 'readiness'; id: number; outcome: PairEvaluationOutcome }
  | { type: 'readiness-failed'; id: number; message: string }
  | { type: 'idle'; id: number }
  | { type: 'closed' };

export interface WorkerData {
  /** The store's location: the worker opens its own connection to it. */
  location: string;
  durable: boolean;
}

type Handler = (message: ToWorker) => void;

/**
 * The worker reads the same states again and again — a node's drift, its pair's parity, the
 * pair's readiness, each after every report of either node — so it keeps parsed contents from
 * up to 32 Mi characters of JSON (about 130 distinct 250 KB states; nodes of one role share most
 * contents, which are kept once).
 */
const KEEP_PARSED_CHARS = 32 * 1024 * 1024;

function evaluatorHandler(port: MessagePort, store: Store): Handler {
  let desired: Desired | undefined;
  const evaluator = new Evaluator({
    store,
    desired: () => desired,
    onError: (node, err) =>
      port.postMessage({
        type: 'error',
        node,
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      } satisfies FromWorker),
    observer: {
      evaluated: (summary) => port.postMessage({ type: 'evaluated', summary } satisfies FromWorker),
    },
  });
  // Readiness evaluations still running when the server closes finish before the store does.
  const readinessUnderWay = new Set<Promise<void>>();
  return (message) => {
    switch (message.type) {
      case 'desired':
        desired = reviveDesired(message.desired);
        return;
      case 'evaluate':
        for (const node of message.nodes) evaluator.schedule(node);
        return;
      case 'all':
        evaluator.scheduleAll();
        return;
      case 'readiness': {
        const { id } = message;
        if (!desired) {
          port.postMessage({
            type: 'readiness-failed',
            id,
            message: 'the evaluation worker has no desired state yet',
          } satisfies FromWorker);
          return;
        }
        const evaluating = pairEvaluationWith(store, message.probeTimeoutMs)(
          desired,
          message.pair,
          new Date(message.now),
        ).then(
          (outcome) => port.postMessage({ type: 'readiness', id, outcome } satisfies FromWorker),
          (err: unknown) =>
            port.postMessage({
              type: 'readiness-failed',
              id,
              message: errorMessage(err),
            } satisfies FromWorker),
        );
        readinessUnderWay.add(evaluating);
        void evaluating.finally(() => readinessUnderWay.delete(evaluating));
        return;
      }
      case 'idle':
        void evaluator
          .idle()
          .then(() => port.postMessage({ type: 'idle', id: message.id } satisfies FromWorker));
        return;
      case 'close':
        void evaluator
          .idle()
          .then(() => Promise.all(readinessUnderWay))
          .then(() => store.close())
          .then(() => port.postMessage({ type: 'closed' } satisfies FromWorker));
        return;
    }
  };
}

/** A store that cannot be opened evaluates nothing, says why once, and still answers idle and close. */
function failedHandler(port: MessagePort, err: unknown): Handler {
  port.postMessage({ type: 'error', node: '(worker)', message: errorMessage(err) } satisfies FromWorker);
  return (message) => {
    if (message.type === 'idle') port.postMessage({ type: 'idle', id: message.id } satisfies FromWorker);
    if (message.type === 'readiness') {
      port.postMessage({
        type: 'readiness-failed',
        id: message.id,
        message: errorMessage(err),
      } satisfies FromWorker);
    }
    if (message.type === 'close') port.postMessage({ type: 'closed' } satisfies FromWorker);
  };
}

if (parentPort) {
  const port = parentPort;
  const { location, durable } = workerData as WorkerData;
  // Messages that arrive while the store opens wait for it, in the order they came.
  // It also copies SQLite's log into the database on a timer, for the server's connection (serve.ts).
  const handler = openStore(location, {
    durable,
    keepParsedChars: KEEP_PARSED_CHARS,
    checkpoints: 'timer',
  }).then(
    (store) => evaluatorHandler(port, store),
    (err: unknown) => failedHandler(port, err),
  );
  port.on('message', (message: ToWorker) => void handler.then((handle) => handle(message)));
}
