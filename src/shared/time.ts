/**
 * Instants in time as driftguard keeps them: ISO 8601 in UTC with milliseconds, as
 * `Date.prototype.toISOString()` writes them (`2026-12-06T07:00:00.000Z`). Only that form sorts
 * as text in time order, which is what SQLite comparisons and `<` on strings rely on; a time
 * written with an offset (`12:00:00+05:00`) is the same instant as `07:00:00Z` but sorts after
 * `10:00:00Z` as text. Everything that enters with an offset is converted here, at the edge.
 */

/**
 * How far ahead of the server's clock a node's clock may be (the default skew Kerberos
 * tolerates). A report stamped further ahead is refused: accepted, it would stay "newer" than
 * every honest report for as long as the difference, and make a silent node look fresh.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The instant `text` names, in UTC (`…Z`, milliseconds); undefined when it names none. */
export function utcInstant(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * How many milliseconds `instant` is ahead of `now` (negative: behind). A node's stamp further
 * ahead than MAX_CLOCK_SKEW_MS comes from a wrong clock: refused at ingest, and no age is told
 * from it.
 */
export function msAhead(instant: string, now: Date): number {
  return Date.parse(instant) - now.getTime();
}
