/**
 * `driftguard token create|list|revoke`: token management on the store file, for the host the
 * server runs on (the API's /api/v1/tokens does the same remotely with an admin token).
 */
import * as fs from 'node:fs';
import { closest } from '../../desired/did-you-mean';
import { currentTime } from '../../shared/clock';
import { NotFoundError, UsageError } from '../../shared/errors';
import { DEFAULT_DESIRED } from '../defaults';
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
  /** The desired state the node must be declared in (default ./desired-state when present). */
  desired?: string;
  /** Create a node's token though the desired state does not declare the node. */
  undeclared?: boolean;
}

/**
 * A node token for a name the desired state does not declare is almost always a typo
 * (`pypi2` for `pypi-2`): its agent's reports would be stored and checked against nothing.
 * Refused unless --undeclared; without a desired state to ask, said on stderr. The desired-state
 * loader (YAML, schemas) is required only here, so `token list` and `revoke` never load it.
 */
async function checkDeclared(node: string, options: TokenCreateOptions, io: CliIo): Promise<void> {
  if (options.undeclared) return;
  const dir = options.desired ?? DEFAULT_DESIRED;
  if (options.desired === undefined && !fs.existsSync(dir)) {
    io.err(
      `${io.colors.yellow('driftguard: warning:')} no desired state at ${dir} to check that node ${node} is declared (pass --desired DIR)\n`,
    );
    return;
  }
  const { loadDesired } = await import('../../desired');
  const nodes = Object.keys(loadDesired(dir).nodes);
  if (nodes.includes(node)) return;
  const suggestion = closest(node, nodes);
  throw new UsageError(
    `node ${node} is not declared in ${dir}${suggestion ? ` — did you mean ${suggestion}?` : ''}: ` +
      `its reports would be stored but checked against nothing. Declare it (kind: Node), or create the token anyway with --undeclared`,
  );
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
  if (spec.node !== undefined) await checkDeclared(spec.node, options, io);
  const store = await openStore(options.db);
  try {
    const created = await store.tokens.create(
      { ...spec, label: options.label },
      currentTime(io.env).toISOString(),
    );
    if (options.json) printJson(io, { token: created.token, ...created.info });
    else {
      io.out(`${created.token}\n`);
      io.err(
        `token ${created.info.id} (${spec.role}${spec.node ? ` of ${spec.node}` : ''}): shown this once; store it now\n`,
      );
    }
  } finally {
    await store.close();
  }
  return EXIT_OK;
}

export async function runTokenList(options: TokenCommonOptions, io: CliIo): Promise<number> {
  const store = await openStore(options.db);
  try {
    const tokens = await store.tokens.list();
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
    await store.close();
  }
  return EXIT_OK;
}

export async function runTokenRevoke(id: string, options: TokenCommonOptions, io: CliIo): Promise<number> {
  if (!/^\d+$/.test(id))
    throw new UsageError(`token ids are numbers (see driftguard token list), not ${JSON.stringify(id)}`);
  const store = await openStore(options.db);
  try {
    if (!(await store.tokens.revoke(Number(id), currentTime(io.env).toISOString())))
      throw new NotFoundError(`no live token ${id}`);
    if (options.json) printJson(io, { revoked: Number(id) });
    else io.out(`revoked token ${id}\n`);
  } finally {
    await store.close();
  }
  return EXIT_OK;
}
