/**
 * A real OpenSSH server for tests: Debian's /usr/sbin/sshd (package openssh-server) started in
 * the foreground on 127.0.0.1 and a free port, with its own host key, client key, config,
 * authorized_keys and pid file, all in a temporary directory. Nothing under /etc/ssh or ~/.ssh
 * is read or written, and the host's own sshd (if any) is left alone. The only thing outside
 * the temporary directory is sshd's compiled-in privilege-separation directory /run/sshd, which
 * is created empty if missing (as ssh.service's RuntimeDirectory= would).
 *
 * Without openssh-server this throws: tests that need a real sshd fail, they never skip.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './processes';

export const SSHD = '/usr/sbin/sshd';
const PRIVSEP_DIR = '/run/sshd';
const START_TIMEOUT_MS = 10_000;

export interface TestSshd {
  host: string;
  port: number;
  /** The server's public host key line: `ssh-ed25519 AAAA…`. */
  hostKeyLine: string;
  /** A known_hosts file that trusts this server (and nothing else). */
  knownHostsFile: string;
  /** A private key sshd accepts for root. */
  clientKeyFile: string;
  dir: string;
  stop(): Promise<void>;
}

/** One way to find a free port for every test helper. */
export { freePort };

/** A fresh ed25519 key pair; returns the private key's path (`.pub` beside it). */
export function generateKey(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'driftguard-test', '-f', file]);
  return file;
}

/** Resolves once the port answers with an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const banner = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString('latin1'));
      });
      socket.once('error', () => resolve(''));
      socket.once('timeout', () => {
        socket.destroy();
        resolve('');
      });
    });
    if (banner.startsWith('SSH-2.0-')) return;
    if (Date.now() > deadline) throw new Error(`sshd did not answer on port ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startSshd(): Promise<TestSshd> {
  if (!fs.existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install Debian's openssh-server (apt-get install openssh-server)`);
  }
  if (!fs.existsSync(PRIVSEP_DIR)) fs.mkdirSync(PRIVSEP_DIR, { mode: 0o755 });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-sshd-'));
  const hostKey = generateKey(path.join(dir, 'ssh_host_ed25519_key'));
  const clientKeyFile = generateKey(path.join(dir, 'client_ed25519'));
  const authorizedKeys = path.join(dir, 'authorized_keys');
  fs.copyFileSync(`${clientKeyFile}.pub`, authorizedKeys);
  fs.chmodSync(authorizedKeys, 0o600);
  const hostKeyLine = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');

  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // The temporary directory lives under the world-writable /tmp.
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      // Benchmarks open many connections at once.
      'MaxStartups 200',
      'MaxSessions 50',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  execFileSync(SSHD, ['-t', '-f', config]);

  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8000);
  });
  try {
    await waitForBanner(port, child, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKeyLine}\n`);

  return {
    host: '127.0.0.1',
    port,
    hostKeyLine,
    knownHostsFile,
    clientKeyFile,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
