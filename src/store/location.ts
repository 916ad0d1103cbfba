/**
 * Where a store is: a SQLite file path, or a PostgreSQL URL (`postgres://…`, `postgresql://…`).
 * The rest of driftguard passes locations through as text; only here are they told apart.
 */
import * as path from 'node:path';

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The location as messages and logs may show it: a URL without its password. */
export function displayLocation(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * Where files that go with the store are kept (its first admin token, the spools of the server's
 * local agents): beside a SQLite file, named after it; for PostgreSQL, in the current
 * directory, named after the database.
 */
export function companionPath(location: string, suffix: string): string {
  if (!isPostgresUrl(location)) return `${path.resolve(location)}${suffix}`;
  let database = 'postgres';
  try {
    database = decodeURIComponent(new URL(location).pathname.slice(1)) || database;
  } catch {
    // An unparsable URL fails at open; the name only has to be a file name here.
  }
  return path.resolve(`${database.replace(/[^A-Za-z0-9._-]/g, '_')}${suffix}`);
}
