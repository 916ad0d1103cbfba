import { pick, seededRandom } from '../../../test/integration/versions-random';
import { matchAssignment } from './assignment';

/**
 * The regex matchAssignment replaces, as the reference: on short lines its backtracking costs
 * nothing, and every group it gives must come out the same.
 */
const REFERENCE =
  /^(\s*(?:[#;]\s*)?(?:export\s+)?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2(\s*[=:]\s*|\s+)(?:(["'])(.*)\5|(.*?))(\s*[;,]?\s*)$/;

/** matchAssignment's answer as the reference's groups 1–8 (null: no match). */
function asGroups(line: string): (string | undefined)[] | null {
  const match = matchAssignment(line);
  if (!match) return null;
  const quoted = match.valueQuote !== undefined;
  return [
    match.lead,
    match.keyQuote,
    match.key,
    match.separator,
    match.valueQuote,
    quoted ? match.value : undefined,
    quoted ? undefined : match.value,
    match.tail,
  ];
}

/** Pieces that decide the regex's choices: blanks of every kind, line breaks, quotes, marks. */
const PIECES = [
  ...' \t\v\r\n\u2028\u2029\u00a0\ufeff#;,=:"\'aZ_.-0/\\',
  ' ',
  'export',
  'export ',
  'password',
];

function randomLine(random: () => number): string {
  const pieces = (most: number): string =>
    Array.from({ length: Math.floor(random() * most) }, () => pick(random, PIECES)).join('');
  if (random() < 0.4) return pieces(14);
  // Most lines start like an assignment, so that the value and tail get exercised.
  const head =
    pick(random, ['', '  ', '\t', '#', ' # ', ';', 'export ', '# export  ', '\u2028']) +
    pick(random, ['', '', '"', "'"]) +
    pick(random, ['password', 'a', 'db_pass.x', 'Z-1']) +
    pick(random, ['', '', '"', "'"]) +
    pick(random, ['=', ' = ', ':  ', ' ', '\t', '\r', '\u00a0=', '']);
  const value =
    random() < 0.5
      ? pick(random, ['"', "'"]) +
        pieces(5) +
        pick(random, ['"', "'", '']) +
        pick(random, ['', ' ', ';', ' , ', '\r', ';;', '\u2028'])
      : '';
  return head + value + pieces(8);
}

describe('matchAssignment', () => {
  it('gives the groups the reference regex gives, on random short lines', () => {
    const random = seededRandom('assignment');
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const line = randomLine(random);
      const reference = REFERENCE.exec(line);
      const expected = reference ? reference.slice(1) : null;
      if (reference) matched++;
      expect({ line, groups: asGroups(line) }).toEqual({ line, groups: expected });
    }
    // Enough of them are assignments for the comparison to mean something.
    expect(matched).toBeGreaterThan(4_000);
  });

  it.each([
    ['a bare value', 'password = hunter2', { key: 'password', value: 'hunter2', tail: '' }],
    [
      'a quoted value and its tail',
      '\tshared-secret "a b";  ',
      { valueQuote: '"', value: 'a b', tail: ';  ' },
    ],
    ['quotes that do not pair', `token = "abc'`, { value: `"abc'`, tail: '' }],
    ['a lone quote', 'token = "', { value: '"', tail: '' }],
    ['one separator kept in the value', 'key = a;;', { value: 'a;', tail: ';' }],
  ])('%s', (_what, line, expected) => {
    expect(matchAssignment(line)).toMatchObject(expected);
  });

  it.each([
    ['a line break inside the value', 'password = a\rb'],
    ['a line break inside quotes', 'password = "a\u2028b"'],
    ['no key', '= value'],
  ])('is no assignment: %s', (_what, line) => {
    expect(matchAssignment(line)).toBeUndefined();
  });

  it('reads a long run of blanks inside a value at once (the regex took hours)', () => {
    const line = `password = x${' '.repeat(60_000)}!`;
    expect(matchAssignment(line)).toMatchObject({ value: line.slice('password = '.length), tail: '' });
  });
});
