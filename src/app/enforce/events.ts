/**
 * Live run events inside one server process: the run journal publishes, event streams
 * subscribe (one run, or all runs for the dashboard). Events are also stored, so a subscriber
 * that comes late replays what it missed from the store, then follows here.
 */
import { EventEmitter } from 'node:events';
import type { RunEvent } from '../../model/run';

export class RunEventHub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open event stream is a listener; a busy dashboard may hold many.
    this.emitter.setMaxListeners(0);
  }

  publish(event: RunEvent): void {
    this.emitter.emit(event.runId, event);
    this.emitter.emit('*', event);
  }

  /** Calls `listener` for each event of `runId` ('*': every run); returns the unsubscribe. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }
}
