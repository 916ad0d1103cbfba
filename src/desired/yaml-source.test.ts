import type { Node } from 'yaml';
import { formatIssue } from '../shared/errors';
import { MAX_EXPANDED_NODES, parseYamlFile } from './yaml-source';

const problems = (text: string): string[] => parseYamlFile(text, 'f.yaml').issues.map(formatIssue);

/**
 * A document of exactly `total` values once its aliases are expanded, nearly all of them in
 * mappings (a key and its value count one each). `row` is a mapping of 1,249 entries, named 99
 * times in `rows` — yaml's own guard allows 100 uses of such an anchor, so the document can be
 * converted — and `pad` is a list that makes up the rest.
 */
function expandingTo(total: number): { text: string; value: unknown } {
  const entries = 1249;
  const uses = 99;
  const row = 1 + 2 * entries;
  // The root mapping; key `row` and the mapping; key `rows`, its list and the uses; key `pad` and its list.
  const pad = total - (1 + (1 + row) + (1 + 1 + uses * row) + (1 + 1));
  const keys = Array.from({ length: entries }, (_, i) => `k${i}`);
  const text = [
    `row: &row {${keys.map((k) => `${k}: 0`).join(', ')}}`,
    `rows: [${Array.from({ length: uses }, () => '*row').join(', ')}]`,
    `pad: [${Array.from({ length: pad }, () => '0').join(', ')}]`,
    '',
  ].join('\n');
  const rowValue = Object.fromEntries(keys.map((k) => [k, 0]));
  return {
    text,
    value: {
      row: rowValue,
      rows: Array.from({ length: uses }, () => rowValue),
      pad: Array.from({ length: pad }, () => 0),
    },
  };
}

describe('parseYamlFile', () => {
  it('returns every non-empty document with its plain value and where it starts', () => {
    const { documents, issues } = parseYamlFile(
      '---\n---\nkind: Role\nname: a\n---\n# only a comment\n---\n[1, 2]\n--- just text\n',
      'f.yaml',
    );
    expect(issues).toEqual([]);
    expect(documents.map((d) => [d.index, d.value, d.start()])).toEqual([
      [1, { kind: 'Role', name: 'a' }, { file: 'f.yaml', line: 3, col: 1 }],
      [3, [1, 2], { file: 'f.yaml', line: 8, col: 1 }],
      [4, 'just text', { file: 'f.yaml', line: 9, col: 5 }],
    ]);
  });

  it.each([
    ['an empty file: nothing', '', []],
    ['only comments: nothing', '# nothing yet\n', []],
    [
      'a malformed directive and no document: its error',
      '# nothing yet\n%YAML 1.2 x\n',
      ['f.yaml:2:1: YAML syntax error: %YAML directive should contain exactly one part'],
    ],
    [
      'an unknown directive before a document: an error, not a warning',
      '%FOO bar\n---\nkind: Role\n',
      ['f.yaml:1:1: YAML syntax error: Unknown directive %FOO'],
    ],
    [
      'an unknown directive and no document: the same error',
      '%FOO bar\n',
      ['f.yaml:1:1: YAML syntax error: Unknown directive %FOO'],
    ],
  ])('a file of directives or comments only — %s', (_, text, expected) => {
    const { documents, issues } = parseYamlFile(text, 'f.yaml');
    expect(documents).toEqual([]);
    expect(issues.map(formatIssue)).toEqual(expected);
  });

  it('gives 1-based positions of values, of keys, inside lists, and through aliases', () => {
    const text =
      'kind: Role\nname: a\nunits:\n  x.service: {enabled: true, after: [a.target, b.target]}\nroles: &r [one, two]\nagain: *r\n' +
      'first: &s one\nsecond: *s\nlabels: {undefined: x, empty}\n';
    const [doc] = parseYamlFile(text, 'dir/f.yaml').documents;
    expect(doc?.positionOf(['name'])).toEqual({ file: 'dir/f.yaml', line: 2, col: 7 });
    expect(doc?.positionOf(['units', 'x.service'], 'key')).toEqual({ file: 'dir/f.yaml', line: 4, col: 3 });
    expect(doc?.positionOf(['units', 'x.service', 'enabled'], 'key')).toEqual({
      file: 'dir/f.yaml',
      line: 4,
      col: 15,
    });
    expect(doc?.positionOf(['units', 'x.service', 'after', 1])).toEqual({
      file: 'dir/f.yaml',
      line: 4,
      col: 48,
    });
    expect(doc?.positionOf(['again', 1])).toEqual({ file: 'dir/f.yaml', line: 5, col: 17 });
    // A path that goes further than the document: the deepest place that exists.
    expect(doc?.positionOf(['units', 'x.service', 'nope', 'deeper'])).toEqual({
      file: 'dir/f.yaml',
      line: 4,
      col: 14,
    });
    // Past a scalar reached through an alias: the alias, where the path was written.
    expect(doc?.positionOf(['second', 'deeper'])).toEqual({ file: 'dir/f.yaml', line: 8, col: 9 });
    // The end of the path is the end, even with a key spelled `undefined` in the mapping there.
    expect(doc?.positionOf(['labels'])).toEqual({ file: 'dir/f.yaml', line: 9, col: 9 });
    // A key without a value (`{empty}`): the key, however deep the path goes.
    expect(doc?.positionOf(['labels', 'empty'])).toEqual({ file: 'dir/f.yaml', line: 9, col: 24 });
    expect(doc?.positionOf(['labels', 'empty', 'deeper'])).toEqual({ file: 'dir/f.yaml', line: 9, col: 24 });
    expect(doc?.start()).toEqual({ file: 'dir/f.yaml', line: 1, col: 1 });
  });

  describe('the nodes of a document', () => {
    const text =
      'units:\n  x.service: {enabled: true, after: [a.target, b.target]}\nroles: &r [one, two]\nagain: *r\n' +
      'labels: {plain: x, empty, linked: *r}\n';
    const [doc] = parseYamlFile(text, 'f.yaml').documents;
    /** The text of a node as written, so that a test names the node it expects. */
    const written = (node: Node | undefined): string | undefined =>
      node === undefined ? undefined : text.slice(node.range?.[0], node.range?.[1]);

    it.each([
      [['units', 'x.service', 'after', 1], 'b.target'],
      [['again'], '[one, two]'],
      [['again', 0], 'one'],
      [['labels', 'empty'], undefined],
      [['roles', 2], undefined],
      [['units', 'nope'], undefined],
      [['units', 'x.service', 'enabled', 'deeper'], undefined],
    ])(
      'nodeAt(%j) is the node written %j (aliases resolved; none past the end or for an empty value)',
      (path, expected) => {
        expect(written(doc?.nodeAt(path))).toEqual(expected);
      },
    );

    it('entriesAt gives each key of a mapping with its position and its value node (aliases resolved), and nothing elsewhere', () => {
      const entries = (path: (string | number)[]): unknown[] =>
        [...(doc?.entriesAt(path) ?? [])].map(([key, { at, node }]) => [key, at, written(node)]);
      expect(entries(['labels'])).toEqual([
        ['plain', { file: 'f.yaml', line: 5, col: 10 }, 'x'],
        ['empty', { file: 'f.yaml', line: 5, col: 20 }, undefined],
        ['linked', { file: 'f.yaml', line: 5, col: 27 }, '[one, two]'],
      ]);
      expect(entries(['again'])).toEqual([]);
      expect(entries(['nope'])).toEqual([]);
    });
  });

  it('counts lines the same with CRLF line ends', () => {
    const [doc] = parseYamlFile(
      'kind: Role\r\nname: a\r\npackages:\r\n  chrony: present\r\n',
      'f.yaml',
    ).documents;
    expect(doc?.positionOf(['packages', 'chrony'], 'key')).toEqual({ file: 'f.yaml', line: 4, col: 3 });
  });

  it('parses strictly: an implicit key over two lines in a flow list is an error', () => {
    expect(problems('after: [a.target\n  b: c]\n')).toEqual([
      'f.yaml:1:9: YAML syntax error: Implicit keys of flow sequence pairs need to be on a single line',
    ]);
  });

  it('reports syntax errors with their position, and keeps the other documents', () => {
    const { documents, issues } = parseYamlFile(
      'kind: Role\nname: ok\n---\nkind: Node\nname: "unterminated\n',
      'f.yaml',
    );
    expect(documents).toHaveLength(1);
    expect(issues.map(formatIssue)).toEqual(['f.yaml:6:1: YAML syntax error: Missing closing "quote']);
  });

  it('refuses duplicate keys at every level, each at the repeated key', () => {
    expect(problems('kind: Role\nname: a\nname: b\npackages:\n  x: present\n  x: absent\n')).toEqual([
      'f.yaml:3:1: duplicate key `name`: a key may appear only once in a mapping',
      'f.yaml:6:3: duplicate key `x`: a key may appear only once in a mapping',
    ]);
  });

  it.each([
    ['a number', '10: a\n', ['f.yaml:1:1: every key must be a plain string, not `10` (quote it: `"10": …`)']],
    [
      'a flow list',
      '? [a, b]\n: c\n',
      ['f.yaml:1:3: every key must be a plain string, not `[a, b]` (quote it: `"10": …`)'],
    ],
    [
      'a block list, shown without its line end',
      '? - a\n  - b\n: c\n',
      ['f.yaml:1:3: every key must be a plain string, not `- a\n  - b` (quote it: `"10": …`)'],
    ],
    [
      'an empty key, not shown',
      ': c\n',
      ['f.yaml:1:1: every key must be a plain string (quote it: `"10": …`)'],
    ],
    ['strings, quoted or not: no problem', '"10": a\nyes: b\n', []],
  ])('refuses keys that are not plain strings: %s', (_, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('treats unknown tags as errors and merge keys as ordinary keys', () => {
    expect(problems('kind: !Role Role\n')).toEqual([
      'f.yaml:1:7: Unresolved tag: !Role (desired state uses no YAML tags)',
    ]);
    const [doc] = parseYamlFile('base: &b {x: 1}\nother:\n  <<: *b\n', 'f.yaml').documents;
    expect(doc?.value).toEqual({ base: { x: 1 }, other: { '<<': { x: 1 } } });
  });

  it('refuses an alias bomb of 9^12 values without expanding it (at the first anchor over the limit)', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 12; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    const { documents, issues } = parseYamlFile(`${lines.join('\n')}\n`, 'bomb.yaml');
    expect(documents).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      `bomb.yaml:6:9: document too large once aliases are expanded (more than ${MAX_EXPANDED_NODES} values; a YAML alias bomb?)`,
    ]);
  });

  it('says a document with too many values but no alias is too large, not an alias bomb', () => {
    const items = Array.from({ length: MAX_EXPANDED_NODES }, (_, i) => `  - v${i}`).join('\n');
    const { documents, issues } = parseYamlFile(`list:\n${items}\n`, 'big.yaml');
    expect(issues.map(formatIssue)).toEqual([
      `big.yaml:2:3: document too large: more than ${MAX_EXPANDED_NODES} values (desired state is written by hand; split it)`,
    ]);
    expect(documents).toEqual([]);
  });

  it('accepts a document of exactly MAX_EXPANDED_NODES values once expanded, and refuses one more', () => {
    const atLimit = expandingTo(MAX_EXPANDED_NODES);
    const accepted = parseYamlFile(atLimit.text, 'f.yaml');
    expect(accepted.issues).toEqual([]);
    expect(accepted.documents.map((d) => d.value)).toEqual([atLimit.value]);
    const { documents, issues } = parseYamlFile(expandingTo(MAX_EXPANDED_NODES + 1).text, 'f.yaml');
    // Issues first: were the document returned after all, printing it would take seconds.
    expect(issues.map(formatIssue)).toEqual([
      `f.yaml:1:1: document too large once aliases are expanded (more than ${MAX_EXPANDED_NODES} values; a YAML alias bomb?)`,
    ]);
    expect(documents).toEqual([]);
  });

  it("also has yaml's own alias-count guard: many uses of one anchor in a small document, at its start", () => {
    const text = `# one value, used often\na: &a x\nlist: [${Array.from({ length: 150 }, () => '*a').join(', ')}]\n`;
    const { documents, issues } = parseYamlFile(text, 'f.yaml');
    expect(documents).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      'f.yaml:2:1: too many alias expansions (a YAML alias bomb?): Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('refuses an alias inside the value it names (a cycle), once however often it is used', () => {
    expect(problems('a: &a [1, *a, *a]\n')).toEqual([
      'f.yaml:1:11: alias `*a` refers to a value that contains it',
    ]);
  });
});
