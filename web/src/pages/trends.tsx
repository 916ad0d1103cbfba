/**
 * Trends: the fleet's open drift and parity findings and its pairs GO / NO-GO over a window, and
 * per pair its parity differences with its verdict as the background. Each chart says its latest
 * values in text too.
 */
import { useMemo, useState } from 'preact/hooks';
import type { SeveritySeries, Trends } from '../../../src/model/api';
import type { LiveEvent } from '../../../src/model/live';
import type { Verdict } from '../../../src/model/readiness';
import type { ChartSeries } from '../components/chart';
import { Chart } from '../components/chart';
import { ErrorBox, Loading, PageHeader, SEVERITIES, VerdictBadge } from '../components/common';
import type { TimeWindow } from '../components/window-choice';
import { WINDOWS, WindowChoice, useSince } from '../components/window-choice';
import { useResource } from '../hooks';
import { href } from '../router';

const TREND_WINDOWS = [WINDOWS['24h'], WINDOWS['7d'], WINDOWS['30d']];
/** One instant every 1/120 of the window: 12 min over a day, 6 h over 30 days. */
const POINTS = 120;

const trendEvents = (event: LiveEvent) =>
  event.type === 'node-evaluated' ||
  (event.type === 'readiness' && event.changed) ||
  event.type === 'desired';

const SEVERITY_COLOUR = { error: '--error', warning: '--warning', info: '--info' } as const;
const VERDICT_SHADE: Record<Verdict, string> = { GO: '--go-bg', 'NO-GO': '--error-bg' };

function severitySeries(series: SeveritySeries): ChartSeries[] {
  return SEVERITIES.map((severity) => ({
    label: severity,
    color: SEVERITY_COLOUR[severity],
    values: series[severity],
  }));
}

function PairChart({
  name,
  points,
  pair,
}: {
  name: string;
  points: number[];
  pair: Trends['pairs'][string];
}) {
  const series = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'parity differences',
        color: '--fg',
        values: pair.parity.error.map(
          (errors, i) => errors + (pair.parity.warning[i] ?? 0) + (pair.parity.info[i] ?? 0),
        ),
      },
    ],
    [pair],
  );
  const shading = useMemo(() => pair.verdict.map((v) => (v ? VERDICT_SHADE[v] : null)), [pair]);
  const now = pair.verdict[pair.verdict.length - 1] ?? undefined;
  return (
    <div class="pair-trend" data-pair={name}>
      <Chart
        title={name}
        x={points}
        series={series}
        shading={shading}
        height={120}
        note={
          <span data-verdict={now ?? ''}>
            verdict now <VerdictBadge verdict={now} /> · <a href={href.pair(name)}>pair page</a>
          </span>
        }
      />
    </div>
  );
}

function TrendCharts({ trends }: { trends: Trends }) {
  const drift = useMemo(() => severitySeries(trends.drift), [trends]);
  const parity = useMemo(() => severitySeries(trends.parity), [trends]);
  const readiness = useMemo<ChartSeries[]>(
    () => [
      { label: 'GO', color: '--go', values: trends.readiness.go },
      { label: 'NO-GO', color: '--error', values: trends.readiness.noGo },
    ],
    [trends],
  );
  const pairs = Object.entries(trends.pairs);
  return (
    <>
      <section aria-labelledby="fleet-trends-title">
        <h2 id="fleet-trends-title">Fleet</h2>
        <div class="chart-grid">
          <Chart title="Drift findings, all nodes" x={trends.points} series={drift} />
          <Chart title="Parity differences, all pairs" x={trends.points} series={parity} />
          <Chart title="Pairs GO and NO-GO" x={trends.points} series={readiness} />
        </div>
      </section>
      <section aria-labelledby="pair-trends-title">
        <h2 id="pair-trends-title">Pairs</h2>
        <p class="muted note">
          Each pair's open parity differences; the background is its verdict (green GO, red NO-GO, none before
          its first evaluation).
        </p>
        {pairs.length === 0 && <p class="muted">No pairs.</p>}
        <div class="chart-grid small">
          {pairs.map(([name, pair]) => (
            <PairChart key={name} name={name} points={trends.points} pair={pair} />
          ))}
        </div>
      </section>
    </>
  );
}

export function TrendsPage() {
  const [window, setWindow] = useState<TimeWindow>(WINDOWS['7d']);
  const since = useSince(window);
  const trends = useResource<Trends>(
    `/trends?since=${encodeURIComponent(since)}&points=${POINTS}`,
    trendEvents,
  );
  return (
    <>
      <PageHeader title="Trends">
        Open findings and readiness over time, sampled {POINTS} times in the window.
      </PageHeader>
      <div class="filters">
        <WindowChoice legend="Window" windows={TREND_WINDOWS} value={window} onChange={setWindow} />
      </div>
      {trends.error && <ErrorBox error={trends.error} />}
      {!trends.data && !trends.error && <Loading />}
      {trends.data && <TrendCharts trends={trends.data} />}
    </>
  );
}
