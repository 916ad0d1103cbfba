/**
 * A pair's page, to read in an incident and to print: GO or NO-GO and why, the readiness checks
 * with evidence and fixes, the two nodes side by side, and the runbook of the moving parts.
 * Re-read as reports and evaluations of this pair arrive.
 */
import { useState } from 'preact/hooks';
import type { PairParity, RecordedReadiness } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import type { Readiness } from '../../../src/model/readiness';
import type { PairRunbook } from '../../../src/model/runbook';
import { ApiError, api, seg } from '../api';
import { ErrorBox, Loading, PageHeader, Time, VerdictBadge } from '../components/common';
import { ParityView } from '../components/parity-table';
import { ReadinessChecks } from '../components/readiness-checks';
import { RunbookView } from '../components/runbook';
import { plural, utc } from '../format';
import type { Resource } from '../hooks';
import { useResource } from '../hooks';
import { href } from '../router';

/** What changes this page: a report of either node, an evaluation of the pair, a new desired state. */
function affectsPair(name: string) {
  return (event: LiveEvent): boolean =>
    (event.type === 'node-evaluated' && event.pairs.includes(name)) ||
    (event.type === 'readiness' && event.pair === name) ||
    event.type === 'desired';
}

function EvaluateButton({ name, onDone }: { name: string; onDone: () => void }) {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const evaluate = () => {
    setRunning(true);
    setError(undefined);
    api
      .get<Readiness>(`/pairs/${seg(name)}/readiness`)
      .then(onDone)
      .catch((err: unknown) => setError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => setRunning(false));
  };
  return (
    <span class="no-print evaluate">
      <button type="button" class="primary" onClick={evaluate} disabled={running} aria-busy={running}>
        {running ? 'Evaluating…' : 'Evaluate now'}
      </button>
      <span class="muted"> runs every check again, with the probes</span>
      {error && <ErrorBox error={error} />}
    </span>
  );
}

function Verdict({
  readiness,
  name,
  reload,
}: {
  readiness: Resource<RecordedReadiness>;
  name: string;
  reload: () => void;
}) {
  const notYet = readiness.error instanceof ApiError && readiness.error.status === 404;
  const result = readiness.data;
  const failing = result?.checks.filter((check) => check.status === 'fail') ?? [];
  return (
    <section
      class="verdict-panel"
      aria-labelledby="verdict-heading"
      data-verdict={result?.verdict ?? 'none'}
      data-last-evaluated={result?.lastEvaluatedAt}
    >
      <h2 id="verdict-heading">
        Failover readiness <VerdictBadge verdict={result?.verdict} />
      </h2>
      {readiness.error && !notYet && <ErrorBox error={readiness.error} />}
      {notYet && <p>Not evaluated yet.</p>}
      {!result && readiness.loading && <Loading />}
      {result && (
        <>
          <p>
            Last evaluated <Time at={result.lastEvaluatedAt} label="last evaluated" />{' '}
            <span class="muted utc">({utc(result.lastEvaluatedAt)})</span>; this verdict since{' '}
            <Time at={result.evaluatedAt} label="verdict since" />{' '}
            <span class="muted utc">({utc(result.evaluatedAt)})</span>.
          </p>
          {failing.length > 0 ? (
            <>
              <p>
                <b>{plural(failing.length, 'check')} failing</b> — a failover now would meet these:
              </p>
              <ul class="failing">
                {failing.map((check) => (
                  <li key={check.id} data-failing={check.id}>
                    <code>{check.id}</code> — {check.summary}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>Every check passes.</p>
          )}
        </>
      )}
      <EvaluateButton name={name} onDone={reload} />
    </section>
  );
}

export function PairPage({ name }: { name: string }) {
  const affects = affectsPair(name);
  const readiness = useResource<RecordedReadiness>(`/pairs/${seg(name)}/readiness/latest`, affects);
  const parity = useResource<PairParity>(`/pairs/${seg(name)}/parity`, affects);
  const runbook = useResource<PairRunbook>(`/pairs/${seg(name)}/runbook`, affects);
  const primary = runbook.data?.primary ?? parity.data?.primary;
  const secondary = runbook.data?.secondary ?? parity.data?.secondary;

  return (
    <article class="pair-page" data-pair-page={name}>
      <PageHeader title={<>Pair {name}</>}>
        {primary && secondary && (
          <>
            primary <a href={href.node(primary)}>{primary}</a> → secondary{' '}
            <a href={href.node(secondary)}>{secondary}</a>
          </>
        )}
      </PageHeader>
      <Verdict readiness={readiness} name={name} reload={readiness.reload} />

      <section aria-labelledby="checks-heading">
        <h2 id="checks-heading">Readiness checks</h2>
        {readiness.data ? (
          <ReadinessChecks checks={readiness.data.checks} />
        ) : (
          <p class="muted">None recorded yet.</p>
        )}
      </section>

      <section aria-labelledby="parity-heading">
        <h2 id="parity-heading">Primary and secondary side by side</h2>
        {parity.error && <ErrorBox error={parity.error} />}
        {!parity.data && parity.loading && <Loading />}
        {parity.data && (
          <ParityView
            findings={parity.data.findings}
            tally={parity.data.tally}
            primary={parity.data.primary}
            secondary={parity.data.secondary}
          />
        )}
      </section>

      <section aria-labelledby="runbook-heading" class="runbook">
        <h2 id="runbook-heading">Runbook: the moving parts</h2>
        {runbook.error && <ErrorBox error={runbook.error} />}
        {!runbook.data && runbook.loading && <Loading />}
        {runbook.data && <RunbookView runbook={runbook.data} />}
      </section>
    </article>
  );
}
