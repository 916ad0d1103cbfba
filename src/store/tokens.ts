/**
 * API tokens. A token is shown once, when created; the store keeps only its SHA-256 (tokens are
 * 256 random bits, so a plain hash is as good as a slow one and costs microseconds per request).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from './sql';

export type TokenRole = 'node' | 'admin' | 'reader';

export interface TokenInfo {
  id: number;
  role: TokenRole;
  node?: string;
  label?: string;
  createdAt: string;
  revokedAt?: string;
}

interface RawToken {
  id: number;
  role: TokenRole;
  node: string | null;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

const TOKEN_PREFIX = 'dg_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toInfo(raw: RawToken): TokenInfo {
  const info: TokenInfo = { id: raw.id, role: raw.role, createdAt: raw.created_at };
  if (raw.node !== null) info.node = raw.node;
  if (raw.label !== null) info.label = raw.label;
  if (raw.revoked_at !== null) info.revokedAt = raw.revoked_at;
  return info;
}

export class TokensRepository {
  constructor(private readonly sql: Sql) {}

  /** Creates a token and returns it with its secret — the only time the secret exists outside the caller. */
  async create(
    spec: { role: TokenRole; node?: string; label?: string },
    now: string,
  ): Promise<{ info: TokenInfo; token: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const inserted = await this.sql.get<{ id: number }>(
      'INSERT INTO tokens (role, node, hash, label, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [spec.role, spec.node ?? null, hashToken(token), spec.label ?? null, now],
    );
    return { info: { id: inserted!.id, ...spec, createdAt: now }, token };
  }

  /** The live token this secret belongs to, if any. */
  async verify(token: string): Promise<TokenInfo | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const raw = await this.sql.get<RawToken>('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL', [
      hashToken(token),
    ]);
    return raw && toInfo(raw);
  }

  /** Whether this secret is a token of this store, live or revoked. */
  async knows(token: string): Promise<boolean> {
    return (
      (await this.sql.get('SELECT 1 AS known FROM tokens WHERE hash = ?', [hashToken(token)])) !== undefined
    );
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.sql.all<RawToken>('SELECT * FROM tokens ORDER BY id')).map(toInfo);
  }

  async revoke(id: number, now: string): Promise<boolean> {
    // Not a number a token can have (`token revoke abc`): PostgreSQL would refuse to compare it.
    if (!Number.isSafeInteger(id)) return false;
    const changed = await this.sql.run(
      'UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      [now, id],
    );
    return changed === 1;
  }

  async hasAdmin(): Promise<boolean> {
    const row = await this.sql.get(
      "SELECT 1 AS found FROM tokens WHERE role = 'admin' AND revoked_at IS NULL",
    );
    return row !== undefined;
  }
}
