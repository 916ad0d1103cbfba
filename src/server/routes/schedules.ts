import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, NO_QUERY } from './schemas';

/** Schedules of the desired state, their last runs, and running one now. */
export function scheduleRoutes(deps: ServerDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/schedules',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Every kind: Schedule with its last run',
          tags: ['schedules'],
          querystring: NO_QUERY,
        },
      },
      async () => ({
        schedules: Object.values(deps.desired.desired?.schedules ?? {}).map((schedule) => ({
          name: schedule.name,
          cron: schedule.cron,
          mode: schedule.mode,
          targets: schedule.targets,
          lastRun: deps.scheduler?.lastRun(schedule.name) ?? null,
        })),
      }),
    );

    app.post<{ Params: { name: string } }>(
      '/schedules/:name/run',
      {
        config: { access: 'admin' },
        schema: {
          summary: 'Run a schedule now (sweep its targets, store, evaluate)',
          tags: ['schedules'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => {
        if (!deps.desired.desired?.schedules[request.params.name])
          throw new NotFoundError(`no schedule ${request.params.name} in the desired state`);
        if (!deps.scheduler) throw new NotFoundError('this server runs no schedules');
        const run = await deps.scheduler.runNow(request.params.name);
        return run ?? { skipped: true, reason: 'it is running already' };
      },
    );
  };
}
