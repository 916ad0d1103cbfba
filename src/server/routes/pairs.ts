import type { FastifyPluginAsync } from 'fastify';
import { listPairs, timed } from '../../app/queries';
import { pairByName } from '../../desired';
import { DriftguardError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, NO_QUERY } from './schemas';

/** Pairs: the list with parity counts, and a pair's open parity findings. */
export function pairRoutes(deps: ServerDeps): FastifyPluginAsync {
  const read = { access: 'read' as const };
  return async (app) => {
    app.get('/pairs', { config: read, schema: { summary: 'Every pair of the desired state with its parity counts', tags: ['pairs'], querystring: NO_QUERY } }, async () => ({
      pairs: listPairs(deps.store, deps.desired.desired),
    }));

    app.get<{ Params: { name: string } }>('/pairs/:name/parity', { config: read, schema: { summary: 'Open parity findings of a pair, primary against secondary', tags: ['pairs'], params: NAME_PARAMS, querystring: NO_QUERY } }, async (request) => {
      const desired = deps.desired.desired;
      if (!desired) throw new DriftguardError('E_DESIRED_INVALID', 'no desired state is loaded');
      const pair = pairByName(desired, request.params.name);
      return { pair: pair.name, primary: pair.primary, secondary: pair.secondary, findings: deps.store.findings.open(`pair:${pair.name}`, 'parity').map(timed) };
    });
  };
}
