/**
 * The raw state as a tree of keys and values, narrowed by a search: pure functions the state
 * browser renders. A leaf matches when its path (`sysctls.live.kernel.panic`) or its value
 * contains the text, case-insensitively; branches are kept when something under them matches.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Narrowed {
  /** The state with only matching leaves (and the branches that hold them); undefined: none. */
  tree: Json | undefined;
  /** How many leaves match. */
  matches: number;
  /** How many of them are in `tree` (at most `limit`: a search for "a" must not draw 50,000 rows). */
  shown: number;
}

export const isBranch = (value: Json): value is Json[] | { [key: string]: Json } =>
  value !== null && typeof value === 'object';

/** The keys of a branch as shown: array positions as `[0]`. */
export function entries(value: Json[] | { [key: string]: Json }): [string, Json][] {
  return Array.isArray(value) ? value.map((item, index) => [`[${index}]`, item]) : Object.entries(value);
}

export const leafText = (value: Json): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** How many leaves a value has (an empty object or array counts as one). */
export function countLeaves(value: Json): number {
  if (!isBranch(value)) return 1;
  const children = entries(value);
  return children.length === 0 ? 1 : children.reduce((sum, [, child]) => sum + countLeaves(child), 0);
}

export function narrow(value: Json, search: string, limit = 500): Narrowed {
  const needle = search.trim().toLowerCase();
  let matches = 0;
  let shown = 0;
  const walk = (node: Json, path: string): Json | undefined => {
    if (!isBranch(node) || entries(node).length === 0) {
      const hit = path.toLowerCase().includes(needle) || leafText(node).toLowerCase().includes(needle);
      if (!hit) return undefined;
      matches++;
      if (shown >= limit) return undefined;
      shown++;
      return node;
    }
    const kept: [string, Json][] = [];
    for (const [key, child] of entries(node)) {
      const result = walk(child, path ? `${path}.${key}` : key);
      if (result !== undefined) kept.push([key, result]);
    }
    if (kept.length === 0) return undefined;
    // Arrays keep their positions as keys, so what is shown says which element matched.
    return Object.fromEntries(kept);
  };
  const tree = walk(value, '');
  return { tree, matches, shown };
}
