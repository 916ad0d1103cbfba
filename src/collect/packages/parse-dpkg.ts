/**
 * dpkg's database, read the way dpkg itself reads it (lib/dpkg/dbmodify.c, parse.c), from text:
 *   1. `var/lib/dpkg/status`: RFC 822-style stanzas separated by blank lines; field names are
 *      case-insensitive; lines starting with a blank continue the previous field;
 *   2. then every journal file in `var/lib/dpkg/updates/` whose name is all digits, in order.
 *      dpkg writes one there per package change before it rewrites `status`; after a crash or
 *      a kill the journal is the truth and `status` is stale. Each stanza in it replaces the
 *      package's whole record.
 * Pure: text in, records out. The collector (collect.ts) does the reading; an SSH sweep can
 * feed the same functions with text fetched from a remote node.
 */
import type { PackageEntry, PackageFlag } from '../../model/state';
import { CollectError } from '../../shared/errors';

export type DpkgWant = 'unknown' | 'install' | 'hold' | 'deinstall' | 'purge';
export type DpkgErrorFlag = 'ok' | 'reinstreq';
export type DpkgState =
  | 'not-installed'
  | 'config-files'
  | 'half-installed'
  | 'unpacked'
  | 'half-configured'
  | 'triggers-awaited'
  | 'triggers-pending'
  | 'installed';

const WANTS: readonly string[] = ['unknown', 'install', 'hold', 'deinstall', 'purge'];
const ERROR_FLAGS: readonly string[] = ['ok', 'reinstreq'];
const STATES: readonly string[] = [
  'not-installed',
  'config-files',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
  'installed',
];

/** The fields of one stanza that matter for the state; the rest is skipped without copying. */
export interface DpkgRecord {
  name: string;
  /** `amd64`, `all` … ; empty when the stanza has none (dpkg-query prints it empty too). */
  arch: string;
  /** Empty when the stanza has none (a package that is only selected). */
  version: string;
  /** `same`, `foreign`, `allowed`, `no`, or empty. */
  multiArch: string;
  want: DpkgWant;
  errorFlag: DpkgErrorFlag;
  state: DpkgState;
}

/** A text to parse and the node path it came from (for messages). */
export interface DpkgFile {
  path: string;
  text: string;
}

const enum Field {
  Other,
  Package,
  Status,
  Architecture,
  Version,
  MultiArch,
}

/** Case-insensitive match of `text[start, start + lower.length)` against a lower-case name. */
function nameIs(text: string, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    let code = text.charCodeAt(start + k);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Which wanted field (if any) the name `text[start, end)` is, without allocating it. */
function fieldOf(text: string, start: number, end: number): Field {
  switch (end - start) {
    case 7:
      if (nameIs(text, start, 'package')) return Field.Package;
      if (nameIs(text, start, 'version')) return Field.Version;
      return Field.Other;
    case 6:
      return nameIs(text, start, 'status') ? Field.Status : Field.Other;
    case 12:
      return nameIs(text, start, 'architecture') ? Field.Architecture : Field.Other;
    case 10:
      return nameIs(text, start, 'multi-arch') ? Field.MultiArch : Field.Other;
    default:
      return Field.Other;
  }
}

interface StanzaFields {
  name?: string;
  status?: string;
  arch: string;
  version: string;
  multiArch: string;
}

/** 1-based line of a text offset; only computed for error messages. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function toRecord(fields: StanzaFields, file: DpkgFile, offset: number): DpkgRecord {
  const where = (): string => `${file.path}:${lineAt(file.text, offset)}`;
  if (fields.name === undefined || fields.name === '') {
    throw new CollectError(`${where()}: stanza has no 'Package' field`);
  }
  // No Status: a package dpkg only knows about (dpkg always writes one in status and journal).
  const status = fields.status ?? 'unknown ok not-installed';
  // dpkg writes single spaces; it reads any run of blanks.
  let words = status.split(' ');
  if (words.length !== 3) words = status.split(/[ \t]+/);
  const [want = '', errorFlag = '', state = ''] = words;
  if (
    words.length !== 3 ||
    !WANTS.includes(want) ||
    !ERROR_FLAGS.includes(errorFlag) ||
    !STATES.includes(state)
  ) {
    throw new CollectError(`${where()}: package '${fields.name}' has an invalid Status '${status}'`);
  }
  return {
    name: fields.name,
    arch: fields.arch,
    version: fields.version,
    multiArch: fields.multiArch,
    want: want as DpkgWant,
    errorFlag: errorFlag as DpkgErrorFlag,
    state: state as DpkgState,
  };
}

/**
 * The general reader of one stanza `text[start, end)`: line by line, field names matched
 * case-insensitively, lines starting with a blank continuing the previous field.
 */
function scanStanza(text: string, start: number, end: number): StanzaFields {
  const fields: StanzaFields = { arch: '', version: '', multiArch: '' };
  let pos = start;
  while (pos < end) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    const first = text.charCodeAt(pos);
    const colon = first === 0x20 || first === 0x09 ? -1 : text.indexOf(':', pos);
    // Continuation lines, and lines that are not `Field: value` (dpkg would refuse the file;
    // the fast path cannot see them, so neither path does), are skipped.
    if (colon >= 0 && colon < lineEnd) {
      const field = fieldOf(text, pos, colon);
      if (field !== Field.Other) {
        const value = text.slice(colon + 1, lineEnd).trim();
        if (field === Field.Package) fields.name = value;
        else if (field === Field.Status) fields.status = value;
        else if (field === Field.Architecture) fields.arch = value;
        else if (field === Field.Version) fields.version = value;
        else fields.multiArch = value;
      }
    }
    pos = lineEnd + 1;
  }
  return fields;
}

/** Value of the field whose line starts with `name` (`Version:`) in `text[start, end)`, exact case. */
function exactField(text: string, name: string, start: number, end: number): string | undefined {
  let at: number;
  if (text.startsWith(name, start)) {
    at = start;
  } else {
    at = text.indexOf(name, start);
    // Only at the start of a line: a continuation line starts with a blank, so never matches.
    while (at >= 0 && at < end && text.charCodeAt(at - 1) !== 0x0a) at = text.indexOf(name, at + 1);
    if (at < 0 || at >= end) return undefined;
  }
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd < 0 || lineEnd > end) lineEnd = end;
  return text.slice(at + name.length, lineEnd).trim();
}

/**
 * The fast reader: five native substring searches per stanza instead of a loop over its ~20
 * lines (most of them Description). dpkg writes field names in exactly this case. A stanza
 * where Package, Status, Architecture or Version is not found this way (written by hand in
 * another case, or a bare selection without a version) goes to scanStanza instead.
 */
function quickStanza(text: string, start: number, end: number): StanzaFields | undefined {
  const name = exactField(text, 'Package:', start, end);
  const status = exactField(text, 'Status:', start, end);
  const arch = exactField(text, 'Architecture:', start, end);
  const version = exactField(text, 'Version:', start, end);
  if (name === undefined || status === undefined || arch === undefined || version === undefined)
    return undefined;
  return { name, status, arch, version, multiArch: exactField(text, 'Multi-Arch:', start, end) ?? '' };
}

/**
 * Parses the stanzas of a status or journal file: stanzas end at an empty line (like dpkg, a
 * line of blanks does not end one: it continues a field). No array of lines is built, and only
 * the five fields kept are copied out of the text.
 */
export function parseDpkgStanzas(file: DpkgFile): DpkgRecord[] {
  const { text } = file;
  const records: DpkgRecord[] = [];
  let pos = 0;
  for (;;) {
    while (text.charCodeAt(pos) === 0x0a) pos++;
    if (pos >= text.length) break;
    let end = text.indexOf('\n\n', pos);
    end = end < 0 ? text.length : end + 1;
    const fields = quickStanza(text, pos, end) ?? scanStanza(text, pos, end);
    records.push(toRecord(fields, file, pos));
    pos = end;
  }
  return records;
}

/** dpkg's IMPORTANTMAXLEN: journal file names are at most this many digits. */
const JOURNAL_NAME_MAX = 10;

/**
 * The journal files dpkg would apply, in the order it applies them: names of digits only
 * (others, like `tmp.i`, are ignored), all of one length — dpkg refuses to run otherwise, and so
 * does this — sorted, which for equal lengths is numeric order.
 */
export function journalFileOrder(names: readonly string[], directory: string): string[] {
  const journal = names.filter((name) => /^[0-9]+$/.test(name));
  for (const name of journal) {
    if (name.length > JOURNAL_NAME_MAX) {
      throw new CollectError(`${directory}/${name}: journal file name is too long (max ${JOURNAL_NAME_MAX})`);
    }
    if (name.length !== (journal[0] as string).length) {
      throw new CollectError(
        `${directory}: journal files have names of different lengths (${journal[0]} and ${name})`,
      );
    }
  }
  return journal.sort();
}

/** Records by package name, then by architecture: dpkg's package sets. */
export type DpkgDatabase = Map<string, Map<string, DpkgRecord>>;

function slotsOf(db: DpkgDatabase, name: string): Map<string, DpkgRecord> {
  let slots = db.get(name);
  if (!slots) {
    slots = new Map();
    db.set(name, slots);
  }
  return slots;
}

/**
 * Applies one journal stanza like dpkg's `parse_find_pkg_slot()` for updates: when exactly one
 * instance of the name is present (any state but not-installed) and the new stanza is not
 * `Multi-Arch: same`, the stanza replaces that instance whatever its architecture — a
 * cross-grade (`amd64` → `all`, `i386` → `amd64`). Otherwise it takes its architecture's slot.
 */
function applyJournalRecord(db: DpkgDatabase, record: DpkgRecord): void {
  const slots = slotsOf(db, record.name);
  if (record.multiArch !== 'same') {
    let present: DpkgRecord | undefined;
    let presentCount = 0;
    for (const existing of slots.values()) {
      if (existing.state !== 'not-installed') {
        present = existing;
        presentCount++;
      }
    }
    if (presentCount === 1 && present) slots.delete(present.arch);
  }
  slots.set(record.arch, record);
}

/** The database after the status file and then every journal file, in the order given. */
export function readDpkgDatabase(status: DpkgFile, journal: readonly DpkgFile[]): DpkgDatabase {
  const db: DpkgDatabase = new Map();
  for (const record of parseDpkgStanzas(status)) slotsOf(db, record.name).set(record.arch, record);
  for (const file of journal) {
    for (const record of parseDpkgStanzas(file)) applyJournalRecord(db, record);
  }
  return db;
}

/**
 * Which states make a package part of the node's state. Kept: `installed`, and every state in
 * which dpkg was interrupted with the package's files (partly) on disk — `half-installed`,
 * `unpacked`, `half-configured`, `triggers-awaited`, `triggers-pending` — each with a flag of
 * its name, because a half-upgraded package on a failover node is exactly what must show.
 * Dropped: `not-installed` (only a selection is left) and `config-files` (removed; only its
 * conffiles remain): for parity and desired state such a package is absent.
 */
const STATE_FLAGS: Readonly<Record<DpkgState, PackageFlag | null | undefined>> = {
  'not-installed': undefined,
  'config-files': undefined,
  'half-installed': 'half-installed',
  unpacked: 'unpacked',
  'half-configured': 'half-configured',
  'triggers-awaited': 'triggers-awaited',
  'triggers-pending': 'triggers-pending',
  installed: null,
};

/** True for the states kept in a NodeState (see STATE_FLAGS). */
export function isKeptDpkgState(state: string): boolean {
  return (STATE_FLAGS as Record<string, PackageFlag | null | undefined>)[state] !== undefined;
}

function entryOf(record: DpkgRecord): PackageEntry {
  const flags: PackageFlag[] = [];
  if (record.want === 'hold') flags.push('held');
  const stateFlag = STATE_FLAGS[record.state];
  if (stateFlag) flags.push(stateFlag);
  if (record.errorFlag === 'reinstreq') flags.push('reinst-required');
  const entry: PackageEntry = {
    name: record.name,
    arch: record.arch,
    version: record.version,
    status: `${record.want} ${record.errorFlag} ${record.state}`,
  };
  if (flags.length > 0) entry.flags = flags;
  return entry;
}

/** The kept packages of a database, keyed `name:arch`, in key order. */
export function dpkgPackageItems(db: DpkgDatabase): Record<string, PackageEntry> {
  const kept = new Map<string, DpkgRecord>();
  for (const slots of db.values()) {
    for (const record of slots.values()) {
      if (isKeptDpkgState(record.state)) kept.set(`${record.name}:${record.arch}`, record);
    }
  }
  const items: Record<string, PackageEntry> = {};
  for (const key of [...kept.keys()].sort()) items[key] = entryOf(kept.get(key) as DpkgRecord);
  return items;
}
