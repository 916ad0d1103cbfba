/**
 * Leases: work that must run on exactly one server instance at a time (schedules, the readiness
 * monitor). On SQLite there is one instance, and it always holds every lease. On PostgreSQL a
 * lease is a session advisory lock taken on a connection of its own (`advisory-lease.ts`): the
 * database releases it the moment that connection ends — the holder stopped, or was killed — and
 * another instance takes it at its next attempt.
 */
export interface Lease {
  /** Whether this instance holds the lease now. */
  readonly held: boolean;
  /** Told whenever `held` changes; returns a function that stops telling. */
  onChange(listener: (held: boolean) => void): () => void;
  /** Gives the lease up (another instance may take it) and stops trying to take it. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /**
   * How often a lease not held is tried again, and a held one checked (its connection still
   * answers). Another instance takes over at most this long after the holder's connection ends.
   */
  checkMs?: number;
}

export const DEFAULT_LEASE_CHECK_MS = 2000;

/** The lease of the only instance there is (SQLite): held from the start, for ever. */
export class SoleLease implements Lease {
  private released = false;

  get held(): boolean {
    return !this.released;
  }

  onChange(): () => void {
    return () => undefined;
  }

  release(): Promise<void> {
    this.released = true;
    return Promise.resolve();
  }
}
