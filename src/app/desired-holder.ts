/**
 * The desired state a running server evaluates against. Reloaded when its folder changes (or
 * on SIGHUP); a broken edit is refused — its problems are kept for the API and the log — and
 * the last good desired state keeps running.
 */
import type { Desired } from '../model/desired';
import type { DriftguardError } from '../shared/errors';
import { asDriftguardError } from '../shared/errors';

export interface DesiredStatus {
  dir: string;
  /** The desired state in use: the last one that loaded. */
  loaded?: { hash: string; loadedAt: string; roles: number; nodes: number; pairs: number; schedules: number };
  /** The last reload that failed, if it is newer than the last success. */
  rejected?: { at: string; error: ReturnType<DriftguardError['toJSON']> };
}

export type LoadResult =
  { ok: true; changed: boolean; desired: Desired } | { ok: false; error: DriftguardError };

export class DesiredHolder {
  private current: Desired | undefined;
  private status: DesiredStatus;

  constructor(
    private readonly dir: string,
    private readonly load: (dir: string) => Desired,
    private readonly now: () => Date,
  ) {
    this.status = { dir };
  }

  get desired(): Desired | undefined {
    return this.current;
  }

  get statusReport(): DesiredStatus {
    return this.status;
  }

  /** Loads the folder again; on failure keeps what was running. */
  reload(): LoadResult {
    let next: Desired;
    try {
      next = this.load(this.dir);
    } catch (err) {
      const error = asDriftguardError(err);
      this.status = { ...this.status, rejected: { at: this.now().toISOString(), error: error.toJSON() } };
      return { ok: false, error };
    }
    const changed = next.hash !== this.current?.hash;
    this.current = next;
    this.status = {
      dir: this.dir,
      loaded: {
        hash: next.hash,
        loadedAt: this.now().toISOString(),
        roles: Object.keys(next.roles).length,
        nodes: Object.keys(next.nodes).length,
        pairs: Object.keys(next.pairs).length,
        schedules: Object.keys(next.schedules).length,
      },
    };
    return { ok: true, changed, desired: next };
  }
}
