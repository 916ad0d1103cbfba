import { formatIssue } from '../shared/errors';
import { MAX_EXPANDED_NODES, parseYamlFile } from './yaml-source';

const problems = (text: string): string[] => parseYamlFile(text, 'f.yaml').issues.map(formatIssue);

describe('parseYamlFile', () => {
  it('returns every non-empty document with its plain value', () => {
    const { documents, issues } = parseYamlFile(
      '---\n---\nkind: Role\nname: a\n---\n# only a comment\n---\n[1, 2]\n',
      'f.yaml',
    );
    expect(issues).toEqual([]);
    expect(documents.map((d) => [d.index, d.value])).toEqual([
      [1, { kind: 'Role', name: 'a' }],
      [3, [1, 2]],
    ]);
  });

  it('gives 1-based positions of values, of keys, inside lists, and through aliases', () => {
    const text =
      'kind: Role\nname: a\nunits:\n  x.service: {enabled: true, after: [a.target, b.target]}\nroles: &r [one, two]\nagain: *r\n';
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
    expect(doc?.start()).toEqual({ file: 'dir/f.yaml', line: 1, col: 1 });
  });

  it('counts lines the same with CRLF line ends', () => {
    const [doc] = parseYamlFile(
      'kind: Role\r\nname: a\r\npackages:\r\n  chrony: present\r\n',
      'f.yaml',
    ).documents;
    expect(doc?.positionOf(['packages', 'chrony'], 'key')).toEqual({ file: 'f.yaml', line: 4, col: 3 });
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

  it('refuses keys that are not plain strings', () => {
    expect(problems('10: a\n')).toEqual([
      'f.yaml:1:1: every key must be a plain string, not `10` (quote it: `"10": …`)',
    ]);
    expect(problems('? [a, b]\n: c\n')).toEqual([
      'f.yaml:1:3: every key must be a plain string, not `[a, b]` (quote it: `"10": …`)',
    ]);
    expect(problems('"10": a\nyes: b\n')).toEqual([]);
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
    expect(documents).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      `big.yaml:2:3: document too large: more than ${MAX_EXPANDED_NODES} values (desired state is written by hand; split it)`,
    ]);
  });

  it("also has yaml's own alias-count guard: many uses of one anchor in a small document", () => {
    const text = `a: &a x\nlist: [${Array.from({ length: 150 }, () => '*a').join(', ')}]\n`;
    const { documents, issues } = parseYamlFile(text, 'f.yaml');
    expect(documents).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      'f.yaml:1:1: too many alias expansions (a YAML alias bomb?): Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('refuses an alias inside the value it names (a cycle)', () => {
    expect(problems('a: &a [1, *a]\n')).toEqual([
      'f.yaml:1:11: alias `*a` refers to a value that contains it',
    ]);
  });
});
