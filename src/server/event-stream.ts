/**
 * A server-sent event stream on a hijacked reply: `text/event-stream`, a comment every 15 s so
 * proxies keep the connection, and one `close` that stops it whoever ends first (the client
 * going away, or the server having said everything).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  /** Writes one event; `id` lets a reconnecting client resume with Last-Event-ID. */
  send(type: string, data: unknown, id?: number): void;
  /** Runs `cleanup` once, when the stream ends for any reason. */
  onClose(cleanup: () => void): void;
  close(): void;
}

const KEEP_ALIVE_MS = 15_000;

/** Open streams per HTTP server: a stopping server ends them, or its close would wait for ever. */
const openStreams = new WeakMap<object, Set<EventStream>>();

/** Ends every event stream of this HTTP server (fastify's preClose). */
export function closeEventStreams(httpServer: object): void {
  for (const stream of openStreams.get(httpServer) ?? []) stream.close();
}

export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Behind nginx: do not buffer the stream.
    'x-accel-buffering': 'no',
  });
  const cleanups: (() => void)[] = [];
  let closed = false;
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    for (const cleanup of cleanups) cleanup();
    raw.end();
  };
  request.raw.on('close', close);
  const httpServer = request.server.server;
  const streams = openStreams.get(httpServer) ?? new Set<EventStream>();
  openStreams.set(httpServer, streams);
  const stream: EventStream = {
    send(type, data, id) {
      if (closed) return;
      raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    close,
  };
  streams.add(stream);
  cleanups.push(() => streams.delete(stream));
  return stream;
}
