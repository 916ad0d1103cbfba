/**
 * A run for a person: what was done, what failed (with the command's stderr) and what was not
 * attempted — per node, in wave order — and how to undo it.
 */
import type { Colors } from 'picocolors/types';
import { backupDirOf } from '../../app/enforce/node-files';
import type { FileOutcome, FixOutcome, RunEvent, RunRecord } from '../../model/run';
import type { RunSummary } from '../../store';
import type { CliIo } from '../io';
import { plural } from './findings';
import { displayCommand } from './readiness';

function statusWord(status: string, colors: Colors): string {
  switch (status) {
    case 'succeeded':
    case 'applied':
      return colors.green(status);
    case 'failed':
    case 'abandoned':
      return colors.red(status.toUpperCase());
    case 'refused':
      return colors.yellow('REFUSED');
    default:
      return colors.dim(status);
  }
}

/** `/etc/fstab: 9d9afd7872c7 → 9a9cd2208b73`, or the mode and owners when only they changed. */
function fileLine(file: FileOutcome): string {
  const short = (sha: string | null | undefined) => (sha ? sha.slice(7, 19) : 'absent');
  const { before, after } = file;
  const parts: string[] = [];
  if (before.sha256 !== after?.sha256) parts.push(`${short(before.sha256)} → ${short(after?.sha256)}`);
  if (after?.sha256 && before.sha256) {
    if (before.mode !== after.mode) parts.push(`mode ${before.mode} → ${after.mode}`);
    if (before.uid !== after.uid || before.gid !== after.gid)
      parts.push(`owner ${before.uid}:${before.gid} → ${after.uid}:${after.gid}`);
  }
  return `${file.path}: ${parts.join(', ') || 'unchanged'}${file.backup ? ` (backup ${file.backup})` : ''}`;
}

function fixMark(fix: FixOutcome, colors: Colors): string {
  switch (fix.status) {
    case 'applied':
      return colors.green('✓');
    case 'failed':
      return colors.red('✗');
    case 'dry-run':
      return colors.dim('·');
    default:
      return colors.dim('-');
  }
}

/** One line per progress event, for stderr while a run goes. */
function progressLine(event: RunEvent, colors: Colors): string | undefined {
  if (event.type === 'fix-finished') {
    const mark =
      event.status === 'applied' ? colors.green('✓') : event.status === 'failed' ? colors.red('✗') : '·';
    return `  ${mark} ${event.message}`;
  }
  if (event.type === 'node-started')
    return colors.bold(`${event.node}: ${event.message.replace(`${event.node}: `, '')}`);
  return undefined;
}

/** A run's listener that prints its progress on stderr as it goes; silent with --json. */
export function progressPrinter(io: Pick<CliIo, 'err' | 'colors'>, json: boolean): (event: RunEvent) => void {
  return (event) => {
    const line = progressLine(event, io.colors);
    if (line && !json) io.err(`${line}\n`);
  };
}

export function renderRun(run: RunRecord, colors: Colors): string {
  const lines: string[] = [];
  const kind = run.dryRun ? 'dry run' : 'run';
  const what = run.kind === 'restore' ? ` · restore of ${run.restoreOf}` : '';
  lines.push(
    `${colors.bold(`${kind} ${run.id}`)}${what} · ${run.target} · ${statusWord(run.status, colors)}` +
      colors.dim(
        ` · ${run.trigger} by ${run.actor} via ${run.via} · ${run.startedAt}${run.finishedAt ? ` → ${run.finishedAt}` : ''}`,
      ),
  );
  if (run.reason) lines.push(`  ${run.status === 'succeeded' ? '' : colors.red('reason: ')}${run.reason}`);
  for (const node of run.nodes) {
    lines.push(
      '',
      `${colors.bold(`wave ${node.wave}: ${node.node}`)} ${statusWord(node.status, colors)}${node.where ? colors.dim(` (${node.where})`) : ''}`,
    );
    for (const fix of node.fixes) {
      const verified = fix.verified ? colors.dim(' (verified)') : '';
      const status = run.kind === 'restore' && fix.status === 'applied' ? 'restored' : fix.status;
      lines.push(`  ${fixMark(fix, colors)} ${fix.fixId} ${colors.dim(status)}${verified}`);
      for (const file of fix.files) lines.push(colors.dim(`      ${fileLine(file)}`));
      for (const command of fix.commands)
        lines.push(
          colors.dim(
            `      $ ${displayCommand(command.argv)} → exit ${command.exitCode ?? 'killed'} (${command.ms} ms)`,
          ),
        );
      if (fix.error) lines.push(`      ${colors.red(fix.error)}`);
    }
  }
  const fixes = run.nodes.flatMap((n) => n.fixes);
  const applied = fixes.filter((f) => f.status === 'applied').length;
  const notAttempted = fixes.filter((f) => f.status === 'not-attempted').length;
  lines.push('');
  if (run.dryRun)
    lines.push(
      colors.dim(
        `dry run: nothing was changed (${plural(fixes.length, 'fix')} would be applied); run again with --yes`,
      ),
    );
  else {
    const done =
      run.kind === 'restore' ? plural(applied, 'file') + ' restored' : plural(applied, 'fix') + ' applied';
    lines.push(
      `${done}, ${fixes.filter((f) => f.status === 'failed').length} failed, ${notAttempted} not attempted`,
    );
    const backedUp = run.nodes.some((n) => n.fixes.some((f) => f.files.length > 0));
    if (run.kind === 'apply' && backedUp)
      lines.push(
        colors.dim(
          `backups of every file written are on each node in ${backupDirOf(run.id)}/; put them back with: driftguard restore ${run.id} --yes`,
        ),
      );
  }
  return lines.join('\n') + '\n';
}

export function renderRunList(runs: readonly RunSummary[], colors: Colors): string {
  if (runs.length === 0) return 'no runs yet\n';
  const lines = runs.map(
    (run) =>
      `${run.id}  ${statusWord(run.status, colors).padEnd(18)} ${(run.dryRun ? `${run.kind} (dry)` : run.kind).padEnd(13)} ${run.target.padEnd(18)} ${run.trigger.padEnd(8)} ${run.actor}  ${colors.dim(run.startedAt)}${run.reason ? colors.dim(`  ${run.reason.slice(0, 100)}`) : ''}`,
  );
  return lines.join('\n') + '\n';
}
