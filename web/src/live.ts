/**
 * The live stream (`GET /api/v1/events`, server-sent events), read with fetch (sse.ts: the
 * token goes in a header, never in the URL). Reconnects with a growing delay; everyone listening is told of each event and of the
 * connection's state (the indicator in the header).
 */
import type { LiveEvent } from '../../src/model/live';
import { readEventStream } from './sse';

export { parseEvents } from './sse';

export type ConnectionState = 'connecting' | 'live' | 'offline';

type EventListener = (event: LiveEvent) => void;
type StateListener = (state: ConnectionState) => void;

const eventListeners = new Set<EventListener>();
const stateListeners = new Set<StateListener>();
let state: ConnectionState = 'connecting';
let controller: AbortController | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;

function setState(next: ConnectionState): void {
  if (state === next) return;
  state = next;
  for (const listener of stateListeners) listener(state);
}

async function connect(): Promise<void> {
  controller?.abort();
  const abort = new AbortController();
  controller = abort;
  setState('connecting');
  try {
    await readEventStream(
      '/api/v1/events',
      (event) => {
        if (event.type === 'hello') {
          failures = 0;
          setState('live');
          return;
        }
        const live = JSON.parse(event.data) as LiveEvent;
        for (const listener of eventListeners) listener(live);
      },
      abort.signal,
    );
  } catch {
    if (abort.signal.aborted) return;
  }
  if (controller !== abort) return;
  setState('offline');
  failures += 1;
  // 1 s, 2 s, 4 s … at most 30 s: a restarted server is back on the page within seconds.
  retryTimer = setTimeout(() => void connect(), Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)));
}

export const live = {
  start(): void {
    if (retryTimer) clearTimeout(retryTimer);
    failures = 0;
    void connect();
  },
  /** Reconnect now (after signing in: the stream needs the new token). */
  restart(): void {
    live.start();
  },
  get state(): ConnectionState {
    return state;
  },
  onEvent(listener: EventListener): () => void {
    eventListeners.add(listener);
    return () => eventListeners.delete(listener);
  },
  onState(listener: StateListener): () => void {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  },
};
