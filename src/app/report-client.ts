/**
 * The client side of `POST /api/v1/reports`, shared by the agent and the SSH sweep: sends one
 * report and says what the server's answer means for the sender (see src/model/report.ts).
 */
import type { Report } from '../model/report';
import type { Category } from '../model/state';

export type DeliveryOutcome =
  /** Stored now, or stored before (a retry): done with this report. */
  | { kind: 'delivered'; duplicate: boolean; changed: Category[] }
  /** The server lacks the content for these categories: send them. */
  | { kind: 'needs-categories'; categories: Category[] }
  /** Older than what the server has: superseded, drop it. */
  | { kind: 'superseded' }
  /** The server refused it for good (bad token, schema): retrying the same bytes will not help. */
  | { kind: 'rejected'; status: number; message: string }
  /** Not reached, or the server failed (5xx, timeout): try again later, in order. */
  | { kind: 'retry'; message: string };

export interface ReportClientOptions {
  server: string;
  token: string;
  timeoutMs?: number;
}

interface ErrorBody {
  error?: { code?: string; message?: string; categories?: Category[] };
}

export async function sendReport(report: Report, options: ReportClientOptions): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/reports', options.server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    return {
      kind: 'retry',
      message: `cannot reach ${options.server}: ${(err as Error).cause ?? (err as Error).message}`,
    };
  }
  const body = (await response.json().catch(() => ({}))) as ErrorBody & {
    duplicate?: boolean;
    changed?: Category[];
  };
  if (response.status === 200 || response.status === 201) {
    return { kind: 'delivered', duplicate: body.duplicate === true, changed: body.changed ?? [] };
  }
  if (response.status === 409 && body.error?.code === 'E_NEEDS_CATEGORIES') {
    return { kind: 'needs-categories', categories: body.error.categories ?? [] };
  }
  if (response.status === 409 && body.error?.code === 'E_OUT_OF_ORDER') return { kind: 'superseded' };
  const message = body.error?.message ?? response.statusText;
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    return { kind: 'retry', message: `server answered ${response.status}: ${message}` };
  }
  return { kind: 'rejected', status: response.status, message };
}
