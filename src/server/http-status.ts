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
  E_CLOCK_SKEW: 422,
  E_TOO_LARGE: 413,
  E_URI_TOO_LONG: 414,
  E_HEADERS_TOO_LARGE: 431,
  E_REQUEST_TIMEOUT: 408,
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

/** The body of every error answer. */
export function errorBody(error: DriftguardError): { error: ReturnType<DriftguardError['toJSON']> } {
  return { error: error.toJSON() };
}

/**
 * Errors the HTTP parser raises before a request reaches fastify (fastify's clientErrorHandler):
 * a request that did not arrive in time, headers over the limit, bytes that are not HTTP.
 */
export function fromClientError(error: Error & { code?: string }): DriftguardError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new DriftguardError(
        'E_REQUEST_TIMEOUT',
        'the request did not arrive in time: the connection is closed',
      );
    case 'HPE_HEADER_OVERFLOW':
      return new DriftguardError(
        'E_HEADERS_TOO_LARGE',
        'the request headers are larger than the server accepts',
      );
    default:
      return new RequestError(`not a valid HTTP request (${error.code ?? error.message})`);
  }
}

/** fastify's own errors (routing, body parsing, schema validation) in driftguard's terms. */
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
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new DriftguardError('E_URI_TOO_LONG', 'a name in the path is longer than any name can be');
    case 'FST_ERR_BAD_URL':
      return new RequestError(`the path is not a valid URL: ${error.message}`);
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
