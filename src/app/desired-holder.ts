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
  /** Reloads in flight, one after the other: a later edit never loses to an earlier one. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((desired: Desired) => void)[] = [];

  constructor(
    private readonly dir: string,
    private readonly load: (dir: string) => Desired,
    private readonly now: () => Date,
    /** How a running server loads without blocking (a worker thread); default: `load`. */
    private readonly loadAsync: (dir: string) => Promise<Desired> = async (dir) => load(dir),
  ) {
    this.status = { dir };
  }

  get desired(): Desired | undefined {
    return this.current;
  }

  get statusReport(): DesiredStatus {
    return this.status;
  }

  /** Calls `listener` with every newly loaded desired state that differs from the one before. */
  onChange(listener: (desired: Desired) => void): void {
    this.listeners.push(listener);
  }

  /** Loads the folder again; on failure keeps what was running. */
  reload(): LoadResult {
    try {
      return this.accept(this.load(this.dir));
    } catch (err) {
      return this.refuse(err);
    }
  }

  /** reload() through `loadAsync`, so the caller's thread stays free while the folder loads. */
  reloadInBackground(): Promise<LoadResult> {
    const next = this.queue.then(() =>
      this.loadAsync(this.dir).then(
        (desired) => this.accept(desired),
        (err: unknown) => this.refuse(err),
      ),
    );
    this.queue = next;
    return next;
  }

  private refuse(err: unknown): LoadResult {
    const error = asDriftguardError(err);
    this.status = { ...this.status, rejected: { at: this.now().toISOString(), error: error.toJSON() } };
    return { ok: false, error };
  }

  private accept(next: Desired): LoadResult {
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
    if (changed) for (const listener of this.listeners) listener(next);
    return { ok: true, changed, desired: next };
  }
}
