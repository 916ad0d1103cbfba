/**
 * Why a node could not be reached or read remotely. One class in the project's error hierarchy
 * with a `reason` that callers switch on (the sweep summary, the server's scheduler), because
 * "host key changed" and "connection refused" need different people to act.
 */
import { DriftguardError } from '../shared/errors';

export type TransportFailure =
  /** No TCP connection, or no SSH answer, within the connect timeout. */
  | 'unreachable'
  /** Connected, but the whole exchange did not finish in time. */
  | 'timeout'
  /** The server refused every key offered. */
  | 'auth'
  /** known_hosts has no key for this host: refused, never accepted silently. */
  | 'host-key-unknown'
  /** known_hosts has another key of this type for this host. */
  | 'host-key-changed'
  /** The key is listed as @revoked. */
  | 'host-key-revoked'
  /** The SSH conversation failed for another reason (algorithms, channel refused). */
  | 'protocol'
  /** The remote script failed or answered something that is not its protocol. */
  | 'script';

export class TransportError extends DriftguardError {
  readonly reason: TransportFailure;

  constructor(reason: TransportFailure, message: string, cause?: unknown) {
    super(reason === 'script' ? 'E_COMMAND' : 'E_IO', message, { cause });
    this.reason = reason;
  }
}
