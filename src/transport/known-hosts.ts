/**
 * OpenSSH's known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), parsed and consulted the
 * way ssh(1) does with StrictHostKeyChecking=yes: a host whose key is not listed is refused, a
 * listed host that presents another key of the same type is refused loudly, and nothing is ever
 * added on the user's behalf.
 *
 * Supported: plain host patterns with comma lists, `*` and `?` wildcards and `!` negation;
 * `[host]:port` for ports other than 22; hashed names (`|1|salt|hmac`, HashKnownHosts=yes);
 * the `@revoked` marker (a matching key is refused). Lines with `@cert-authority` are read but
 * cannot vouch for a host: ssh2 does not verify host certificates, so a host known only through
 * a CA is refused with a message saying so. Malformed lines are skipped and reported, as ssh
 * skips them (it only logs).
 */
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import { UsageError } from '../shared/errors';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export interface KnownHostEntry {
  /** 1-based line in the file. */
  line: number;
  marker?: KnownHostMarker;
  /** The host field as written (patterns, or one hashed name). */
  hostField: string;
  /** Key type as written (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256` …). */
  keyType: string;
  /** The key blob (base64-decoded), compared byte for byte with what the server presents. */
  key: Buffer;
}

export interface KnownHostsProblem {
  line: number;
  message: string;
}

export interface KnownHosts {
  file: string;
  entries: KnownHostEntry[];
  problems: KnownHostsProblem[];
}

const HASHED_PREFIX = '|1|';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The SSH wire string at `offset` (uint32 length + bytes), or undefined when truncated. */
function sshString(blob: Buffer, offset = 0): Buffer | undefined {
  if (blob.length < offset + 4) return undefined;
  const length = blob.readUInt32BE(offset);
  if (blob.length < offset + 4 + length) return undefined;
  return blob.subarray(offset + 4, offset + 4 + length);
}

/** The algorithm name a public key blob starts with (`ssh-ed25519` …). */
export function keyTypeOf(blob: Buffer): string | undefined {
  return sshString(blob)?.toString('latin1');
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function parseKnownHosts(text: string, file: string): KnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const trimmed = (lines[index] as string).trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const line = index + 1;
    const fields = trimmed.split(/[ \t]+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0]?.startsWith('@')) {
      const word = fields.shift() as string;
      if (word === '@revoked') marker = 'revoked';
      else if (word === '@cert-authority') marker = 'cert-authority';
      else {
        problems.push({ line, message: `unknown marker ${word}` });
        continue;
      }
    }
    const [hostField, keyType, keyText] = fields;
    if (hostField === undefined || keyType === undefined || keyText === undefined) {
      problems.push({ line, message: 'expected: [marker] hosts key-type base64-key [comment]' });
      continue;
    }
    if (!BASE64.test(keyText)) {
      problems.push({ line, message: 'the key is not base64' });
      continue;
    }
    const key = Buffer.from(keyText, 'base64');
    const innerType = keyTypeOf(key);
    if (innerType !== keyType) {
      problems.push({
        line,
        message: `the key says it is ${innerType ?? 'nothing readable'}, the line says ${keyType}`,
      });
      continue;
    }
    if (hostField.startsWith(HASHED_PREFIX) && parseHashedName(hostField) === undefined) {
      problems.push({ line, message: 'malformed hashed host name (expected |1|salt|hash)' });
      continue;
    }
    entries.push({ line, ...(marker ? { marker } : {}), hostField, keyType, key });
  }
  return { file, entries, problems };
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostLookupName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

function parseHashedName(field: string): { salt: Buffer; hash: Buffer } | undefined {
  const parts = field.slice(HASHED_PREFIX.length).split('|');
  if (parts.length !== 2 || !BASE64.test(parts[0] as string) || !BASE64.test(parts[1] as string)) {
    return undefined;
  }
  const salt = Buffer.from(parts[0] as string, 'base64');
  const hash = Buffer.from(parts[1] as string, 'base64');
  // HMAC-SHA1: a 20-byte key (the salt) and a 20-byte digest.
  return salt.length === 20 && hash.length === 20 ? { salt, hash } : undefined;
}

/** match_pattern(): `*` any run, `?` one character; iterative, no backtracking blow-up. */
export function matchWildcard(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * match_hostname(): whether a host field names `lookupName`. In a comma list a matching
 * negated pattern (`!bastion`) wins over any positive one.
 */
export function hostFieldMatches(hostField: string, lookupName: string): boolean {
  if (hostField.startsWith(HASHED_PREFIX)) {
    const hashed = parseHashedName(hostField);
    if (!hashed) return false;
    const digest = createHmac('sha1', hashed.salt).update(lookupName).digest();
    return digest.equals(hashed.hash);
  }
  let matched = false;
  for (const raw of hostField.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!matchWildcard(pattern, lookupName)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostEntry }
  | { kind: 'unknown'; certAuthorityLines: number[] }
  | { kind: 'changed'; expected: KnownHostEntry[] }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** The entries that name this host (revoked and CA lines included). */
export function entriesFor(knownHosts: KnownHosts, host: string, port: number): KnownHostEntry[] {
  const name = hostLookupName(host, port);
  return knownHosts.entries.filter((entry) => hostFieldMatches(entry.hostField, name));
}

/** What known_hosts says about the key a server presented. */
export function checkHostKey(
  knownHosts: KnownHosts,
  host: string,
  port: number,
  presented: Buffer,
): HostKeyVerdict {
  const matching = entriesFor(knownHosts, host, port);
  const revoked = knownHosts.entries.find(
    (entry) =>
      entry.marker === 'revoked' &&
      entry.key.equals(presented) &&
      (entry.hostField === '*' || matching.includes(entry)),
  );
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = matching.filter((entry) => entry.marker === undefined);
  const same = plain.find((entry) => entry.key.equals(presented));
  if (same) return { kind: 'known', entry: same };
  const type = keyTypeOf(presented);
  const sameType = plain.filter((entry) => entry.keyType === type);
  if (sameType.length > 0) return { kind: 'changed', expected: sameType };
  return {
    kind: 'unknown',
    certAuthorityLines: matching.filter((entry) => entry.marker === 'cert-authority').map((e) => e.line),
  };
}

/**
 * The host key algorithms to offer, in ssh's spirit (it prefers the types known_hosts already
 * holds for the host): the server then presents a key we can check rather than another type we
 * have never seen. Empty when the host is not known at all.
 */
export function hostKeyAlgorithmsFor(knownHosts: KnownHosts, host: string, port: number): string[] {
  const algorithms: string[] = [];
  for (const entry of entriesFor(knownHosts, host, port)) {
    if (entry.marker !== undefined) continue;
    const names = entry.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [entry.keyType];
    for (const name of names) if (!algorithms.includes(name)) algorithms.push(name);
  }
  return algorithms;
}

/** The known_hosts line that would accept this key for this host (shown, never written). */
export function knownHostsLine(host: string, port: number, presented: Buffer): string {
  return `${hostLookupName(host, port)} ${keyTypeOf(presented) ?? 'unknown'} ${presented.toString('base64')}`;
}

/**
 * A known_hosts file as the sweep uses it. A file that does not exist is empty — every host key
 * is then refused as unknown, which the caller should say; unreadable lines are reported.
 */
export function readKnownHostsFile(file: string, warn: (message: string) => void): KnownHosts {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
    warn(`${file} does not exist: every host key will be refused as unknown`);
  }
  const knownHosts = parseKnownHosts(text, file);
  for (const problem of knownHosts.problems)
    warn(`${file}:${problem.line}: ${problem.message} (line ignored)`);
  return knownHosts;
}
