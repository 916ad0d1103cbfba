/**
 * Requests to a driftguard server's API with a bearer token and a timeout: the one place that turns
 * "the server could not be reached" and "the server said no" into errors people can read.
 */
import { ServerError } from '../shared/errors';

export interface ApiAnswer {
  status: number;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
}

export function getJson(
  server: string,
  pathname: string,
  token: string | undefined,
  timeoutMs: number,
): Promise<ApiAnswer> {
  return requestJson(server, 'GET', pathname, token, timeoutMs);
}

/** Any method; `body` is sent as JSON. */
export async function requestJson(
  server: string,
  method: 'GET' | 'POST',
  pathname: string,
  token: string | undefined,
  timeoutMs: number,
  body?: unknown,
): Promise<ApiAnswer> {
  let response: Response;
  try {
    response = await fetch(new URL(pathname, server), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ServerError(
      `cannot reach ${server}: ${String((err as Error).cause ?? (err as Error).message)}`,
      err,
    );
  }
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
}

/** The error a server's non-2xx answer means, in its own words when it gave some. */
export function refusal(server: string, pathname: string, answer: ApiAnswer): ServerError {
  const message = (answer.body as { error?: { message?: string } } | undefined)?.error?.message;
  return new ServerError(
    `${server} answered ${answer.status} for ${pathname}${message ? `: ${message}` : ''}`,
  );
}
