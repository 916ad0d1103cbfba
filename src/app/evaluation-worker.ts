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

export type ToWorker =
  | { type: 'desired'; desired: Desired }
  | { type: 'evaluate'; nodes: string[] }
  | { type: 'all' }
  | { type: 'idle'; id: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'error'; node: string; message: string }
  | { type: 'evaluated'; summary: EvaluationSummary }
  | { type: 'idle'; id: number }
  | { type: 'closed' };

export interface WorkerData {
  /** The store's location: the worker opens its own connection to it. */
  location: string;
  durable: boolean;
}

type Handler = (message: ToWorker) => void;

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
      case 'idle':
        void evaluator
          .idle()
          .then(() => port.postMessage({ type: 'idle', id: message.id } satisfies FromWorker));
        return;
      case 'close':
        void evaluator
          .idle()
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
    if (message.type === 'close') port.postMessage({ type: 'closed' } satisfies FromWorker);
  };
}

if (parentPort) {
  const port = parentPort;
  const { location, durable } = workerData as WorkerData;
  // Messages that arrive while the store opens wait for it, in the order they came.
  const handler = openStore(location, { durable }).then(
    (store) => evaluatorHandler(port, store),
    (err: unknown) => failedHandler(port, err),
  );
  port.on('message', (message: ToWorker) => void handler.then((handle) => handle(message)));
}
