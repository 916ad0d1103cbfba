/**
 * Where a re-sweep's time goes, measured piece by piece beside the timed runs of bench/sweep.ts:
 * the driftguard process's own CPU (GNU time), a process that only starts and loads the desired
 * state, N bare OpenSSH logins at the same concurrency (what logging in costs this machine), and
 * the remote script answering one node's re-sweep batches (its CPU, children included).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mapLimited } from '../src/sweep/limit';
import { REMOTE_SCRIPT } from '../src/sweep/remote-script';
import type { FingerprintEntry } from '../src/sweep/fingerprint-cache';
import { holdingDigest, QUIT_LINE } from '../src/sweep/requests';
import type { TestSshd } from '../test/helpers/sshd';

const GNU_TIME = '/usr/bin/time';

export interface ProcessCost {
  wallMs: number;
  /** user + sys CPU of the process and the children it waited for. */
  cpuMs: number;
  rssMb: number;
  stdout: string;
}

/** A command under GNU time: wall clock, CPU and peak RSS, stdout kept. */
export function measured(argv: string[], input?: string): ProcessCost {
  const started = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ['-f', '@cost %U %S %M', ...argv], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  const cost = /@cost (\S+) (\S+) (\d+)\s*$/.exec(result.stderr);
  if (result.status !== 0 || !cost)
    throw new Error(`${argv.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  return {
    wallMs,
    cpuMs: (Number(cost[1]) + Number(cost[2])) * 1000,
    rssMb: Number(cost[3]) / 1024,
    stdout: result.stdout,
  };
}

/**
 * `count` logins with OpenSSH's client running `true`, `concurrency` at a time: wall ms. With the
 * key exchange driftguard's client (ssh2) negotiates: OpenSSH 9's own default,
 * sntrup761x25519-sha512, costs about a third more per login here.
 */
export async function bareLogins(sshd: TestSshd, count: number, concurrency: number): Promise<number> {
  const args = [
    '-q',
    '-o',
    'BatchMode=yes',
    '-o',
    'KexAlgorithms=curve25519-sha256,curve25519-sha256@libssh.org',
    '-o',
    `UserKnownHostsFile=${sshd.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-i',
    sshd.clientKeyFile,
    '-p',
    String(sshd.port),
    'root@127.0.0.1',
    'true',
  ];
  const started = process.hrtime.bigint();
  await mapLimited(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn('ssh', args, { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited with ${code}`))));
      }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The remote script (run here, against /) answering what a re-sweep of a node sends: its batches with their digests. */
export function resweepScriptCost(cacheEntryFile: string): ProcessCost & { batches: number } {
  const entry = JSON.parse(fs.readFileSync(cacheEntryFile, 'utf8')) as FingerprintEntry;
  const batches = Object.values(entry.categories).flatMap((category) => category.batches);
  const input = batches.map((batch) => holdingDigest(batch.text, batch.digest)).join('') + QUIT_LINE;
  return {
    ...measured(['/bin/sh', '-c', REMOTE_SCRIPT, 'driftguard-sweep'], input),
    batches: batches.length,
  };
}
