/**
 * API tokens. A token is shown once, when created; the store keeps only its SHA-256 (tokens are
 * 256 random bits, so a plain hash is as good as a slow one and costs microseconds per request).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './database';

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
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(
        'INSERT INTO tokens (role, node, hash, label, created_at) VALUES (@role, @node, @hash, @label, @createdAt)',
      ),
      byHash: db.prepare<[string], RawToken>('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL'),
      anyByHash: db.prepare('SELECT 1 FROM tokens WHERE hash = ?').pluck(),
      list: db.prepare<[], RawToken>('SELECT * FROM tokens ORDER BY id'),
      revoke: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      countAdmins: db
        .prepare("SELECT count(*) FROM tokens WHERE role = 'admin' AND revoked_at IS NULL")
        .pluck(),
    };
  }

  /** Creates a token and returns it with its secret — the only time the secret exists outside the caller. */
  create(
    spec: { role: TokenRole; node?: string; label?: string },
    now: string,
  ): { info: TokenInfo; token: string } {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = this.statements.insert.run({
      role: spec.role,
      node: spec.node ?? null,
      hash: hashToken(token),
      label: spec.label ?? null,
      createdAt: now,
    }).lastInsertRowid;
    return { info: { id: Number(id), ...spec, createdAt: now }, token };
  }

  /** The live token this secret belongs to, if any. */
  verify(token: string): TokenInfo | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const raw = this.statements.byHash.get(hashToken(token));
    return raw && toInfo(raw);
  }

  /** Whether this secret is a token of this store, live or revoked. */
  knows(token: string): boolean {
    return this.statements.anyByHash.get(hashToken(token)) !== undefined;
  }

  list(): TokenInfo[] {
    return this.statements.list.all().map(toInfo);
  }

  revoke(id: number, now: string): boolean {
    return this.statements.revoke.run(now, id).changes === 1;
  }

  hasAdmin(): boolean {
    return (this.statements.countAdmins.get() as number) > 0;
  }
}
