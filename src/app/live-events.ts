/**
 * The server's live events (model/live.ts) inside one process: ingest, evaluation, readiness and
 * runs publish; every open `GET /api/v1/events` stream subscribes.
 */
import { EventEmitter } from 'node:events';
import type { LiveEvent } from '../model/live';
import type { RunEventHub } from './enforce/events';
import type { EvaluationObserver } from './evaluate';

export class LiveHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open dashboard is a listener; a wall of them is no leak.
    this.emitter.setMaxListeners(0);
  }

  publish(event: LiveEvent): void {
    this.emitter.emit('event', event);
  }

  /** Calls `listener` for each event from now on; returns the unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** How many streams listen (for /metrics and tests). */
  get listeners(): number {
    return this.emitter.listenerCount('event');
  }
}

/** The live events of ingest and evaluation. */
export function liveObserver(live: LiveHub, now: () => Date): EvaluationObserver {
  return {
    reported: (node) => live.publish({ type: 'node-reported', node, at: now().toISOString() }),
    evaluated: (summary) =>
      live.publish({
        type: 'node-evaluated',
        node: summary.node,
        pairs: summary.pairs.map((pair) => pair.pair),
        at: now().toISOString(),
      }),
  };
}

/** Every run's progress, as live events. */
export function forwardRunEvents(runs: RunEventHub, live: LiveHub): () => void {
  return runs.subscribe('*', (event) =>
    live.publish({ type: 'run', runId: event.runId, event: event.type, at: event.at }),
  );
}
