/**
 * How the agent hands a report to the server. The agent's loop only knows this interface, so the
 * same loop runs as `driftguard agent` over HTTP and inside `driftguard serve` for the server's
 * own host, where a transport can call the ingest code directly.
 */
import type { DeliveryOutcome } from '../src/app/report-client';
import { sendReport } from '../src/app/report-client';
import type { Report } from '../src/model/report';
import { ServerError } from '../src/shared/errors';

export interface Transport {
  /** Delivers one report; never throws — every failure is an outcome (report-client.ts). */
  send(report: Report): Promise<DeliveryOutcome>;
}

export interface HttpServerOptions {
  server: string;
  token: string;
  timeoutMs?: number;
}

/** POST /api/v1/reports (src/model/report.ts). */
export function httpTransport(options: HttpServerOptions): Transport {
  return { send: (report) => sendReport(report, options) };
}

/**
 * `GET /api/v1/nodes/{node}/watch`: the paths the node's roles watch, which the agent records in
 * `files` besides the built-in list. Throws ServerError when the server cannot say.
 */
export async function fetchWatchPaths(node: string, options: HttpServerOptions): Promise<string[]> {
  const url = new URL(`/api/v1/nodes/${encodeURIComponent(node)}/watch`, options.server);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new ServerError(
      `cannot reach ${options.server}: ${(err as Error).cause ?? (err as Error).message}`,
      err,
    );
  }
  const body = (await response.json().catch(() => undefined)) as
    { paths?: unknown; error?: { message?: string } } | undefined;
  if (!response.ok) {
    throw new ServerError(
      `${url.pathname} answered ${response.status}: ${body?.error?.message ?? response.statusText}`,
    );
  }
  const paths = body?.paths;
  if (!Array.isArray(paths) || !paths.every((p): p is string => typeof p === 'string')) {
    throw new ServerError(`${url.pathname} answered without a list of paths`);
  }
  return paths;
}
