/**
 * Differential test: the units collector's `enablement` against Debian's own
 * `systemctl --root=TREE is-enabled UNIT…` (package `systemd`), for every unit of every fixture
 * node. systemctl --root works on a directory tree without a running systemd and changes nothing.
 *
 * A booted node also has what systemd-fstab-generator wrote into /run/systemd/generator, and the
 * collector simulates exactly that. So each fixture is copied to a temp dir, the REAL generator
 * is run on its /etc/fstab into the copy's /run/systemd/generator, and both sides look at the same
 * tree: systemctl at the real generator's output, the collector at its own simulation of it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskRootFs } from '../../src/collect/root-fs';
import { collectUnitsSync } from '../../src/collect/units/collect';
import { FIXTURE_NODES, FIXTURE_NODES_DIR as NODES } from '../helpers/fixture-nodes';

const GENERATOR = '/lib/systemd/system-generators/systemd-fstab-generator';
const BATCH = 200;

function runRealGenerator(root: string): void {
  const out = path.join(root, 'run', 'systemd', 'generator');
  fs.mkdirSync(out, { recursive: true });
  const late = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-late-'));
  // unshare: a fresh PID namespace where the generator is PID 1 with container= empty, so it does
  // not decide it runs in a container (it would then drop swap entries).
  execFileSync(
    'unshare',
    ['--pid', '--fork', '--mount-proc', 'env', 'container=', GENERATOR, out, out, late],
    {
      env: {
        ...process.env,
        SYSTEMD_FSTAB: path.join(root, 'etc', 'fstab'),
        SYSTEMD_PROC_CMDLINE: '',
        SYSTEMD_LOG_LEVEL: 'err',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  fs.rmSync(late, { recursive: true, force: true });
}

function systemctlIsEnabled(root: string, units: string[]): Map<string, string> {
  const answers = new Map<string, string>();
  for (let i = 0; i < units.length; i += BATCH) {
    const batch = units.slice(i, i + BATCH);
    let stdout: string;
    try {
      stdout = execFileSync('systemctl', [`--root=${root}`, 'is-enabled', '--', ...batch], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      // is-enabled exits non-zero when any unit is not enabled; the answers are still on stdout.
      stdout = (err as { stdout?: string }).stdout ?? '';
    }
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(batch.length);
    batch.forEach((unit, index) => answers.set(unit, lines[index] as string));
  }
  return answers;
}

const nodes = fs
  .readdirSync(NODES)
  .filter((name) => fs.existsSync(path.join(NODES, name, 'etc', 'fstab')))
  .sort();

describe('units enablement agrees with systemctl --root is-enabled', () => {
  it('covers the seven fixture nodes', () => {
    expect(nodes).toEqual(expect.arrayContaining([...FIXTURE_NODES]));
  });

  it.each(nodes)('%s', (node) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `dg-units-${node}-`));
    try {
      fs.cpSync(path.join(NODES, node), root, { recursive: true, verbatimSymlinks: true });
      runRealGenerator(root);
      const units = collectUnitsSync(new DiskRootFs(root));
      const names = Object.keys(units.items).sort();
      expect(names.length).toBeGreaterThan(20);
      const expected = systemctlIsEnabled(root, names);
      const ours = new Map(names.map((name) => [name, units.items[name]?.enablement as string]));
      const differences = names
        .filter((name) => ours.get(name) !== expected.get(name))
        .map((name) => `${name}: ours=${ours.get(name)} systemctl=${expected.get(name)}`);
      expect(differences).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
