/**
 * A time-series chart: a small Preact wrapper around uPlot. The plot is created on mount, given
 * new data with setData, sized to its container, and destroyed on unmount. Colours are the page's
 * CSS variables, read when the plot is made and again when the theme changes, so it reads in light
 * and dark. The canvas is hidden from screen readers: the figure's caption says what it shows.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { utc } from '../format';

export interface ChartSeries {
  label: string;
  /** A CSS variable of styles.css, e.g. `--error`. */
  color: string;
  values: readonly (number | null)[];
}

export interface ChartProps {
  title: string;
  /** Sampling instants, seconds since the epoch. */
  x: readonly number[];
  series: readonly ChartSeries[];
  /** A CSS variable per sampling instant (or null) to shade the plot's background from that instant to the next. */
  shading?: readonly (string | null)[];
  height?: number;
  /** Said after the latest values in the text summary (e.g. the verdict now). */
  note?: ComponentChildren;
}

/**
 * A palette colour as the canvas needs it, resolved: the variable itself reads back as
 * `light-dark(…, …)`, so an element is given it and its computed colour read.
 */
function cssVar(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  probe.hidden = true;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || 'currentColor';
}

/** Bumps when the theme (the data-theme attribute or the system's scheme) changes. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', bump);
      observer.disconnect();
    };
  }, []);
  return version;
}

function dataOf(props: ChartProps): uPlot.AlignedData {
  return [props.x as number[], ...props.series.map((s) => s.values as (number | null)[])];
}

/** Fills the plot area behind the lines, one band per run of equal shading. */
function shadingHook(shading: () => readonly (string | null)[] | undefined) {
  return (u: uPlot) => {
    const colours = shading();
    const xs = u.data[0];
    if (!colours || xs.length === 0) return;
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    for (let i = 0; i < xs.length; i++) {
      const colour = colours[i];
      if (!colour) continue;
      const from = u.valToPos(xs[i] as number, 'x', true);
      const to = i + 1 < xs.length ? u.valToPos(xs[i + 1] as number, 'x', true) : from + 1;
      ctx.fillStyle = cssVar(colour);
      ctx.fillRect(from, top, Math.max(1, to - from), height);
    }
    ctx.restore();
  };
}

/**
 * The chart as text: each series' value at the last instant, which is what the chart's right
 * edge shows — for screen readers, for tests, and for whoever cannot tell the colours apart.
 */
function LatestValues({ x, series }: Pick<ChartProps, 'x' | 'series'>) {
  const last = x[x.length - 1];
  return (
    <span class="chart-summary">
      {last !== undefined && <>now ({utc(new Date(last * 1000).toISOString())}): </>}
      {series.map((s, index) => {
        const value = s.values[s.values.length - 1];
        return (
          <span key={s.label} data-series={s.label} data-latest={value ?? ''}>
            {index > 0 && ', '}
            {s.label} {value ?? '—'}
          </span>
        );
      })}
    </span>
  );
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;
  const theme = useThemeVersion();
  const height = props.height ?? 200;
  // The shape of the chart (its series) decides when a new plot is needed; new values only setData.
  const shape = props.series.map((s) => `${s.label}:${s.color}`).join('|');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = {
      stroke: cssVar('--muted'),
      grid: { stroke: cssVar('--line'), width: 1 },
      ticks: { show: false },
    };
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      // Counts over time change in steps, between the sampling instants.
      series: [
        {},
        ...latest.current.series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          width: 2,
          paths: uPlot.paths.stepped?.({ align: 1 }),
          points: { show: false },
        })),
      ],
      axes: [axis, { ...axis, size: 40 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      // Labels only: the values at the cursor would repeat the text summary and crowd a small chart.
      legend: { show: true, live: false },
      hooks: { drawClear: [shadingHook(() => latest.current.shading)] },
    };
    const made = new uPlot(options, dataOf(latest.current), element);
    plot.current = made;
    const resize = new ResizeObserver(() =>
      made.setSize({ width: Math.max(200, element.clientWidth), height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = undefined;
    };
  }, [shape, theme, height]);

  useEffect(() => {
    plot.current?.setData(dataOf(props));
  }, [props.x, props.series, props.shading]);

  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>
        <b>{props.title}</b>
        <LatestValues x={props.x} series={props.series} />
        {props.note}
      </figcaption>
      <div class="chart-box" ref={box} aria-hidden="true" />
    </figure>
  );
}
