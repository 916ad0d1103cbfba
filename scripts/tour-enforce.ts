/**
 * `npm run tour:enforce`: the README's enforcement tour, run for real. It starts the two sandbox
 * nodes of the PyPI 2013 pair the tests use (test/helpers/incident-sandbox.ts: real Debian
 * roots with their own sshd on loopback ports, started with the incident's drift), then runs
 * plan → apply → runs → restore → ready against them from a tour folder holding the desired
 * state (`desired/`), the nodes' host keys (`known_hosts`) and a login key (`id_ed25519`), and
 * prints every command and what it printed — the transcript the README shows and
 * test/integration/readme.test.ts checks. Needs root and debootstrap (as the tests do).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../test/helpers/cli';
import { startIncidentPair } from '../test/helpers/incident-sandbox';

async function main(): Promise<void> {
  const pair = await startIncidentPair();
  const tour = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-tour-'));
  try {
    fs.cpSync(pair.desiredDir, path.join(tour, 'desired'), { recursive: true });
    fs.copyFileSync(pair.fleet.knownHostsFile, path.join(tour, 'known_hosts'));
    fs.copyFileSync(pair.fleet.clientKeyFile, path.join(tour, 'id_ed25519'));
    fs.chmodSync(path.join(tour, 'id_ed25519'), 0o600);
    const ssh = '--known-hosts known_hosts --identity id_ed25519';
    // Both streams into one file, so progress (stderr) and results (stdout) interleave as on a
    // terminal; the command's stdout alone is what --json answers are read from.
    const transcript = path.join(tour, '.output');
    const run = (line: string, shown = true): string => {
      const fd = fs.openSync(transcript, 'w');
      const result = spawnSync(process.execPath, [CLI, ...line.split(' ').slice(1)], {
        cwd: tour,
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', shown ? fd : 'pipe', fd],
        encoding: 'utf8',
      });
      fs.closeSync(fd);
      if (shown) process.stdout.write(`$ npx ${line}\n${fs.readFileSync(transcript, 'utf8').trimEnd()}\n\n`);
      return result.stdout ?? '';
    };
    run(`driftguard sweep --desired desired ${ssh} --out-dir states`);
    run('driftguard plan pair:pypi --desired desired --states states');
    run(`driftguard apply pair:pypi --desired desired ${ssh} --db runs.db --yes`);
    const runs = JSON.parse(run('driftguard runs --db runs.db --json', false)) as { runs: { id: string }[] };
    const id = runs.runs[0]?.id as string;
    run(`driftguard runs show ${id} --db runs.db`);
    run(`driftguard sweep --desired desired ${ssh} --out-dir after`);
    run('driftguard ready pypi --desired desired --states after --no-probes');
    run(`driftguard restore ${id} --node pypi-2 --desired desired ${ssh} --db runs.db --yes`);
    run('driftguard runs --db runs.db');
  } finally {
    await pair.stop();
    fs.rmSync(tour, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
