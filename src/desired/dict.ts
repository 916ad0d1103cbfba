/**
 * Objects used as dictionaries keyed by names from YAML have no prototype: a user may well be
 * called `__proto__` or a role `constructor`, and neither may turn into Object.prototype's.
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function has(table: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(table, key);
}
