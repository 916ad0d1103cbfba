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

export interface FailoverOptions {
  /** The server instances, in order of preference: each is tried in turn while one is away. */
  servers: readonly string[];
  token: string;
  timeoutMs?: number;
  /** Told when reports go to another server than before. */
  onSwitch?: (from: string, to: string, why: string) => void;
}

/**
 * POST /api/v1/reports to one of several instances of one server (on one PostgreSQL store):
 * the report goes to the instance that took the last one; when it cannot be reached or fails
 * (a `retry` outcome), the same report goes to the next instance, and the next, before the
 * agent waits. The agent's loop sends its spool oldest first and moves on only once a report is
 * delivered, so the order of delivery stays the spool's whichever instance takes each report.
 * A report an instance stored but did not answer for (a timeout) is a duplicate at the next one
 * (one store, `UNIQUE(node, report_id)`), never stored twice.
 */
export function failoverTransport(options: FailoverOptions): Transport {
  let current = 0;
  return {
    async send(report) {
      const failures: string[] = [];
      for (let tried = 0; tried < options.servers.length; tried++) {
        const index = (current + tried) % options.servers.length;
        const server = options.servers[index] as string;
        const outcome = await sendReport(report, { ...options, server });
        if (outcome.kind !== 'retry') {
          if (index !== current) {
            options.onSwitch?.(options.servers[current] as string, server, failures.join('; '));
            current = index;
          }
          return outcome;
        }
        failures.push(outcome.message);
      }
      return { kind: 'retry', message: failures.join('; ') };
    },
  };
}

/** `request` asked of each server in turn until one answers; the last failure when none does. */
export async function fromAnyServer<T>(
  servers: readonly string[],
  request: (server: string) => Promise<T>,
): Promise<T> {
  let failure: unknown = new ServerError('no server to ask');
  for (const server of servers) {
    try {
      return await request(server);
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
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
