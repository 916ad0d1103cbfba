/**
 * What the machine running the tests must still be after them: the configuration enforcement
 * would change on a node (fstab, sysctl.d, systemd units, installed packages) and the live
 * kernel settings it would write. Taken before and after a suite and compared: equal maps prove
 * the sandboxes (test/helpers/sandbox.ts) kept every change to themselves.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FILES = ['/etc/fstab', '/var/lib/dpkg/status'];
const TREES = ['/etc/sysctl.d', '/etc/systemd/system'];
/** Live values a sandbox's `sysctl -w` or `hostname` would change if it leaked. */
const SYSCTLS = ['kernel.panic', 'kernel.panic_on_oops', 'vm.swappiness', 'kernel.hostname'];

/** What a path is: a file's sha256, a symlink's target, a folder's presence; `absent` if nothing. */
function describe(file: string): string {
  const stats = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stats) return 'absent';
  const owner = `${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid}`;
  if (stats.isSymbolicLink()) return `link -> ${fs.readlinkSync(file)}`;
  if (stats.isDirectory()) return `dir ${owner}`;
  if (stats.isFile())
    return `file ${owner} ${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
  return `special ${owner}`;
}

/** Every entry under `dir` (symlinks described by their targets, never followed). */
function describeTree(dir: string, into: Record<string, string>): void {
  into[dir] = describe(dir);
  if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
  for (const name of fs.readdirSync(dir).sort()) {
    const entry = path.join(dir, name);
    if (fs.lstatSync(entry).isDirectory()) describeTree(entry, into);
    else into[entry] = describe(entry);
  }
}

function liveSysctl(key: string): string {
  try {
    return fs.readFileSync(path.join('/proc/sys', ...key.split('.')), 'utf8').trim();
  } catch {
    return 'unreadable';
  }
}

/** `path → description` of the host's fstab, sysctl.d, systemd units, dpkg status, and live sysctls. */
export function hostFingerprint(): Record<string, string> {
  const fingerprint: Record<string, string> = {};
  for (const file of FILES) fingerprint[file] = describe(file);
  for (const tree of TREES) describeTree(tree, fingerprint);
  for (const key of SYSCTLS) fingerprint[`sysctl ${key}`] = liveSysctl(key);
  fingerprint['hostname'] = os.hostname();
  return fingerprint;
}

/**
 * For a test file that changes sandbox nodes: takes the host's fingerprint now (call it at the
 * file's top level) and compares it once everything has run. A top-level afterAll runs after
 * the afterAll hooks of every describe block in the file, so the nodes are already stopped.
 */
export function expectHostUntouched(): void {
  const before = hostFingerprint();
  afterAll(() => expect(hostFingerprint()).toEqual(before));
}
