/**
 * `driftguard validate`: 0 on the examples, 2 with every problem at file:line:col on broken
 * desired state (the loader's rules have their own unit tests; this is the command's contract).
 */
import { runCli } from '../helpers/cli';

describe('validate', () => {
  it('accepts the example desired state, exit 0', () => {
    const result = runCli(['validate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/is valid: 3 roles, 3 nodes, 1 pair, 1 schedule/);
  });

  it('points at the YAML syntax error, exit 2', () => {
    const result = runCli(['validate', '--desired', 'test/fixtures/desired/broken/syntax-error']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'test/fixtures/desired/broken/syntax-error/nodes.yaml:4:1: YAML syntax error',
    );
    expect(result.stdout).toBe('');
  });

  it('points at an unknown key and suggests the right one', () => {
    const result = runCli(['validate', '--desired', 'test/fixtures/desired/broken/unknown-key']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unknown-key/roles.yaml:3:1: unknown key `pacakges` in Role — did you mean `packages`?',
    );
  });

  it('rejects shell-like names before anything could run them', () => {
    const result = runCli(['validate', '--desired', 'test/fixtures/desired/broken/shell-names']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'shell-names/roles.yaml:4:3: `foo; rm -rf /` is not a valid package name',
    );
  });

  it('with --json, puts the error on stdout as one JSON document too', () => {
    const result = runCli(['validate', '--json', '--desired', 'test/fixtures/desired/broken/unknown-key']);
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document.error.code).toBe('E_DESIRED_INVALID');
    expect(document.error.issues[0].at).toEqual({
      file: 'test/fixtures/desired/broken/unknown-key/roles.yaml',
      line: 3,
      col: 1,
    });
  });

  it('a folder that does not exist is an input error, exit 2', () => {
    const result = runCli(['validate', '--desired', 'no/such/folder']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no/such/folder');
  });
});
