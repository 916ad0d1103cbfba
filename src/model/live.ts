/**
 * What the server's live stream (`GET /api/v1/events`, server-sent events) says happened, so a
 * dashboard re-reads what it shows instead of polling. Each event names what changed, never the
 * new content: every view stays built from API calls anyone could make with curl.
 */
import type { Verdict } from './readiness';
import type { RunEventType } from './run';

export type LiveEvent =
  /** A report of the node was accepted (a heartbeat too: its received time moved). */
  | { type: 'node-reported'; node: string; at: string }
  /** The node's drift, and the parity of each pair named, were evaluated again. */
  | { type: 'node-evaluated'; node: string; pairs: string[]; at: string }
  /**
   * A pair's readiness was evaluated (by the monitor or on request); `changed`: its verdict or
   * failing checks differ from the evaluation before (a list of pairs need only re-read then).
   */
  | { type: 'readiness'; pair: string; verdict: Verdict; changed: boolean; at: string }
  /** A run made progress. */
  | { type: 'run'; runId: string; event: RunEventType; at: string }
  /** A plan was made or approved. */
  | { type: 'plan'; planId: string; at: string }
  /** The desired state was reloaded. */
  | { type: 'desired'; hash: string; at: string };

export type LiveEventType = LiveEvent['type'];
