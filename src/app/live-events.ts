/**
 * The server's live events (model/live.ts): ingest, evaluation, readiness and runs publish;
 * every open `GET /api/v1/events` stream subscribes. Relayed through the store's broadcast
 * (`relay`), the events of every server instance on one PostgreSQL store reach the streams of
 * every other one.
 */
import { EventEmitter } from 'node:events';
import type { LiveEvent } from '../model/live';
import type { Broadcast } from '../store';
import { MAX_BROADCAST_BYTES } from '../store';
import type { RunEventHub } from './enforce/events';
import type { EvaluationObserver } from './evaluate';

export class LiveHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open dashboard is a listener; a wall of them is no leak.
    this.emitter.setMaxListeners(0);
  }

  private outbound: ((event: LiveEvent) => void) | undefined;

  /** Tells this process's streams at once, and the other instances' through the relay, if any. */
  publish(event: LiveEvent): void {
    this.emitter.emit('event', event);
    this.outbound?.(event);
  }

  /**
   * Sends every event published here to the other processes on the store, and publishes theirs
   * here (to this process's streams only: they are not sent on again). Returns the stop.
   */
  relay(broadcast: Broadcast, onError: (err: unknown) => void = () => undefined): () => void {
    this.outbound = (event) => {
      for (const message of broadcastMessages(event)) {
        try {
          broadcast.publish(message);
        } catch (err) {
          onError(err);
        }
      }
    };
    const unsubscribe = broadcast.subscribe((message) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(message) as LiveEvent;
      } catch (err) {
        onError(err);
        return;
      }
      this.emitter.emit('event', event);
    });
    return () => {
      unsubscribe();
      this.outbound = undefined;
    };
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

/**
 * An event as messages of at most MAX_BROADCAST_BYTES (PostgreSQL's NOTIFY takes 8000 bytes):
 * events name what changed and are small, save a node-evaluated of a node in very many pairs,
 * which is split into several, each naming some of the pairs.
 */
export function broadcastMessages(event: LiveEvent): string[] {
  const whole = JSON.stringify(event);
  if (Buffer.byteLength(whole, 'utf8') <= MAX_BROADCAST_BYTES || event.type !== 'node-evaluated')
    return [whole];
  const messages: string[] = [];
  let pairs: string[] = [];
  const flush = () => {
    messages.push(JSON.stringify({ ...event, pairs }));
    pairs = [];
  };
  for (const pair of event.pairs) {
    const next = JSON.stringify({ ...event, pairs: [...pairs, pair] });
    if (pairs.length > 0 && Buffer.byteLength(next, 'utf8') > MAX_BROADCAST_BYTES) flush();
    pairs.push(pair);
  }
  flush();
  return messages;
}
