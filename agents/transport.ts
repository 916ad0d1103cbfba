/**
 * How the agent hands a report to the server. The agent's loop only knows this interface, so the
 * same loop runs as `driftguard agent` over HTTP and inside `driftguard serve` for the server's
 * own host, where a transport can call the ingest code directly.
 */
import type { DeliveryOutcome } from '../src/app/report-client';
import { getJson, refusal } from '../src/app/api-client';
import { sendReport } from '../src/app/report-client';
import type { WatchList } from '../src/collect/types';
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

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * `GET /api/v1/nodes/{node}/watch`: the paths the node's roles watch, which the agent records in
 * `files` besides the built-in list, and those of them it records by hash only (`sensitive`; a
 * server that predates them sends none). Throws ServerError when the server cannot say.
 */
export async function fetchWatchList(node: string, options: HttpServerOptions): Promise<WatchList> {
  const pathname = `/api/v1/nodes/${encodeURIComponent(node)}/watch`;
  const answer = await getJson(options.server, pathname, options.token, options.timeoutMs ?? 10_000);
  if (answer.status !== 200) throw refusal(options.server, pathname, answer);
  const body = answer.body as { paths?: unknown; sensitive?: unknown } | undefined;
  const sensitive = body?.sensitive ?? [];
  if (!isStringList(body?.paths) || !isStringList(sensitive)) {
    throw new ServerError(`${pathname} answered without a list of paths`);
  }
  return { paths: body.paths, sensitive };
}
