/**
 * agents/driftguard-agent.service, checked by systemd's own tools (Debian package "systemd"):
 * `systemd-analyze verify` accepts it without a warning, `systemd-analyze security --offline`
 * rates its sandbox, and its ExecStart is a command line the agent really accepts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, REPO, runCli } from '../helpers/cli';
import { fixtureRoot } from '../helpers/fixture-nodes';
import { freePort, spooledIds } from '../helpers/processes';
import { requireTool } from '../helpers/tools';

const UNIT = path.join(REPO, 'agents/driftguard-agent.service');
const INSTALLED_PATH = '/usr/local/bin/driftguard';

/** `Key=value` lines of the unit (the last one wins, as in systemd for these keys). */
function setting(text: string, key: string): string {
  const lines = text.split('\n').filter((line) => line.startsWith(`${key}=`));
  expect(lines.length).toBeGreaterThan(0);
  return lines.at(-1)!.slice(key.length + 1);
}

describe('driftguard-agent.service', () => {
  const text = fs.readFileSync(UNIT, 'utf8');
  let dir: string;
  let copy: string;

  beforeAll(() => {
    requireTool(['systemd-analyze', '--version'], 'systemd');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-unit-'));
    // The same unit with ExecStart pointing at this checkout's CLI: verify checks that it exists.
    copy = path.join(dir, 'driftguard-agent.service');
    expect(text).toContain(`ExecStart=${INSTALLED_PATH} agent `);
    fs.writeFileSync(copy, text.replace(`ExecStart=${INSTALLED_PATH} `, `ExecStart=${CLI} `));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes systemd-analyze verify without a single warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('is sandboxed: systemd-analyze security rates its exposure OK (at most 5.0 of 10)', () => {
    const result = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', copy], {
      encoding: 'utf8',
    });
    const match = /Overall exposure level for driftguard-agent\.service: (\d+\.\d)/.exec(
      result.stdout + result.stderr,
    );
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeLessThanOrEqual(5.0);
  });

  it('writes only its spool: read-only system, the spool under the state directory', () => {
    expect(setting(text, 'ProtectSystem')).toBe('strict');
    expect(setting(text, 'NoNewPrivileges')).toBe('yes');
    expect(setting(text, 'PrivateTmp')).toBe('yes');
    expect(setting(text, 'Restart')).toBe('on-failure');
    expect(setting(text, 'ReadOnlyPaths')).toContain('/etc');
    expect(text).not.toMatch(
      /^(ReadWritePaths|User|DynamicUser|ProtectProc|ProcSubset|CapabilityBoundingSet)=/m,
    ); // see the unit's comments
    const stateDirectory = setting(text, 'StateDirectory');
    const spool = /--spool (\S+)/.exec(setting(text, 'ExecStart'))?.[1];
    expect(spool?.startsWith(`/var/lib/${stateDirectory}/`)).toBe(true);
  });

  it('has an ExecStart the agent accepts (tried with --once against a server that is not there)', async () => {
    const token = path.join(dir, 'agent.token');
    fs.writeFileSync(token, 'dg_not-a-real-token\n', { mode: 0o600 });
    const spool = path.join(dir, 'spool');
    const env: Record<string, string> = {
      DRIFTGUARD_SERVER: `http://127.0.0.1:${await freePort()}`,
      DRIFTGUARD_AGENT_OPTS: `--once --root ${fixtureRoot('debian12-clean')}`,
    };
    // systemd's expansion: ${VAR} is one word, $VAR is split on white space.
    const words = setting(text, 'ExecStart')
      .split(/\s+/)
      .flatMap((word) => {
        const braced = /^\$\{(\w+)\}$/.exec(word);
        if (braced) return [env[braced[1]!]!];
        const bare = /^\$(\w+)$/.exec(word);
        if (bare) return env[bare[1]!]!.split(/\s+/);
        return [word];
      })
      .map((word) =>
        word === '/etc/driftguard/agent.token'
          ? token
          : word.startsWith('/var/lib/driftguard/')
            ? spool
            : word,
      );
    expect(words.slice(0, 2)).toEqual([INSTALLED_PATH, 'agent']);
    const result = runCli(words.slice(1));
    expect(result.stderr).toContain(`1 report(s) wait in the spool ${spool} for the next run: cannot reach`);
    expect(result.code).toBe(2);
    expect(spooledIds(spool)).toHaveLength(1);
  });
});
