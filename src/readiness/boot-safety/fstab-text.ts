/**
 * An fstab line as evidence: `/etc/fstab:17: /dev/drbd0 /srv/pypi ext4 defaults 0 2`. The
 * parsed entry is written back with fstab's octal escapes for the characters that would split
 * or confuse a field (space, tab, newline, backslash), so the line reads as it could be written.
 */
import { encodeOctalEscapes } from '../../collect/parsers/fstab';
import type { FstabEntry, MountsState, UnitInfo } from '../../model/state';

function fstabLineText(entry: FstabEntry): string {
  const options = entry.options.length > 0 ? entry.options.map(encodeOctalEscapes).join(',') : 'defaults';
  return [
    encodeOctalEscapes(entry.spec),
    encodeOctalEscapes(entry.file),
    encodeOctalEscapes(entry.vfstype),
    options,
    entry.freq,
    entry.passno,
  ].join(' ');
}

export function fstabEvidence(entry: FstabEntry): string {
  return `/etc/fstab:${entry.line}: ${fstabLineText(entry)}`;
}

/** The fstab entry a generated unit comes from. */
export function fstabEntryOf(mounts: MountsState | undefined, unit: UnitInfo): FstabEntry | undefined {
  if (unit.fstabLine === undefined) return undefined;
  return mounts?.fstab.find((entry) => entry.line === unit.fstabLine);
}
