/**
 * The worker thread that evaluates drift and parity for `serve`, beside the thread that answers
 * HTTP: evaluation parses whole states and compares them — milliseconds per report that would
 * otherwise stall ingest — and a second core is there to do it. The worker has its own SQLite
 * connection (WAL: it reads states and writes findings while the main thread ingests).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Desired } from '../model/desired';
import { reviveDesired } from '../desired';
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
  dbFile: string;
  durable: boolean;
}

if (parentPort) {
  const port = parentPort;
  const { dbFile, durable } = workerData as WorkerData;
  const store = openStore(dbFile, { durable });
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
  port.on('message', (message: ToWorker) => {
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
        void evaluator.idle().then(() => {
          store.close();
          port.postMessage({ type: 'closed' } satisfies FromWorker);
        });
        return;
    }
  });
}
