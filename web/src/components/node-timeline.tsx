/**
 * The node's history in a chosen window (timeline of findings, collected content and verdicts),
 * and, for the secondary of a pair, what changed on it since the pair last said GO.
 */
import { useMemo, useState } from 'preact/hooks';
import type { CategoryVersion, ReadinessHistory, TimedFinding } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import { seg } from '../api';
import { utc } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import type { TimelineEntry } from '../timeline';
import { buildTimeline } from '../timeline';
import { ErrorBox, Loading, Time, VerdictBadge } from './common';
import { FindingList } from './findings';
import type { TimeWindow } from './window-choice';
import { WINDOWS, WindowChoice, useSince } from './window-choice';

const TIMELINE_WINDOWS = [WINDOWS['1h'], WINDOWS['24h'], WINDOWS['7d'], WINDOWS['30d']];

/** Events that change what a node's pages show: its reports and its evaluations. */
export const aboutNode = (name: string) => (event: LiveEvent) =>
  (event.type === 'node-reported' || event.type === 'node-evaluated') && event.node === name;

const aboutPair = (node: string, pair: string) => (event: LiveEvent) =>
  aboutNode(node)(event) || (event.type === 'readiness' && event.changed && event.pair === pair);

function EntryText({ entry }: { entry: TimelineEntry }) {
  switch (entry.kind) {
    case 'opened':
    case 'resolved':
      return (
        <>
          <span class={`badge ${entry.finding.severity}`}>{entry.finding.severity}</span>{' '}
          <span class="entry-kind">{entry.kind === 'opened' ? 'Opened' : 'Resolved'}:</span>{' '}
          {entry.finding.message} <span class="muted">({entry.finding.category})</span>
        </>
      );
    case 'collected':
      return (
        <>
          <span class="entry-kind">New content collected:</span> {entry.categories.join(', ')}
        </>
      );
    case 'verdict':
      return (
        <>
          <span class="entry-kind">
            Pair <a href={href.pair(entry.pair)}>{entry.pair}</a> said
          </span>{' '}
          <VerdictBadge verdict={entry.brief.verdict} />
          {entry.brief.failing.length > 0 && (
            <span class="muted"> — failing: {entry.brief.failing.join(', ')}</span>
          )}
        </>
      );
  }
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <p class="muted">Nothing changed in this window.</p>;
  return (
    <ol class="timeline" aria-label="Timeline, newest first">
      {entries.map((entry, index) => (
        <li
          key={`${entry.kind}|${entry.at}|${index}`}
          class={`entry entry-${entry.kind}`}
          data-kind={entry.kind}
          data-key={'finding' in entry ? `${entry.finding.category}|${entry.finding.key}` : undefined}
        >
          <time dateTime={entry.at} class="mono">
            {utc(entry.at)}
          </time>{' '}
          <span class="muted">
            (<Time at={entry.at} />)
          </span>{' '}
          <EntryText entry={entry} />
        </li>
      ))}
    </ol>
  );
}

/** The runbook question: the pair last said GO at T; this is what changed on its secondary since. */
function SinceLastGo({ node, pair, history }: { node: string; pair: string; history: ReadinessHistory }) {
  const changes = history.secondaryChangesSinceLastGo;
  return (
    <section class="since-go" data-pair={pair} aria-labelledby={`since-go-${pair}`}>
      <h3 id={`since-go-${pair}`}>
        Since <a href={href.pair(pair)}>{pair}</a> last said GO
      </h3>
      <p>
        Now: <VerdictBadge verdict={history.current?.verdict} />
        {history.current && (
          <>
            {' '}
            since <Time at={history.current.evaluatedAt} label="verdict since" />
            {history.current.failing.length > 0 && (
              <span class="muted"> — failing: {history.current.failing.join(', ')}</span>
            )}
          </>
        )}
      </p>
      {!history.lastGo ? (
        <p data-last-go="never">
          {pair} has not said GO since its readiness was first recorded: there is no known-good point to
          compare {node} with. The timeline below shows everything recorded in the window.
        </p>
      ) : (
        <>
          <p data-last-go={history.lastGo.lastEvaluatedAt}>
            Last GO: from <span class="mono">{utc(history.lastGo.evaluatedAt)}</span> until{' '}
            <span class="mono">{utc(history.lastGo.lastEvaluatedAt)}</span> (
            <Time at={history.lastGo.lastEvaluatedAt} label="last GO" />
            ).
          </p>
          {changes && (
            <>
              <p>
                Collected on {node} since then:{' '}
                {changes.versions.length === 0
                  ? 'nothing new.'
                  : changes.versions.map((v: CategoryVersion, i) => (
                      <span key={`${v.category}|${v.collectedAt}`}>
                        {i > 0 && ', '}
                        {v.category} at <span class="mono">{utc(v.collectedAt)}</span>
                      </span>
                    ))}
              </p>
              <h4>Differences on {node}, then → now</h4>
              <FindingList findings={changes.differences} empty={`${node} is as it was at the last GO.`} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function PairSinceGo({ node, pair }: { node: string; pair: string }) {
  const history = useResource<ReadinessHistory>(
    `/pairs/${seg(pair)}/readiness/history`,
    aboutPair(node, pair),
  );
  if (history.error) return <ErrorBox error={history.error} />;
  if (!history.data) return <Loading />;
  return <SinceLastGo node={node} pair={pair} history={history.data} />;
}

export function NodeHistory({ node, secondaryOf }: { node: string; secondaryOf: readonly string[] }) {
  const [window, setWindow] = useState<TimeWindow>(WINDOWS['7d']);
  const since = useSince(window);
  const affects = aboutNode(node);
  const query = `since=${encodeURIComponent(since)}`;
  const timeline = useResource<{ findings: TimedFinding[] }>(
    `/nodes/${seg(node)}/timeline?${query}`,
    affects,
  );
  const versions = useResource<{ versions: CategoryVersion[] }>(
    `/nodes/${seg(node)}/history?${query}`,
    affects,
  );
  // The pair it is the secondary of (a node is, of one pair, in practice): its last GO, and its
  // verdict changes in the timeline. Any further pair gets its own "since last GO" below.
  const [pair, ...otherPairs] = secondaryOf;
  const readiness = useResource<ReadinessHistory>(
    pair ? `/pairs/${seg(pair)}/readiness/history` : undefined,
    pair ? aboutPair(node, pair) : undefined,
  );
  const entries = useMemo(
    () =>
      timeline.data && versions.data
        ? buildTimeline(
            since,
            timeline.data.findings,
            versions.data.versions,
            readiness.data ? [{ pair: readiness.data.pair, history: readiness.data.history }] : [],
          )
        : undefined,
    [since, timeline.data, versions.data, readiness.data],
  );
  const error = timeline.error ?? versions.error;
  return (
    <>
      {pair && readiness.error && <ErrorBox error={readiness.error} />}
      {pair && readiness.data && <SinceLastGo node={node} pair={pair} history={readiness.data} />}
      {otherPairs.map((other) => (
        <PairSinceGo key={other} node={node} pair={other} />
      ))}
      <section aria-labelledby="timeline-title">
        <h3 id="timeline-title">Timeline</h3>
        <WindowChoice legend="Window" windows={TIMELINE_WINDOWS} value={window} onChange={setWindow} />
        <p class="muted note">
          Since <span class="mono">{utc(since)}</span>: findings opened and resolved, content collected per
          category{pair ? `, and the verdicts of ${pair}` : ''}. Newest first.
        </p>
        {error && <ErrorBox error={error} />}
        {entries ? <Timeline entries={entries} /> : !error && <Loading />}
      </section>
    </>
  );
}
