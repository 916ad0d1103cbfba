/**
 * Test support: builds a throw-away node tree (a root with etc/, proc/ …) under the OS temp
 * directory, for cases a committed fixture cannot hold — modes git does not keep (0200, 0600),
 * files owned by the current user, dangling or looping symlinks. Used by the tests of the
 * collectors that read files (files, sysctls) and by their differential tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type TreeEntry =
  | string
  | Buffer
  | { content: string | Buffer; mode: number }
  | { symlink: string }
  | { dir: true; mode?: number };

/** Creates the tree and returns its root. Keys are node paths (`/etc/hosts`) or relative ones. */
export function writeTree(entries: Record<string, TreeEntry>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-tree-'));
  for (const [nodePath, entry] of Object.entries(entries)) {
    const hostPath = path.join(root, nodePath);
    fs.mkdirSync(path.dirname(hostPath), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) fs.writeFileSync(hostPath, entry);
    else if ('symlink' in entry) fs.symlinkSync(entry.symlink, hostPath);
    else if ('dir' in entry) {
      fs.mkdirSync(hostPath, { recursive: true });
      if (entry.mode !== undefined) fs.chmodSync(hostPath, entry.mode);
    } else {
      fs.writeFileSync(hostPath, entry.content);
      fs.chmodSync(hostPath, entry.mode);
    }
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** Writes `content` to a file `name` in a new temporary folder, hands its path to `use`, removes the folder. */
export function withTempFile<T>(name: string, content: string | Buffer, use: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-file-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
