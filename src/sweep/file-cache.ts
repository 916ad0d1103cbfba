/**
 * The CLI's fingerprint cache: one JSON file per node in a directory of the user's (default
 * `$XDG_CACHE_HOME/driftguard/sweep`, else `~/.cache/driftguard/sweep`). The directory is made
 * mode 0700 and each file is written atomically with mode 0600: a cached state may hold the text
 * of watched files. The cache can only make a sweep cheaper, never make it fail: an entry that
 * cannot be read, parsed or used is ignored (said through `debug`) and written anew, and a
 * write that fails is said the same way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../shared/atomic-write';
import { errorMessage } from '../shared/errors';
import type { FingerprintEntry, SweepCache } from './fingerprint-cache';
import { entryProblem } from './fingerprint-cache';

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return path.join(base ?? path.join(env.HOME || os.homedir(), '.cache'), 'driftguard', 'sweep');
}

export class FileSweepCache implements SweepCache {
  constructor(
    readonly dir: string,
    private readonly debug: (message: string) => void = () => undefined,
  ) {}

  /** Node names are DNS-like, but a file name is made safe whatever they hold. */
  private fileOf(node: string): string {
    return path.join(this.dir, `${encodeURIComponent(node).replaceAll('.', '%2E')}.json`);
  }

  get(node: string, key: string): FingerprintEntry | undefined {
    const file = this.fileOf(node);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.debug(`sweep cache: ignoring ${file}: ${errorMessage(err)}`);
      return undefined;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (err) {
      this.debug(`sweep cache: ignoring ${file}: not JSON (${errorMessage(err)})`);
      return undefined;
    }
    const problem = entryProblem(entry, key);
    if (problem !== undefined) {
      this.debug(`sweep cache: ignoring ${file}: ${problem}`);
      return undefined;
    }
    return entry as FingerprintEntry;
  }

  put(node: string, entry: FingerprintEntry): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(this.fileOf(node), JSON.stringify(entry), 0o600);
    } catch (err) {
      this.debug(`sweep cache: not kept for ${node}: ${errorMessage(err)}`);
    }
  }
}
