/**
 * Stub programs that answer the sweep's commands for a fixture tree as its
 * `.driftguard/commands.json` says (through FixtureCommandRunner itself, so both agree): put the
 * directory first in PATH and the remote script, run locally against the tree, gets what
 * `collect --root TREE` gets. A command without a captured answer exits 127 — not installed —
 * rather than reaching the real program on this machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FixtureCommandRunner } from '../collect/command-runner';
import { shQuote } from '../transport/shell-quote';
import { COMMAND_IDS, SWEEP_COMMANDS } from './commands';

export async function writeCommandStubs(root: string, binDir: string): Promise<void> {
  const runner = new FixtureCommandRunner(root);
  fs.mkdirSync(binDir, { recursive: true });
  for (const id of COMMAND_IDS) {
    const argv = SWEEP_COMMANDS[id];
    const answer = await runner.run(argv);
    const program = argv[0] as string;
    const stdoutFile = path.join(binDir, `${program}.stdout`);
    const stderrFile = path.join(binDir, `${program}.stderr`);
    fs.writeFileSync(stdoutFile, answer.stdout);
    fs.writeFileSync(stderrFile, answer.stderr);
    const stub = [
      '#!/bin/sh',
      `# answers ${argv.join(' ')} for ${root}`,
      `cat ${shQuote(stdoutFile)}`,
      `cat ${shQuote(stderrFile)} >&2`,
      `exit ${answer.code}`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(binDir, program), stub, { mode: 0o755 });
  }
}
