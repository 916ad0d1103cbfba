/**
 * Differential test: unit names made from paths against `systemd-escape` (package `systemd`),
 * which is what systemd-fstab-generator uses to name `srv-pypi.mount`.
 */
import { execFileSync } from 'node:child_process';
import { escapePath, unescapeUnitNamePart, unitNameFromPath } from '../../src/collect/units/unit-name';

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
