/**
 * What systemd-sysctl would apply at boot, from the sysctl.d files in the order it reads them.
 * Pure: file texts in, persisted values out. Mirrors the option table of systemd 252's
 * `parse_file()`:
 *   - a later assignment of a key with another value replaces the earlier one;
 *   - a later assignment with the *same* value changes nothing — the earlier line stays the
 *     source (systemd `continue`s without touching the existing entry);
 *   - a negative match (`-key` without `=`) replaces an earlier assignment with "set nothing":
 *     the key is then not persisted unless a still later line assigns it again.
 * Glob keys are kept as written (one entry for `net.ipv4.conf.*.rp_filter`), not expanded:
 * what they match depends on the interfaces present at boot, and the compare engine can match
 * them against live keys itself. Explicit keys win over globs in systemd whatever the order.
 */
import type { PersistedSysctl } from '../../model/state';
import { parseSysctlConf } from './parse';

export interface SysctlConfText {
  /** Node path of the file as systemd lists it (`/etc/sysctl.d/99-sysctl.conf`). */
  path: string;
  /** Its content; empty for a masked (`/dev/null`, empty) or unreadable file. */
  text: string;
}

interface Entry {
  /** Undefined while a negative match is the latest word on the key. */
  current: { value: string; source: string } | undefined;
  overridden: { value: string; source: string }[];
}

export interface PersistedSysctls {
  persisted: Record<string, PersistedSysctl>;
  /** Lines systemd rejects and skips ("Line is not an assignment, ignoring"). */
  warnings: { source: string; line: number; message: string }[];
}

export function mergePersistedSysctls(files: readonly SysctlConfText[]): PersistedSysctls {
  const entries = new Map<string, Entry>();
  const warnings: PersistedSysctls['warnings'] = [];
  for (const file of files) {
    if (file.text === '') continue;
    const parsed = parseSysctlConf(file.text);
    for (const invalid of parsed.invalid) {
      warnings.push({
        source: file.path,
        line: invalid.line,
        message: `not an assignment, ignored: ${invalid.text}`,
      });
    }
    for (const assignment of parsed.assignments) {
      const source = `${file.path}:${assignment.line}`;
      const entry = entries.get(assignment.key);
      const next = assignment.value === undefined ? undefined : { value: assignment.value, source };
      if (!entry) {
        entries.set(assignment.key, { current: next, overridden: [] });
        continue;
      }
      if (entry.current?.value === next?.value) continue; // same value (or negation twice): no change
      if (entry.current) entry.overridden.push(entry.current);
      entry.current = next;
    }
  }

  const persisted: Record<string, PersistedSysctl> = {};
  for (const key of [...entries.keys()].sort()) {
    const entry = entries.get(key) as Entry;
    if (!entry.current) continue;
    persisted[key] =
      entry.overridden.length > 0
        ? { value: entry.current.value, source: entry.current.source, overridden: entry.overridden }
        : { value: entry.current.value, source: entry.current.source };
  }
  return { persisted, warnings };
}
