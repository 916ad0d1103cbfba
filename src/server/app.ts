/**
 * The driftguard server as a fastify instance, built from its dependencies and not listening:
 * tests call `inject()` or listen on a loopback port themselves; `serve` wires the real store,
 * desired state and schedules and calls `listen`. Every route has a schema; every error answer
 * has one shape (see http-status.ts).
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { DesiredHolder } from '../app/desired-holder';
import type { EvaluationQueue } from '../app/evaluate';
import { DriftguardError } from '../shared/errors';
import type { Store } from '../store';
import { authHook } from './auth';
import { errorBody, fromClientError, fromFastifyError, httpStatusFor } from './http-status';
import { Metrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { nodeRoutes } from './routes/nodes';
import { pageRoutes } from './routes/page';
import { pairRoutes } from './routes/pairs';
import { reportRoutes } from './routes/reports';
import { scheduleRoutes } from './routes/schedules';
import { enforceRoutes } from './routes/enforce';
import type { Enforcer } from '../app/enforce/service';
import type { Scheduler } from '../schedule/scheduler';
import { openApiRoutes } from './routes/openapi';
import { liveRoutes } from './routes/live';
import { trendRoutes } from './routes/trends';
import { dashboardRoutes, defaultWebRoot } from './routes/dashboard';
import { closeEventStreams } from './event-stream';
import type { LiveHub } from '../app/live-events';
import { parseJsonBodies } from './json-body';

export interface ServerDeps {
  store: Store;
  desired: DesiredHolder;
  evaluator: EvaluationQueue;
  now: () => Date;
  /** Reads without a token (default: only when listening on loopback). */
  anonymousRead: boolean;
  /** Where the live stream (`GET /api/v1/events`) hears what changed. */
  live: LiveHub;
  /** Plans, runs and agents' work (absent: the enforcement routes answer 404). */
  enforcer?: Enforcer;
  /** Runs the desired state's `kind: Schedule`s (absent: the server runs none). */
  scheduler?: Scheduler;
  /** How long a reachability probe waits when readiness is asked for (default 3 s). */
  probeTimeoutMs?: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** How long a request (headers and body) may take to arrive (default 60 s); then 408 and the connection is closed. */
  requestTimeoutMs?: number;
  /** The server's logger (pino); none: silent. */
  logger?: FastifyBaseLogger;
  https?: { key: Buffer; cert: Buffer };
  /** The built dashboard (default: dist/web of this package). */
  webRoot?: string;
}

/** Large enough for a node with 100,000 packages; anything bigger is refused with 413. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * A slow report over a slow link still arrives in a minute; a connection that trickles a body
 * for longer is holding a socket and memory hostage (fastify's default is no limit at all).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Longest path parameter routed (fastify's default is 100): three times the longest name (253),
 * so a name percent-encoded byte by byte still reaches the schema, which refuses what is too
 * long with a 400 that says so.
 */
const MAX_PARAM_LENGTH = 3 * 253;

export interface DriftguardServer {
  app: FastifyInstance;
  metrics: Metrics;
}

/** The one error body, sent by fastify's reply. */
function sendError(
  error: DriftguardError,
  request: FastifyRequest,
  reply: FastifyReply,
  cause?: unknown,
): void {
  const status = httpStatusFor(error);
  if (status >= 500) request.log.error({ err: cause ?? error }, 'request failed');
  void reply.code(status).send(errorBody(error));
}

/**
 * Errors of the HTTP parser (a request that took too long, oversized headers, garbage) come
 * before fastify has a request or a reply: the answer is written to the socket, in the one shape.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error = fromClientError(err);
  const status = httpStatusFor(error);
  const body = JSON.stringify(errorBody(error));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** How much of a refused body is read and thrown away so that its sender hears the 413. */
const DISCARD_LIMIT = 256 * 1024 * 1024;
/** A sender that stops sending for this long is not waited for any more. */
const DISCARD_IDLE_MS = 500;

/**
 * Reads what is left of a request body and throws it away: until it ends, until nothing came
 * for DISCARD_IDLE_MS (a client that declared more than it sends), or until `limit` bytes
 * (then the connection is cut).
 */
function discardBody(raw: FastifyRequest['raw'], limit: number): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    let idle = setTimeout(() => done(), DISCARD_IDLE_MS);
    function done(): void {
      clearTimeout(idle);
      raw.off('data', onData);
      raw.pause();
      resolve();
    }
    function onData(chunk: Buffer): void {
      read += chunk.length;
      clearTimeout(idle);
      if (read > limit) {
        raw.destroy();
        return done();
      }
      idle = setTimeout(() => done(), DISCARD_IDLE_MS);
    }
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}

export async function buildServer(deps: ServerDeps): Promise<DriftguardServer> {
  const requestTimeout = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks for expired requests on an interval (30 s by default): a quarter of the timeout
  // keeps the real limit within 25 % of the one set.
  const nodeHttp = {
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
    headersTimeout: Math.min(requestTimeout, 60_000),
  };
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(deps.https ? { https: { ...deps.https, ...nodeHttp } } : { http: nodeHttp }),
    requestTimeout,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Routing errors (a path parameter too long, a malformed URL) in the one error shape.
    frameworkErrors: (error, request, reply) => sendError(fromFastifyError(error), request, reply, error),
    clientErrorHandler: answerClientError,
    // Validation must refuse what it does not know, never quietly strip or coerce it.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true },
    },
    // One log line per request would be thousands a second at fleet scale; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const metrics = new Metrics(deps.store, deps.now);
  // JSON in, JSON out: a text/plain body is not parsed into a string, it is refused (415).
  app.removeContentTypeParser('text/plain');
  parseJsonBodies(app);

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const mapped = error instanceof DriftguardError ? error : fromFastifyError(error);
    // A body over the limit is refused before it is read: read the rest (up to a bound) before
    // answering, or the server closes the connection while the client is still writing, and the
    // client sees EPIPE instead of the 413 — an agent would then retry the report for ever.
    if (mapped.code === 'E_TOO_LARGE') await discardBody(request.raw, DISCARD_LIMIT);
    sendError(mapped, request, reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      new DriftguardError('E_NOT_FOUND', `no route ${request.method} ${request.url}`),
      request,
      reply,
    );
  });
  app.addHook('onRequest', authHook(deps.store, { anonymousRead: deps.anonymousRead }));
  // Event streams never end by themselves: a stopping server ends them, then waits for the rest.
  app.addHook('preClose', (done) => {
    closeEventStreams(app.server);
    done();
  });

  await openApiRoutes(app);
  await app.register(reportRoutes(deps, metrics), { prefix: '/api/v1' });
  await app.register(nodeRoutes(deps), { prefix: '/api/v1' });
  await app.register(pairRoutes(deps), { prefix: '/api/v1' });
  await app.register(adminRoutes(deps), { prefix: '/api/v1' });
  await app.register(scheduleRoutes(deps), { prefix: '/api/v1' });
  await app.register(enforceRoutes(deps), { prefix: '/api/v1' });
  await app.register(liveRoutes(deps), { prefix: '/api/v1' });
  await app.register(trendRoutes(deps), { prefix: '/api/v1' });
  await app.register(pageRoutes(deps, metrics));
  await app.register(dashboardRoutes(deps.webRoot ?? defaultWebRoot()));
  await app.ready();
  return { app, metrics };
}
