import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadIdentity } from './identity';

describe('loadIdentity', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-identity-'));
    fs.mkdirSync(path.join(home, '.ssh'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const keygen = (file: string, passphrase = ''): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
  };

  it('finds ~/.ssh/id_ed25519 as ssh does, and adds the agent when SSH_AUTH_SOCK is set', () => {
    keygen(path.join(home, '.ssh', 'id_ed25519'));
    const identity = loadIdentity({ env: { SSH_AUTH_SOCK: '/run/agent.sock' }, home });
    expect(identity.keyFile).toBe(path.join(home, '.ssh', 'id_ed25519'));
    expect(identity.privateKey?.toString()).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    expect(identity.agent).toBe('/run/agent.sock');
  });

  it('explains a passphrase-protected key instead of failing every login', () => {
    const file = path.join(home, 'locked');
    keygen(file, 'correct horse');
    expect(() => loadIdentity({ identityFile: file, env: {}, home })).toThrow(
      /protected by a passphrase: .*ssh-add/,
    );
  });

  it('says what to do when there is no key and no agent', () => {
    expect(() => loadIdentity({ env: {}, home })).toThrow(/no SSH identity: pass --identity FILE/);
    expect(() => loadIdentity({ identityFile: path.join(home, 'nope'), env: {}, home })).toThrow(
      /cannot read the identity file/,
    );
  });
});
