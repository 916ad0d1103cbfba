/**
 * A choice of time window ("the last 24 h") as native radio buttons: keyboard-usable as they are,
 * and one place that turns the choice into a `since` instant. The node timeline and the trends
 * page use it; any page with a "since when" can.
 */
import { useMemo } from 'preact/hooks';
import { serverNow } from '../format';

export interface TimeWindow {
  id: string;
  label: string;
  ms: number;
}

const HOUR = 3_600_000;
export const WINDOWS = {
  '1h': { id: '1h', label: '1 h', ms: HOUR },
  '24h': { id: '24h', label: '24 h', ms: 24 * HOUR },
  '7d': { id: '7d', label: '7 d', ms: 7 * 24 * HOUR },
  '30d': { id: '30d', label: '30 d', ms: 30 * 24 * HOUR },
} satisfies Record<string, TimeWindow>;

export function WindowChoice({
  legend,
  windows,
  value,
  onChange,
}: {
  legend: string;
  windows: readonly TimeWindow[];
  value: TimeWindow;
  onChange: (window: TimeWindow) => void;
}) {
  // One radio group per use on a page: the name keeps groups apart.
  const name = `window-${legend.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <fieldset class="window-choice">
      <legend>{legend}</legend>
      {windows.map((window) => (
        <label key={window.id}>
          <input
            type="radio"
            name={name}
            value={window.id}
            checked={window.id === value.id}
            onChange={() => onChange(window)}
          />{' '}
          {window.label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The start of the window, by the server's clock, fixed when the window is chosen: a path built
 * from it stays the same across renders, so live reloads re-read the same window (grown by the
 * minutes since) instead of every render fetching anew.
 */
export function useSince(window: TimeWindow): string {
  return useMemo(() => new Date(serverNow() - window.ms).toISOString(), [window]);
}
