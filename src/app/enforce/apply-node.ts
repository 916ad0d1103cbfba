/**
 * The fixes of one node, in order, through its session — the part of a run that changes a
 * machine, shared by apply over SSH, locally, and by the agent on the node itself:
 *
 *   for each file a fix writes: back it up on the node (once per run: the first `before` is
 *   what restore puts back), check it is still what the plan saw (its sha256, or absent) —
 *   else the plan is stale and nothing is written — then write it atomically and read back
 *   its checksum; run the commands (argv); reload systemd where it runs; verify.
 *
 * The first failure stops the node: what was done, what failed (with the command's stderr) and
 * what was not attempted are all in the outcome.
 */
import type { FileChange, Fix } from '../../model/plan';
import type {
  CommandOutcome,
  FileOutcome,
  FileSnapshot,
  FixOutcome,
  NodeOutcome,
  RunEventType,
} from '../../model/run';
import { errorMessage } from '../../shared/errors';
import { sha256Hex } from '../../shared/canonical-json';
import type { NodeShell } from '../../transport/node-shell';
import type { FileFacts } from './node-files';
import type { NodeSession } from './node-session';

export interface ApplyNodeOptions {
  session: NodeSession;
  /** Its change fixes, in plan order. */
  fixes: readonly Fix[];
  /** Filled in as the fixes go (its `fixes` are created here). */
  outcome: NodeOutcome;
  backupDir: string;
  /** Re-collects and returns what the fix should have resolved but did not; absent: verified elsewhere. */
  verify?: (fix: Fix) => Promise<string[]>;
  /** Records a step of the run (awaited: the record is written before the fix goes on). */
  step: (
    type: RunEventType,
    message: string,
    about: { fixId?: string; status?: string },
  ) => void | Promise<void>;
  now: () => Date;
  /** Another node of the wave failed: stop before the next fix. */
  stopped: () => boolean;
  /** Reads a file of another node of the run (for content copied from the primary); absent: such fixes fail. */
  readSource?: (node: string, path: string) => Promise<Buffer>;
}

class FixFailure extends Error {}

export function snapshotOf(facts: FileFacts): FileSnapshot {
  switch (facts.type) {
    case 'file':
      return { sha256: facts.sha256, mode: facts.mode, uid: facts.uid, gid: facts.gid };
    case 'symlink':
      return { sha256: null, target: facts.target };
    case 'dir':
      return { sha256: null, mode: facts.mode, uid: facts.uid, gid: facts.gid };
    default:
      return { sha256: null };
  }
}

function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 19) : 'absent';
}

export function pendingOutcome(fix: Fix): FixOutcome {
  return {
    fixId: fix.id,
    category: fix.category,
    key: fix.key,
    description: fix.description,
    status: 'pending',
    files: [],
    commands: [],
  };
}

/** A fix applied whose findings are still there (`remaining`: their messages). */
export function notResolved(remaining: readonly string[]): string {
  return `applied, but not resolved: ${remaining.join('; ')}`;
}

/** Runs an argv on the node, for the run record: exit code, time, and what it said on stderr. */
export async function runCommand(shell: NodeShell, argv: readonly string[]): Promise<CommandOutcome> {
  const result = await shell.run(argv);
  const stderr = result.stderr.trim();
  return {
    argv: [...argv],
    exitCode: result.code,
    ms: Math.round(result.ms),
    ...(stderr ? { stderr } : {}),
  };
}

function displayArgv(argv: readonly string[]): string {
  return argv.map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word))).join(' ');
}

export async function applyNodeFixes(options: ApplyNodeOptions): Promise<boolean> {
  const { session, outcome } = options;
  outcome.backupDir = options.backupDir;
  outcome.where = session.description;
  if (outcome.fixes.length === 0) outcome.fixes = options.fixes.map(pendingOutcome);

  const changeFile = async (change: FileChange): Promise<FileOutcome> => {
    // Backed up the first time the run touches the path (the verb keeps the first copy): that
    // is what restore puts back. Its answer is the file as it is now, checked against the plan.
    const facts: FileFacts = await session.files.backup(options.backupDir, change.path);
    const before = snapshotOf(facts);
    if (facts.type !== 'file' && facts.type !== 'missing')
      throw new FixFailure(
        `${change.path} is a ${facts.type} on the node; the plan expected a regular file: plan again`,
      );
    if (before.sha256 !== change.beforeSha256)
      throw new FixFailure(
        `${change.path} changed since the plan was made (expected ${short(change.beforeSha256)}, found ${short(before.sha256)}): stale plan, nothing written — plan again`,
      );
    let expected: string | undefined;
    let written: FileFacts;
    if (change.remove) written = await session.files.remove(change.path);
    else if (change.after !== undefined) {
      written = await session.files.write(change.path, change.after, change);
      expected = `sha256:${sha256Hex(change.after)}`;
    } else if (change.copyFrom) {
      const { node, sha256 } = change.copyFrom;
      if (!options.readSource)
        throw new FixFailure(
          `${change.path} is copied from ${node}, which this run cannot reach: apply over SSH`,
        );
      const content = await options.readSource(node, change.path);
      if (`sha256:${sha256Hex(content)}` !== sha256)
        throw new FixFailure(
          `${node}'s ${change.path} changed since the plan was made (expected ${short(sha256)}): stale plan — plan again`,
        );
      written = await session.files.write(change.path, content, change);
      expected = sha256;
    } else written = await session.files.setAttributes(change.path, change);
    const after = snapshotOf(written);
    if (expected !== undefined && after.sha256 !== expected)
      throw new FixFailure(`${change.path} does not read back as written (${short(after.sha256)})`);
    return {
      path: change.path,
      before,
      after,
      ...(before.sha256 !== null ? { backup: `${options.backupDir}/files${change.path}` } : {}),
    };
  };

  for (const [index, fix] of options.fixes.entries()) {
    const fixOutcome = outcome.fixes[index] as FixOutcome;
    if (options.stopped()) break;
    fixOutcome.startedAt = options.now().toISOString();
    await options.step('fix-started', `${fix.id}: ${fix.description}`, { fixId: fix.id });
    try {
      for (const change of fix.files) fixOutcome.files.push(await changeFile(change));
      const commands = [...fix.commands];
      for (const argv of commands) {
        const command = await runCommand(session.shell, argv);
        fixOutcome.commands.push(command);
        if (command.exitCode !== 0)
          throw new FixFailure(
            `\`${displayArgv(argv)}\` ${command.exitCode === null ? 'was killed' : `exited with ${command.exitCode}`}${command.stderr ? `: ${command.stderr}` : ''}`,
          );
      }
      // Only where systemd runs: a chroot or an image has no manager to reload.
      if (fix.reloadSystemd && (await session.systemdRunning())) {
        const reload = await runCommand(session.shell, ['systemctl', 'daemon-reload']);
        fixOutcome.commands.push(reload);
        if (reload.exitCode !== 0)
          throw new FixFailure(`systemctl daemon-reload failed: ${reload.stderr ?? ''}`);
      }
      if (options.verify) {
        const remaining = await options.verify(fix);
        if (remaining.length > 0) throw new FixFailure(notResolved(remaining));
        fixOutcome.verified = true;
      }
      fixOutcome.status = 'applied';
    } catch (err) {
      fixOutcome.status = 'failed';
      fixOutcome.error = err instanceof FixFailure ? err.message : `${fix.id}: ${errorMessage(err)}`;
    }
    fixOutcome.finishedAt = options.now().toISOString();
    await options.step(
      'fix-finished',
      `${fix.id}: ${fixOutcome.status}${fixOutcome.error ? ` — ${fixOutcome.error}` : ''}`,
      {
        fixId: fix.id,
        status: fixOutcome.status,
      },
    );
    if (fixOutcome.status === 'failed') break;
  }
  for (const fixOutcome of outcome.fixes)
    if (fixOutcome.status === 'pending') fixOutcome.status = 'not-attempted';
  const failed = outcome.fixes.find((f) => f.status === 'failed');
  outcome.status = failed
    ? 'failed'
    : outcome.fixes.every((f) => f.status === 'applied')
      ? 'succeeded'
      : 'failed';
  if (failed) outcome.error = failed.error;
  else if (outcome.status === 'failed') outcome.error = 'stopped: another node of the wave failed';
  return outcome.status === 'succeeded';
}
