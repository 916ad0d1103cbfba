/** Trends: open findings and verdicts over time, for the dashboard's charts. */
import type { FastifyPluginAsync } from 'fastify';
import { computeTrends } from '../../app/trends';
import { RequestError } from '../../shared/errors';
import type { ServerDeps } from '../app';
import { readRoute, sinceInstant } from './schemas';

export const DEFAULT_TREND_WINDOW_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_TREND_POINTS = 120;
export const MAX_TREND_POINTS = 1000;

const TRENDS_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', format: 'date-time' },
    // Query values are strings (no coercion): digits here, the range checked below.
    points: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const;

type TrendsRequest = { Querystring: { since?: string; points?: string } };

function pointsOf(text: string | undefined): number {
  const points = text === undefined ? DEFAULT_TREND_POINTS : Number(text);
  if (points < 2 || points > MAX_TREND_POINTS)
    throw new RequestError(`points=${text} is not between 2 and ${MAX_TREND_POINTS}`, [
      { message: `between 2 and ${MAX_TREND_POINTS}`, path: '/points' },
    ]);
  return points;
}

export function trendRoutes(deps: ServerDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<TrendsRequest>(
      '/trends',
      readRoute(
        'Open drift and parity findings, and pairs GO / NO-GO, sampled at `points` instants from `since` (default 7 days ago, 120 points) to now',
        'trends',
        { querystring: TRENDS_QUERY },
      ),
      async (request) => {
        const until = deps.now();
        const since =
          request.query.since === undefined
            ? new Date(until.getTime() - DEFAULT_TREND_WINDOW_MS).toISOString()
            : sinceInstant(request.query.since);
        if (Date.parse(since) >= until.getTime())
          throw new RequestError(`since=${request.query.since} is not before now`, [
            { message: 'must be in the past', path: '/since' },
          ]);
        return computeTrends({
          since,
          until: until.toISOString(),
          points: pointsOf(request.query.points),
          findings: await deps.store.findings.intervalsSince(since),
          readiness: await deps.store.readiness.historySince(since),
          pairs: Object.keys(deps.desired.desired?.pairs ?? {}),
        });
      },
    );
  };
}
