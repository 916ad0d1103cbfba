/**
 * The first admin token of a store, written at the server's first start to a file tied to that
 * store — `STORE.admin-token` beside it, as SQLite's own `STORE-wal` (`DATABASE.admin-token` in the
 * current directory for PostgreSQL) — readable by its owner
 * only. Two stores in one folder get two files. A file already there is replaced only when it
 * holds a token of this very store (a revoked admin token): a file that is not this store's (a
 * copy from another store, a hand-written file) is never overwritten.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../shared/atomic-write';
import { IoError, errorMessage } from '../shared/errors';
import type { Store } from '../store';
import { companionPath, displayLocation } from '../store';

export function adminTokenFileOf(dbFile: string): string {
  return companionPath(dbFile, '.admin-token');
}

/** The first line of an existing file, or undefined when there is no file. */
function firstLine(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new IoError(`cannot read ${file}: ${errorMessage(err)}`, err);
  }
}

/**
 * Creates an admin token and writes it to the store's token file when the store has no live
 * admin token; returns the file written, or undefined when there was nothing to do.
 */
export async function ensureFirstAdminToken(
  store: Store,
  dbFile: string,
  now: Date,
): Promise<string | undefined> {
  if (await store.tokens.hasAdmin()) return undefined;
  const file = adminTokenFileOf(dbFile);
  const existing = firstLine(file);
  if (existing !== undefined && !(await store.tokens.knows(existing))) {
    throw new IoError(
      `${file} exists but holds no token of the store ${displayLocation(dbFile)}, which has no admin token: ` +
        `move the file away to have a new one written, or create one with: driftguard token create --admin --db ${displayLocation(dbFile)}`,
    );
  }
  const created = await store.tokens.create(
    { role: 'admin', label: 'created at first start' },
    now.toISOString(),
  );
  writeFileAtomic(file, created.token + '\n', 0o600);
  return file;
}
