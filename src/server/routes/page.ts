import type { FastifyPluginAsync } from 'fastify';
import type { ServerDeps } from '../app';
import type { Metrics } from '../metrics';
import { NO_QUERY } from './schemas';

/** /metrics and /healthz (the dashboard at / is routes/dashboard.ts). */
export function pageRoutes(deps: ServerDeps, metrics: Metrics): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: { summary: 'Liveness', tags: ['server'], querystring: NO_QUERY },
      },
      async () => ({ ok: true }),
    );

    app.get(
      '/metrics',
      {
        config: { access: 'read' },
        schema: { summary: 'Prometheus metrics', tags: ['server'], querystring: NO_QUERY },
      },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
}
