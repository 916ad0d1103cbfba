/**
 * `driftguard token create NODE`: a node's token only for a node the desired state declares —
 * a typo would give an agent a name whose reports are checked against nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../helpers/cli';

describe('token create NODE', () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-token-'));
    db = path.join(dir, 'driftguard.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const tokens = () => JSON.parse(runCli(['token', 'list', '--db', db, '--json']).stdout).tokens as unknown[];

  it('refuses a node the desired state does not declare, suggesting the one meant; creates nothing', () => {
    const result = runCli(['token', 'create', 'pypi2', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('node pypi2 is not declared in ./desired-state — did you mean pypi-2?');
    expect(result.stdout).toBe('');
    expect(tokens()).toEqual([]);
  });

  it('creates the token of a declared node', () => {
    const result = runCli(['token', 'create', 'pypi-2', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dg_\S+\n$/);
  });

  it('creates one for an undeclared node when told to, and checks against --desired', () => {
    expect(runCli(['token', 'create', 'lab-1', '--db', db, '--undeclared']).code).toBe(0);
    const other = path.join(dir, 'desired');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'lab.yaml'), 'kind: Node\nname: lab-2\n');
    expect(runCli(['token', 'create', 'lab-2', '--db', db, '--desired', other]).code).toBe(0);
    expect(runCli(['token', 'create', 'pypi-2', '--db', db, '--desired', other]).code).toBe(2);
    expect(tokens()).toHaveLength(2);
  });
});
