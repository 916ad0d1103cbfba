/**
 * The whole fake nodes under test/fixtures/nodes, and a way to collect them reproducibly.
 * Git keeps only 0644/0755 modes and the checkout user's ownership, and the checkout umask can
 * differ between machines; so a fixture is collected from a copy whose modes are normalised,
 * which makes the collected state the same on every machine that runs the tests as root (CI).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './cli';

export const FIXTURE_NODES_DIR = path.join(REPO, 'test/fixtures/nodes');

/** The whole fake nodes the project promises (issue 2): six Debian 12 nodes and a Rocky 9 one. */
export const DEBIAN_FIXTURE_NODES = [
  'debian12-clean',
  'pypi-1',
  'pypi-2',
  'dpkg-interrupted',
  'sysctl-precedence',
  'mountinfo-escapes',
] as const;
export const FIXTURE_NODES = [...DEBIAN_FIXTURE_NODES, 'rpm-el9'] as const;

/** The fixture tree of a node, used in place (read-only). */
export function fixtureRoot(name: string): string {
  return path.join(FIXTURE_NODES_DIR, name);
}

export function fixtureNodeNames(): string[] {
  return fs
    .readdirSync(FIXTURE_NODES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function normaliseModes(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      fs.chmodSync(full, 0o755);
      normaliseModes(full);
    } else if (entry.isFile()) {
      fs.chmodSync(full, fs.statSync(full).mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/** A temporary copy of a fixture node with git's modes; the caller removes it. */
export function preparedFixtureRoot(name: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `dg-node-${name}-`));
  fs.cpSync(path.join(FIXTURE_NODES_DIR, name), root, { recursive: true, verbatimSymlinks: true });
  normaliseModes(root);
  return root;
}
