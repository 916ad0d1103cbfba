/**
 * Differential test: unit names made from paths against `systemd-escape` (package `systemd`),
 * which is what systemd-fstab-generator uses to name `srv-pypi.mount`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  escapePath,
  mangleUnitName,
  unescapePath,
  unescapeUnitName,
  unescapeUnitNamePart,
  unitNameFromPath,
} from '../../src/collect/units/unit-name';

const PATHS = [
  '/',
  '//',
  '/srv/pypi',
  '/srv/pypi/',
  '/srv//pypi',
  '/srv/./pypi',
  '/srv/my data',
  '/srv/tab\tdir',
  '/srv/new\nline',
  '/srv/back\\slash',
  '/srv/-dash',
  '/srv/a-b-c',
  '/srv/.hidden',
  '/.dot/x',
  '/srv/a.b.c',
  '/srv/café',
  '/srv/日本語',
  '/srv/emoji-😀',
  '/srv/at@sign',
  '/srv/colon:x',
  '/srv/under_score',
  '/srv/percent%i',
  '/srv/plus+eq=',
  '/srv/quote"s',
  "/srv/apos'",
  '/srv/star*?[x]',
  '/srv/~tilde',
  '/media/cdrom0',
  '/dev/drbd0',
  '/dev/disk/by-uuid/4f1b2c3d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
  '/dev/disk/by-label/Backup\\x20Disk',
  'relative/path',
  '/UPPER/Case',
];

/** systemd-escape prints all results on one line, separated by spaces (escaped names have none). */
function systemdEscape(args: string[], inputs: string[]): string[] {
  const stdout = execFileSync('systemd-escape', [...args, '--', ...inputs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const names = stdout.trim().split(' ');
  expect(names).toHaveLength(inputs.length);
  return names;
}

/** Unescaped text may contain spaces, so one call per input. */
function systemdUnescape(input: string): string {
  return execFileSync('systemd-escape', ['--unescape', '--', input], { encoding: 'utf8' }).replace(/\n$/, '');
}

describe('path escaping agrees with systemd-escape --path', () => {
  it('names mount units like systemd-escape --path --suffix=mount', () => {
    const theirs = systemdEscape(['--path', '--suffix=mount'], PATHS);
    const ours = PATHS.map((p) => unitNameFromPath(p, '.mount'));
    expect(ours.map((name, i) => `${JSON.stringify(PATHS[i])} → ${name}`)).toEqual(
      theirs.map((name, i) => `${JSON.stringify(PATHS[i])} → ${name}`),
    );
  });

  it('escapes like systemd-escape --path (no suffix)', () => {
    expect(PATHS.map((p) => escapePath(p))).toEqual(systemdEscape(['--path'], PATHS));
  });

  it('unescapes what systemd-escape produced back to the same bytes as systemd-escape --unescape', () => {
    const escaped = systemdEscape(
      [],
      PATHS.filter((p) => !p.includes('\n')),
    );
    const theirs = escaped.map(systemdUnescape);
    expect(escaped.map((e) => unescapeUnitNamePart(e))).toEqual(theirs);
  });

  it('refuses paths with .. like systemd-escape does', () => {
    expect(() => execFileSync('systemd-escape', ['--path', '/srv/../etc'], { stdio: 'pipe' })).toThrow();
    expect(escapePath('/srv/../etc')).toBeUndefined();
  });
});

/** systemd-escape's output for one input, or undefined when it refuses (non-zero exit). */
function systemdEscapeOne(args: string[], input: string): string | undefined {
  const run = spawnSync('systemd-escape', [...args, '--', input], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.replace(/\n$/, '') : undefined;
}

/** Inputs and each side's answer, where they disagree. */
function disagreements(
  args: string[],
  inputs: readonly string[],
  ours: (input: string) => string | undefined,
): { input: string; theirs: string | undefined; ours: string | undefined }[] {
  return inputs
    .map((input) => ({ input, theirs: systemdEscapeOne(args, input), ours: ours(input) }))
    .filter((row) => row.theirs !== row.ours);
}

describe('refuses where systemd-escape refuses, accepts where it accepts', () => {
  const x = (n: number) => 'x'.repeat(n);

  it('--path: over-long components and paths, ., .., empty, relative', () => {
    const inputs = [
      `/srv/${x(255)}`,
      `/srv/${x(256)}`,
      `/${x(255)}/${x(10)}`,
      `/${`${'a'.repeat(200)}/`.repeat(20)}`,
      `/${`${'a'.repeat(200)}/`.repeat(21)}`,
      '/..',
      '/a/../b',
      '.',
      '..',
      '',
      'relative/..',
      '/a/./b',
      `/srv/${'é'.repeat(127)}`,
      `/srv/${'é'.repeat(128)}`,
    ];
    expect(disagreements(['--path'], inputs, escapePath)).toEqual([]);
    // systemd-escape --suffix only appends: names of 256 bytes or more, which systemd hashes, are
    // checked against the fstab generator (units-fstab-generator.test.ts).
  });

  it('--unescape: only \\xNN escapes, a NUL ends the text', () => {
    const inputs = [
      'foo\\x2d',
      'foo\\x2',
      'foo\\y',
      'foo\\',
      'a\\x00b',
      'a\\xzzb',
      'a\\X2db',
      'a\\x2Db',
      'a-b',
      '',
    ];
    expect(disagreements(['--unescape'], inputs, unescapeUnitName)).toEqual([]);
  });

  it('--unescape --path: no leading, trailing or doubled slash, nothing not normalized', () => {
    const inputs = [
      '-',
      'foo-',
      'a--b',
      '..',
      'a-.-b',
      'a\\x2f..\\x2fb',
      'srv-pypi',
      'srv-my\\x2ddata',
      'a\\x2fb',
      '',
    ];
    expect(disagreements(['--unescape', '--path'], inputs, unescapePath)).toEqual([]);
  });

  it('--mangle: paths, names, templates, globs, what is too long', () => {
    const inputs = [
      '/dev/sda',
      '/dev/../dev/sda',
      '/a//b/',
      'foo',
      'foo.bar',
      'foo.service',
      'foo.service.',
      'a\\b',
      '@foo',
      'foo@',
      'foo@bar',
      '.hidden',
      'é',
      '*x*',
      'a/b c',
      x(250),
      x(260),
      `/${x(256)}`,
      `/srv/${x(250)}`,
      '',
    ];
    expect(disagreements(['--mangle'], inputs, (name) => mangleUnitName(name, '.service'))).toEqual([]);
  });
});
