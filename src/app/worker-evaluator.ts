/**
 * The main thread's side of the evaluation worker (evaluation-worker.ts): the same interface as
 * the in-thread Evaluator, so the server does not know which one it has.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Desired } from '../model/desired';
import type { EvaluationObserver, EvaluationQueue } from './evaluate';
import type { FromWorker, ToWorker, WorkerData } from './evaluation-worker';
import type { PairEvaluation, PairEvaluationOutcome } from './pair-readiness';

export class WorkerEvaluator implements EvaluationQueue {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, () => void>();
  private readonly readinessAsked = new Map<
    number,
    { resolve: (outcome: PairEvaluationOutcome) => void; reject: (err: Error) => void }
  >();
  private nextId = 1;
  private pending: string[] = [];
  private flushScheduled = false;

  constructor(
    data: WorkerData,
    onError: (node: string, message: string) => void,
    private readonly observer: EvaluationObserver = {},
  ) {
    this.worker = new Worker(path.join(__dirname, 'evaluation-worker.js'), { workerData: data });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'error') onError(message.node, message.message);
      if (message.type === 'evaluated') observer.evaluated?.(message.summary);
      if (message.type === 'readiness' || message.type === 'readiness-failed') {
        const asked = this.readinessAsked.get(message.id);
        this.readinessAsked.delete(message.id);
        if (message.type === 'readiness') asked?.resolve(message.outcome);
        else asked?.reject(new Error(message.message));
      }
      if (message.type === 'idle') {
        this.waiting.get(message.id)?.();
        this.waiting.delete(message.id);
      }
    });
    this.worker.on('error', (err) => onError('(worker)', err.stack ?? err.message));
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  setDesired(desired: Desired): void {
    this.post({ type: 'desired', desired });
  }

  reported(node: string, changed: readonly string[]): void {
    if (changed.length > 0) this.schedule(node);
    this.observer.reported?.(node);
  }

  /** Nodes reported in one turn of the event loop go to the worker in one message. */
  schedule(node: string): void {
    this.pending.push(node);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const nodes = this.pending;
      this.pending = [];
      this.post({ type: 'evaluate', nodes });
    });
  }

  scheduleAll(): void {
    this.post({ type: 'all' });
  }

  /**
   * Readiness evaluated in the worker, beside drift and parity: it parses both states of the
   * pair and plans their fixes, work that would otherwise stall the thread answering HTTP.
   */
  pairEvaluation(probeTimeoutMs: number): PairEvaluation {
    return (_desired, pair, now) => {
      const id = this.nextId++;
      return new Promise((resolve, reject) => {
        this.readinessAsked.set(id, { resolve, reject });
        this.post({ type: 'readiness', id, pair, now: now.toISOString(), probeTimeoutMs });
      });
    };
  }

  idle(): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      // After any pending flush, so "idle" covers everything scheduled before it.
      setImmediate(() => this.post({ type: 'idle', id }));
    });
  }

  async close(): Promise<void> {
    // Evaluations still under way answer before the worker says it closed: wait for that
    // answer itself, not for the next message (which left `serve` hanging at SIGTERM).
    await new Promise<void>((resolve) => {
      const closed = (message: FromWorker) => {
        if (message.type !== 'closed') return;
        this.worker.off('message', closed);
        resolve();
      };
      this.worker.on('message', closed);
      this.post({ type: 'close' });
    });
    await this.worker.terminate();
  }
}
