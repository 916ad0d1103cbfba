/**
 * A broadcast on PostgreSQL: `pg_notify(channel, message)` to publish, and one connection of its
 * own that LISTENs on the channel. Every message carries this process's id, so its own
 * notifications (PostgreSQL delivers them to every listening session, this process's too) are
 * not handed back to it. Publishes go one after another on the pool, in the order of the calls.
 * The listening connection is opened again (every second, until it succeeds) when it fails.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Broadcast } from './broadcast';
import { checkBroadcastSize } from './broadcast';

const RECONNECT_MS = 1000;
/** `from` and the separator: the 36-character id and a newline. */
const ID_BYTES = 37;

export class PostgresBroadcast implements Broadcast {
  private readonly self = randomUUID();
  private readonly listeners = new Set<(message: string) => void>();
  private listener: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly channel: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new RangeError(`not a channel name: ${channel}`);
    void this.listen();
  }

  publish(message: string): void {
    checkBroadcastSize(`${' '.repeat(ID_BYTES)}${message}`);
    const payload = `${this.self}\n${message}`;
    this.sending = this.sending
      .then(() => this.pool.query('SELECT pg_notify($1, $2)', [this.channel, payload]))
      .catch((err: unknown) => this.onError(err));
  }

  subscribe(listener: (message: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    await this.sending;
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `driftguard listen ${this.channel} pid ${process.pid}`,
      keepAlive: true,
    });
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
        this.reconnect.unref();
      }
    };
    client.on('error', fail);
    client.on('end', fail);
    client.on('notification', (notification) => {
      const payload = notification.payload ?? '';
      const cut = payload.indexOf('\n');
      if (cut < 0 || payload.slice(0, cut) === this.self) return;
      const message = payload.slice(cut + 1);
      for (const listener of this.listeners) listener(message);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.listener = client;
    } catch (err) {
      this.onError(err);
      fail();
    }
  }
}
