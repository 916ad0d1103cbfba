/**
 * A private PostgreSQL cluster for tests: Debian's server binaries (package `postgresql`), a
 * data directory in a temp dir of its own, listening on a free port of 127.0.0.1 only (and a
 * socket in that temp dir, never /var/run/postgresql), stopped when the test file is done. Each
 * suite or test takes a database of its own (`createDatabase`), so nothing is shared between
 * them. initdb and postgres refuse to run as root: as root (CI), they run as the `postgres` user.
 * No fsync: a test cluster needs no durability against power loss (kill -9 of driftguard is what
 * the durability tests are about, and PostgreSQL's own WAL still holds every commit then).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { freePort } from './processes';

export interface TestPostgres {
  /** The URL of `database` on this cluster. */
  url(database: string): string;
  /** Creates a database no one else uses and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): void;
}

const LIB = '/usr/lib/postgresql';

/** The newest PostgreSQL installed (Debian 12: 15); fails loudly, naming the package, when there is none. */
function binDir(): string {
  const versions = fs.existsSync(LIB)
    ? fs
        .readdirSync(LIB)
        .filter((version) => fs.existsSync(path.join(LIB, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      `PostgreSQL is needed for this test: no ${LIB}/*/bin/initdb (Debian package "postgresql"; scripts/test-deps.sh installs it)`,
    );
  return path.join(LIB, versions[0] as string, 'bin');
}

/** argv run as the `postgres` user when this process is root (initdb and postgres refuse root). */
function asOwner(argv: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', ...argv]]
    : [argv[0] as string, argv.slice(1)];
}

function run(argv: string[]): void {
  const [program, args] = asOwner(argv);
  execFileSync(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

let databases = 0;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-postgres-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  run([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  run([path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', 'start']);

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    const [program, args] = asOwner([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
    spawnSync(program, args, { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies before its teardown leaves no cluster behind.
  process.on('exit', stop);

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    async createDatabase() {
      const name = `dg_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}
