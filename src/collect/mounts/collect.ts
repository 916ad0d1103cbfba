/**
 * Reads the node's fstab and live mount table through the RootFs and hands the text to the pure
 * parsers. PID 1's mountinfo is the one that matters (what systemd and the boot see); a process
 * in another mount namespace, or without the right to read PID 1's, falls back to its own view.
 */
import type { FstabEntry, LiveMount, MountsState } from '../../model/state';
import { CollectError, errorMessage } from '../../shared/errors';
import { redactWords } from '../files/redact';
import { parseFstab } from '../parsers/fstab';
import type { RootFs } from '../root-fs';
import { parseMountinfo, visibleMounts } from './parse';

export const FSTAB_PATH = '/etc/fstab';
export const MOUNTINFO_PATHS = ['/proc/1/mountinfo', '/proc/self/mountinfo'] as const;

function readFirst(fs: RootFs, paths: readonly string[]): { path: string; text: string } | undefined {
  for (const path of paths) {
    let text: string | undefined;
    try {
      text = fs.readText(path);
    } catch {
      // EACCES on /proc/1 for an unprivileged agent: try the next view.
      continue;
    }
    if (text !== undefined && text !== '') return { path, text };
  }
  return undefined;
}

/**
 * fstab and the mount table name secrets too — cifs's `password=`, a WebDAV URL's password —
 * and they stay on the node like those of watched files: the same markers, made from fstab's
 * path, so a secret gives one marker in fstab, the mount table and the generated mount unit.
 * What the options mean (`parsed`: noauto, nofail …) is read before.
 */
function fstabWithoutSecrets(entry: FstabEntry): FstabEntry {
  return {
    ...entry,
    spec: redactWords(entry.spec, FSTAB_PATH),
    options: entry.options.map((option) => redactWords(option, FSTAB_PATH)),
  };
}

function liveWithoutSecrets(mount: LiveMount): LiveMount {
  return {
    ...mount,
    source: redactWords(mount.source, FSTAB_PATH),
    options: mount.options.map((option) => redactWords(option, FSTAB_PATH)),
    superOptions: mount.superOptions.map((option) => redactWords(option, FSTAB_PATH)),
  };
}

export function collectMounts(fs: RootFs): MountsState {
  let fstabText: string | undefined;
  try {
    fstabText = fs.readText(FSTAB_PATH);
  } catch (err) {
    throw new CollectError(`cannot read ${FSTAB_PATH} on ${fs.description}: ${errorMessage(err)}`, err);
  }
  // No fstab at all is a legal node (containers, some images): nothing is mounted from it.
  const fstab = parseFstab(fstabText ?? '');

  const mountinfo = readFirst(fs, MOUNTINFO_PATHS);
  if (!mountinfo) {
    throw new CollectError(
      `no readable mountinfo on ${fs.description} (tried ${MOUNTINFO_PATHS.join(', ')})`,
    );
  }
  const live = parseMountinfo(mountinfo.text);

  const warnings = [
    ...fstab.warnings.map((w) => ({ source: FSTAB_PATH, line: w.line, message: w.message })),
    ...live.badLines.map((line) => ({
      source: mountinfo.path,
      line,
      message: 'not a mountinfo line, skipped',
    })),
  ];
  const state: MountsState = {
    fstab: fstab.entries.map(fstabWithoutSecrets),
    live: visibleMounts(live.entries).map(liveWithoutSecrets),
  };
  if (warnings.length > 0) state.warnings = warnings;
  return state;
}
