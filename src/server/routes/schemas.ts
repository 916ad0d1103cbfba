/** Request schemas shared by several routes. */

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

/**
 * The options of a route anyone who may read can call: access, OpenAPI summary and tag, and the
 * request schemas (no query string unless one is given).
 */
export function readRoute(
  summary: string,
  tag: string,
  request: { params?: object; querystring?: object } = {},
): {
  config: { access: 'read' };
  schema: { summary: string; tags: string[]; params?: object; querystring: object };
} {
  return { config: { access: 'read' }, schema: { summary, tags: [tag], querystring: NO_QUERY, ...request } };
}
