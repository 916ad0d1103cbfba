/**
 * Answering `needs-categories`: the server lacks the content a report only names by hash —
 * because the report that carried it was dropped (spool limits, quarantine) or superseded, or
 * because the server lost it. The content is looked up by hash (in the state the agent holds, or
 * in another spooled report) and added; the report keeps its id and its place in the queue.
 */
import type { Report } from '../src/model/report';
import type { Category, CategoryValues } from '../src/model/state';

/** The content of `category` whose hash is `hash`, if the agent still has it. */
export type ContentLookup = (category: Category, hash: string) => unknown;

export type Completion =
  | { kind: 'complete'; report: Report }
  /** Content the agent no longer has (or a category the report does not list). */
  | { kind: 'unavailable'; categories: Category[] }
  /** The server asks for content the report already carries: it will never be satisfied. */
  | { kind: 'already-sent'; categories: Category[] };

export function completeReport(
  report: Report,
  needed: readonly Category[],
  lookup: ContentLookup,
): Completion {
  const alreadySent = needed.filter((category) => report.categories[category] !== undefined);
  if (alreadySent.length > 0) return { kind: 'already-sent', categories: alreadySent };
  const categories: Partial<CategoryValues> = { ...report.categories };
  const unavailable: Category[] = [];
  for (const category of needed) {
    const hash = report.hashes[category];
    const content = hash === undefined ? undefined : lookup(category, hash);
    if (content === undefined) unavailable.push(category);
    else (categories as Record<Category, unknown>)[category] = content;
  }
  if (unavailable.length > 0) return { kind: 'unavailable', categories: unavailable };
  return { kind: 'complete', report: { ...report, categories } };
}
