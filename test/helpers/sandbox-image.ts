/**
 * The base root of every sandbox node (test/helpers/sandbox.ts): Debian 12 "bookworm" made by
 * `debootstrap --variant=minbase` with openssh-server, systemd, procps and python3, then stripped. Built
 * once per machine (about a minute) into a folder the tests own and reused read-only, as the
 * lower layer of each node's overlay.
 *
 *   - where: $DRIFTGUARD_SANDBOX_CACHE (default /var/cache/driftguard-test), in the folder
 *     `sandbox-bookworm-v2`; bump the version when the recipe below changes, and delete old
 *     folders by hand;
 *   - built into a temporary folder beside it and renamed into place, so a finished image is
 *     complete or absent, never half-built;
 *   - concurrent jest workers (or test runs) take a lock with flock(1), held by a child process
 *     for as long as the build runs: the kernel drops it when that process or this one dies,
 *     so a crashed build never leaves a stale lock behind.
 *
 * Without debootstrap (or not as root) this throws: tests that need a sandbox fail, never skip.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_SOURCES_LIST } from './apt-repo';

const SANDBOX_CACHE_ENV = 'DRIFTGUARD_SANDBOX_CACHE';
const DEFAULT_CACHE_DIR = '/var/cache/driftguard-test';
/** The recipe's version: part of the folder name, so a changed recipe builds a new image. */
const IMAGE_NAME = 'sandbox-bookworm-v2';
const SUITE = 'bookworm';
// python3: what Ansible needs on a node, so the apply benchmark can run it against the same sandboxes.
const INCLUDE = 'openssh-server,systemd,procps,python3';
const FALLBACK_MIRROR = 'http://deb.debian.org/debian';
const DEBOOTSTRAP = '/usr/sbin/debootstrap';

function sandboxCacheDir(): string {
  return process.env[SANDBOX_CACHE_ENV] || DEFAULT_CACHE_DIR;
}

/** Where the image is (or will be). */
function sandboxImagePath(): string {
  return path.join(sandboxCacheDir(), IMAGE_NAME);
}

/** The Debian mirror this host uses: the first URIs: of debian.sources, else sources.list, else deb.debian.org. */
function debianMirror(): string {
  const read = (file: string): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const deb822 = /^URIs:\s*(\S+)/m.exec(read('/etc/apt/sources.list.d/debian.sources'));
  if (deb822?.[1]) return deb822[1];
  const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(read('/etc/apt/sources.list'));
  return oneLine?.[1] ?? FALLBACK_MIRROR;
}

function checkPrerequisites(): void {
  if (!fs.existsSync(DEBOOTSTRAP)) {
    throw new Error(
      `${DEBOOTSTRAP} is missing: the sandbox image needs the Debian package "debootstrap" (apt-get install debootstrap)`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('sandbox nodes need root (debootstrap, mount namespaces, overlayfs, chroot)');
  }
}

/** Resolves when the child exits 0; otherwise rejects with the end of its output. */
function finished(child: ChildProcess, what: string, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${output().slice(-4000)}`));
    });
  });
}

/**
 * Takes the build lock: `flock LOCK sh -c 'echo locked; exec cat'` prints once it holds the lock
 * and keeps it until its stdin closes. Returns the function that releases it.
 */
async function takeLock(lockFile: string): Promise<() => Promise<void>> {
  const holder = spawn('flock', ['--exclusive', lockFile, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  holder.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = finished(holder, `flock ${lockFile}`, () => err);
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once('data', () => resolve());
    exited.then(() => reject(new Error(`flock ${lockFile} ended before taking the lock: ${err}`)), reject);
  });
  return async () => {
    holder.stdin?.end();
    await exited;
  };
}

/** Runs debootstrap into `target`, its output in `log`. */
async function debootstrap(target: string, log: string): Promise<void> {
  const out = fs.openSync(log, 'w');
  try {
    const child = spawn(
      DEBOOTSTRAP,
      ['--variant=minbase', `--include=${INCLUDE}`, SUITE, target, debianMirror()],
      { stdio: ['ignore', out, out] },
    );
    await finished(child, 'debootstrap', () => fs.readFileSync(log, 'utf8'));
  } finally {
    fs.closeSync(out);
  }
}

/** Removes `relative` (a file, or a folder's contents with `/*`) under the image root. */
function strip(root: string, relative: string): void {
  if (relative.endsWith('/*')) {
    const dir = path.join(root, relative.slice(0, -2));
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  } else {
    fs.rmSync(path.join(root, relative), { recursive: true, force: true });
  }
}

/**
 * What a node must not inherit or does not need: the mirror's package lists and downloaded .debs
 * (apt must see only the local repository), docs, man pages and translations (size), the image's
 * host keys (each node gets its own: shared host keys would make two nodes indistinguishable to
 * known_hosts), and the login records. sshd appends to wtmp/btmp/lastlog only when they exist;
 * without them an SSH session that only reads leaves the node byte-for-byte unchanged, which the
 * dry-run tests compare.
 */
const STRIPPED = [
  'var/lib/apt/lists/*',
  'var/cache/apt/*',
  'var/cache/debconf/*-old',
  'usr/share/doc/*',
  'usr/share/man/*',
  'usr/share/info/*',
  'usr/share/locale/*',
  'var/log/bootstrap.log',
  'var/log/wtmp',
  'var/log/btmp',
  'var/log/lastlog',
  'etc/ssh/ssh_host_ecdsa_key',
  'etc/ssh/ssh_host_ecdsa_key.pub',
  'etc/ssh/ssh_host_ed25519_key',
  'etc/ssh/ssh_host_ed25519_key.pub',
  'etc/ssh/ssh_host_rsa_key',
  'etc/ssh/ssh_host_rsa_key.pub',
  'etc/apt/sources.list.d/*',
  'etc/hostname',
];

/**
 * Makes the fresh root a sandbox base: stripped; apt pointed only at the node's local repository;
 * invoke-rc.d told never to start services (policy-rc.d 101, as in Debian's container images),
 * since a daemon started by a package script would outlive the node's sshd; sshd's
 * privilege-separation directory in place.
 */
function finishImage(root: string): void {
  for (const relative of STRIPPED) strip(root, relative);
  fs.writeFileSync(path.join(root, 'etc/apt/sources.list'), NODE_SOURCES_LIST);
  fs.writeFileSync(
    path.join(root, 'usr/sbin/policy-rc.d'),
    '#!/bin/sh\n# driftguard sandbox: never start services\nexit 101\n',
    {
      mode: 0o755,
    },
  );
  fs.mkdirSync(path.join(root, 'run/sshd'), { recursive: true, mode: 0o755 });
  // mkdtemp made the folder 0700; it becomes every node's `/`.
  fs.chmodSync(root, 0o755);
  if (!fs.existsSync(path.join(root, 'usr/sbin/sshd'))) throw new Error(`the image in ${root} has no sshd`);
}

/** Folders of earlier builds that died half-way (only ever removed while holding the lock). */
function removeAbandonedBuilds(cacheDir: string): void {
  for (const name of fs.readdirSync(cacheDir)) {
    if (name.startsWith(`.build-${IMAGE_NAME}-`)) {
      fs.rmSync(path.join(cacheDir, name), { recursive: true, force: true });
    }
  }
}

async function buildImage(cacheDir: string, image: string): Promise<void> {
  removeAbandonedBuilds(cacheDir);
  process.stderr.write(
    `driftguard-test: building the sandbox image ${image} (debootstrap ${SUITE} from ${debianMirror()}, once per machine, about a minute)\n`,
  );
  const build = fs.mkdtempSync(path.join(cacheDir, `.build-${IMAGE_NAME}-`));
  try {
    const root = path.join(build, 'root');
    await debootstrap(root, path.join(build, 'debootstrap.log'));
    finishImage(root);
    fs.renameSync(root, image);
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
}

/** The path of the cached base root, building it first when this machine has none. */
export async function sandboxImage(): Promise<string> {
  const image = sandboxImagePath();
  if (fs.existsSync(image)) return image;
  checkPrerequisites();
  const cacheDir = sandboxCacheDir();
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
  const release = await takeLock(path.join(cacheDir, `${IMAGE_NAME}.lock`));
  try {
    // Another worker may have built it while this one waited for the lock.
    if (!fs.existsSync(image)) await buildImage(cacheDir, image);
  } finally {
    await release();
  }
  return image;
}
