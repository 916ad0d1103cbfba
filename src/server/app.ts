/**
 * The driftguard server as a fastify instance, built from its dependencies and not listening:
 * tests call `inject()` or listen on a loopback port themselves; `serve` wires the real store,
 * desired state and schedules and calls `listen`. Every route has a schema; every error answer
 * has one shape (see http-status.ts).
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import type { DesiredHolder } from '../app/desired-holder';
import type { EvaluationQueue } from '../app/evaluate';
import { DriftguardError, asDriftguardError } from '../shared/errors';
import type { Store } from '../store';
import { authHook } from './auth';
import { fromFastifyError, httpStatusFor } from './http-status';
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

export interface ServerDeps {
  store: Store;
  desired: DesiredHolder;
  evaluator: EvaluationQueue;
  now: () => Date;
  /** Reads without a token (default: only when listening on loopback). */
  anonymousRead: boolean;
  /** Plans, runs and agents' work (absent: the enforcement routes answer 404). */
  enforcer?: Enforcer;
  /** Runs the desired state's `kind: Schedule`s (absent: the server runs none). */
  scheduler?: Scheduler;
  /** How long a reachability probe waits when readiness is asked for (default 3 s). */
  probeTimeoutMs?: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** The server's logger (pino); none: silent. */
  logger?: FastifyBaseLogger;
  https?: { key: Buffer; cert: Buffer };
}

/** Large enough for a node with 100,000 packages; anything bigger is refused with 413. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

export interface DriftguardServer {
  app: FastifyInstance;
  metrics: Metrics;
}

export async function buildServer(deps: ServerDeps): Promise<DriftguardServer> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(deps.https ? { https: deps.https } : {}),
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

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof DriftguardError ? error : fromFastifyError(error);
    const status = httpStatusFor(known);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(status).send({ error: known.toJSON() });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: asDriftguardError(
        new DriftguardError('E_NOT_FOUND', `no route ${request.method} ${request.url}`),
      ).toJSON(),
    });
  });
  app.addHook('onRequest', authHook(deps.store, { anonymousRead: deps.anonymousRead }));

  await openApiRoutes(app);
  await app.register(reportRoutes(deps, metrics), { prefix: '/api/v1' });
  await app.register(nodeRoutes(deps), { prefix: '/api/v1' });
  await app.register(pairRoutes(deps), { prefix: '/api/v1' });
  await app.register(adminRoutes(deps), { prefix: '/api/v1' });
  await app.register(scheduleRoutes(deps), { prefix: '/api/v1' });
  await app.register(enforceRoutes(deps), { prefix: '/api/v1' });
  await app.register(pageRoutes(deps, metrics));
  await app.ready();
  return { app, metrics };
}
