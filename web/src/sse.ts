/**
 * Reading a server-sent event stream with fetch rather than EventSource: EventSource cannot send
 * an Authorization header, and the token must not go in the URL. Used by the live stream
 * (live.ts) and by a run's progress (`/runs/:id/events`).
 */
import { authHeaders } from './api';

export interface StreamEvent {
  type: string;
  data: string;
}

/** Splits a server-sent event stream into events (the `event:` and `data:` fields we use). */
export function parseEvents(buffer: string): { events: StreamEvent[]; rest: string } {
  const events: StreamEvent[] = [];
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

/**
 * GETs `url` (an API path such as `/api/v1/events`) with the caller's token and hands each
 * event to `onEvent` as it arrives. Resolves when the server ends the stream; rejects on an
 * HTTP error or a broken connection (and, quietly for the caller to check, when `signal` aborts).
 */
export async function readEventStream(
  url: string,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...authHeaders() },
    signal,
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const parsed = parseEvents(buffer);
    buffer = parsed.rest;
    for (const event of parsed.events) onEvent(event);
  }
}
