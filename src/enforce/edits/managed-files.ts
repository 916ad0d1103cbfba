/**
 * The files driftguard owns on a node (DESIGN §9): one sysctl.d file, and one drop-in per unit.
 * It never edits someone else's sysctl file or unit file: a value in its own file, read at the
 * right place in systemd's order, is how a setting is added without touching what a package or a
 * person wrote.
 */
import { MANAGED_SYSCTL_FILE } from '../../model/managed-files';
import { parseSysctlConf } from '../../collect/sysctls/parse';
import type { DropInLine } from '../types';
import { appendLine, replaceLine } from './lines';

/** The managed file's name, for systemd-sysctl's by-basename ordering. */
export const MANAGED_SYSCTL_BASENAME = MANAGED_SYSCTL_FILE.slice(MANAGED_SYSCTL_FILE.lastIndexOf('/') + 1);

const HEADER = [
  '# Managed by driftguard: written to match the desired state or the pair primary.',
  '# Change the desired state rather than this file; driftguard edits it line by line.',
];

/**
 * The managed sysctl file with `key = value` set: the key's line replaced, or appended. Lines
 * are read as systemd-sysctl reads them, so `kernel/panic=5` is the line of `kernel.panic`.
 */
export function setManagedSysctl(text: string | undefined, key: string, value: string): string {
  const line = `${key} = ${value}`;
  if (text === undefined) return [...HEADER, line, ''].join('\n');
  const existing = parseSysctlConf(text).assignments.find(
    (assignment) => assignment.value !== undefined && assignment.key === key,
  );
  return existing ? replaceLine(text, existing.line, () => line) : appendLine(text, line);
}

/** The unit's managed drop-in with `lines` added under `[Unit]`. */
export function addDropInLines(text: string | undefined, lines: readonly DropInLine[]): string {
  const added = lines.map((line) => `${line.directive}=${line.units.join(' ')}`);
  if (text === undefined) return [...HEADER, '[Unit]', ...added, ''].join('\n');
  const sections = text.split('\n').filter((line) => /^\s*\[.*\]\s*$/.test(line));
  const inUnit = sections[sections.length - 1]?.trim() === '[Unit]';
  return appendLine(text, `${inUnit ? '' : '[Unit]\n'}${added.join('\n')}`);
}
