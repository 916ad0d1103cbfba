/**
 * The client credentials of a sweep: a private key file (`--identity FILE`, else
 * ~/.ssh/id_ed25519, else ~/.ssh/id_rsa, as ssh(1) looks for them) and the ssh-agent when
 * SSH_AUTH_SOCK is set. Loaded once per sweep, before any connection, so that a wrong path or
 * a passphrase-protected key is a clear usage error rather than twenty auth failures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { UsageError } from '../shared/errors';

export interface SshIdentity {
  /** The key file's path, for messages. */
  keyFile?: string;
  privateKey?: Buffer;
  /** ssh-agent socket. */
  agent?: string;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_rsa'];

function readKey(file: string): Buffer {
  let key: Buffer;
  try {
    key = fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read the identity file ${file}: ${(err as Error).message}`);
  }
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) {
    const encrypted = /passphrase|encrypted/i.test(parsed.message);
    throw new UsageError(
      encrypted
        ? `${file} is protected by a passphrase: load it into ssh-agent (ssh-add ${file}) and set SSH_AUTH_SOCK`
        : `${file} is not a private key ssh2 can read: ${parsed.message}`,
    );
  }
  return key;
}

export function loadIdentity(options: {
  identityFile?: string;
  env: NodeJS.ProcessEnv;
  home?: string;
}): SshIdentity {
  const identity: SshIdentity = {};
  const agent = options.env.SSH_AUTH_SOCK;
  if (agent) identity.agent = agent;
  if (options.identityFile) {
    identity.keyFile = options.identityFile;
    identity.privateKey = readKey(options.identityFile);
    return identity;
  }
  const home = options.home ?? os.homedir();
  for (const name of DEFAULT_KEYS) {
    const file = path.join(home, '.ssh', name);
    if (!fs.existsSync(file)) continue;
    try {
      identity.privateKey = readKey(file);
      identity.keyFile = file;
      break;
    } catch (err) {
      if (!identity.agent) throw err; // the agent may hold it
    }
  }
  if (!identity.privateKey && !identity.agent) {
    throw new UsageError(
      `no SSH identity: pass --identity FILE, create ~/.ssh/id_ed25519, or run ssh-agent (SSH_AUTH_SOCK)`,
    );
  }
  return identity;
}
