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
