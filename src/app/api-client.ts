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
  const response = await send(server, method, pathname, token, { timeoutMs, body });
  return answerOf(response);
}

/**
 * A long answer read as it comes (a run's server-sent events): its body, once the server said
 * yes. No timeout — the answer lasts as long as the run — and losing the connection half-way is
 * a ServerError like not reaching the server at all.
 */
export async function openStream(
  server: string,
  pathname: string,
  token: string | undefined,
): Promise<AsyncIterable<Uint8Array>> {
  const response = await send(server, 'GET', pathname, token, {});
  if (!response.ok || !response.body) throw refusal(server, pathname, await answerOf(response));
  return chunksOf(server, response.body as unknown as AsyncIterable<Uint8Array>);
}

async function* chunksOf(server: string, body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    throw new ServerError(`lost the connection to ${server}: ${causeOf(err)}`, err);
  }
}

/** One request; a server that cannot be reached (or does not answer within `timeoutMs`) is a ServerError. */
async function send(
  server: string,
  method: 'GET' | 'POST',
  pathname: string,
  token: string | undefined,
  options: { timeoutMs?: number; body?: unknown },
): Promise<Response> {
  const { timeoutMs, body } = options;
  try {
    return await fetch(new URL(pathname, server), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
    });
  } catch (err) {
    throw new ServerError(`cannot reach ${server}: ${causeOf(err)}`, err);
  }
}

/** fetch's own message is "fetch failed": what went wrong is in its cause. */
function causeOf(err: unknown): string {
  return String((err as Error).cause ?? (err as Error).message);
}

async function answerOf(response: Response): Promise<ApiAnswer> {
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
}

/** The error a server's non-2xx answer means, in its own words when it gave some. */
export function refusal(server: string, pathname: string, answer: ApiAnswer): ServerError {
  const message = (answer.body as { error?: { message?: string } } | undefined)?.error?.message;
  return new ServerError(
    `${server} answered ${answer.status} for ${pathname}${message ? `: ${message}` : ''}`,
  );
}
