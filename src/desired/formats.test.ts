import fs from 'node:fs';
import path from 'node:path';
import { problems } from '../../test/helpers/desired';
import { checkCron } from './cron';
import { FORMAT_DEFINITIONS, FORMATS } from './formats';
import {
  checkAbsolutePath,
  checkFstabField,
  checkFstype,
  checkHost,
  checkHostPort,
  checkIgnorePattern,
  checkMountOption,
  checkObjectName,
  checkPackageName,
  checkSysctlKey,
  checkUnitName,
  checkUserName,
} from './names';

/** Every `format` a schema of schemas/ names. */
function formatsInSchemas(): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'format' && typeof inner === 'string') found.add(inner);
        else walk(inner);
      }
    }
  };
  const dir = path.join(__dirname, 'schemas');
  for (const file of fs.readdirSync(dir)) walk(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  return [...found].sort();
}

/** What `check` says of each value: its reason, or `ok`. */
function verdicts(check: (value: string) => string | undefined, values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v, check(v) ?? 'ok']));
}

const rule = (name: string) => {
  const found = FORMATS[name];
  if (!found) throw new Error(`no format ${name}`);
  return found;
};

/** One value each format accepts and one it refuses. */
const SAMPLES: Record<string, [string, string]> = {
  'driftguard-object-name': ['pypi-1', '-pypi'],
  'driftguard-package-name': ['libc6:amd64', 'foo;bar'],
  'driftguard-package-rule': ['>= 1.2', 'latest'],
  'driftguard-unit-name': ['ssh.service', 'ssh'],
  'driftguard-absolute-path': ['/etc/hosts', 'etc/hosts'],
  'driftguard-sysctl-key': ['kernel.panic', 'kernel'],
  'driftguard-sysctl-value': ['32768 60999', '1\n2'],
  'driftguard-user-name': ['postgres', 'Postgres'],
  'driftguard-file-mode': ['0640', '0999'],
  'driftguard-sha256': [`sha256:${'ab'.repeat(32)}`, 'ab'.repeat(31)],
  'driftguard-fstab-field': ['/dev/drbd0', '/dev/my disk'],
  'driftguard-fstype': ['ext4', 'EXT4'],
  'driftguard-mount-option': ['noauto', 'noauto,ro'],
  'driftguard-host': ['10.0.0.11', '-h'],
  'driftguard-host-port': ['10.0.1.12:623', '10.0.1.12'],
  'driftguard-duration': ['1h30m', '600'],
  'driftguard-cron': ['0 3 * * *', '0 3 * *'],
  'driftguard-schedule-target': ['pair:pypi', 'pypi'],
  'driftguard-ignore-pattern': ['linux-image-*', 'a|b'],
};

describe('FORMATS', () => {
  it('has a rule for exactly the formats the schemas name', () => {
    expect(Object.keys(FORMATS).sort()).toEqual(formatsInSchemas());
  });

  it('calls each value what an operator would', () => {
    expect(Object.fromEntries(Object.entries(FORMATS).map(([name, r]) => [name, r.label]))).toEqual({
      'driftguard-object-name': 'name',
      'driftguard-package-name': 'package name',
      'driftguard-package-rule': 'package rule',
      'driftguard-unit-name': 'systemd unit name',
      'driftguard-absolute-path': 'path',
      'driftguard-sysctl-key': 'sysctl key',
      'driftguard-sysctl-value': 'sysctl value',
      'driftguard-user-name': 'user or group name',
      'driftguard-file-mode': 'file mode',
      'driftguard-sha256': 'SHA-256',
      'driftguard-fstab-field': 'device',
      'driftguard-fstype': 'filesystem type',
      'driftguard-mount-option': 'mount option',
      'driftguard-host': 'host',
      'driftguard-host-port': '`host:port`',
      'driftguard-duration': 'duration',
      'driftguard-cron': 'cron expression',
      'driftguard-schedule-target': 'schedule target',
      'driftguard-ignore-pattern': 'ignore pattern',
    });
  });

  it('uses the checks of names.ts and cron.ts themselves for names, hosts and cron', () => {
    expect(
      Object.fromEntries(
        [
          'driftguard-object-name',
          'driftguard-package-name',
          'driftguard-unit-name',
          'driftguard-absolute-path',
          'driftguard-sysctl-key',
          'driftguard-user-name',
          'driftguard-fstab-field',
          'driftguard-fstype',
          'driftguard-mount-option',
          'driftguard-host',
          'driftguard-host-port',
          'driftguard-cron',
          'driftguard-ignore-pattern',
        ].map((name) => [name, rule(name).check]),
      ),
    ).toEqual({
      'driftguard-object-name': checkObjectName,
      'driftguard-package-name': checkPackageName,
      'driftguard-unit-name': checkUnitName,
      'driftguard-absolute-path': checkAbsolutePath,
      'driftguard-sysctl-key': checkSysctlKey,
      'driftguard-user-name': checkUserName,
      'driftguard-fstab-field': checkFstabField,
      'driftguard-fstype': checkFstype,
      'driftguard-mount-option': checkMountOption,
      'driftguard-host': checkHost,
      'driftguard-host-port': checkHostPort,
      'driftguard-cron': checkCron,
      'driftguard-ignore-pattern': checkIgnorePattern,
    });
  });

  it('accepts and refuses the samples of every format', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(FORMATS).sort());
    for (const [name, [good, bad]] of Object.entries(SAMPLES)) {
      expect([name, good, rule(name).check(good)]).toEqual([name, good, undefined]);
      expect([name, bad, typeof rule(name).check(bad)]).toEqual([name, bad, 'string']);
    }
  });
});

describe('schedule targets', () => {
  it('accepts pair:, node: and role: with a valid name', () => {
    expect(
      verdicts(rule('driftguard-schedule-target').check, ['pair:pypi', 'node:pypi-1', 'role:base', 'node:a']),
    ).toEqual({ 'pair:pypi': 'ok', 'node:pypi-1': 'ok', 'role:base': 'ok', 'node:a': 'ok' });
  });

  it('refuses any other kind, or none, saying what to write', () => {
    const usage = 'write `pair:NAME`, `node:NAME` or `role:NAME`';
    expect(
      verdicts(rule('driftguard-schedule-target').check, [
        'pypi',
        ':pypi',
        'Pair:pypi',
        'pairs:pypi',
        'group:pypi',
        '',
        'nodes',
        'roles',
      ]),
    ).toEqual({
      pypi: usage,
      ':pypi': usage,
      'Pair:pypi': usage,
      'pairs:pypi': usage,
      'group:pypi': usage,
      '': usage,
      nodes: usage,
      roles: usage,
    });
  });

  it('refuses a name that is not a valid name, saying why in a sentence', () => {
    expect(
      verdicts(rule('driftguard-schedule-target').check, [
        'pair:',
        'node:-a',
        'role:a:b',
        'node:a b',
        `pair:${'a'.repeat(129)}`,
      ]),
    ).toEqual({
      'pair:': 'the name after `pair:` is not valid: it is empty',
      'node:-a': 'the name after `node:` is not valid: it must start with a letter or digit',
      'role:a:b':
        'the name after `role:` is not valid: `:` is not allowed (only letters, digits and `. _ -`)',
      'node:a b':
        'the name after `node:` is not valid: a space is not allowed (only letters, digits and `. _ -`)',
      [`pair:${'a'.repeat(129)}`]: 'the name after `pair:` is not valid: it is longer than 128 characters',
    });
    expect(rule('driftguard-schedule-target').check(`pair:${'a'.repeat(128)}`)).toBeUndefined();
  });

  it('in a Schedule: at the entry of `targets`', () => {
    expect(
      problems(`kind: Node
name: n1
---
kind: Schedule
name: s
cron: "0 3 * * *"
targets: [node:n1, nodes:n1, "node:", n1]
`),
    ).toEqual([
      'd.yaml:7:20: `targets[1]`: `nodes:n1` is not a valid schedule target: write `pair:NAME`, `node:NAME` or `role:NAME`',
      'd.yaml:7:30: `targets[2]`: `node:` is not a valid schedule target: the name after `node:` is not valid: it is empty',
      'd.yaml:7:39: `targets[3]`: `n1` is not a valid schedule target: write `pair:NAME`, `node:NAME` or `role:NAME`',
    ]);
  });
});

describe('sysctl values', () => {
  const reason = 'it contains a line break or NUL (a sysctl value is one line)';

  it('accepts one line, blanks and tabs included, and the empty string', () => {
    expect(
      verdicts(rule('driftguard-sysctl-value').check, ['10', '32768 60999', '32768\t60999', '']),
    ).toEqual({
      '10': 'ok',
      '32768 60999': 'ok',
      '32768\t60999': 'ok',
      '': 'ok',
    });
  });

  it('refuses a line feed, a carriage return or a NUL anywhere', () => {
    expect(
      verdicts(rule('driftguard-sysctl-value').check, ['1\n2', '1\r2', '1\u00002', '\n', '12\r', '\u000012']),
    ).toEqual({
      '1\n2': reason,
      '1\r2': reason,
      '1\u00002': reason,
      '\n': reason,
      '12\r': reason,
      '\u000012': reason,
    });
  });

  it('in a Role: at the value', () => {
    expect(
      problems(`kind: Role
name: r
sysctls:
  kernel.ok: "1 2"
  kernel.nul: "1\\02"
`),
    ).toEqual([`d.yaml:5:15: sysctl \`kernel.nul\`: \`1\u00002\` is not a valid sysctl value: ${reason}`]);
  });
});

describe('formats that wrap a parser of values.ts: undefined when it parses, else its error', () => {
  it('package rules', () => {
    expect(
      verdicts(rule('driftguard-package-rule').check, [
        'present',
        'absent',
        '>= 1.2',
        '1.2-3',
        'latest',
        '>1',
        '>=',
      ]),
    ).toEqual({
      present: 'ok',
      absent: 'ok',
      '>= 1.2': 'ok',
      '1.2-3': 'ok',
      latest:
        '`latest` is not a package rule: write `present`, `absent`, a relation like `">= 1.2"` or an exact version',
      '>1': '`>` is ambiguous (dpkg reads it as `>=`); write `>>`, `>=` or `=`',
      '>=': '`>=` has an operator but no version',
    });
  });

  it('file modes: three or four octal digits', () => {
    expect(
      verdicts(rule('driftguard-file-mode').check, ['0640', '640', '7777', '0000', '64', '07777', '0999']),
    ).toEqual({
      '0640': 'ok',
      '640': 'ok',
      '7777': 'ok',
      '0000': 'ok',
      '64': '`64` is not an octal file mode like "0640"',
      '07777': '`07777` is not an octal file mode like "0640"',
      '0999': '`0999` is not an octal file mode like "0640"',
    });
  });

  it('SHA-256: 64 hex digits, bare or after `sha256:`', () => {
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const why = (v: string) => `\`${v}\` is not a SHA-256: 64 hex digits, optionally after \`sha256:\``;
    expect(
      verdicts(rule('driftguard-sha256').check, [
        hex,
        `sha256:${hex}`,
        hex.toUpperCase(),
        hex.slice(1),
        `${hex}0`,
        `SHA256:${hex}`,
        `sha256:${hex.slice(1)}g`,
      ]),
    ).toEqual({
      [hex]: 'ok',
      [`sha256:${hex}`]: 'ok',
      [hex.toUpperCase()]: 'ok',
      [hex.slice(1)]: why(hex.slice(1)),
      [`${hex}0`]: why(`${hex}0`),
      [`SHA256:${hex}`]: why(`SHA256:${hex}`),
      [`sha256:${hex.slice(1)}g`]: why(`sha256:${hex.slice(1)}g`),
    });
  });

  it('durations: numbers with units, never a bare number', () => {
    const usage = (v: string) =>
      `\`${v}\` is not a duration: write a number with a unit, like 90s, 10m, 1h30m (units ms s m h d)`;
    expect(
      verdicts(rule('driftguard-duration').check, [
        '0s',
        '500ms',
        '90s',
        '1h30m',
        '2d',
        '',
        '600',
        '10M',
        '1.5h',
        '9999999999999d',
      ]),
    ).toEqual({
      '0s': 'ok',
      '500ms': 'ok',
      '90s': 'ok',
      '1h30m': 'ok',
      '2d': 'ok',
      '': usage(''),
      '600': usage('600'),
      '10M': usage('10M'),
      '1.5h': usage('1.5h'),
      '9999999999999d': '`9999999999999d` is too long a duration',
    });
  });
});

describe('cron expressions at the bounds of each field', () => {
  it('accepts the lowest and highest value of every field', () => {
    expect(verdicts(rule('driftguard-cron').check, ['0 0 1 1 0', '59 23 31 12 7', '*/15 * * * 1-5'])).toEqual(
      {
        '0 0 1 1 0': 'ok',
        '59 23 31 12 7': 'ok',
        '*/15 * * * 1-5': 'ok',
      },
    );
  });

  it('refuses one past either end of every field, naming the field', () => {
    expect(
      verdicts(rule('driftguard-cron').check, [
        '60 0 1 1 0',
        '-1 0 1 1 0',
        '0 24 1 1 0',
        '0 0 0 1 0',
        '0 0 32 1 0',
        '0 0 1 0 0',
        '0 0 1 13 0',
        '0 0 1 1 8',
      ]),
    ).toEqual({
      '60 0 1 1 0': '60 is an invalid expression for minute',
      '-1 0 1 1 0': '-1 is an invalid expression for minute',
      '0 24 1 1 0': '24 is an invalid expression for hour',
      '0 0 0 1 0': '0 is an invalid expression for day of month',
      '0 0 32 1 0': '32 is an invalid expression for day of month',
      '0 0 1 0 0': '0 is an invalid expression for month',
      '0 0 1 13 0': '13 is an invalid expression for month',
      '0 0 1 1 8': '8 is an invalid expression for week day',
    });
  });

  it('refuses anything but five fields', () => {
    const fields = (v: string, n: number) =>
      `a cron expression has five fields (minute hour day-of-month month day-of-week), \`${v}\` has ${n}`;
    expect(verdicts(rule('driftguard-cron').check, ['', '0 3 * *', '0 3 * * * *'])).toEqual({
      '': fields('', 0),
      '0 3 * *': fields('0 3 * *', 4),
      '0 3 * * * *': fields('0 3 * * * *', 6),
    });
  });
});

describe('ports, at 0, 1, 65535 and 65536', () => {
  it('in a probe (`host:port`) and in `ssh` (an integer)', () => {
    const node = (port: number) => `kind: Node
name: n
ssh: {host: h, port: ${port}}
probes:
  - {name: bmc, tcp: "h:${port}"}
`;
    expect(problems(node(0))).toEqual([
      'd.yaml:3:22: `port` of `ssh` must be >= 1 (found the number 0)',
      'd.yaml:5:22: `tcp` of probe 1: `h:0` is not a valid `host:port`: `0` is not a port number (1–65535)',
    ]);
    expect(problems(node(65536))).toEqual([
      'd.yaml:3:22: `port` of `ssh` must be <= 65535 (found the number 65536)',
      'd.yaml:5:22: `tcp` of probe 1: `h:65536` is not a valid `host:port`: `65536` is not a port number (1–65535)',
    ]);
    expect(verdicts(rule('driftguard-host-port').check, ['h:1', 'h:65535', '[fe80::1]:623'])).toEqual({
      'h:1': 'ok',
      'h:65535': 'ok',
      '[fe80::1]:623': 'ok',
    });
  });
});

describe('FORMAT_DEFINITIONS, for ajv', () => {
  it('one string format per rule, valid exactly when the rule finds nothing wrong', () => {
    expect(Object.keys(FORMAT_DEFINITIONS)).toEqual(Object.keys(FORMATS));
    for (const [name, [good, bad]] of Object.entries(SAMPLES)) {
      const definition = FORMAT_DEFINITIONS[name];
      expect([name, definition?.type, definition?.validate(good), definition?.validate(bad)]).toEqual([
        name,
        'string',
        true,
        false,
      ]);
    }
  });
});
