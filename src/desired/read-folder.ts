/**
 * The only I/O of src/desired: the YAML files of one desired-state folder, as text.
 *
 * Only files directly in the folder are read, not subfolders: what is loaded is then exactly
 * what `ls desired-state/` shows, and a backup copy (`old/`, `archive/`) or a checked-out
 * helper repository inside it can never change a machine by surprise. Dotfiles are skipped too —
 * editors leave `.#pypi.yaml` locks and `.pypi.yaml.swp` next to the real file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage, type Issue } from '../shared/errors';
import { formatBytes } from '../shared/format';

/**
 * Larger than any hand-written desired-state file (a role naming 50,000 packages is about
 * 1 MiB), and checked before a byte is read: YAML parses at roughly half a megabyte a second,
 * so the limit also bounds how long a load can take.
 */
export const MAX_FILE_BYTES = 1024 * 1024;
/** The whole folder: a handful of files at the limit. */
export const MAX_FOLDER_BYTES = 4 * 1024 * 1024;

export interface YamlFile {
  /** How to name it in messages: relative to the working directory when under it. */
  file: string;
  text: string;
}

export interface FolderContents {
  files: YamlFile[];
  issues: Issue[];
}

/** `desired-state/pypi.yaml` when under the current directory, else the absolute path. */
export function displayPath(target: string, cwd: string = process.cwd()): string {
  const absolute = path.resolve(cwd, target);
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  return outside ? absolute : relative;
}

function isYamlName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.yaml') || name.endsWith('.yml'));
}

/**
 * Reads the folder's YAML files, sorted by name as JavaScript compares strings (by UTF-16 code
 * unit: byte order but for characters beyond U+FFFF), the same on every machine whatever order
 * the system lists them in.
 */
export function readYamlFolder(dir: string): FolderContents {
  const shown = displayPath(dir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const { code } = err as NodeJS.ErrnoException;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is not a folder'
          : `cannot be read (${errorMessage(err)})`;
    return { files: [], issues: [{ message: `desired-state folder \`${shown}\` ${why}` }] };
  }
  const names = entries
    .filter(
      (e) =>
        isYamlName(e.name) &&
        (e.isFile() || (e.isSymbolicLink() && isFileBehindLink(path.join(dir, e.name)))),
    )
    .map((e) => e.name)
    .sort();
  if (names.length === 0) {
    return {
      files: [],
      issues: [{ message: `desired-state folder \`${shown}\` has no *.yaml or *.yml files` }],
    };
  }

  const issues: Issue[] = [];
  const sized: { full: string; file: string; size: number }[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const file = displayPath(full);
    try {
      const size = fs.statSync(full).size;
      if (size > MAX_FILE_BYTES) {
        issues.push({
          message: `file is ${formatBytes(size)} (${size} bytes), more than the ${formatBytes(MAX_FILE_BYTES)} a desired-state file may have: split it`,
          at: { file, line: 1, col: 1 },
        });
      } else sized.push({ full, file, size });
    } catch (err) {
      issues.push({ message: `cannot read file: ${errorMessage(err)}`, at: { file, line: 1, col: 1 } });
    }
  }
  const total = sized.reduce((sum, entry) => sum + entry.size, 0);
  if (total > MAX_FOLDER_BYTES) {
    issues.push({
      message: `desired-state folder \`${shown}\` holds ${formatBytes(total)} of YAML, more than the ${formatBytes(MAX_FOLDER_BYTES)} a desired state may have`,
    });
  }
  if (issues.length > 0) return { files: [], issues };

  const files: YamlFile[] = [];
  for (const { full, file } of sized) {
    try {
      files.push({ file, text: fs.readFileSync(full, 'utf8') });
    } catch (err) {
      issues.push({ message: `cannot read file: ${errorMessage(err)}`, at: { file, line: 1, col: 1 } });
    }
  }
  return { files, issues };
}

function isFileBehindLink(full: string): boolean {
  try {
    return fs.statSync(full).isFile();
  } catch {
    return false; // a dangling link is not a desired-state file
  }
}
