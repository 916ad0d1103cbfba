/**
 * The key under which a node's fingerprints are kept (fingerprint-cache.ts): answers may only be
 * reused by the same code that turned them into a state, for the same requests. So the key names
 * driftguard's version, the remote script, the code of the collectors and of the sweep itself —
 * a collector fixed in a checkout whose version number did not move must not keep serving states
 * its old code made — the node's watch list (it decides which files are fetched and which
 * only hashed) and where the node was reached.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WatchList } from '../collect/types';
import { packageVersion } from '../shared/package-info';
import { REMOTE_SCRIPT } from './remote-script';
import { byText } from '../shared/order';

/** What turns answers into states: this folder's and these siblings' code (src/ under jest, dist/src/ when built). */
const CODE_DIRS = ['collect', 'model', 'shared', 'sweep', 'versions'];
const CODE_FILE = /(?<!\.d)\.[jt]s$/;

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder this build does not have
  }
  for (const entry of entries.sort(byText((entry) => entry.name))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, file);
    else if (entry.isFile() && CODE_FILE.test(entry.name)) {
      hash.update(`${entry.name}\0`).update(fs.readFileSync(file)).update('\0');
    }
  }
}

let codeKey: string | undefined;

/** Computed once per process: a few hundred KB of code read and hashed (a few ms). */
function currentCodeKey(): string {
  if (codeKey === undefined) {
    const hash = createHash('sha256').update(`driftguard ${packageVersion()}\0${REMOTE_SCRIPT}\0`);
    for (const dir of CODE_DIRS) hashTree(hash, path.join(__dirname, '..', dir));
    codeKey = hash.digest('hex');
  }
  return codeKey;
}

/**
 * `description` (`ssh://root@10.0.0.11:22`) is part of what the collectors make: their error
 * messages name where they read (`no /etc/passwd under …`).
 */
export function fingerprintKey(watch: WatchList, description: string): string {
  return createHash('sha256')
    .update(JSON.stringify([currentCodeKey(), watch.paths, watch.sensitive, description]))
    .digest('hex');
}
