/**
 * A running server reloads its desired state without holding up requests: a large folder takes
 * seconds to load, and /healthz (and reports) must be answered meanwhile. Checked on a real
 * `driftguard serve`: once it logs that a reload has started, a request is answered before the
 * reload is done.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_FILE_BYTES } from '../../src/desired/read-folder';
import { killAll, startServer, waitFor } from '../helpers/processes';
import type { ServerProcess } from '../helpers/processes';

/** A valid role of `kind: Role` just under the size limit: tens of thousands of packages. */
function largeRole(): string {
  const lines = ['kind: Role', 'name: large', 'packages:'];
  let size = lines.join('\n').length;
  for (let i = 0; size < MAX_FILE_BYTES - 64; i++) {
    const line = `  pkg-${i.toString(36)}: present`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** pino's JSON lines from both streams. */
function messages(server: ServerProcess): string[] {
  return `${server.stdout}\n${server.stderr}`
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
}

/** Reloads the server has logged as started but not yet as finished. */
function reloadsInFlight(server: ServerProcess): number {
  const all = messages(server);
  const started = all.filter((msg) => msg === 'desired state changed: reloading').length;
  const finished = all.filter((msg) => /^desired state (reloaded|unchanged|refused)/.test(msg)).length;
  return started - finished;
}

describe('reloading a large desired state', () => {
  let dir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-reload-'));
    fs.cpSync('desired-state', dir, { recursive: true });
    server = await startServer({ desired: dir, args: ['--log-level', 'info'] });
  });
  afterAll(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz while the folder loads, then uses the new state', async () => {
    fs.writeFileSync(path.join(dir, 'large.yaml'), largeRole());
    await waitFor('a reload of the large file to start', () => reloadsInFlight(server) > 0);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // Answered while the reload was still going on.
    expect(reloadsInFlight(server)).toBeGreaterThan(0);
    await waitFor('the reload to finish', () => messages(server).includes('desired state reloaded'), {
      timeoutMs: 30_000,
    });
    const desired = (await (await fetch(`${server.url}/api/v1/desired`)).json()) as {
      loaded: { roles: number };
    };
    expect(desired.loaded.roles).toBe(4);
  }, 60_000);
});
