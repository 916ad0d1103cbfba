/**
 * SSH client connections for driftguard (ssh2): key authentication, host keys checked against a
 * known_hosts file before authentication, every failure classified (see errors.ts), and one
 * exec channel per command. Commands are strings only because SSH exec requests are; callers
 * build them from constants with shell-quote.ts, never from data.
 */
import type { AgentAuthMethod, ClientChannel, ConnectConfig, PublicKeyAuthMethod } from 'ssh2';
import { Client } from 'ssh2';
import { TransportError } from './errors';
import type { SshEndpoint } from './host-key-check';
import { hostKeyRefusal, noKnownKeyTypeRefusal } from './host-key-check';
import type { SshIdentity } from './identity';
import type { KnownHosts } from './known-hosts';
import { hostKeyAlgorithmsFor } from './known-hosts';

export interface SshConnectOptions extends SshEndpoint {
  user: string;
  knownHosts: KnownHosts;
  identity: SshIdentity;
  /** For the TCP connection, the SSH handshake and authentication together. */
  connectTimeoutMs: number;
}

/** The host key formats ssh2 can verify (its README's list). */
const SUPPORTED_HOST_KEY_ALGORITHMS = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]);

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'no such host name',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
};

const CLOSED_BEFORE_HANDSHAKE = 'the connection closed before any SSH handshake';

/** How long a node has to open a channel for a command. */
const CHANNEL_OPEN_TIMEOUT_MS = 30_000;

function describe(options: SshEndpoint & { user: string }): string {
  return `${options.node} (${options.user}@${options.host}:${options.port})`;
}

/** A failed connection's error, in terms of what the operator has to do about it. */
function classify(
  err: Error & { level?: string; code?: string },
  options: SshConnectOptions,
): TransportError {
  const who = describe(options);
  if (err.code && UNREACHABLE_CODES[err.code]) {
    return new TransportError('unreachable', `${who} is unreachable: ${UNREACHABLE_CODES[err.code]}`, err);
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new TransportError(
      'unreachable',
      `${who} is unreachable: no SSH answer within ${options.connectTimeoutMs / 1000}s`,
      err,
    );
  }
  if (/before handshake/i.test(err.message)) {
    // Something accepted the TCP connection (a firewall, a proxy) but no SSH server spoke.
    return new TransportError('unreachable', `${who} is unreachable: ${CLOSED_BEFORE_HANDSHAKE}`, err);
  }
  if (err.level === 'client-authentication') {
    const tried = [options.identity.keyFile, options.identity.agent ? 'ssh-agent' : undefined]
      .filter(Boolean)
      .join(' and ');
    return new TransportError(
      'auth',
      `${who} refused the login: no key accepted for user ${options.user} (tried ${tried || 'nothing'})`,
      err,
    );
  }
  return new TransportError('protocol', `SSH to ${who} failed: ${err.message}`, err);
}

export class SshConnection {
  private closed = false;

  constructor(
    private readonly client: Client,
    readonly description: string,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
  }

  /** Opens an exec channel (stdin/stdout/stderr of `command` on the node); a server that never answers times out. */
  exec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new TransportError('protocol', `SSH connection to ${this.description} is closed`));
        return;
      }
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(
          new TransportError(
            'timeout',
            `${this.description} did not open a channel for a command within ${CHANNEL_OPEN_TIMEOUT_MS / 1000}s`,
          ),
        );
      }, CHANNEL_OPEN_TIMEOUT_MS);
      this.client.exec(command, (err, channel) => {
        clearTimeout(timer);
        if (timedOut) {
          // The caller gave up on it: nobody would ever read or close a channel that came late.
          if (!err) channel.close();
          return;
        }
        if (err)
          reject(
            new TransportError(
              'protocol',
              `${this.description} refused to run the command: ${err.message}`,
              err,
            ),
          );
        else resolve(channel);
      });
    });
  }

  close(): void {
    this.client.end();
  }

  /** Tears the connection down at once (timeouts): no goodbye to a node that does not answer. */
  destroy(): void {
    this.client.destroy();
  }
}

export function connectSsh(options: SshConnectOptions): Promise<SshConnection> {
  const client = new Client();
  const knownTypes = hostKeyAlgorithmsFor(options.knownHosts, options.host, options.port).filter((name) =>
    SUPPORTED_HOST_KEY_ALGORITHMS.has(name),
  );
  let refusal: TransportError | undefined;

  const authHandler: (PublicKeyAuthMethod | AgentAuthMethod)[] = [];
  if (options.identity.privateKey) {
    authHandler.push({ type: 'publickey', username: options.user, key: options.identity.privateKey });
  }
  if (options.identity.agent) {
    authHandler.push({ type: 'agent', username: options.user, agent: options.identity.agent });
  }

  const config: ConnectConfig = {
    host: options.host,
    port: options.port,
    username: options.user,
    readyTimeout: options.connectTimeoutMs,
    authHandler,
    // Checked before authentication: no key is offered to a server that is not the node.
    hostVerifier: (key: Buffer) => {
      refusal = hostKeyRefusal(options.knownHosts, options, key);
      return refusal === undefined;
    },
  };
  // Ask for the key types known_hosts holds for this host, so the server shows one we can check.
  if (knownTypes.length > 0) config.algorithms = { serverHostKey: knownTypes as never };

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      reject(error);
    };
    client.once('ready', () => {
      settled = true;
      resolve(new SshConnection(client, describe(options)));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (refusal) return fail(refusal);
      if (knownTypes.length > 0 && /no matching.*host ?key/i.test(err.message)) {
        return fail(noKnownKeyTypeRefusal(options.knownHosts, options, knownTypes));
      }
      fail(classify(err, options));
    });
    let handshaked = false;
    client.once('handshake', () => {
      handshaked = true;
    });
    client.on('close', () => {
      if (refusal) fail(refusal);
      else if (!handshaked) {
        fail(
          new TransportError(
            'unreachable',
            `${describe(options)} is unreachable: ${CLOSED_BEFORE_HANDSHAKE}`,
          ),
        );
      } else fail(new TransportError('protocol', `${describe(options)} closed the connection during login`));
    });
    try {
      client.connect(config);
    } catch (err) {
      fail(
        new TransportError(
          'protocol',
          `cannot connect to ${describe(options)}: ${(err as Error).message}`,
          err,
        ),
      );
    }
  });
}
