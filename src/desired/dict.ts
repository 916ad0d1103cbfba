/**
 * Objects used as dictionaries keyed by names from YAML have no prototype: a user may well be
 * called `__proto__` or a role `constructor`, and neither may turn into Object.prototype's.
 */
import { SPEC_CATEGORIES } from '../model/desired';
import type { Desired, Role } from '../model/desired';

export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function has(table: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** A copy of `table` as a dictionary without prototype. */
function asDict<T>(table: Record<string, T>): Record<string, T> {
  return Object.assign(dict<T>(), table);
}

/**
 * A Desired that crossed a thread boundary (postMessage copies objects with Object.prototype)
 * with its name-keyed tables made prototype-free again, as loadDesired made them: otherwise a
 * node named `constructor` would find Object.prototype's.
 */
export function reviveDesired(desired: Desired): Desired {
  const roles = dict<Role>();
  for (const [name, role] of Object.entries(desired.roles)) {
    const revived = { ...role };
    for (const table of SPEC_CATEGORIES)
      (revived as Record<string, unknown>)[table] = asDict<unknown>(role[table]);
    roles[name] = revived;
  }
  return {
    ...desired,
    roles,
    nodes: asDict(desired.nodes),
    pairs: asDict(desired.pairs),
    schedules: asDict(desired.schedules),
  };
}
