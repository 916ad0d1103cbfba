import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Issue } from '../shared/errors';
import { StateError } from '../shared/errors';
import type { NodeState } from './state';
import { NODE_STATE_SCHEMA } from './state-schema';

let compiled: ValidateFunction | undefined;

/** Compiled on first use: ajv's compile costs milliseconds that `collect` should not pay. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date-time']);
    compiled = ajv.compile(NODE_STATE_SCHEMA);
  }
  return compiled;
}

function describeAjvError(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown key ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (error.keyword === 'enum') {
    return `${error.message}: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return error.message ?? error.keyword;
}

/** At most this many schema errors are listed: a wrong document can produce thousands. */
const MAX_ISSUES = 20;

/**
 * Checks that a parsed document is a NodeState; throws StateError naming every problem with its
 * JSON path (`/packages/items/bash:amd64/version: must be string`), prefixed by `where`.
 */
export function validateState(document: unknown, where: string): NodeState {
  const validate = validator();
  if (validate(document)) return document as NodeState;
  const errors = validate.errors ?? [];
  const issues: Issue[] = errors.slice(0, MAX_ISSUES).map((error) => ({
    message: `${error.instancePath || '/'}: ${describeAjvError(error)}`,
    path: error.instancePath || '/',
  }));
  if (errors.length > MAX_ISSUES) issues.push({ message: `… and ${errors.length - MAX_ISSUES} more` });
  throw new StateError(`${where} is not a valid driftguard/state@1 document`, issues);
}
