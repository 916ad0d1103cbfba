/**
 * Turning a collected state into a report for the server: all categories (full), only those
 * whose hash differs from what the server last accepted (delta), or none (heartbeat). Shared by
 * the agent, the SSH sweep and the server's own in-process collection.
 */
import type { Report } from '../model/report';
import { REPORT_SCHEMA_ID } from '../model/report';
import type { Category, CategoryValues, NodeState } from '../model/state';
import { CATEGORIES } from '../model/state';
import { canonicalCopy } from '../shared/canonical-json';

export function buildReport(
  state: NodeState,
  reportId: string,
  /** Hashes the server is known to hold; undefined = it holds nothing we know of: send all. */
  serverHashes?: Partial<Record<Category, string>>,
): Report {
  const categories: Partial<CategoryValues> = {};
  for (const category of CATEGORIES) {
    const value = state[category];
    if (value === undefined) continue;
    if (serverHashes && serverHashes[category] === state.hashes[category]) continue;
    // In canonical key order, so the server can verify the hash with one native JSON.stringify.
    (categories as Record<Category, unknown>)[category] = canonicalCopy(value);
  }
  return {
    schema: REPORT_SCHEMA_ID,
    reportId,
    node: state.node,
    collectedAt: state.collectedAt,
    hashes: { ...state.hashes },
    errors: state.errors,
    categories,
  };
}
