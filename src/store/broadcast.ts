/**
 * Broadcasts: short messages from one process on a store to every other process on it — how the
 * live events of one server instance reach the dashboards connected to the others. On
 * PostgreSQL a broadcast is NOTIFY on a channel that every instance LISTENs on
 * (`postgres-broadcast.ts`); on SQLite there is one server process, and nothing to tell.
 *
 * Delivery is best effort, as the live stream itself is: a message sent while a listener's
 * connection is down is not delivered to it (it is a hint to re-read, never the data).
 */
export interface Broadcast {
  /**
   * Sends `message` to the other processes' subscribers, in the order of the calls. At most
   * `MAX_BROADCAST_BYTES` bytes of UTF-8: a longer message is refused (the caller splits it).
   */
  publish(message: string): void;
  /** Calls `listener` with every message another process publishes; returns the unsubscribe. */
  subscribe(listener: (message: string) => void): () => void;
  close(): Promise<void>;
}

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; this leaves room for the channel's framing. */
export const MAX_BROADCAST_BYTES = 7900;

export function checkBroadcastSize(message: string): void {
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes > MAX_BROADCAST_BYTES)
    throw new RangeError(`a broadcast is at most ${MAX_BROADCAST_BYTES} bytes, and this one is ${bytes}`);
}

/** SQLite: one server process on the store, so no other process to tell. */
export class NoOtherProcesses implements Broadcast {
  publish(message: string): void {
    checkBroadcastSize(message);
  }

  subscribe(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
