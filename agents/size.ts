/** Byte sizes on the command line: `1048576`, `512K`, `100M`, `2G` — powers of 1024; `KiB`, `MB`, `B` suffixes accepted. */
const FACTORS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function parseSize(text: string): number | undefined {
  const match = /^(\d+)\s*(?:([KMGT])(?:i?B)?|B)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (FACTORS[(match[2] ?? '').toUpperCase()] as number);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
