/**
 * The live stream (`GET /api/v1/events`, server-sent events), read with fetch rather than
 * EventSource: EventSource cannot send an Authorization header, and the token must not go in the
 * URL. Reconnects with a growing delay; everyone listening is told of each event and of the
 * connection's state (the indicator in the header).
 */
import type { LiveEvent } from '../../src/model/live';
import { authHeaders } from './api';

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

/** Splits a server-sent event stream into events (the `event:` and `data:` fields we use). */
export function parseEvents(buffer: string): { events: { type: string; data: string }[]; rest: string } {
  const events: { type: string; data: string }[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ type, data: data.join('\n') });
  }
  return { events, rest };
}

async function connect(): Promise<void> {
  controller?.abort();
  const abort = new AbortController();
  controller = abort;
  setState('connecting');
  try {
    const response = await fetch('/api/v1/events', {
      headers: { accept: 'text/event-stream', ...authHeaders() },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const parsed = parseEvents(buffer);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        if (event.type === 'hello') {
          failures = 0;
          setState('live');
          continue;
        }
        const live = JSON.parse(event.data) as LiveEvent;
        for (const listener of eventListeners) listener(live);
      }
    }
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
