import {
  checkHostKey,
  fingerprint,
  hostFieldMatches,
  hostKeyAlgorithmsFor,
  hostLookupName,
  keyTypeOf,
  knownHostsLine,
  matchWildcard,
  parseKnownHosts,
} from './known-hosts';

// Real keys made with ssh-keygen 9.2 (-t ed25519 / ecdsa); the hashed names below were written
// by `ssh-keygen -H` for pypi-1.example.org and [pypi-2.example.org]:2222.
const ED_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIPbFrtknilGSZ0jNQcnEYpIK9Kmauuv3UH5Yvnm+jKLm';
const ED_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIP0cboBJT7pHGlVke3nM7lp7AsJhIq9YZl55C5yQdL6E';
const ECDSA =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBE5D5zA3yXT9Bc63AzxyqOdvPmxnTSKA1BX6GwllSpCKcRdndp3gP62+ITkIPLwnISynXfDvGST0NGvv6PVHsqU=';
const HASHED_PYPI1 = '|1|m2L3ajjWGB2j5fa3sPSDz9dEd68=|3lAgPTNnCYgqVLPoSI2NKnslf/s=';
const HASHED_PYPI2_2222 = '|1|KBvkWCXzTwkIxyy7QQctfVStYsg=|JOR103NvKCqy5SoRfpcUgjX3i3E=';

const blob = (base64: string): Buffer => Buffer.from(base64, 'base64');

describe('parseKnownHosts', () => {
  it('reads plain, hashed and marked lines and skips comments and blanks', () => {
    const parsed = parseKnownHosts(
      [
        '# a comment',
        '',
        `db1,db1.example.org,10.0.0.5 ssh-ed25519 ${ED_A} root@db1`,
        `${HASHED_PYPI1} ssh-ed25519 ${ED_A}`,
        `@revoked * ssh-ed25519 ${ED_B}`,
        `@cert-authority *.example.org ecdsa-sha2-nistp256 ${ECDSA}`,
      ].join('\n'),
      'known_hosts',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries.map((e) => [e.line, e.marker, e.hostField, e.keyType])).toEqual([
      [3, undefined, 'db1,db1.example.org,10.0.0.5', 'ssh-ed25519'],
      [4, undefined, HASHED_PYPI1, 'ssh-ed25519'],
      [5, 'revoked', '*', 'ssh-ed25519'],
      [6, 'cert-authority', '*.example.org', 'ecdsa-sha2-nistp256'],
    ]);
    expect(parsed.entries[0]?.key.equals(blob(ED_A))).toBe(true);
  });

  it('reports malformed lines with their numbers instead of trusting them', () => {
    const parsed = parseKnownHosts(
      [
        `host1 ssh-ed25519`,
        `host2 ssh-ed25519 not*base64`,
        `host3 ssh-rsa ${ED_A}`,
        `@trusted host4 ssh-ed25519 ${ED_A}`,
        `|1|short|hash ssh-ed25519 ${ED_A}`,
        `host5 ssh-ed25519 ${ED_A}`,
      ].join('\n'),
      'f',
    );
    expect(parsed.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5]);
    expect(parsed.problems[2]?.message).toMatch(/says it is ssh-ed25519, the line says ssh-rsa/);
    expect(parsed.entries.map((e) => e.hostField)).toEqual(['host5']);
  });
});

describe('host matching', () => {
  it('uses [host]:port for ports other than 22, lower-cased', () => {
    expect(hostLookupName('PyPI-1', 22)).toBe('pypi-1');
    expect(hostLookupName('10.0.0.11', 2222)).toBe('[10.0.0.11]:2222');
  });

  it('matches wildcards like match_pattern(): * any run, ? one character', () => {
    expect(matchWildcard('*.example.org', 'a.b.example.org')).toBe(true);
    expect(matchWildcard('db?', 'db1')).toBe(true);
    expect(matchWildcard('db?', 'db12')).toBe(false);
    expect(matchWildcard('*a*a*a*a*b', 'a'.repeat(5000))).toBe(false); // linear, no blow-up
    expect(matchWildcard('[10.0.0.*]:2222', '[10.0.0.7]:2222')).toBe(true);
  });

  it('lets a negated pattern veto the list', () => {
    expect(hostFieldMatches('*.example.org,!bastion.example.org', 'db.example.org')).toBe(true);
    expect(hostFieldMatches('*.example.org,!bastion.example.org', 'bastion.example.org')).toBe(false);
    expect(hostFieldMatches('!bastion.example.org', 'db.example.org')).toBe(false);
  });

  it('matches hashed names written by ssh-keygen -H, port included', () => {
    expect(hostFieldMatches(HASHED_PYPI1, 'pypi-1.example.org')).toBe(true);
    expect(hostFieldMatches(HASHED_PYPI1, 'pypi-2.example.org')).toBe(false);
    expect(hostFieldMatches(HASHED_PYPI2_2222, '[pypi-2.example.org]:2222')).toBe(true);
    expect(hostFieldMatches(HASHED_PYPI2_2222, 'pypi-2.example.org')).toBe(false);
  });
});

describe('checkHostKey', () => {
  const file = parseKnownHosts(
    [
      `${HASHED_PYPI1} ssh-ed25519 ${ED_A}`,
      `[pypi-2.example.org]:2222 ssh-ed25519 ${ED_B}`,
      `[pypi-2.example.org]:2222 ecdsa-sha2-nistp256 ${ECDSA}`,
      `@revoked * ecdsa-sha2-nistp256 ${ECDSA}`,
      `@cert-authority *.ca.example.org ssh-ed25519 ${ED_B}`,
    ].join('\n'),
    'known_hosts',
  );

  it('accepts the listed key', () => {
    const verdict = checkHostKey(file, 'pypi-1.example.org', 22, blob(ED_A));
    expect(verdict).toMatchObject({ kind: 'known', entry: { line: 1 } });
  });

  it('calls another key of a listed type a change, naming what was expected', () => {
    const verdict = checkHostKey(file, 'pypi-1.example.org', 22, blob(ED_B));
    expect(verdict.kind).toBe('changed');
    expect(verdict.kind === 'changed' && verdict.expected.map((e) => e.line)).toEqual([1]);
  });

  it('does not accept the key of port 2222 for port 22', () => {
    expect(checkHostKey(file, 'pypi-2.example.org', 22, blob(ED_B)).kind).toBe('unknown');
    expect(checkHostKey(file, 'pypi-2.example.org', 2222, blob(ED_B)).kind).toBe('known');
  });

  it('refuses a revoked key even where it is also listed as the host key', () => {
    expect(checkHostKey(file, 'pypi-2.example.org', 2222, blob(ECDSA))).toMatchObject({
      kind: 'revoked',
      entry: { line: 4 },
    });
  });

  it('says when only a certificate authority vouches for the host', () => {
    expect(checkHostKey(file, 'web.ca.example.org', 22, blob(ED_A))).toEqual({
      kind: 'unknown',
      certAuthorityLines: [5],
    });
  });

  it('offers the algorithms known for the host first, expanding ssh-rsa to its SHA-2 names', () => {
    expect(hostKeyAlgorithmsFor(file, 'pypi-2.example.org', 2222)).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
    ]);
    const rsa = parseKnownHosts(
      `h ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCuwhOZKtCZwFhCju7vj/86qK15MLb+Gx73kIq8SJyHBia6vxpbV/1qsedxS6c4XBJea5SCLDwHXTyy8TPEB7Itb0EMpHBhoVKBbmZq3UA18SGr+j0JseKiPn99kDtb7pDk26OPe6ecoxIX6HLc+qknbbgwC1bzKUo9yq1dXC0hTD7kxxida/WHpQK+VvoZBqbq19I8dU2Xm4h1NBPrCVIMCTm75wBdsyTJ/MZNgifbJZyvr1dCVprLlaW/Tx/nQJ1gbdpgL0beGksYpVzaNJJcSIFpPmXiRupN07xk99tPb4B/L9MRDXptLpDXFhmZPbp4Vnci5oaGaj66EX9Yrokn`,
      'f',
    ); // ssh-keygen -t rsa -b 2048
    expect(rsa.problems).toEqual([]);
    expect(hostKeyAlgorithmsFor(rsa, 'h', 22)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithmsFor(file, 'nowhere', 22)).toEqual([]);
  });
});

describe('key presentation', () => {
  it('prints fingerprints as ssh-keygen -l does', () => {
    // ssh-keygen -lf k1.pub → 256 SHA256:44Ncz6SHwlYYT0zEIzUEzcEQjVqoriLFsoV4HwwsVww no comment (ED25519)
    expect(fingerprint(blob(ED_A))).toBe('SHA256:44Ncz6SHwlYYT0zEIzUEzcEQjVqoriLFsoV4HwwsVww');
    expect(keyTypeOf(blob(ECDSA))).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 9, 1]))).toBeUndefined();
  });

  it('shows the line that would accept a key', () => {
    expect(knownHostsLine('10.0.0.11', 2222, blob(ED_A))).toBe(`[10.0.0.11]:2222 ssh-ed25519 ${ED_A}`);
  });
});
