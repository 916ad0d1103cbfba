/**
 * Pure conversions of written values to their normalised form (DESIGN §6). Each returns either
 * the value or `{ error }` with a sentence for a person; the caller adds the file:line:col.
 */
import type { PackageRule, VersionRelation } from '../model/desired';
import { parseDebianVersion } from '../versions/dpkg';

/** A type without its `at`, distributed over unions. */
export type Unplaced<T> = T extends unknown ? Omit<T, 'at'> : never;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------
// packages

const RELATIONS: readonly VersionRelation[] = ['<<', '<=', '>=', '>>', '='];

/**
 * `present` | `absent` | a Debian relation `">= 3.11"` (operators `<< <= = >= >>`, space
 * optional) | a bare version `"1.2-3"`, which means `=` — pinning an exact version is the common
 * case and there is nothing else a bare version could mean. dpkg's deprecated `<` and `>` (which
 * mean `<=` and `>=`) are refused: they are misread too often.
 */
export function parsePackageRule(text: string): Parsed<Unplaced<PackageRule>> {
  const trimmed = text.trim();
  if (trimmed === 'present') return ok({ state: 'present' });
  if (trimmed === 'absent') return ok({ state: 'absent' });
  let relation: VersionRelation | undefined = RELATIONS.find((op) => trimmed.startsWith(op));
  let version = relation ? trimmed.slice(relation.length).trim() : trimmed;
  if (!relation) {
    const first = trimmed.charAt(0);
    if (first === '<' || first === '>') {
      return fail(
        `\`${first}\` is ambiguous (dpkg reads it as \`${first}=\`); write \`${first}${first}\`, \`${first}=\` or \`=\``,
      );
    }
    if (!(first >= '0' && first <= '9')) {
      return fail(
        `\`${text}\` is not a package rule: write \`present\`, \`absent\`, a relation like \`">= 1.2"\` or an exact version`,
      );
    }
    relation = '=';
    version = trimmed;
  }
  if (version.length === 0) return fail(`\`${text}\` has an operator but no version`);
  const bad = debianVersionProblem(version);
  if (bad) return fail(`\`${version}\` is not a valid Debian version: ${bad}`);
  return ok({ state: 'present', relation, version });
}

/**
 * dpkg's reason why `version` is not valid (its warnings count too, as with
 * `dpkg --validate-version`: `apt-get install pkg=VERSION` must work), else undefined.
 */
function debianVersionProblem(version: string): string | undefined {
  try {
    parseDebianVersion(version);
    return undefined;
  } catch (err) {
    // src/versions throws VersionSyntaxError, whose `reason` is in dpkg's words.
    const reason = err instanceof Error ? (err as Error & { reason?: unknown }).reason : undefined;
    if (typeof reason === 'string') return reason;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// sysctls

/**
 * The kernel's text form of a sysctl value. Numbers are printed in decimal; strings have runs of
 * blanks collapsed to one space and are trimmed, because /proc/sys prints multi-value keys
 * (`net.ipv4.ip_local_port_range`) with tabs while people write spaces. `source` is the YAML
 * text of a number: integers beyond 2^53 (`18446744073709551615`) are taken from it verbatim
 * instead of the rounded double, and so are hex (`0xffffffffffffffff`) and octal ones.
 */
export function sysctlValueText(value: number | string, source?: string): string {
  if (typeof value === 'string')
    return value
      .trim()
      .split(/[ \t]+/)
      .join(' ');
  if (source !== undefined && YAML_INTEGER.test(source)) {
    // Only when it is the integer YAML read: under `%YAML 1.1`, `0777` is octal 511, not 777.
    const exact = BigInt(source);
    if (Number(exact) === value) return exact.toString();
  }
  return String(value);
}

/** The integers of YAML 1.2's core schema (yaml's default), written the way BigInt reads them. */
const YAML_INTEGER = /^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+)$/;

// ---------------------------------------------------------------------------------------------
// files

/** `0640`, `640`, `2755` → four octal digits. */
export function parseMode(text: string): Parsed<string> {
  if (!/^[0-7]{3,4}$/.test(text)) return fail(`\`${text}\` is not an octal file mode like "0640"`);
  return ok(text.padStart(4, '0'));
}

/** Bare hex or `sha256:<hex>` (any case) → `sha256:<lower-case hex>`. */
export function parseSha256(text: string): Parsed<string> {
  const hex = (text.startsWith('sha256:') ? text.slice(7) : text).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    return fail(`\`${text}\` is not a SHA-256: 64 hex digits, optionally after \`sha256:\``);
  return ok(`sha256:${hex}`);
}

// ---------------------------------------------------------------------------------------------
// durations

const UNIT_MS = new Map([
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
]);

/** One or more numbers, each followed by a word: the unit, looked up after. */
const DURATION = /^(?:[0-9]+[a-z]+)+$/;
const DURATION_PART = /([0-9]+)([a-z]+)/g;

/**
 * `90s`, `10m`, `1h`, `1h30m`, `500ms`, `2d` → milliseconds. A bare number is refused: whether
 * `600` means seconds or milliseconds is exactly the kind of guess that goes wrong silently.
 */
export function parseDuration(text: string): Parsed<number> {
  const usage = `\`${text}\` is not a duration: write a number with a unit, like 90s, 10m, 1h30m (units ms s m h d)`;
  if (!DURATION.test(text)) return fail(usage);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    const factor = UNIT_MS.get(unit as string);
    if (factor === undefined) return fail(usage);
    total += Number(amount) * factor;
  }
  if (!Number.isSafeInteger(total)) return fail(`\`${text}\` is too long a duration`);
  return ok(total);
}
