/**
 * `--json` prints exactly one JSON document on stdout — errors included, usage errors too
 * (DESIGN §11): automation must never have to parse text, or find nothing at all.
 */
import { runCli } from '../helpers/cli';

describe('--json: every error is one JSON document on stdout, exit 2', () => {
  it.each([
    ['an unknown command', ['nosuch', '--json']],
    ['a missing argument', ['check', '--json']],
    [
      '--states with --server',
      ['check', 'pypi-2', '--states', 'examples/states', '--server', 'http://127.0.0.1:9', '--json'],
    ],
    ['an unknown option', ['ready', 'pypi', '--states', 'examples/states', '--bogus', '--json']],
    ['no command at all', ['--json']],
    ['an option without its value', ['diff', 'pypi-1', 'pypi-2', '--json', '--states']],
    ['a usage error found by the command', ['token', 'create', '--json', '--db', '/nonexistent/dir/x.db']],
  ])('%s', (_what, args) => {
    const result = runCli(args);
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as {
      error: { code: string; message: string; issues: unknown[] };
    };
    expect(Object.keys(document)).toEqual(['error']);
    expect(document.error.code).toBe('E_USAGE');
    expect(document.error.message.length).toBeGreaterThan(0);
    expect(document.error.issues).toEqual([]);
    // The person still reads it on stderr.
    expect(result.stderr.length).toBeGreaterThan(0);
  });
});
