// Stryker disable all: helpers of the compare tests, not code under test.
/**
 * What the compare tests share: the two sides of the PyPI pair as parity names them, and
 * expected findings written with only the fields that vary.
 */
import type { Finding } from '../model/finding';
import type { Category } from '../model/state';
import { ignoreMatcher } from './ignore';
import type { ParityContext } from './types';

/** pypi-1 is the primary, pypi-2 the secondary: messages read `primary (pypi-1)`. */
export const PAIR_SIDES = {
  first: { node: 'pypi-1', label: 'primary' },
  second: { node: 'pypi-2', label: 'secondary' },
};

/** The context a comparator's parity gets for the PyPI pair, with the pair's ignore globs. */
export function pairContext(ignore?: string[]): ParityContext {
  return { sides: PAIR_SIDES, ignored: ignoreMatcher(ignore) };
}

export type ExpectedFields = Pick<Finding, 'kind' | 'message'> & Partial<Finding>;

/** Expected findings about one key of a category: errors unless the fields say otherwise. */
export function findingsAbout(category: Category, key: string): (fields: ExpectedFields) => Finding {
  return (fields) => ({ category, key, severity: 'error', ...fields });
}
