import type { FastifyPluginAsync } from 'fastify';
import { evaluatePairReadiness, readinessHistory } from '../../app/pair-readiness';
import { listPairs, timed } from '../../app/queries';
import type { Desired } from '../../model/desired';
import { pairByName } from '../../desired';
import { DriftguardError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, NO_QUERY } from './schemas';

function requireDesired(deps: ServerDeps): Desired {
  const desired = deps.desired.desired;
  if (!desired) throw new DriftguardError('E_DESIRED_INVALID', 'no desired state is loaded');
  return desired;
}

/** Pairs: the list with parity counts, a pair's open parity findings, its readiness and its history. */
export function pairRoutes(deps: ServerDeps): FastifyPluginAsync {
  const read = { access: 'read' as const };
  return async (app) => {
    app.get(
      '/pairs',
      {
        config: read,
        schema: {
          summary: 'Every pair of the desired state with its parity counts',
          tags: ['pairs'],
          querystring: NO_QUERY,
        },
      },
      async () => ({
        pairs: listPairs(deps.store, deps.desired.desired),
      }),
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/parity',
      {
        config: read,
        schema: {
          summary: 'Open parity findings of a pair, primary against secondary',
          tags: ['pairs'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => {
        const desired = requireDesired(deps);
        const pair = pairByName(desired, request.params.name);
        return {
          pair: pair.name,
          primary: pair.primary,
          secondary: pair.secondary,
          findings: deps.store.findings.open(`pair:${pair.name}`, 'parity').map(timed),
        };
      },
    );

    app.get<{ Params: { name: string }; Querystring: { probes?: 'true' | 'false' } }>(
      '/pairs/:name/readiness',
      {
        config: read,
        schema: {
          summary:
            'GO or NO-GO for a failover of the pair now, with every reason (DESIGN §8); recorded in its history',
          tags: ['pairs'],
          params: NAME_PARAMS,
          // Query strings are text, and the server coerces nothing: `probes=false` skips the probes.
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { probes: { enum: ['true', 'false'] } },
          },
        },
      },
      async (request) => {
        const desired = requireDesired(deps);
        pairByName(desired, request.params.name);
        return evaluatePairReadiness(deps.store, desired, request.params.name, {
          now: deps.now(),
          probeTimeoutMs: request.query.probes === 'false' ? undefined : (deps.probeTimeoutMs ?? 3000),
        });
      },
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/readiness/history',
      {
        config: read,
        schema: {
          summary:
            'When the pair last said GO, what changed on the secondary since, and every change of verdict',
          tags: ['pairs'],
          params: NAME_PARAMS,
          querystring: NO_QUERY,
        },
      },
      async (request) => readinessHistory(deps.store, requireDesired(deps), request.params.name),
    );
  };
}
