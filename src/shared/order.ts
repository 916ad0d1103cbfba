/**
 * The one order of text in driftguard's output and files: by UTF-16 code units, as `<` orders
 * strings. Not `localeCompare`, whose order changes with the machine's locale and ICU data; for
 * ASCII names this is strcmp's byte order, the order systemd and the kernel sort in.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator of items by one text of each: `list.sort(byText((item) => item.name))`. */
export function byText<T>(textOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareText(textOf(a), textOf(b));
}
