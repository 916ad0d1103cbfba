import type { FastifyPluginAsync } from 'fastify';
import { evaluatePairReadiness, readinessHistory } from '../../app/pair-readiness';
import { parityTally } from '../../app/parity-tally';
import { listPairs, timed } from '../../app/queries';
import type { LatestReport } from '../../app/runbook';
import { pairRunbook } from '../../app/runbook';
import type { PairParity } from '../../model/api';
import type { Desired } from '../../model/desired';
import { pairByName } from '../../desired';
import { DriftguardError, NotFoundError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { NAME_PARAMS, readRoute } from './schemas';

function requireDesired(deps: ServerDeps): Desired {
  const desired = deps.desired.desired;
  if (!desired) throw new DriftguardError('E_DESIRED_INVALID', 'no desired state is loaded');
  return desired;
}

/** A node's latest state and when it arrived, from the store. */
async function latestReport(deps: ServerDeps, node: string): Promise<LatestReport | undefined> {
  const row = await deps.store.states.node(node);
  const state = row && (await deps.store.states.latestState(node));
  return row && state ? { state, receivedAt: row.lastSeen } : undefined;
}

/**
 * Pairs: the list with parity counts, a pair's open parity findings, its readiness and its
 * history, and its runbook.
 */
export function pairRoutes(deps: ServerDeps): FastifyPluginAsync {
  const named = { params: NAME_PARAMS };
  return async (app) => {
    app.get(
      '/pairs',
      readRoute('Every pair of the desired state with its parity counts', 'pairs'),
      async () => ({
        pairs: await listPairs(deps.store, deps.desired.desired),
      }),
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/parity',
      readRoute('Open parity findings of a pair, primary against secondary', 'pairs', named),
      async (request): Promise<PairParity> => {
        const pair = pairByName(requireDesired(deps), request.params.name);
        const findings = (await deps.store.findings.open(`pair:${pair.name}`, 'parity')).map(timed);
        const answer: PairParity = {
          pair: pair.name,
          primary: pair.primary,
          secondary: pair.secondary,
          findings,
        };
        const primary = await deps.store.states.latestState(pair.primary);
        const secondary = await deps.store.states.latestState(pair.secondary);
        if (primary && secondary)
          answer.tally = parityTally(primary, secondary, pair.parity.ignore, findings);
        return answer;
      },
    );

    app.get<{ Params: { name: string }; Querystring: { probes?: 'true' | 'false' } }>(
      '/pairs/:name/readiness',
      readRoute(
        'GO or NO-GO for a failover of the pair now, with every reason (DESIGN §8); recorded in its history',
        'pairs',
        {
          ...named,
          // Query strings are text, and the server coerces nothing: `probes=false` skips the probes.
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { probes: { enum: ['true', 'false'] } },
          },
        },
      ),
      async (request) =>
        evaluatePairReadiness(deps.store, requireDesired(deps), request.params.name, {
          now: deps.now(),
          probeTimeoutMs: request.query.probes === 'false' ? undefined : (deps.probeTimeoutMs ?? 3000),
          live: deps.live,
        }),
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/readiness/latest',
      readRoute(
        'The last recorded readiness of the pair (the monitor evaluates every pair on an interval and after reports), without evaluating it again',
        'pairs',
        named,
      ),
      async (request) => {
        const pair = pairByName(requireDesired(deps), request.params.name);
        const latest = await deps.store.readiness.latest(pair.name);
        if (!latest) throw new NotFoundError(`pair ${pair.name} has not been evaluated yet`);
        return { ...latest.result, lastEvaluatedAt: latest.lastEvaluatedAt };
      },
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/readiness/history',
      readRoute(
        'When the pair last said GO, what changed on the secondary since, and every change of verdict',
        'pairs',
        named,
      ),
      async (request) => readinessHistory(deps.store, requireDesired(deps), request.params.name),
    );

    app.get<{ Params: { name: string } }>(
      '/pairs/:name/runbook',
      readRoute(
        "The pair's moving parts: roles, how to reach each node, failover mounts, DRBD resources and the boot chain of each replicated mount",
        'pairs',
        named,
      ),
      async (request) => {
        const desired = requireDesired(deps);
        const pair = pairByName(desired, request.params.name);
        // The runbook is assembled without the store: both reports are read first.
        const reports = new Map<string, LatestReport | undefined>();
        for (const node of [pair.primary, pair.secondary]) reports.set(node, await latestReport(deps, node));
        return pairRunbook(desired, request.params.name, (node) => reports.get(node));
      },
    );
  };
}
