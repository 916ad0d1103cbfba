/**
 * Runs the built CLI (`bin/driftguard.js`, as `npx driftguard` does) in a child process.
 * Integration tests go through the real binary: argument parsing, exit codes and the
 * stdout/stderr split are part of the contract.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The checkout: two folders up, and one more when these helpers run compiled from dist/ (bench, scripts). */
const UP = path.resolve(__dirname, '../..');
export const REPO = path.basename(UP) === 'dist' ? path.dirname(UP) : UP;
export const CLI = path.join(REPO, 'bin/driftguard.js');

/** The time example states were collected at (DRIFTGUARD_NOW). */
export const EXAMPLE_TIME = '2026-11-22T10:00:00.000Z';

/**
 * The CLI's per-user cache (`sweep` keeps fingerprints in $XDG_CACHE_HOME/driftguard/sweep) goes
 * to a folder of this test process, never to the home of whoever runs the tests.
 */
const CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-cli-cache-'));
process.on('exit', () => fs.rmSync(CACHE_HOME, { recursive: true, force: true }));
export const CLI_ENV: NodeJS.ProcessEnv = { NO_COLOR: '1', XDG_CACHE_HOME: CACHE_HOME };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...CLI_ENV, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The built CLI in a child process without blocking this one: for tests whose server runs in
 * this process and must keep answering while the CLI talks to it.
 */
export function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, ...CLI_ENV, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
