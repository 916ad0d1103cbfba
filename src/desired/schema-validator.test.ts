import fs from 'node:fs';
import path from 'node:path';
// The test compiles the meta-schema that the loader skips at run time.
import Ajv2020 from 'ajv/dist/2020';
import { formatIssue } from '../shared/errors';
import { FORMATS } from './formats';
import { checkDocument, pointerSegments } from './schema-validator';
import { parseYamlFile } from './yaml-source';

const SCHEMAS = path.join(__dirname, 'schemas');

function check(text: string): string[] {
  const { documents, issues } = parseYamlFile(text, 'f.yaml');
  expect(issues).toEqual([]);
  return documents.flatMap((doc) => {
    const checked = checkDocument(doc);
    return checked.ok ? [`ok ${checked.kind}`] : checked.issues.map(formatIssue);
  });
}

describe('the schema files', () => {
  it('are valid JSON Schema draft 2020-12, forbid unknown keys everywhere, and name only known formats', () => {
    const meta = new Ajv2020({ strict: false });
    const files = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
    expect(files.sort()).toEqual([
      'defs.schema.json',
      'node.schema.json',
      'pair.schema.json',
      'role.schema.json',
      'schedule.schema.json',
    ]);
    for (const file of files) {
      const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8')) as Record<string, unknown>;
      expect([file, meta.validateSchema(schema), meta.errors ?? null]).toEqual([file, true, null]);
      walk(schema, (node) => {
        if (node['type'] === 'object')
          expect([file, node['additionalProperties'] !== undefined]).toEqual([file, true]);
        // ... and a mapping that forbids other keys has some (its "unknown key" message lists them).
        if (node['additionalProperties'] === false)
          expect([file, Object.keys(node['properties'] ?? {}).length > 0]).toEqual([file, true]);
        if (typeof node['format'] === 'string') expect(Object.keys(FORMATS)).toContain(node['format']);
      });
    }
  });
});

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

describe('checkDocument', () => {
  it('accepts each kind', () => {
    expect(
      check(
        'kind: Role\nname: r\n---\nkind: Node\nname: n\n---\nkind: Pair\nname: p\nprimary: a\nsecondary: b\n---\nkind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: [pair:p]\n',
      ),
    ).toEqual(['ok Role', 'ok Node', 'ok Pair', 'ok Schedule']);
  });

  it.each([
    [
      'a list',
      '- a\n- b\n',
      'f.yaml:1:1: a document must be a mapping with a `kind` (Role, Node, Pair, Schedule), not a list',
    ],
    [
      'a number',
      '42\n',
      'f.yaml:1:1: a document must be a mapping with a `kind` (Role, Node, Pair, Schedule), not the number 42',
    ],
    [
      'no kind',
      'name: x\n',
      'f.yaml:1:1: document has no `kind`: add `kind: Role` (or Node, Pair, Schedule)',
    ],
    ['a misspelt kind', 'name: x\nkind: Rol\n', 'f.yaml:2:7: unknown kind `Rol` — did you mean `Role`?'],
    [
      'an unknown kind',
      'kind: Widget\n',
      'f.yaml:1:7: unknown kind `Widget` (one of Role, Node, Pair, Schedule)',
    ],
    [
      'a number as kind',
      'kind: 3\n',
      'f.yaml:1:7: unknown kind the number 3 (one of Role, Node, Pair, Schedule)',
    ],
    [
      'a null kind',
      'kind: ~\n',
      'f.yaml:1:7: unknown kind nothing (null) (one of Role, Node, Pair, Schedule)',
    ],
    [
      'a mapping as kind',
      'kind: {a: 1}\n',
      'f.yaml:1:7: unknown kind a mapping (one of Role, Node, Pair, Schedule)',
    ],
  ])('wants a mapping with a known kind, and says so of %s', (_what, text, message) => {
    expect(check(text)).toEqual([message]);
  });

  it('reports every problem of a document at once (allErrors), each in its place', () => {
    expect(
      check(
        'kind: Pair\nname: p\nprimary: a\ncapacity: {minRatio: 0}\nreadiness: {maxReportAge: 600}\nparity: {ignore: {pakages: ["x"]}}\n',
      ),
    ).toEqual([
      'f.yaml:1:1: missing key `secondary` in Pair',
      'f.yaml:4:22: `minRatio` of `capacity` must be > 0 (found the number 0)',
      'f.yaml:5:27: `maxReportAge` of `readiness` must be a string, not the number 600: `600` is not a valid duration either: `600` is not a duration: write a number with a unit, like 90s, 10m, 1h30m (units ms s m h d)',
      'f.yaml:6:19: unknown key `pakages` in `ignore` of `parity` in Pair — did you mean `packages`?',
    ]);
  });

  it('orders the problems of a document by line, then column, not in the order of the schema', () => {
    // The schema checks `host` before `user`; the file has `user` first.
    expect(check('kind: Node\nname: n\nssh: {user: Root, host: "a;b"}\n')).toEqual([
      'f.yaml:3:13: `user` of `ssh`: `Root` is not a valid user or group name: it must start with a lower-case letter or `_`',
      'f.yaml:3:25: `host` of `ssh`: `a;b` is not a valid host: `;` is not allowed, which looks like shell syntax (only letters, digits and `. - : _`)',
    ]);
  });

  it('lists the known keys when an unknown key resembles none of them', () => {
    expect(check('kind: Node\nname: n\nzzz: 1\n')).toEqual([
      'f.yaml:3:1: unknown key `zzz` in Node (known keys: kind, name, roles, ssh, probes)',
    ]);
  });

  it('reports a bad value that is the string `undefined` as a value, not as a bad key', () => {
    // Only `propertyNames` errors mark a format error as one about a key.
    expect(check('kind: Schedule\nname: s\ncron: undefined\ntargets: [pair:p]\n')).toEqual([
      'f.yaml:3:7: `cron`: `undefined` is not a valid cron expression: a cron expression has five fields (minute hour day-of-month month day-of-week), `undefined` has 1',
    ]);
  });

  it('says what type was wanted and what was found', () => {
    expect(check('kind: Role\nname: r\npackages: [a]\nmounts:\n  /srv/x: {failover: {a: 1}}\n')).toEqual([
      'f.yaml:3:11: `packages` must be a mapping (`key: value` lines), not a list',
      'f.yaml:5:22: `failover` of mount `/srv/x` must be true or false, not a mapping',
    ]);
    expect(check('kind: Role\nname: r\ninclude: base\n')).toEqual([
      'f.yaml:3:10: `include` must be a list, not the string "base"',
    ]);
  });

  it('asks for quotes around a number written where a string is needed, showing what YAML made of it', () => {
    expect(
      check(
        'kind: Role\nname: r\nfiles:\n  /etc/x: {mode: 640}\n  /etc/y: {mode: 0640}\npackages: {curl: 7, python3: 3.10}\n',
      ),
    ).toEqual([
      // A file mode is quoted with four digits: "640" would be valid, but "0640" is what is meant.
      'f.yaml:4:18: `mode` of file `/etc/x` must be a string, not the number 640: write it in quotes, like "0640" — unquoted, YAML reads the number 640',
      'f.yaml:5:18: `mode` of file `/etc/y` must be a string, not the number 640: write it in quotes, like "0640" — unquoted, YAML reads `0640` as the number 640',
      'f.yaml:6:18: package `curl` must be a string, not the number 7: write it in quotes, like "7" — unquoted, YAML reads the number 7',
      'f.yaml:6:30: package `python3` must be a string, not the number 3.1: write it in quotes, like "3.10" — unquoted, YAML reads `3.10` as the number 3.1',
    ]);
  });

  it('explains enums, lists, duplicates in lists and empty target lists', () => {
    expect(check('kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: []\nmode: enforcing\n')).toEqual([
      'f.yaml:4:10: `targets` must NOT have fewer than 1 items (found a list)',
      'f.yaml:5:7: `mode` must be one of enforce, audit, not the string "enforcing" — did you mean `enforce`?',
    ]);
    expect(check('kind: Node\nname: n\nroles: [a, b, a]\n')).toEqual([
      'f.yaml:3:15: `roles` lists `a` twice',
    ]);
    expect(check('kind: Node\nname: n\nroles: [1, 1]\n')).toEqual([
      'f.yaml:3:9: `roles[0]` must be a string, not the number 1: write it in quotes, like "1" — unquoted, YAML reads the number 1',
      'f.yaml:3:12: `roles[1]` must be a string, not the number 1: write it in quotes, like "1" — unquoted, YAML reads the number 1',
      'f.yaml:3:12: `roles` lists the number 1 twice',
    ]);
    expect(check('kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: [pair:p]\nmode: 3\n')).toEqual([
      'f.yaml:5:7: `mode` must be one of enforce, audit, not the number 3',
    ]);
    expect(check('kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: [pair:p, cluster:x]\n')).toEqual([
      'f.yaml:4:19: `targets[1]`: `cluster:x` is not a valid schedule target: write `pair:NAME`, `node:NAME` or `role:NAME`',
    ]);
    // An index of two digits is an index too.
    const targets = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((n) => `pair:${n}`).join(', ');
    expect(check(`kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: [${targets}, cluster:x]\n`)).toEqual([
      'f.yaml:4:91: `targets[10]`: `cluster:x` is not a valid schedule target: write `pair:NAME`, `node:NAME` or `role:NAME`',
    ]);
  });

  it('checks nested values: ssh, probes, mounts, users', () => {
    expect(
      check(
        'kind: Node\nname: n\nssh: {host: "10.0.0.1; reboot", port: 70000, user: Root}\nprobes: [{name: bmc, tcp: "10.0.1.1"}, {tcp: "h:1"}]\n',
      ),
    ).toEqual([
      'f.yaml:3:13: `host` of `ssh`: `10.0.0.1; reboot` is not a valid host: `;` is not allowed, which looks like shell syntax (only letters, digits and `. - : _`)',
      'f.yaml:3:39: `port` of `ssh` must be <= 65535 (found the number 70000)',
      'f.yaml:3:52: `user` of `ssh`: `Root` is not a valid user or group name: it must start with a lower-case letter or `_`',
      'f.yaml:4:27: `tcp` of probe 1: `10.0.1.1` is not a valid `host:port`: it must be `host:port`',
      'f.yaml:4:40: missing key `name` in probe 2 in Node',
    ]);
    expect(
      check(
        'kind: Role\nname: r\nmounts:\n  /srv/x: {device: "/dev/sdb 1", options: ["noauto,nofail"], failover: "yes"}\nusers:\n  pypi: {uid: -1}\n',
      ),
    ).toEqual([
      'f.yaml:4:20: `device` of mount `/srv/x`: `/dev/sdb 1` is not a valid device: it contains a space (fstab fields are separated by spaces)',
      'f.yaml:4:44: `options[0]` of mount `/srv/x`: `noauto,nofail` is not a valid mount option: it contains `,` (list each option separately)',
      'f.yaml:4:72: `failover` of mount `/srv/x` must be true or false, not the string "yes"',
      'f.yaml:6:15: `uid` of user `pypi` must be >= 0 (found the number -1)',
    ]);
    expect(
      check('kind: Pair\nname: p\nprimary: a\nsecondary: b\nparity: {ignore: {packages: [""]}}\n'),
    ).toEqual([
      'f.yaml:5:30: `ignore.packages[0]` of `parity`: `` is not a valid ignore pattern: it is empty',
    ]);
  });

  it('gives each problem the JSON pointer of its place, keys escaped as in a pointer', () => {
    const pathsOf = (text: string) => {
      const checked = checkDocument(parseYamlFile(text, 'f.yaml').documents[0]!);
      return checked.ok ? [] : checked.issues.map((issue) => issue.path);
    };
    // A problem of the document as a whole is at `/` (formatIssue would print an empty path as nothing).
    expect(
      pathsOf('kind: Pair\nname: p\nprimary: a\nsecondary: b\ncapacity: {minRatio: 0}\nsize: 1\n'),
    ).toEqual(['/capacity/minRatio', '/size']);
    expect(pathsOf('kind: Pair\nname: p\nprimary: a\n')).toEqual(['/']);
    // A key is one segment however it is spelt, so that pointerSegments reads it back whole.
    expect(pathsOf('kind: Node\nname: n\nssh: {host: h, a/b~c: 1}\n')).toEqual(['/ssh/a~1b~0c']);
    expect(pathsOf('kind: Role\nname: r\nfiles:\n  etc/~x: {}\n')).toEqual(['/files/etc~1~0x']);
  });

  it('decodes JSON pointers', () => {
    expect(pointerSegments('')).toEqual([]);
    expect(pointerSegments('/files/~1etc~1hosts/mode')).toEqual(['files', '/etc/hosts', 'mode']);
    expect(pointerSegments('/a~0b/0')).toEqual(['a~b', '0']);
  });
});
