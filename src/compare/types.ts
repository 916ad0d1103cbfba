import type { RoleSpec } from '../model/desired';
import type { Finding, ParitySides } from '../model/finding';
import type { Category, CategoryValues } from '../model/state';
import type { IgnoreMatcher } from './ignore';

export interface ParityContext {
  sides: ParitySides;
  /** Keys of this category that the pair's rules say to ignore. */
  ignored: IgnoreMatcher;
}

/**
 * How one category is compared: against desired rules (drift) and node against node (parity).
 * Pure functions of their arguments; `src/compare/index.ts` holds the table of them.
 */
export interface CategoryComparator<C extends Category> {
  category: C;
  /** Whether the roles ask anything of this category (so a missing category matters). */
  hasRules?(spec: RoleSpec): boolean;
  drift?(spec: RoleSpec, actual: CategoryValues[C]): Finding[];
  parity?(first: CategoryValues[C], second: CategoryValues[C], ctx: ParityContext): Finding[];
}
