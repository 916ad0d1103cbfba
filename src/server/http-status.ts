/**
 * The only place errors become HTTP statuses. Every error answer has the same body:
 * `{ "error": { "code", "message", "issues", …details } }`.
 */
import type { FastifyError } from 'fastify';
import type { ErrorCode, Issue } from '../shared/errors';
import { DriftguardError, RequestError } from '../shared/errors';

const STATUS: Record<ErrorCode, number> = {
  E_USAGE: 400,
  E_REQUEST_INVALID: 400,
  E_STATE_INVALID: 400,
  E_DESIRED_INVALID: 422,
  E_UNAUTHENTICATED: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_NEEDS_CATEGORIES: 409,
  E_OUT_OF_ORDER: 409,
  E_CONFLICT: 409,
  E_STALE_PLAN: 409,
  E_TOO_LARGE: 413,
  E_UNSUPPORTED_MEDIA: 415,
  E_IO: 500,
  E_COMMAND: 500,
  E_COLLECT: 500,
  E_SERVER: 502,
  E_INTERNAL: 500,
};

export function httpStatusFor(error: DriftguardError): number {
  return STATUS[error.code];
}

/** fastify's own errors (body parsing, schema validation) in driftguard's terms. */
export function fromFastifyError(error: FastifyError): DriftguardError {
  if (error.validation) {
    const issues: Issue[] = error.validation.slice(0, 20).map((problem) => ({
      message: `${problem.instancePath || '/'}: ${describeValidation(problem)}`,
      path: problem.instancePath || '/',
    }));
    return new RequestError(
      `the request ${error.validationContext ?? 'body'} does not match its schema`,
      issues,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DriftguardError('E_TOO_LARGE', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DriftguardError(
        error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'E_UNSUPPORTED_MEDIA' : 'E_REQUEST_INVALID',
        error.message,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new RequestError(error.message);
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
        return new RequestError(error.message);
      return new DriftguardError('E_INTERNAL', error.message, { cause: error });
  }
}

function describeValidation(problem: NonNullable<FastifyError['validation']>[number]): string {
  const params = problem.params as Record<string, unknown>;
  if (problem.keyword === 'additionalProperties')
    return `unknown key ${JSON.stringify(params.additionalProperty)}`;
  if (problem.keyword === 'required') return `missing key ${JSON.stringify(params.missingProperty)}`;
  return problem.message ?? problem.keyword;
}
