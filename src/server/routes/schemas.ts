/** Request schemas shared by several routes. */
import { RequestError } from '../../shared/errors';
import { utcInstant } from '../../shared/time';
import type { Access } from '../auth';

export const NAME_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$' } },
} as const;

export const SINCE_QUERY = {
  type: 'object',
  additionalProperties: false,
  required: ['since'],
  properties: { since: { type: 'string', format: 'date-time' } },
} as const;

export const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The request schemas of a route. */
export interface RouteRequest {
  params?: object;
  querystring?: object;
  body?: object;
}

/**
 * The options of a route: who may call it, its OpenAPI summary and tag, and its request schemas
 * (no query string unless one is given).
 */
export function route(
  access: Access,
  summary: string,
  tag: string,
  request: RouteRequest = {},
): {
  config: { access: Access };
  schema: { summary: string; tags: string[]; querystring: object } & RouteRequest;
} {
  return { config: { access }, schema: { summary, tags: [tag], querystring: NO_QUERY, ...request } };
}

/** The options of a route anyone who may read can call (see `route`). */
export function readRoute(
  summary: string,
  tag: string,
  request: Omit<RouteRequest, 'body'> = {},
): ReturnType<typeof route> {
  return route('read', summary, tag, request);
}

/**
 * The `since` query as an instant in UTC: stored times are UTC, and only UTC compares as text
 * (`?since=2026-12-06T12:00:00+05:00` means 07:00Z, not "after 10:00Z").
 */
export function sinceInstant(since: string): string {
  const instant = utcInstant(since);
  if (instant === undefined)
    throw new RequestError(`since=${since} is not a point in time`, [
      { message: 'not a valid date and time', path: '/since' },
    ]);
  return instant;
}
