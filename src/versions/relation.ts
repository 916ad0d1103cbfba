/**
 * Version relations as desired state writes them (`python3: ">= 3.11"`), for either package
 * manager. The operators are Debian's: `<<` `<=` `=` `>=` `>>`.
 *
 * dpkg still reads the obsolete one-character `<` and `>` — as `<=` and `>=`, not as "less" and
 * "greater" — and warns. Here they are refused with a message that names both readings: a
 * desired state that says `python3: "> 3.11"` meaning "newer than 3.11" would silently accept
 * 3.11 under dpkg's reading, and a readiness check must not pass on a misunderstanding.
 */
import { compareDebianVersions, parseDebianVersion } from './dpkg';
import {
  compareRpmEvr,
  parseRpmEvr,
  RPMSENSE_EQUAL,
  RPMSENSE_GREATER,
  RPMSENSE_LESS,
  rpmRangesOverlap,
} from './rpm';
import { VersionSyntaxError } from './version-error';

/** Which ordering rules apply; the same strings as `PackageManager` in the state model. */
export type VersionScheme = 'dpkg' | 'rpm';

export type RelationOperator = '<<' | '<=' | '=' | '>=' | '>>';

export const RELATION_OPERATORS: readonly RelationOperator[] = ['<<', '<=', '=', '>=', '>>'];

/** The words `dpkg --compare-versions` uses for each operator. */
export const DPKG_COMPARE_WORDS: Readonly<Record<RelationOperator, string>> = {
  '<<': 'lt',
  '<=': 'le',
  '=': 'eq',
  '>=': 'ge',
  '>>': 'gt',
};

export function isRelationOperator(text: string): text is RelationOperator {
  return (RELATION_OPERATORS as readonly string[]).includes(text);
}

/** Parses an operator; throws `VersionSyntaxError` for anything else, explaining `<` and `>`. */
export function parseRelationOperator(text: string): RelationOperator {
  if (isRelationOperator(text)) return text;
  if (text === '<' || text === '>') {
    const [le, lt] = text === '<' ? ['<=', '<<'] : ['>=', '>>'];
    throw new VersionSyntaxError(
      text,
      `'${text}' is ambiguous (dpkg reads it as '${le}', most people mean '${lt}'): write '${le}' or '${lt}'`,
    );
  }
  throw new VersionSyntaxError(text, `unknown relation operator; use one of ${RELATION_OPERATORS.join(' ')}`);
}

/** Whether an ordering result (`compare(installed, wanted)`) meets the operator. */
export function relationHolds(order: number, operator: RelationOperator): boolean {
  switch (operator) {
    case '<<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '=':
      return order === 0;
    case '>=':
      return order >= 0;
    case '>>':
      return order > 0;
  }
}

/** Orders two versions of one scheme: -1, 0 or 1 (for "newer on primary" and the like). */
export function compareVersions(scheme: VersionScheme, a: string, b: string): -1 | 0 | 1 {
  return scheme === 'dpkg' ? compareDebianVersions(a, b) : compareRpmEvr(a, b);
}

const RPM_SENSE: Readonly<Record<RelationOperator, number>> = {
  '<<': RPMSENSE_LESS,
  '<=': RPMSENSE_LESS | RPMSENSE_EQUAL,
  '=': RPMSENSE_EQUAL,
  '>=': RPMSENSE_GREATER | RPMSENSE_EQUAL,
  '>>': RPMSENSE_GREATER,
};

/**
 * Does the installed version satisfy `relation wanted`? Each manager's own rule:
 *   - dpkg: plain ordering, as dpkg checks a dependency (`= 3.11` is not met by `3.11-1`);
 *   - rpm: range overlap, as rpm checks a requirement (`= 3.9.18` is met by `3.9.18-3.el9`
 *     because the requirement names no release; an epoch on one side only counts when > 0).
 */
export function satisfies(
  scheme: VersionScheme,
  installedVersion: string,
  relation: RelationOperator,
  wanted: string,
): boolean {
  if (scheme === 'dpkg') return relationHolds(compareDebianVersions(installedVersion, wanted), relation);
  return rpmRangesOverlap(installedVersion, RPMSENSE_EQUAL, wanted, RPM_SENSE[relation]);
}

export interface VersionConstraint {
  relation: RelationOperator;
  version: string;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isOperatorChar(code: number): boolean {
  return code === 0x3c /* < */ || code === 0x3d /* = */ || code === 0x3e; /* > */
}

/**
 * Parses a desired constraint: `">= 3.11"`, `">=3.11"`, `"<< 2:1.0-3"`, or a bare version,
 * which means `=`. The version is checked with the scheme's own rules (strictly: what the
 * manager would refuse to install cannot be wanted). Throws `VersionSyntaxError`.
 */
export function parseVersionConstraint(text: string, scheme: VersionScheme): VersionConstraint {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  let operatorEnd = start;
  while (operatorEnd < text.length && isOperatorChar(text.charCodeAt(operatorEnd))) operatorEnd++;
  const relation = operatorEnd === start ? '=' : parseRelationOperator(text.slice(start, operatorEnd));

  const version = text.slice(operatorEnd).trim();
  if (version === '') throw new VersionSyntaxError(text, 'no version after the relation operator');
  if (/\s/.test(version)) throw new VersionSyntaxError(text, 'version string has embedded spaces');
  if (scheme === 'dpkg') parseDebianVersion(version);
  else parseRpmEvr(version, { strict: true });
  return { relation, version };
}

/** `>= 3.11`: the form parseVersionConstraint reads back. */
export function formatVersionConstraint(constraint: VersionConstraint): string {
  return `${constraint.relation} ${constraint.version}`;
}
