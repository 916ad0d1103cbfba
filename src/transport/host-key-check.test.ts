import { hostKeyRefusal, noKnownKeyTypeRefusal } from './host-key-check';
import { fingerprint, parseKnownHosts } from './known-hosts';

// Real ed25519 public keys (ssh-keygen 9.2).
const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIPbFrtknilGSZ0jNQcnEYpIK9Kmauuv3UH5Yvnm+jKLm';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIP0cboBJT7pHGlVke3nM7lp7AsJhIq9YZl55C5yQdL6E';
const endpoint = { node: 'pypi-1', host: '10.0.0.11', port: 22 };

describe('hostKeyRefusal', () => {
  const knownHosts = parseKnownHosts(`10.0.0.11 ssh-ed25519 ${KEY_A}\n`, '/etc/driftguard/known_hosts');

  it('lets the listed key through', () => {
    expect(hostKeyRefusal(knownHosts, endpoint, Buffer.from(KEY_A, 'base64'))).toBeUndefined();
  });

  it('refuses an unknown host with the fingerprint and the line to add, never adding it', () => {
    const refusal = hostKeyRefusal(
      knownHosts,
      { ...endpoint, node: 'pypi-2', host: '10.0.0.12' },
      Buffer.from(KEY_B, 'base64'),
    );
    expect(refusal?.reason).toBe('host-key-unknown');
    expect(refusal?.message).toBe(
      'host key of pypi-2 (10.0.0.12:22) is not in /etc/driftguard/known_hosts: refused.\n' +
        `  The server offered ssh-ed25519 ${fingerprint(Buffer.from(KEY_B, 'base64'))}.\n` +
        '  Check that fingerprint on the node itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub),\n' +
        '  then add this line to /etc/driftguard/known_hosts:\n' +
        `    10.0.0.12 ssh-ed25519 ${KEY_B}`,
    );
  });

  it('refuses a changed key loudly, naming the line that holds the old one', () => {
    const refusal = hostKeyRefusal(knownHosts, endpoint, Buffer.from(KEY_B, 'base64'));
    expect(refusal?.reason).toBe('host-key-changed');
    expect(refusal?.message).toMatch(
      /^@@@ WARNING: THE HOST KEY OF PYPI-1 \(10\.0\.0\.11:22\) HAS CHANGED — refused\. @@@/,
    );
    expect(refusal?.message).toContain(
      'Expected ssh-ed25519 SHA256:44Ncz6SHwlYYT0zEIzUEzcEQjVqoriLFsoV4HwwsVww (/etc/driftguard/known_hosts line 1)',
    );
    expect(refusal?.message).toContain("ssh-keygen -R '10.0.0.11' -f /etc/driftguard/known_hosts");
  });

  it('says why a known host offering none of its known key types is refused', () => {
    const refusal = noKnownKeyTypeRefusal(knownHosts, endpoint, ['ssh-ed25519']);
    expect(refusal.reason).toBe('host-key-changed');
    expect(refusal.message).toMatch(/lists ssh-ed25519 for it; the server offers none of those types/);
  });
});
