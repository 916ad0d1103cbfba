/**
 * One run: its progress as it happens (the run's event stream), then per node in wave order
 * every fix with its outcome, files before and after, commands with the stderr of a failure,
 * and what was not attempted. An admin may put back the files a run wrote: a dry run of the
 * restore first, then the restore after a confirmation.
 */
import { useState } from 'preact/hooks';
import type { WhoAmI } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import type {
  CommandOutcome,
  FileOutcome,
  FileSnapshot,
  FixOutcome,
  NodeOutcome,
  RunRecord,
} from '../../../src/model/run';
import { api, seg } from '../api';
import { ErrorBox, PageHeader, Time } from '../components/common';
import { ConfirmDialog } from '../components/confirm';
import { quoteArg } from '../components/findings';
import { Loaded } from '../components/loaded';
import { DryRunTag, Elapsed, StatusBadge } from '../components/run-status';
import { plural, utc } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import { useAction } from '../use-action';
import type { RunProgress } from '../use-run-events';
import { useRunEvents } from '../use-run-events';

const short = (sha: string | null | undefined) => (sha ? sha.replace(/^sha256:/, '').slice(0, 12) : 'absent');

/** `9d9afd7872c7 → 9a9cd2208b73, mode 0644 → 0640`: what changed of a file (as `runs show` says it). */
function fileChange(before: FileSnapshot, after: FileSnapshot | undefined): string {
  if (!after) return `${short(before.sha256)} (not written)`;
  const parts: string[] = [];
  if (before.sha256 !== after.sha256) parts.push(`${short(before.sha256)} → ${short(after.sha256)}`);
  if (before.sha256 && after.sha256) {
    if (before.mode !== after.mode) parts.push(`mode ${before.mode} → ${after.mode}`);
    if (before.uid !== after.uid || before.gid !== after.gid)
      parts.push(`owner ${before.uid}:${before.gid} → ${after.uid}:${after.gid}`);
  }
  return parts.join(', ') || 'unchanged';
}

function FileLine({ file }: { file: FileOutcome }) {
  return (
    <li>
      <code>{file.path}</code>: {fileChange(file.before, file.after)}
      {file.backup && <span class="muted"> (backup {file.backup})</span>}
    </li>
  );
}

function CommandLine({ command }: { command: CommandOutcome }) {
  const failed = command.exitCode !== 0;
  return (
    <li class={failed ? 'failed-command' : ''}>
      <code>$ {command.argv.map(quoteArg).join(' ')}</code>{' '}
      <span class={failed ? 'bad-text' : 'muted'}>
        → exit {command.exitCode ?? 'killed'} ({command.ms} ms)
      </span>
      {command.stderr && (
        <pre class="stderr" aria-label="its standard error">
          {command.stderr}
        </pre>
      )}
    </li>
  );
}

function FixOutcomeItem({ fix, restore }: { fix: FixOutcome; restore: boolean }) {
  return (
    <li class={`fix-outcome ${fix.status}`} data-fix-id={fix.fixId} data-fix-status={fix.status}>
      <StatusBadge status={restore && fix.status === 'applied' ? 'restored' : fix.status} />{' '}
      <code>{fix.fixId}</code> {fix.description}
      {fix.verified !== undefined && (
        <span class={fix.verified ? 'muted' : 'bad-text'}>
          {' '}
          · {fix.verified ? 'verified' : 'not verified'}
        </span>
      )}
      {fix.files.length > 0 && (
        <ul class="outcome-files" aria-label="files before and after">
          {fix.files.map((file) => (
            <FileLine key={file.path} file={file} />
          ))}
        </ul>
      )}
      {fix.commands.length > 0 && (
        <ul class="outcome-commands" aria-label="commands run">
          {fix.commands.map((command, index) => (
            <CommandLine key={index} command={command} />
          ))}
        </ul>
      )}
      {fix.error && <p class="error-box">{fix.error}</p>}
    </li>
  );
}

function NodeSection({ node, run }: { node: NodeOutcome; run: RunRecord }) {
  return (
    <section
      class="run-node"
      aria-labelledby={`node-${node.node}`}
      data-node={node.node}
      data-node-status={node.status}
    >
      <h3 id={`node-${node.node}`}>
        Wave {node.wave}: <a href={href.node(node.node)}>{node.node}</a> <StatusBadge status={node.status} />
        {node.where && <span class="muted"> on {node.where}</span>}
      </h3>
      {node.error && <p class="error-box">{node.error}</p>}
      {node.backupDir && <p class="muted">Backups in {node.backupDir}</p>}
      {node.fixes.length === 0 ? (
        <p class="muted">No fixes for this node.</p>
      ) : (
        <ol class="fix-outcomes">
          {node.fixes.map((fix) => (
            <FixOutcomeItem key={fix.fixId} fix={fix} restore={run.kind === 'restore'} />
          ))}
        </ol>
      )}
    </section>
  );
}

const fixCount = (n: number) => plural(n, 'fix', 'fixes');

/** One line on the whole run, as `runs show` ends. */
function Summary({ run }: { run: RunRecord }) {
  const fixes = run.nodes.flatMap((node) => node.fixes);
  const count = (status: FixOutcome['status']) => fixes.filter((fix) => fix.status === status).length;
  if (run.status === 'running') return <p data-summary>Running: {count('applied')} applied so far.</p>;
  if (run.dryRun)
    return (
      <p data-summary>
        Dry run: nothing was changed ({fixCount(fixes.length)} would be{' '}
        {run.kind === 'restore' ? 'restored' : 'applied'}).
      </p>
    );
  const done =
    run.kind === 'restore'
      ? `${plural(count('applied'), 'file')} restored`
      : `${fixCount(count('applied'))} applied`;
  return (
    <p data-summary>
      {done}, {count('failed')} failed, {count('not-attempted')} not attempted.
    </p>
  );
}

function NotAttempted({ run }: { run: RunRecord }) {
  const left = run.nodes.flatMap((node) =>
    node.fixes.filter((fix) => fix.status === 'not-attempted').map((fix) => ({ node: node.node, fix })),
  );
  if (left.length === 0) return null;
  return (
    <section aria-labelledby="not-attempted" data-not-attempted>
      <h2 id="not-attempted">Not attempted ({left.length})</h2>
      <ul>
        {left.map(({ node, fix }) => (
          <li key={fix.fixId}>
            {node}: <code>{fix.fixId}</code> {fix.description}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Progress({ progress, running }: { progress: RunProgress; running: boolean }) {
  return (
    <section aria-labelledby="progress">
      <h2 id="progress">
        Progress{' '}
        <span class="muted" data-stream={progress.state}>
          {progress.state === 'reading'
            ? running
              ? '(following live…)'
              : '(reading…)'
            : progress.state === 'lost'
              ? '(stream lost)'
              : ''}
        </span>
      </h2>
      {progress.error && <ErrorBox error={progress.error} />}
      <ol class="run-progress" aria-live="polite" data-progress>
        {progress.events.map((event) => (
          <li key={event.seq} data-event={event.type}>
            <time dateTime={event.at} class="muted">
              {utc(event.at)}
            </time>{' '}
            {event.status && <StatusBadge status={event.status} />} {event.message}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The files a run backed up before writing them: what a restore puts back. */
function backedUp(run: RunRecord): (FileOutcome & { node: string })[] {
  return run.nodes.flatMap((node) =>
    node.fixes.flatMap((fix) =>
      fix.files.filter((file) => file.backup).map((file) => ({ ...file, node: node.node })),
    ),
  );
}

/** The restore of a run's files: a dry run first, then (confirmed) for real; each is a run of its own. */
function RestorePanel({ run, who }: { run: RunRecord; who: WhoAmI }) {
  const action = useAction();
  const [rehearsal, setRehearsal] = useState<RunRecord | undefined>(undefined);
  const [restored, setRestored] = useState<RunRecord | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const isAdmin = who.role === 'admin';
  const backups = backedUp(run);
  const restore = (dryRun: boolean) =>
    action.run(() => api.post<RunRecord>(`/runs/${seg(run.id)}/restore`, { dryRun }));
  return (
    <section aria-labelledby="restore" class="no-print" data-restore>
      <h2 id="restore">Restore</h2>
      <p>
        Puts back the {plural(backups.length, 'backed-up file')} this run wrote, byte for byte, with their
        mode and owner.
      </p>
      <div class="buttons">
        <button
          type="button"
          disabled={!isAdmin || action.busy}
          onClick={() => void restore(true).then((record) => record && setRehearsal(record))}
        >
          Dry-run the restore
        </button>
        <button
          type="button"
          class="primary"
          disabled={!isAdmin || action.busy || rehearsal?.status !== 'succeeded' || restored !== undefined}
          onClick={() => setConfirming(true)}
        >
          Restore…
        </button>
      </div>
      {!isAdmin && <p class="note">Restoring needs an admin token; you are signed in as {who.role}.</p>}
      {isAdmin && !rehearsal && <p class="note">Restore is possible after its dry run succeeds.</p>}
      {rehearsal && (
        <p data-rehearsal>
          Dry run of the restore:{' '}
          <a href={href.run(rehearsal.id)} data-run-link={rehearsal.id}>
            {rehearsal.id}
          </a>{' '}
          <StatusBadge status={rehearsal.status} />
          {rehearsal.reason && ` — ${rehearsal.reason}`}
        </p>
      )}
      {restored && (
        <p data-restored>
          Restore:{' '}
          <a href={href.run(restored.id)} data-run-link={restored.id}>
            {restored.id}
          </a>{' '}
          <StatusBadge status={restored.status} />
          {restored.reason && ` — ${restored.reason}`}
        </p>
      )}
      {action.error && <ErrorBox error={action.error} />}
      <ConfirmDialog
        open={confirming}
        title={`Restore the files of run ${run.id}?`}
        confirmLabel="Restore"
        onConfirm={() => void restore(false).then((record) => record && setRestored(record))}
        onClose={() => setConfirming(false)}
      >
        <p>
          This writes the backed-up files back on {[...new Set(backups.map((file) => file.node))].join(', ')}.
          Commands the run ran (packages installed, units enabled) are not undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function RunFacts({ run }: { run: RunRecord }) {
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={run.status} /> <DryRunTag dryRun={run.dryRun} />
      </dd>
      <dt>Who</dt>
      <dd>
        {run.actor}{' '}
        <span class="muted">
          ({run.trigger}, via {run.via})
        </span>
      </dd>
      <dt>When</dt>
      <dd>
        {utc(run.startedAt)} (<Time at={run.startedAt} label="started" />
        ), took <Elapsed from={run.startedAt} to={run.finishedAt} />
      </dd>
      {run.planId && (
        <>
          <dt>Plan</dt>
          <dd>
            <a href={href.plan(run.planId)} class="mono">
              {run.planId}
            </a>{' '}
            {run.planHash && <code class="muted">{run.planHash}</code>}
          </dd>
        </>
      )}
      {run.restoreOf && (
        <>
          <dt>Restore of</dt>
          <dd>
            <a href={href.run(run.restoreOf)} class="mono">
              {run.restoreOf}
            </a>
          </dd>
        </>
      )}
    </dl>
  );
}

export function RunPage({ id, who }: { id: string; who: WhoAmI }) {
  const resource = useResource<RunRecord>(
    `/runs/${seg(id)}`,
    (event: LiveEvent) => event.type === 'run' && event.runId === id,
  );
  // Each step the stream reports is read back from the run's record, which has the outcomes.
  const progress = useRunEvents(id, resource.reload);
  const title = (run: RunRecord | undefined) =>
    `${run?.kind === 'restore' ? 'Restore' : run?.dryRun ? 'Dry run' : 'Run'} ${id}`;
  return (
    <>
      <PageHeader title={title(resource.data)}>{resource.data?.target}</PageHeader>
      <Loaded resource={resource}>
        {(run) => (
          <>
            <RunFacts run={run} />
            {run.reason && (
              <p class={run.status === 'succeeded' ? 'note' : 'error-box'} data-reason>
                {run.reason}
              </p>
            )}
            <Summary run={run} />
            <Progress progress={progress} running={run.status === 'running'} />
            <section aria-labelledby="nodes">
              <h2 id="nodes">Nodes, wave by wave</h2>
              {run.nodes.length === 0 ? (
                <p class="muted">No node was reached.</p>
              ) : (
                run.nodes.map((node) => <NodeSection key={node.node} node={node} run={run} />)
              )}
            </section>
            <NotAttempted run={run} />
            {run.kind === 'apply' &&
              !run.dryRun &&
              run.status !== 'running' &&
              run.via !== 'agent' &&
              backedUp(run).length > 0 && <RestorePanel run={run} who={who} />}
            {run.kind === 'apply' && !run.dryRun && run.via === 'agent' && (
              <p class="note">
                This run went through the nodes' agents: its backups are restored on the node itself (
                <code>driftguard restore {run.id} --via local</code>).
              </p>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
