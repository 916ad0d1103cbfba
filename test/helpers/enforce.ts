/**
 * What the enforcement system tests share: a desired-state folder whose nodes are sandbox nodes
 * (test/helpers/sandbox.ts), the CLI with the fleet's SSH credentials and a store of its own,
 * and fresh states of the nodes through the real SSH sweep.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../src/model/run';
import type { CliResult } from './cli';
import { runCli } from './cli';
import type { SandboxFleet } from './sandbox';

export interface EnforceWorld {
  dir: string;
  desiredDir: string;
  db: string;
  /** The CLI with --desired, the fleet's known_hosts and key, and this world's store. */
  cli(args: readonly string[], env?: NodeJS.ProcessEnv): CliResult;
  /** Sweeps `nodes` (default: all) over SSH into a fresh folder of NODE.json; returns the folder. */
  sweep(nodes?: readonly string[]): string;
  remove(): void;
}

/** `Node` documents for the fleet's nodes (ssh at their sandbox ports), after the given roles and pairs. */
export function nodesYaml(fleet: SandboxFleet, roles: Record<string, string[]>): string {
  return Object.entries(roles)
    .map(([name, nodeRoles]) => {
      const node = fleet.nodes[name];
      if (!node) throw new Error(`no sandbox node ${name}`);
      return `---\nkind: Node\nname: ${name}\nroles: [${nodeRoles.join(', ')}]\nssh: { host: 127.0.0.1, port: ${node.port}, user: root }\n`;
    })
    .join('');
}

export function enforceWorld(fleet: SandboxFleet, desired: string | { dir: string }): EnforceWorld {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-enforce-'));
  let desiredDir: string;
  if (typeof desired === 'string') {
    desiredDir = path.join(dir, 'desired');
    fs.mkdirSync(desiredDir);
    fs.writeFileSync(path.join(desiredDir, 'desired.yaml'), desired);
  } else desiredDir = desired.dir;
  const db = path.join(dir, 'driftguard.db');
  const ssh = ['--known-hosts', fleet.knownHostsFile, '--identity', fleet.clientKeyFile];
  const world: EnforceWorld = {
    dir,
    desiredDir,
    db,
    cli(args, env) {
      const [command] = args;
      const extra =
        command === 'apply' || command === 'restore'
          ? ['--desired', desiredDir, ...ssh, '--db', db]
          : command === 'runs'
            ? ['--db', db]
            : command === 'sweep'
              ? ['--desired', desiredDir, ...ssh]
              : ['--desired', desiredDir];
      // The test's own options come last: they win over these defaults.
      return runCli([command as string, ...extra, ...args.slice(1)], env ? { env } : {});
    },
    sweep(nodes) {
      const out = fs.mkdtempSync(path.join(dir, 'states-'));
      const result = world.cli(['sweep', '--out-dir', out, ...(nodes ? ['--node', ...nodes] : [])]);
      if (result.code !== 0) throw new Error(`sweep failed (${result.code}): ${result.stderr}`);
      return out;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return world;
}

/** The run of an `apply --json` / `restore --json` answer. */
export function runOf(result: CliResult): RunRecord {
  const document = JSON.parse(result.stdout) as { run?: RunRecord } & RunRecord;
  return document.run ?? document;
}
