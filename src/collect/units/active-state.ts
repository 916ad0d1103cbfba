/**
 * `systemctl list-units --all --plain --no-legend --full` — pure parser, text in, ActiveState by
 * unit name out. Each line: UNIT LOAD ACTIVE SUB DESCRIPTION. A leading status mark (`●`, `*`)
 * that some versions print for failed units is skipped.
 */
export const LIST_UNITS_ARGV = [
  'systemctl',
  'list-units',
  '--all',
  '--plain',
  '--no-legend',
  '--no-pager',
  '--full',
] as const;

export function parseListUnits(text: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === '●' || words[0] === '*') words.shift();
    const [unit, , active] = words;
    if (unit === undefined || unit === '' || active === undefined) continue;
    states.set(unit, active);
  }
  return states;
}
