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

  it('wants a mapping with a known kind', () => {
    expect(check('- a\n- b\n')).toEqual([
      'f.yaml:1:1: a document must be a mapping with a `kind` (Role, Node, Pair, Schedule), not a list',
    ]);
    expect(check('name: x\n')).toEqual([
      'f.yaml:1:1: document has no `kind`: add `kind: Role` (or Node, Pair, Schedule)',
    ]);
    expect(check('name: x\nkind: Rol\n')).toEqual(['f.yaml:2:7: unknown kind `Rol` — did you mean `Role`?']);
    expect(check('kind: Widget\n')).toEqual([
      'f.yaml:1:7: unknown kind `Widget` (one of Role, Node, Pair, Schedule)',
    ]);
    expect(check('kind: 3\n')).toEqual([
      'f.yaml:1:7: unknown kind the number 3 (one of Role, Node, Pair, Schedule)',
    ]);
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

  it('explains enums, lists, duplicates in lists and empty target lists', () => {
    expect(check('kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: []\nmode: enforcing\n')).toEqual([
      'f.yaml:4:10: `targets` must NOT have fewer than 1 items (found a list)',
      'f.yaml:5:7: `mode` must be one of enforce, audit, not the string "enforcing" — did you mean `enforce`?',
    ]);
    expect(check('kind: Node\nname: n\nroles: [a, b, a]\n')).toEqual([
      'f.yaml:3:15: `roles` lists `a` twice',
    ]);
    expect(check('kind: Schedule\nname: s\ncron: "0 3 * * *"\ntargets: [pair:p, cluster:x]\n')).toEqual([
      'f.yaml:4:19: `targets[1]`: `cluster:x` is not a valid schedule target: write `pair:NAME`, `node:NAME` or `role:NAME`',
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
  });

  it('decodes JSON pointers', () => {
    expect(pointerSegments('')).toEqual([]);
    expect(pointerSegments('/files/~1etc~1hosts/mode')).toEqual(['files', '/etc/hosts', 'mode']);
    expect(pointerSegments('/a~0b/0')).toEqual(['a~b', '0']);
  });
});
