/**
 * The README's `npm test` passes on a fresh Debian 12 machine by itself: its `pretest` step runs
 * scripts/test-deps.sh, which installs the Debian packages the tests use when they are missing
 * (the list `.ci/run` uses too). Checked here: the wiring, that the list names every package a
 * test asks for, and what the script does, against stand-ins for dpkg-query and apt-get.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'test-deps.sh');

function listed(): string[] {
  return execFileSync(SCRIPT, ['--list'], { encoding: 'utf8' }).trim().split('\n');
}

/** Every file under `dir` whose name ends in `.ts`. */
function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((entry) =>
      entry.isFile() && entry.name.endsWith('.ts') ? [path.join(entry.parentPath, entry.name)] : [],
    );
}

describe('npm test installs the Debian packages the tests use', () => {
  it('runs scripts/test-deps.sh before the tests, and .ci/run uses the same script', () => {
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.pretest).toBe('scripts/test-deps.sh');
    expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^scripts\/test-deps\.sh$/m);
  });

  it('lists every package a test names in requireTool(), sshd for the SSH tests, debootstrap for the sandbox nodes and PostgreSQL for its store', () => {
    // The sandbox image (test/helpers/sandbox-image.ts) checks for debootstrap itself, and
    // test/helpers/postgres.ts for initdb.
    const named = new Set<string>(['openssh-server', 'debootstrap', 'postgresql']);
    for (const file of tsFiles(path.join(ROOT, 'test'))) {
      for (const match of fs
        .readFileSync(file, 'utf8')
        .matchAll(/requireTool\(\s*\[[^\]]*\],\s*'([^']+)'\)/g))
        named.add(match[1] as string);
    }
    expect(named.size).toBeGreaterThanOrEqual(5);
    const list = new Set(listed());
    expect([...named].filter((pkg) => !list.has(pkg))).toEqual([]);
  });

  describe('on a machine that lacks some of them', () => {
    let dir: string;
    let log: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-test-deps-'));
      log = path.join(dir, 'apt.log');
      // dpkg-query says "not-installed" for the packages in $MISSING; apt-get records its arguments.
      fs.writeFileSync(
        path.join(dir, 'dpkg-query'),
        '#!/bin/sh\nfor p in $MISSING; do [ "$p" = "$3" ] && { printf not-installed; exit 0; }; done\nprintf installed\n',
        { mode: 0o755 },
      );
      fs.writeFileSync(path.join(dir, 'apt-get'), `#!/bin/sh\necho "$@" >> "${log}"\n`, { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (missing: string) =>
      spawnSync(SCRIPT, [], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, MISSING: missing },
      });

    it('installs exactly the missing ones, and says which', () => {
      const result = run('rpm openssh-server');
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('installing the Debian packages they use: rpm openssh-server');
      expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        'update -qq',
        'install -y -qq --no-install-recommends rpm openssh-server',
      ]);
    });

    it('does nothing, silently, when everything is there', () => {
      const result = run('');
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(fs.existsSync(log)).toBe(false);
    });
  });
});
