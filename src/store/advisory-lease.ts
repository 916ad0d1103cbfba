/**
 * A lease on PostgreSQL: `pg_try_advisory_lock` on a connection of its own, kept for as long as
 * the lease is held. PostgreSQL releases a session's advisory locks when the session ends, so a
 * holder that stops, crashes or is killed (kill -9: the kernel closes its socket) frees the
 * lease at once, and the next attempt of another instance (every `checkMs`) takes it.
 *
 * The holder checks its connection every `checkMs`; when the check fails or goes unanswered for
 * `checkMs`, it stops holding (and closes the connection, which frees the lock on the server).
 * A holder whose host vanishes without closing the connection is noticed by the database through
 * TCP keepalives (idle 5 s, then 3 probes 2 s apart: about 11 s), so takeover then takes at most
 * about 11 s + `checkMs`.
 *
 * Advisory locks are session state: a pooler in transaction mode (pgbouncer) between driftguard
 * and PostgreSQL would break them, so leases need a direct connection (or session pooling).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Lease } from './lease';

/** The first key of every driftguard lease ("drgl"); the second is a hash of the lease's name. */
const LEASE_CLASS = 0x6472676c;

function objectKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

export class AdvisoryLease implements Lease {
  private isHeld = false;
  private client: pg.Client | undefined;
  private busy = false;
  private released = false;
  private readonly listeners = new Set<(held: boolean) => void>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly checkMs: number,
  ) {
    this.timer = setInterval(() => void this.attempt(), checkMs);
    this.timer.unref();
    void this.attempt();
  }

  get held(): boolean {
    return this.isHeld;
  }

  onChange(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    this.set(false);
    // Ending the session frees its advisory locks.
    await client?.end().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    if (this.busy || this.released) return;
    this.busy = true;
    let client = this.client;
    try {
      if (!client) {
        client = new pg.Client({
          connectionString: this.url,
          application_name: `driftguard lease ${this.name} pid ${process.pid}`,
          keepAlive: true,
          query_timeout: this.checkMs,
          connectionTimeoutMillis: this.checkMs * 2,
        });
        const connecting = client;
        connecting.on('error', () => this.lost(connecting));
        connecting.on('end', () => this.lost(connecting));
        await connecting.connect();
        // The database notices a holder whose host vanished in ~11 s instead of hours.
        await connecting.query(
          'SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3',
        );
        if (this.released) {
          await connecting.end();
          return;
        }
        this.client = connecting;
      }
      if (this.isHeld) {
        await client.query('SELECT 1'); // the session, and so the lock, is still there
      } else {
        const result = await client.query<{ taken: boolean }>(
          'SELECT pg_try_advisory_lock($1, $2) AS taken',
          [LEASE_CLASS, objectKey(this.name)],
        );
        if (result.rows[0]?.taken && !this.released) this.set(true);
      }
    } catch {
      if (client) this.lost(client);
    } finally {
      this.busy = false;
    }
  }

  /** The connection failed: the lock is (or will shortly be) gone with it. */
  private lost(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined);
    this.set(false);
  }

  private set(held: boolean): void {
    if (held === this.isHeld) return;
    this.isHeld = held;
    for (const listener of this.listeners) listener(held);
  }
}
