/**
 * The decision on a server's host key, and the words that go with a refusal: what ssh(1) says
 * with StrictHostKeyChecking=yes, plus the exact line to add once the fingerprint has been
 * checked out of band. driftguard never writes known_hosts itself.
 */
import { TransportError } from './errors';
import type { KnownHosts } from './known-hosts';
import { checkHostKey, fingerprint, hostLookupName, keyTypeOf, knownHostsLine } from './known-hosts';

export interface SshEndpoint {
  /** The node's name in the desired state, for messages. */
  node: string;
  host: string;
  port: number;
}

function where(endpoint: SshEndpoint): string {
  return `${endpoint.node} (${endpoint.host}:${endpoint.port})`;
}

/** Undefined when the key is the one known_hosts lists; otherwise the error to fail with. */
export function hostKeyRefusal(
  knownHosts: KnownHosts,
  endpoint: SshEndpoint,
  presented: Buffer,
): TransportError | undefined {
  const verdict = checkHostKey(knownHosts, endpoint.host, endpoint.port, presented);
  const type = keyTypeOf(presented) ?? 'unknown key type';
  const offered = `${type} ${fingerprint(presented)}`;
  switch (verdict.kind) {
    case 'known':
      return undefined;
    case 'unknown': {
      const ca =
        verdict.certAuthorityLines.length > 0
          ? `\n  (${knownHosts.file} trusts a certificate authority for this host on line ` +
            `${verdict.certAuthorityLines.join(', ')}, but driftguard does not check host certificates.)`
          : '';
      return new TransportError(
        'host-key-unknown',
        `host key of ${where(endpoint)} is not in ${knownHosts.file}: refused.\n` +
          `  The server offered ${offered}.\n` +
          `  Check that fingerprint on the node itself (ssh-keygen -lf /etc/ssh/ssh_host_${shortType(type)}_key.pub),\n` +
          `  then add this line to ${knownHosts.file}:\n` +
          `    ${knownHostsLine(endpoint.host, endpoint.port, presented)}${ca}`,
      );
    }
    case 'changed': {
      const expected = verdict.expected
        .map((entry) => `${entry.keyType} ${fingerprint(entry.key)} (${knownHosts.file} line ${entry.line})`)
        .join(', ');
      return new TransportError(
        'host-key-changed',
        `@@@ WARNING: THE HOST KEY OF ${where(endpoint).toUpperCase()} HAS CHANGED — refused. @@@\n` +
          `  Someone could be intercepting the connection (man-in-the-middle), or the node was reinstalled.\n` +
          `  Expected ${expected}; the server offered ${offered}.\n` +
          `  If the change is legitimate, remove the old key (ssh-keygen -R '${hostLookupName(endpoint.host, endpoint.port)}' ` +
          `-f ${knownHosts.file})\n  and add the new one after checking its fingerprint on the node.`,
      );
    }
    case 'revoked':
      return new TransportError(
        'host-key-revoked',
        `host key of ${where(endpoint)} is REVOKED in ${knownHosts.file} line ${verdict.entry.line}: refused. ` +
          `The server offered ${offered}.`,
      );
  }
}

/** When the server has none of the key types known_hosts lists for it, the handshake itself fails. */
export function noKnownKeyTypeRefusal(
  knownHosts: KnownHosts,
  endpoint: SshEndpoint,
  knownTypes: readonly string[],
): TransportError {
  return new TransportError(
    'host-key-changed',
    `@@@ WARNING: ${where(endpoint).toUpperCase()} NO LONGER HAS ITS KNOWN HOST KEY — refused. @@@\n` +
      `  ${knownHosts.file} lists ${knownTypes.join(', ')} for it; the server offers none of those types.\n` +
      `  The node may have been reinstalled or replaced; check on the node before trusting a new key.`,
  );
}

/** `ssh-ed25519` → `ed25519`, `ecdsa-sha2-nistp256` → `ecdsa`, `ssh-rsa` → `rsa` (host key file names). */
function shortType(type: string): string {
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  return type.replace(/^ssh-/, '');
}
