/**
 * `driftguard token create|list|revoke`: token management on the store file, for the host the
 * server runs on (the API's /api/v1/tokens does the same remotely with an admin token).
 */
import { currentTime } from '../../shared/clock';
import { NotFoundError, UsageError } from '../../shared/errors';
import { openStore } from '../../store';
import type { TokenRole } from '../../store';
import { EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';

interface TokenCommonOptions {
  db: string;
  json: boolean;
}

export interface TokenCreateOptions extends TokenCommonOptions {
  admin?: boolean;
  reader?: boolean;
  label?: string;
}

function roleOf(node: string | undefined, options: TokenCreateOptions): { role: TokenRole; node?: string } {
  const chosen = [node !== undefined, options.admin === true, options.reader === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('say whose token it is: a NODE name, or --admin, or --reader');
  if (options.admin) return { role: 'admin' };
  if (options.reader) return { role: 'reader' };
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(node as string))
    throw new UsageError(`${JSON.stringify(node)} is not a node name`);
  return { role: 'node', node };
}

export async function runTokenCreate(
  node: string | undefined,
  options: TokenCreateOptions,
  io: CliIo,
): Promise<number> {
  const spec = roleOf(node, options);
  const store = openStore(options.db);
  try {
    const created = store.tokens.create({ ...spec, label: options.label }, currentTime(io.env).toISOString());
    if (options.json) printJson(io, { token: created.token, ...created.info });
    else {
      io.out(`${created.token}\n`);
      io.err(
        `token ${created.info.id} (${spec.role}${spec.node ? ` of ${spec.node}` : ''}): shown this once; store it now\n`,
      );
    }
  } finally {
    store.close();
  }
  return EXIT_OK;
}

export async function runTokenList(options: TokenCommonOptions, io: CliIo): Promise<number> {
  const store = openStore(options.db);
  try {
    const tokens = store.tokens.list();
    if (options.json) printJson(io, { tokens });
    else {
      for (const token of tokens) {
        const who = token.role === 'node' ? `node ${token.node}` : token.role;
        const state = token.revokedAt ? `revoked ${token.revokedAt}` : 'live';
        io.out(
          `${String(token.id).padStart(4)}  ${who.padEnd(24)} ${state.padEnd(34)} ${token.label ?? ''}\n`,
        );
      }
    }
  } finally {
    store.close();
  }
  return EXIT_OK;
}

export async function runTokenRevoke(id: string, options: TokenCommonOptions, io: CliIo): Promise<number> {
  if (!/^\d+$/.test(id))
    throw new UsageError(`token ids are numbers (see driftguard token list), not ${JSON.stringify(id)}`);
  const store = openStore(options.db);
  try {
    if (!store.tokens.revoke(Number(id), currentTime(io.env).toISOString()))
      throw new NotFoundError(`no live token ${id}`);
    if (options.json) printJson(io, { revoked: Number(id) });
    else io.out(`revoked token ${id}\n`);
  } finally {
    store.close();
  }
  return EXIT_OK;
}
