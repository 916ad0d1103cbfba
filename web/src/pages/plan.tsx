/**
 * One plan, as it will run: wave by wave (a pair's secondary before its primary), every change
 * with its commands and file diffs, then what is left to a person (never applied). An admin
 * approves it (after a confirmation), dry-runs it, and runs it once approved (after a
 * confirmation naming the nodes and the waves). A reader sees the same buttons disabled, with
 * why; the server's own refusal is shown if a call is made anyway.
 */
import { useState } from 'preact/hooks';
import type { WhoAmI } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import type { FileChange, Fix } from '../../../src/model/plan';
import { changesOf } from '../../../src/model/plan';
import { api, seg } from '../api';
import { ErrorBox, PageHeader, Time } from '../components/common';
import { ConfirmDialog } from '../components/confirm';
import { FixView } from '../components/findings';
import { Loaded } from '../components/loaded';
import type { RunStarted, StoredPlan } from '../../../src/model/api';
import { planExpired } from '../enforce-api';
import { plural, utc } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import { useAction } from '../use-action';

/**
 * What a file change without a diff does (content copied from the primary, a removal, a mode or
 * owner): a diff says all of that itself, in its closing line.
 */
function fileNote(file: FileChange): string | undefined {
  if (file.diff) return undefined;
  const notes: string[] = [];
  if (file.copyFrom)
    notes.push(`content copied from ${file.copyFrom.node} (${file.copyFrom.sha256.slice(0, 19)}…)`);
  if (file.remove) notes.push('removed');
  if (file.mode) notes.push(`mode ${file.mode}`);
  if (file.owner || file.group) notes.push(`owner ${file.owner ?? '(kept)'}:${file.group ?? '(kept)'}`);
  return `${file.path}: ${notes.join(', ') || 'written'}`;
}

function FixItem({ fix }: { fix: Fix }) {
  const notes = fix.files.map(fileNote).filter((note): note is string => note !== undefined);
  return (
    <li class="plan-fix" data-fix-id={fix.id}>
      <span class="tag category">{fix.category}</span> <code class="muted">{fix.key}</code>
      <FixView fix={fix} />
      {notes.length > 0 && (
        <ul class="file-notes">
          {notes.map((note) => (
            <li key={note}>
              <code>{note}</code>
            </li>
          ))}
        </ul>
      )}
      {fix.reloadSystemd && (
        <p class="muted">
          then <code>systemctl daemon-reload</code> where systemd runs
        </p>
      )}
    </li>
  );
}

/** "app-b (secondary)", as the waves and the confirmation name the nodes. */
function nodeLabel(stored: StoredPlan, node: string): string {
  const role = stored.plan.nodes.find((n) => n.node === node)?.role;
  return role ? `${node} (${role})` : node;
}

function Waves({ stored }: { stored: StoredPlan }) {
  const { plan } = stored;
  if (changesOf(plan).length === 0)
    return <p class="muted">Nothing to change: the nodes match the desired state.</p>;
  return (
    <>
      {plan.waves.map((wave, index) => (
        <section key={index} class="wave" aria-labelledby={`wave-${index + 1}`} data-wave={index + 1}>
          <h3 id={`wave-${index + 1}`}>
            Wave {index + 1}: {wave.map((node) => nodeLabel(stored, node)).join(', ')}
          </h3>
          <ol class="plan-fixes">
            {changesOf(plan)
              .filter((fix) => wave.includes(fix.node))
              .map((fix) => (
                <FixItem key={fix.id} fix={fix} />
              ))}
          </ol>
        </section>
      ))}
    </>
  );
}

type Confirming = 'approve' | 'run' | undefined;

function PlanActions({ stored, who, reload }: { stored: StoredPlan; who: WhoAmI; reload: () => void }) {
  const [confirming, setConfirming] = useState<Confirming>(undefined);
  const action = useAction();
  const isAdmin = who.role === 'admin';
  const approved = stored.approvedAt !== undefined;
  const expired = planExpired(stored);
  const path = `/plans/${seg(stored.id)}`;
  const changes = changesOf(stored.plan);

  // No role check in the handlers: the server decides, and its refusal is shown as it says it.
  const approve = async () => {
    if (await action.run(() => api.post<StoredPlan>(`${path}/approve`))) reload();
  };
  const start = async (dryRun: boolean) => {
    const started = await action.run(() => api.post<RunStarted>(`${path}/run`, { dryRun }));
    if (started) location.hash = href.run(started.run.id);
  };

  return (
    <section class="plan-actions no-print" aria-label="Approve and run">
      <div class="buttons">
        <button
          type="button"
          disabled={!isAdmin || approved || expired || action.busy}
          onClick={() => setConfirming('approve')}
          data-action="approve"
        >
          Approve…
        </button>
        <button
          type="button"
          disabled={!isAdmin || expired || action.busy}
          onClick={() => void start(true)}
          data-action="dry-run"
        >
          Dry run
        </button>
        <button
          type="button"
          class="primary"
          disabled={!isAdmin || !approved || expired || action.busy}
          onClick={() => setConfirming('run')}
          data-action="run"
        >
          Run…
        </button>
        {action.busy && <span class="muted">asking the server…</span>}
      </div>
      {!isAdmin && (
        <p class="note" data-needs-admin>
          Approving and running a plan needs an admin token; you are signed in as {who.role}.
        </p>
      )}
      {isAdmin && expired && <p class="note">This plan has expired: make a new one from the Runs page.</p>}
      {isAdmin && !approved && !expired && (
        <p class="note">
          A dry run needs no approval and changes nothing. Run is possible once the plan is approved.
        </p>
      )}
      {action.error && <ErrorBox error={action.error} />}

      <ConfirmDialog
        open={confirming === 'approve'}
        title={`Approve plan ${stored.id}?`}
        confirmLabel="Approve"
        onConfirm={() => void approve()}
        onClose={() => setConfirming(undefined)}
      >
        <p>
          {plural(changes.length, 'change')} on {stored.plan.waves.flat().join(', ')} for {stored.target},
          plan hash <code>{stored.hash}</code>.
        </p>
        <p>Approving runs nothing. The plan can then be run until it expires ({utc(stored.expiresAt)}).</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'run'}
        title={`Run plan ${stored.id} for real?`}
        confirmLabel="Run it"
        onConfirm={() => void start(false)}
        onClose={() => setConfirming(undefined)}
      >
        <p>This changes the nodes, one wave at a time, each verified before the next:</p>
        <ol data-confirm-waves>
          {stored.plan.waves.map((wave, index) => (
            <li key={index}>
              wave {index + 1}:{' '}
              {wave
                .map(
                  (node) =>
                    `${nodeLabel(stored, node)} — ${plural(changesOf(stored.plan, node).length, 'change')}`,
                )
                .join('; ')}
            </li>
          ))}
        </ol>
        <p>
          Every file is backed up on its node before it is written; the run stops at the first failure and
          says what was not attempted.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function PlanFacts({ stored }: { stored: StoredPlan }) {
  return (
    <dl class="facts">
      <dt>Hash</dt>
      <dd>
        <code data-plan-hash>{stored.hash}</code>
      </dd>
      <dt>Made</dt>
      <dd>
        by {stored.createdBy}, <Time at={stored.createdAt} label="made" /> ({utc(stored.createdAt)})
      </dd>
      <dt>From the states</dt>
      <dd>
        {stored.plan.nodes.map((node) => (
          <span key={node.node} class="pair-ref">
            <a href={href.node(node.node)}>{node.node}</a> collected{' '}
            <Time at={node.collectedAt} label="collected" />
          </span>
        ))}
      </dd>
      <dt>Expires</dt>
      <dd data-expired={planExpired(stored)}>
        {planExpired(stored) ? (
          <span class="tag stale-tag">expired</span>
        ) : (
          <Time at={stored.expiresAt} label="expires" />
        )}{' '}
        ({utc(stored.expiresAt)})
      </dd>
      <dt>Approval</dt>
      <dd data-approved={stored.approvedAt !== undefined}>
        {stored.approvedAt ? (
          <>
            approved by {stored.approvedBy}, <Time at={stored.approvedAt} label="approved" />
          </>
        ) : (
          <span class="muted">not approved</span>
        )}
      </dd>
    </dl>
  );
}

export function PlanPage({ id, who }: { id: string; who: WhoAmI }) {
  const resource = useResource<StoredPlan>(
    `/plans/${seg(id)}`,
    (event: LiveEvent) => event.type === 'plan' && event.planId === id,
  );
  return (
    <>
      <PageHeader title={`Plan ${id}`}>
        {resource.data && (
          <>
            {resource.data.target} via {resource.data.via} ·{' '}
            {plural(changesOf(resource.data.plan).length, 'change')} on{' '}
            {plural(resource.data.plan.waves.flat().length, 'node')} in{' '}
            {plural(resource.data.plan.waves.length, 'wave')}
          </>
        )}
      </PageHeader>
      <Loaded resource={resource}>
        {(stored) => {
          const advice = stored.plan.fixes.filter((fix) => fix.action === 'advice');
          return (
            <>
              <PlanFacts stored={stored} />
              <PlanActions stored={stored} who={who} reload={resource.reload} />
              <section aria-labelledby="changes">
                <h2 id="changes">Changes, wave by wave</h2>
                <Waves stored={stored} />
              </section>
              <section aria-labelledby="advice" data-advice>
                <h2 id="advice">For a person — never applied ({advice.length})</h2>
                {advice.length === 0 ? (
                  <p class="muted">None.</p>
                ) : (
                  <ul class="plan-fixes">
                    {advice.map((fix) => (
                      <FixItem key={fix.id} fix={fix} />
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
