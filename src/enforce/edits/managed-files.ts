/**
 * The files driftguard owns on a node (DESIGN §9): one sysctl.d file, and one drop-in per unit.
 * It never edits someone else's sysctl file or unit file: a value in its own file, read at the
 * right place in systemd's order, is how a setting is added without touching what a package or a
 * person wrote.
 */
import { MANAGED_SYSCTL_FILE } from '../../model/managed-files';
import type { DropInLine } from '../types';

export { MANAGED_SYSCTL_FILE, managedDropInPath } from '../../model/managed-files';

/** The managed file's name, for systemd-sysctl's by-basename ordering. */
export const MANAGED_SYSCTL_BASENAME = MANAGED_SYSCTL_FILE.slice(MANAGED_SYSCTL_FILE.lastIndexOf('/') + 1);

const HEADER = [
  '# Managed by driftguard: written to match the desired state or the pair primary.',
  '# Change the desired state rather than this file; driftguard edits it line by line.',
];

function assignmentKey(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return undefined;
  const eq = trimmed.indexOf('=');
  if (eq < 0) return undefined;
  return trimmed.slice(0, eq).trim().replace(/^-/, '').replace(/\//g, '.');
}

/** The managed sysctl file with `key = value` set: the key's line replaced, or appended. */
export function setManagedSysctl(text: string | undefined, key: string, value: string): string {
  const line = `${key} = ${value}`;
  if (text === undefined) return [...HEADER, line, ''].join('\n');
  const lines = text.split('\n');
  const at = lines.findIndex((existing) => assignmentKey(existing) === key);
  if (at >= 0) {
    lines[at] = line;
    return lines.join('\n');
  }
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** The unit's managed drop-in with `lines` added under `[Unit]`. */
export function addDropInLines(text: string | undefined, lines: readonly DropInLine[]): string {
  const added = lines.map((line) => `${line.directive}=${line.units.join(' ')}`);
  if (text === undefined) return [...HEADER, '[Unit]', ...added, ''].join('\n');
  const sections = text.split('\n').filter((line) => /^\s*\[.*\]\s*$/.test(line));
  const inUnit = sections[sections.length - 1]?.trim() === '[Unit]';
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${base}${inUnit ? '' : '[Unit]\n'}${added.join('\n')}\n`;
}
