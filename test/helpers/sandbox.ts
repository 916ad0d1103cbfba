/**
 * Sandbox nodes for the enforcement tests and benchmarks: real Debian 12 roots, each served by
 * its own sshd on 127.0.0.1 and a free port, that `apply` may change for real without touching
 * the machine running the tests.
 *
 * A node is an overlay: the cached image (test/helpers/sandbox-image.ts) read-only below, a
 * per-node upper folder that receives every change. It lives in namespaces of its own, made by
 * `unshare` and entered by nothing else:
 *   - mount: the overlay is mounted only there (the host's mount table never sees it) and is
 *     gone with the namespace's last process;
 *   - pid: sshd is the namespace's pid 1, so every process of the node (SSH sessions, commands
 *     run through exec()) dies with it, and sshd reaps them meanwhile;
 *   - uts: `hostname` inside says the node's name.
 * sshd runs chrooted into the overlay; `/proc/PID/root` is the node's `/` seen from the host.
 * Inside, /proc is a plain folder of plain files (a default /proc/sys tree, or a fixture's), so
 * `sysctl -w` writes a file and never the host kernel. The node's parent is `setpriv
 * --pdeathsig KILL`, so even a jest worker killed with -9 takes its nodes with it.
 *
 * sshd's settings for the sandbox come as `-o` options on its command line, not in the node's
 * /etc/ssh/sshd_config: that file is the node's own (and a parity-checked file in the PyPI
 * desired state), identical on every node of a fleet; only the host key differs, as on real
 * machines.
 *
 * What a sandbox is not: systemd is not running (`systemctl enable/disable/is-enabled` work
 * offline, `daemon-reload`, `start`, `list-units` fail), package scripts cannot start services
 * (the image's policy-rc.d), and `sysctl -a` loops on the plain /proc (`sysctl -n KEY`, `-w`,
 * `-p FILE` and `--system` work; a key without a file under /proc/sys is unknown, as on a kernel
 * without it).
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskRootFs } from '../../src/collect/root-fs';
import { buildAptRepo, NODE_REPO_PATH } from './apt-repo';
import type { DebSpec } from './apt-repo';
import { waitFor } from './processes';
import { sandboxImage } from './sandbox-image';
import { freePort, generateKey, SSHD } from './sshd';

export type SandboxFile =
  string | Buffer | { content: string | Buffer; mode?: number; uid?: number; gid?: number };

export interface SandboxNodeSpec {
  /** The node's name: its hostname, /etc/hostname and kernel.hostname. */
  name: string;
  /** Files written into the node before it starts (mode 0644 and root:root unless given). */
  files?: Record<string, SandboxFile>;
  /** Node paths (files, or whole folders, symlinks kept) copied from a tree such as a fixture node. */
  fromTree?: { dir: string; paths: string[] };
  /** `name=version` (or `name`) installed with apt-get from the fleet's repository at start. */
  packages?: string[];
  /** Commands (argv) run inside the node after the packages, e.g. ['useradd', '-u', '990', 'pypi']. */
  setup?: string[][];
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FileFacts {
  /** Of the content (a symlink is followed inside the node); of the sorted names for a folder. */
  sha256: string;
  /** Octal, four digits: `0644`. */
  mode: string;
  uid: number;
  gid: number;
}

export interface SandboxNode {
  name: string;
  host: '127.0.0.1';
  port: number;
  /** sshd's pid on the host (pid 1 inside the node). */
  pid: number;
  /** The node's `/` as seen from the host: /proc/PID/root. */
  root: string;
  /** The node's current host key: `ssh-ed25519 AAAA…`. */
  hostKeyLine: string;
  /** Runs argv inside the node (its namespaces and root, cwd /), synchronously. */
  exec(argv: string[], input?: string): ExecResult;
  /** Content of a node path, following symlinks inside the node; undefined when absent. */
  readFile(nodePath: string): Buffer | undefined;
  fileFacts(nodePath: string): FileFacts | undefined;
  /**
   * A digest of everything that makes this node differ from the image: every entry of the upper
   * folder (path, type, mode, owner, content sha256, link target, whiteouts) that is not an
   * exact copy of the image's. Equal before and after ⇔ the node did not change. Entries the
   * overlay copies up without a change (a folder a temporary file was created in and removed
   * from) are not differences.
   *
   * Taken at rest: it first waits (up to a few seconds) until no SSH session of the node is left
   * — a client such as the CLI may exit while its session's shell on the node is still removing
   * its temporary files.
   */
  fingerprint(): string;
  /** The lines fingerprint() digests, one per differing entry: for messages when it changed. */
  differences(): string[];
  /**
   * Gives the node a new host key and restarts its sshd in place (SIGHUP: same pid, same port),
   * resolving once sshd answers with the new key. The fleet's known_hosts keeps the old key, so
   * a client that pins it must refuse the node. Returns the new key line.
   */
  rekey(): Promise<string>;
  stop(): Promise<void>;
}

export interface SandboxFleet {
  nodes: Record<string, SandboxNode>;
  /** Trusts exactly the fleet's nodes, as their keys were at start: `[127.0.0.1]:PORT ssh-ed25519 …`. */
  knownHostsFile: string;
  /** A private key every node accepts for root (`.pub` beside it). */
  clientKeyFile: string;
  /** The fleet's folder: client key, known_hosts, the repository, each node's layers. */
  dir: string;
  stop(): Promise<void>;
}

export interface SandboxFleetOptions {
  /** The packages of the fleet's apt repository (copied into each node at /srv/driftguard-repo). */
  repo?: DebSpec[];
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
/** How long fingerprint() waits for the node's SSH sessions to end. */
const SETTLE_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 120_000;
const PORT_ATTEMPTS = 3;
const HOST_KEY = '/etc/ssh/ssh_host_ed25519_key';
const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The environment of commands run inside a node (nothing of the test process leaks in). */
const NODE_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};
const APT_ENV = { ...NODE_ENV, DEBIAN_FRONTEND: 'noninteractive' };

/**
 * `setpriv --pdeathsig KILL`: unshare dies with the test process; `--kill-child`: sshd (and with
 * it the whole pid namespace) dies with unshare.
 */
const LAUNCHER = [
  'setpriv',
  '--pdeathsig',
  'KILL',
  '--',
  'unshare',
  '--fork',
  '--pid',
  '--mount',
  '--uts',
  '--propagation',
  'private',
  '--kill-child',
  '--',
  'sh',
  '-c',
];

/**
 * Runs as the node's pid 1. $1..$5: lower, upper, work, merged, hostname; the rest is sshd's argv.
 * Between mounting and starting sshd it waits for a line on stdin: meanwhile the node's files
 * are written through the merged view, so they land in the upper folder as changes would, and a
 * symlinked folder of the image (/lib → usr/lib) is followed, never shadowed by a real one.
 */
const START_SCRIPT = [
  'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4" || exit',
  'hostname "$5" || exit',
  'echo mounted',
  'read -r go || exit',
  'merged=$4',
  'shift 5',
  'exec chroot "$merged" "$@"',
].join('\n');

/** sshd's settings for a sandbox, on top of the node's own sshd_config (command line wins). */
function sshdArgv(port: number): string[] {
  const options = [
    'ListenAddress=127.0.0.1',
    `HostKey=${HOST_KEY}`,
    'UsePAM=no',
    'PermitRootLogin=prohibit-password',
    'PasswordAuthentication=no',
    'KbdInteractiveAuthentication=no',
    'UseDNS=no',
    'PrintMotd=no',
    'PrintLastLog=no',
    'LogLevel=ERROR',
    // A pid file would be one more file in the upper folder, and nothing reads it.
    'PidFile=none',
    // Benchmarks open many connections at once.
    'MaxStartups=200',
    'MaxSessions=50',
  ];
  return [SSHD, '-D', '-e', '-p', String(port), ...options.flatMap((option) => ['-o', option])];
}

function nsenterArgv(pid: number, argv: readonly string[]): string[] {
  // --wd alone: the target's working directory, which is the node's `/`.
  return ['--target', String(pid), '--mount', '--uts', '--pid', '--root', '--wd', '--', ...argv];
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** The key line (`type base64`) of a .pub file. */
function keyLine(pubFile: string): string {
  return fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** The host key sshd on `port` presents, or undefined while it does not answer. */
async function presentedKey(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'ssh-keyscan',
      ['-T', '2', '-t', 'ed25519', '-p', String(port), '127.0.0.1'],
      { timeout: 5_000 },
      (_err, stdout) => {
        const line = stdout.split('\n').find((text) => text.startsWith(`[127.0.0.1]:${port} `));
        resolve(line?.split(/\s+/).slice(1, 3).join(' '));
      },
    );
  });
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Writes node paths through a root seen from the host, resolving symlinks inside that root. */
class NodeWriter {
  private readonly rootFs: DiskRootFs;

  constructor(root: string) {
    this.rootFs = new DiskRootFs(root);
  }

  /**
   * The host path where a new file at `nodePath` is to be written: its parent folders exist
   * (created 0755 when missing), and whatever was there is removed.
   */
  freshPath(nodePath: string): string {
    const parent = this.rootFs.resolvedHostPath(path.posix.dirname(nodePath));
    if (parent === undefined) throw new Error(`cannot resolve the folder of ${nodePath} (a symlink loop?)`);
    fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    const target = path.join(parent, path.posix.basename(nodePath));
    // What is there is replaced, not written through: a symlink stays a symlink only if asked.
    const existing = fs.lstatSync(target, { throwIfNoEntry: false });
    if (existing && !existing.isDirectory()) fs.rmSync(target);
    return target;
  }

  writeFile(nodePath: string, file: SandboxFile): void {
    const { content, mode, uid, gid } =
      typeof file === 'string' || Buffer.isBuffer(file) ? { content: file } : file;
    const target = this.freshPath(nodePath);
    fs.writeFileSync(target, content);
    fs.chmodSync(target, mode ?? 0o644);
    fs.chownSync(target, uid ?? 0, gid ?? 0);
  }

  /**
   * Copies a file, folder or symlink of a tree to `nodePath`, root-owned, with git's two modes
   * (0755 when any execute bit is set, else 0644) so a fixture looks the same whatever umask it
   * was checked out with. Folders that exist in the node keep their mode.
   */
  copy(source: string, nodePath: string): void {
    const stats = fs.lstatSync(source);
    if (stats.isSymbolicLink()) {
      const target = this.freshPath(nodePath);
      fs.symlinkSync(fs.readlinkSync(source), target);
      fs.lchownSync(target, 0, 0);
    } else if (stats.isDirectory()) {
      const target = this.rootFs.resolvedHostPath(nodePath);
      if (target === undefined) throw new Error(`cannot resolve ${nodePath} (a symlink loop?)`);
      if (!fs.existsSync(target)) {
        this.freshPath(nodePath);
        fs.mkdirSync(target, { mode: 0o755 });
        fs.chownSync(target, 0, 0);
      }
      for (const name of fs.readdirSync(source)) {
        this.copy(path.join(source, name), path.posix.join(nodePath, name));
      }
    } else if (stats.isFile()) {
      this.writeFile(nodePath, {
        content: fs.readFileSync(source),
        mode: stats.mode & 0o111 ? 0o755 : 0o644,
      });
    } else {
      throw new Error(`${source}: only files, folders and symlinks can be copied into a sandbox node`);
    }
  }

  /** Copies a host folder as `cp -r` would (modes kept, owned by root) to `nodePath`. */
  copyFolder(source: string, nodePath: string): void {
    const target = this.rootFs.resolvedHostPath(nodePath);
    if (target === undefined) throw new Error(`cannot resolve ${nodePath}`);
    fs.cpSync(source, target, { recursive: true });
  }
}

/** /proc and /sys of a node whose spec brings none: plain files with realistic values. */
function defaultKernelFiles(name: string, spec: SandboxNodeSpec): Record<string, string> {
  const given = [...Object.keys(spec.files ?? {}), ...(spec.fromTree?.paths ?? [])];
  const provides = (prefix: string): boolean =>
    given.some((nodePath) => nodePath === prefix || nodePath.startsWith(`${prefix}/`));
  const files: Record<string, string> = {};
  if (!provides('/proc')) {
    Object.assign(files, {
      '/proc/sys/kernel/hostname': `${name}\n`,
      '/proc/sys/kernel/ostype': 'Linux\n',
      '/proc/sys/kernel/osrelease': `${os.release()}\n`,
      '/proc/sys/kernel/arch': `${os.machine()}\n`,
      '/proc/sys/kernel/panic': '0\n',
      '/proc/sys/kernel/panic_on_oops': '0\n',
      '/proc/sys/kernel/sysrq': '438\n',
      '/proc/sys/vm/swappiness': '60\n',
      '/proc/sys/net/ipv4/ip_forward': '0\n',
      // What the image's own /usr/lib/sysctl.d sets at boot, so `sysctl --system` finds them.
      '/proc/sys/kernel/pid_max': '4194304\n',
      '/proc/sys/fs/protected_fifos': '1\n',
      '/proc/sys/fs/protected_hardlinks': '1\n',
      '/proc/sys/fs/protected_regular': '2\n',
      '/proc/sys/fs/protected_symlinks': '1\n',
      '/proc/meminfo': fs.readFileSync('/proc/meminfo', 'utf8'),
      '/proc/1/mountinfo': '21 1 0:30 / / rw,relatime - overlay overlay rw\n',
    });
  }
  if (!provides('/sys')) {
    files['/sys/devices/system/cpu/online'] = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8');
  }
  return files;
}

interface FleetContext {
  lower: string;
  fleetDir: string;
  repoDir: string;
  clientPublicKey: string;
}

class SandboxNodeImpl implements SandboxNode {
  readonly host = '127.0.0.1' as const;
  readonly root: string;
  /** Every change relative to the image lands here. */
  private readonly upperDir: string;
  hostKeyLine = '';
  private log = '';
  private stopping: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly pid: number,
    private readonly launcher: ChildProcess,
    private readonly nodeDir: string,
    private readonly lower: string,
  ) {
    this.root = `/proc/${pid}/root`;
    this.upperDir = path.join(nodeDir, 'upper');
    launcher.stderr?.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString('utf8')).slice(-8000);
    });
  }

  get alive(): boolean {
    return this.launcher.exitCode === null && this.launcher.signalCode === null;
  }

  exec(argv: string[], input?: string): ExecResult {
    const result = spawnSync('nsenter', nsenterArgv(this.pid, argv), {
      input,
      env: NODE_ENV,
      encoding: 'utf8',
      timeout: COMMAND_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    const code = result.status ?? 128 + (os.constants.signals[result.signal ?? 'SIGKILL'] ?? 9);
    return { code, stdout: result.stdout, stderr: result.stderr };
  }

  /** exec() without blocking the event loop, so nodes of a fleet set themselves up in parallel. */
  execAsync(argv: string[], env: NodeJS.ProcessEnv = NODE_ENV): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      execFile(
        'nsenter',
        nsenterArgv(this.pid, argv),
        { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = (err as { code?: unknown } | null)?.code;
          if (err && typeof code !== 'number') reject(err);
          else resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr });
        },
      );
    });
  }

  /** Runs argv inside the node and throws, with its output, unless it exits 0. */
  async mustRun(argv: string[], env?: NodeJS.ProcessEnv): Promise<void> {
    const result = await this.execAsync(argv, env);
    if (result.code !== 0) {
      throw new Error(
        `${this.name}: ${argv.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`.trimEnd(),
      );
    }
  }

  readFile(nodePath: string): Buffer | undefined {
    return new DiskRootFs(this.root).readBytes(nodePath);
  }

  fileFacts(nodePath: string): FileFacts | undefined {
    const rootFs = new DiskRootFs(this.root);
    const stat = rootFs.stat(nodePath);
    if (!stat) return undefined;
    const digest =
      stat.type === 'directory'
        ? sha256((rootFs.list(nodePath) ?? []).map((entry) => entry.name).join('\n'))
        : sha256(rootFs.readBytes(nodePath) ?? '');
    return { sha256: digest, mode: octal(stat.mode), uid: stat.uid, gid: stat.gid };
  }

  /** The host pids of sshd's children: its sessions (and any orphan of the node, reparented to it). */
  private children(): string[] {
    const file = `/proc/${this.pid}/task/${this.pid}/children`;
    return fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
  }

  /** Blocks until sshd has no children (every session over, its shell's cleanup done) or the timeout. */
  private settle(): void {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (this.children().length > 0 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  }

  differences(): string[] {
    if (!this.alive) throw new Error(`${this.name} is stopped: it has no fingerprint`);
    this.settle();
    return layerDifferences(this.upperDir, this.lower, this.root);
  }

  fingerprint(): string {
    return sha256(this.differences().join('\n'));
  }

  async rekey(): Promise<string> {
    const writer = new NodeWriter(this.root);
    const keyFile = writer.freshPath(HOST_KEY);
    fs.rmSync(`${keyFile}.pub`, { force: true });
    const newKey = keyLine(`${generateKey(keyFile)}.pub`);
    process.kill(this.pid, 'SIGHUP');
    await this.answering(newKey);
    this.hostKeyLine = newKey;
    return newKey;
  }

  /** Resolves once sshd answers on the port with `key`; throws (with sshd's stderr) if it exits first. */
  async answering(key: string): Promise<void> {
    const state = await waitFor(
      `sshd of sandbox node ${this.name} on port ${this.port}`,
      async () => (!this.alive ? 'exited' : (await presentedKey(this.port)) === key && 'ready'),
      { timeoutMs: START_TIMEOUT_MS, everyMs: 50 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; sshd said: ${this.log.trim() || '(nothing)'}`);
    });
    if (state === 'exited') throw new Error(`sshd exited with ${this.launcher.exitCode}: ${this.log.trim()}`);
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  /**
   * SIGTERM to sshd, SIGKILL after a grace period. sshd is the pid namespace's init: the kernel
   * kills and reaps everything else in the node before unshare sees it exit, and the last
   * process takes the mount namespace, and the overlay, with it.
   */
  private async terminate(): Promise<void> {
    if (this.alive) {
      this.signal('SIGTERM');
      if ((await within(exitOf(this.launcher), STOP_GRACE_MS)) === 'timeout') {
        this.signal('SIGKILL');
        this.launcher.kill('SIGKILL');
        await exitOf(this.launcher);
      }
    }
    fs.rmSync(this.nodeDir, { recursive: true, force: true });
  }

  private signal(name: NodeJS.Signals): void {
    try {
      process.kill(this.pid, name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** One line describing a layer entry (undefined when absent); folders by their listing in `listed`. */
function describeEntry(layerPath: string, listed: string): string | undefined {
  const stats = fs.lstatSync(layerPath, { throwIfNoEntry: false });
  if (!stats) return undefined;
  const owner = `${octal(stats.mode)} ${stats.uid}:${stats.gid}`;
  if (stats.isFile()) return `file ${owner} ${sha256(fs.readFileSync(layerPath))}`;
  if (stats.isSymbolicLink()) return `link ${owner} -> ${fs.readlinkSync(layerPath)}`;
  if (stats.isDirectory()) return `dir ${owner} ${sha256(fs.readdirSync(listed).sort().join('/'))}`;
  if (stats.isCharacterDevice() && stats.rdev === 0) return 'whiteout';
  return `special ${owner} ${stats.mode & 0o170000} ${stats.rdev}`;
}

/**
 * The upper folder's entries that differ from the image, as `PATH: WHAT` lines in path order. A
 * folder is compared by its listing in the merged view, so a deleted or hidden (opaque) entry of
 * the image shows even though the overlay records it only as a whiteout or an xattr.
 */
function layerDifferences(upper: string, lower: string, merged: string): string[] {
  const lines: string[] = [];
  const walk = (relative: string): void => {
    for (const name of fs.readdirSync(path.join(upper, relative)).sort()) {
      const entry = path.posix.join(relative, name);
      const upperPath = path.join(upper, entry);
      const lowerPath = path.join(lower, entry);
      const now = describeEntry(upperPath, path.join(merged, entry));
      if (now !== describeEntry(lowerPath, lowerPath)) lines.push(`/${entry}: ${now}`);
      if (fs.lstatSync(upperPath).isDirectory()) walk(entry);
    }
  };
  walk('');
  return lines;
}

function checkLayerPath(dir: string): void {
  // overlayfs options are comma- and colon-separated, with no escaping.
  if (/[,:]/.test(dir)) throw new Error(`a sandbox layer path may not contain "," or ":": ${dir}`);
}

/** Writes the node's files through the merged view of the not-yet-started node (see START_SCRIPT). */
function populate(writer: NodeWriter, spec: SandboxNodeSpec, context: FleetContext): string {
  writer.writeFile('/etc/hostname', `${spec.name}\n`);
  for (const [nodePath, content] of Object.entries(defaultKernelFiles(spec.name, spec))) {
    writer.writeFile(nodePath, content);
  }
  for (const nodePath of spec.fromTree?.paths ?? []) {
    writer.copy(path.join(spec.fromTree?.dir ?? '', nodePath), nodePath);
  }
  for (const [nodePath, file] of Object.entries(spec.files ?? {})) writer.writeFile(nodePath, file);
  // Never shared between nodes: known_hosts must tell them apart.
  const keyFile = writer.freshPath(HOST_KEY);
  fs.rmSync(`${keyFile}.pub`, { force: true });
  const hostKeyLine = keyLine(`${generateKey(keyFile)}.pub`);
  writer.writeFile('/root/.ssh/authorized_keys', { content: context.clientPublicKey, mode: 0o600 });
  writer.copyFolder(context.repoDir, NODE_REPO_PATH);
  return hostKeyLine;
}

/** Waits for the start script's `mounted` line; throws with its stderr if it exits first. */
async function mounted(launcher: ChildProcess, stderr: () => string): Promise<void> {
  const outcome = await new Promise<string>((resolve) => {
    launcher.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
    launcher.once('exit', () => resolve('exited'));
  });
  if (!outcome.startsWith('mounted')) throw new Error(`the node's overlay could not be mounted: ${stderr()}`);
  launcher.stdout?.resume();
}

/** The pid of unshare's forked child: the start script, later sshd. */
async function initPid(launcher: ChildProcess): Promise<number> {
  const pid = launcher.pid as number;
  const children = await waitFor('the sandbox node process', () =>
    fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim(),
  );
  return Number(children.split(/\s+/)[0]);
}

async function launch(spec: SandboxNodeSpec, context: FleetContext, port: number): Promise<SandboxNodeImpl> {
  const nodeDir = path.join(context.fleetDir, 'nodes', spec.name);
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((layer) => path.join(nodeDir, layer)) as [
    string,
    string,
    string,
  ];
  for (const dir of [upper, work, merged]) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const launcher = spawn(
    LAUNCHER[0] as string,
    [
      ...LAUNCHER.slice(1),
      START_SCRIPT,
      'sh',
      context.lower,
      upper,
      work,
      merged,
      spec.name,
      ...sshdArgv(port),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let early = '';
  const collect = (chunk: Buffer): void => void (early += chunk.toString('utf8'));
  launcher.stderr?.on('data', collect);
  try {
    await mounted(launcher, () => early);
    const pid = await initPid(launcher);
    launcher.stderr?.off('data', collect);
    const node = new SandboxNodeImpl(spec.name, port, pid, launcher, nodeDir, context.lower);
    try {
      node.hostKeyLine = populate(new NodeWriter(path.join(node.root, merged)), spec, context);
      launcher.stdin?.end('go\n');
      await node.answering(node.hostKeyLine);
      return node;
    } catch (err) {
      await node.stop();
      throw err;
    }
  } catch (err) {
    launcher.kill('SIGKILL');
    await exitOf(launcher);
    fs.rmSync(nodeDir, { recursive: true, force: true });
    throw new Error(`sandbox node ${spec.name} did not start: ${(err as Error).message}`, { cause: err });
  }
}

/** apt-get update from the node's copy of the repository, the spec's packages, its setup commands. */
async function provision(node: SandboxNodeImpl, spec: SandboxNodeSpec): Promise<void> {
  await node.mustRun(['apt-get', '-qq', 'update'], APT_ENV);
  if (spec.packages && spec.packages.length > 0) {
    await node.mustRun(
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...spec.packages],
      APT_ENV,
    );
  }
  for (const argv of spec.setup ?? []) await node.mustRun(argv);
}

/**
 * launch() on a free port; again on another if something else took the port between freePort()
 * and sshd's bind (other tests start servers on free ports too).
 */
async function launchOnFreePort(spec: SandboxNodeSpec, context: FleetContext): Promise<SandboxNodeImpl> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(spec, context, await freePort());
    } catch (err) {
      if (attempt >= PORT_ATTEMPTS || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startNode(spec: SandboxNodeSpec, context: FleetContext): Promise<SandboxNodeImpl> {
  const node = await launchOnFreePort(spec, context);
  try {
    await provision(node, spec);
    return node;
  } catch (err) {
    await node.stop();
    throw err;
  }
}

function checkSpecs(specs: readonly SandboxNodeSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!NODE_NAME.test(spec.name))
      throw new Error(`not a sandbox node name (a hostname label): ${spec.name}`);
    if (seen.has(spec.name)) throw new Error(`two sandbox nodes are named ${spec.name}`);
    seen.add(spec.name);
    for (const nodePath of [...Object.keys(spec.files ?? {}), ...(spec.fromTree?.paths ?? [])]) {
      if (!nodePath.startsWith('/')) throw new Error(`${spec.name}: node paths are absolute: ${nodePath}`);
    }
  }
}

/**
 * Starts one sandbox node per spec, in parallel, each provisioned (packages, setup) and
 * answering SSH with its own host key. If any node fails, the others are stopped and the error
 * names the node and carries sshd's or the failing command's output.
 */
export async function startSandboxFleet(
  specs: readonly SandboxNodeSpec[],
  options: SandboxFleetOptions = {},
): Promise<SandboxFleet> {
  checkSpecs(specs);
  const lower = await sandboxImage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-sandbox-'));
  const removeDir = (): void => fs.rmSync(dir, { recursive: true, force: true });
  let results: PromiseSettledResult<SandboxNodeImpl>[];
  try {
    [lower, dir].forEach(checkLayerPath);
    const clientKeyFile = generateKey(path.join(dir, 'client_ed25519'));
    const repoDir = path.join(dir, 'repo');
    buildAptRepo(repoDir, options.repo ?? []);
    const context = {
      lower,
      fleetDir: dir,
      repoDir,
      clientPublicKey: fs.readFileSync(`${clientKeyFile}.pub`, 'utf8'),
    };
    results = await Promise.allSettled(specs.map((spec) => startNode(spec, context)));
  } catch (err) {
    removeDir();
    throw err;
  }
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((node) => node.stop()));
    removeDir();
    throw failure.reason;
  }
  const knownHostsFile = path.join(dir, 'known_hosts');
  fs.writeFileSync(
    knownHostsFile,
    started.map((node) => `[${node.host}]:${node.port} ${node.hostKeyLine}\n`).join(''),
  );
  return {
    nodes: Object.fromEntries(started.map((node) => [node.name, node])),
    knownHostsFile,
    clientKeyFile: path.join(dir, 'client_ed25519'),
    dir,
    stop: async () => {
      await Promise.all(started.map((node) => node.stop()));
      removeDir();
    },
  };
}
