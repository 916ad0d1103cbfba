import type { FastifyPluginAsync } from 'fastify';
import { ingestReport } from '../../app/ingest';
import type { Report } from '../../model/report';
import { reportKind } from '../../model/report';
import { REPORT_SCHEMA } from '../../model/report-schema';
import { asDriftguardError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import type { Metrics } from '../metrics';

/** POST /api/v1/reports — the protocol is described in src/model/report.ts. */
export function reportRoutes(deps: ServerDeps, metrics: Metrics): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Report }>(
      '/reports',
      {
        config: { access: 'report' },
        schema: {
          summary: 'Send a node state report (full, delta or heartbeat)',
          tags: ['reports'],
          body: REPORT_SCHEMA,
        },
      },
      async (request, reply) => {
        const report = request.body;
        const kind = reportKind(report);
        const timer = metrics.ingestSeconds.startTimer({ kind });
        try {
          const result = await ingestReport(deps.store, report, request.caller!, deps.now());
          metrics.reports.inc({ kind, outcome: result.duplicate ? 'duplicate' : 'stored' });
          deps.evaluator.reported(report.node, result.changed);
          return reply
            .code(result.stored ? 201 : 200)
            .send({ stored: result.stored, duplicate: result.duplicate, changed: result.changed });
        } catch (err) {
          metrics.reports.inc({ kind, outcome: asDriftguardError(err).code });
          throw err;
        } finally {
          timer();
        }
      },
    );
  };
}
