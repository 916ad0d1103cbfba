/**
 * A node's history as one list of dated entries, newest first: findings opened and resolved,
 * new content collected per category, and the verdicts of the pairs it is in — "what changed on
 * pypi-2, and when", in the order an operator reads it.
 */
import type { CategoryVersion, ReadinessBrief, TimedFinding } from '../../src/model/api';
import type { Category } from '../../src/model/state';

export type TimelineEntry =
  | { kind: 'opened' | 'resolved'; at: string; finding: TimedFinding }
  | { kind: 'collected'; at: string; categories: Category[] }
  | { kind: 'verdict'; at: string; pair: string; brief: ReadinessBrief };

/** The order of entries at one instant, newest first: the verdict follows the change that caused it. */
const RANK: Record<TimelineEntry['kind'], number> = { verdict: 0, opened: 1, resolved: 2, collected: 3 };

export function buildTimeline(
  since: string,
  findings: readonly TimedFinding[],
  versions: readonly CategoryVersion[],
  verdicts: readonly { pair: string; history: readonly ReadinessBrief[] }[] = [],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const finding of findings) {
    if (finding.firstSeen > since) entries.push({ kind: 'opened', at: finding.firstSeen, finding });
    if (finding.resolvedAt && finding.resolvedAt > since)
      entries.push({ kind: 'resolved', at: finding.resolvedAt, finding });
  }
  // Categories collected together (one report) are one entry.
  const collected = new Map<string, Category[]>();
  for (const version of versions) {
    const list = collected.get(version.collectedAt) ?? [];
    list.push(version.category);
    collected.set(version.collectedAt, list);
  }
  for (const [at, categories] of collected) entries.push({ kind: 'collected', at, categories });
  for (const { pair, history } of verdicts)
    for (const brief of history)
      if (brief.evaluatedAt > since) entries.push({ kind: 'verdict', at: brief.evaluatedAt, pair, brief });
  return entries.sort((a, b) => (a.at === b.at ? RANK[a.kind] - RANK[b.kind] : a.at < b.at ? 1 : -1));
}
