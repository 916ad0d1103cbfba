/** JSON Schema of a `driftguard/report@1` document (see report.ts), built from the state's. */
import { CATEGORY_SCHEMAS, NODE_STATE_SCHEMA } from './state-schema';

const hashPattern = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;

export const REPORT_SCHEMA = {
  $id: 'driftguard/report@1',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'reportId', 'node', 'collectedAt', 'hashes', 'errors', 'categories'],
  properties: {
    schema: { const: 'driftguard/report@1' },
    reportId: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
    node: NODE_STATE_SCHEMA.properties.node,
    collectedAt: NODE_STATE_SCHEMA.properties.collectedAt,
    hashes: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.keys(CATEGORY_SCHEMAS).map((name) => [name, hashPattern])),
    },
    errors: NODE_STATE_SCHEMA.properties.errors,
    categories: {
      type: 'object',
      additionalProperties: false,
      properties: CATEGORY_SCHEMAS,
    },
  },
} as const;
