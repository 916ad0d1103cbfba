/**
 * Version numbers of packages: dpkg's and rpm's orderings, relations and desired constraints.
 * A leaf module: imports nothing else from src, so desired, compare, readiness, enforce and the
 * collectors can all use it.
 */
export { VersionSyntaxError } from './version-error';
export type { DebianVersion, ParseDebianVersionOptions } from './dpkg';
export {
  compareDebianVersions,
  formatDebianVersion,
  isValidDebianVersion,
  parseDebianVersion,
  verrevcmp,
} from './dpkg';
export type { RpmEvr } from './rpm';
export {
  compareRpmEvr,
  formatRpmEvr,
  parseRpmEvr,
  rpmRangesOverlap,
  rpmvercmp,
  RPMSENSE_EQUAL,
  RPMSENSE_GREATER,
  RPMSENSE_LESS,
} from './rpm';
export type { RelationOperator, VersionConstraint, VersionScheme } from './relation';
export {
  compareVersions,
  DPKG_COMPARE_WORDS,
  formatVersionConstraint,
  isRelationOperator,
  parseRelationOperator,
  parseVersionConstraint,
  RELATION_OPERATORS,
  relationHolds,
  satisfies,
} from './relation';
