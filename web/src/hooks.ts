/** Reading the API from a component, kept fresh by the live stream. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEvent } from '../../src/model/live';
import { api } from './api';
import { live } from './live';

export interface Resource<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload(): void;
  /** Replaces the data in hand (a patch from a smaller read), until the next reload. */
  update(change: (data: T) => T): void;
}

/** Events that arrive together (a burst of reports) cause one reload, this long after the first. */
const COALESCE_MS = 60;

/**
 * GETs `path` (none when undefined), and again whenever a live event for which `affects`
 * answers true arrives. The last good data stays on the page while a reload runs.
 */
export function useResource<T>(
  path: string | undefined,
  affects: (event: LiveEvent) => boolean = () => false,
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(path !== undefined);
  const generation = useRef(0);
  const affectsRef = useRef(affects);
  affectsRef.current = affects;

  const load = useCallback(() => {
    if (path === undefined) return;
    const mine = ++generation.current;
    setLoading(true);
    api
      .get<T>(path)
      .then((value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (mine === generation.current) setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (mine === generation.current) setLoading(false);
      });
  }, [path]);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = live.onEvent((event) => {
      if (timer || !affectsRef.current(event)) return;
      timer = setTimeout(() => {
        timer = undefined;
        load();
      }, COALESCE_MS);
    });
    // Back from a lost connection: what happened meanwhile was not heard, read it again.
    const stopState = live.onState((state) => {
      if (state === 'live') load();
    });
    return () => {
      stop();
      stopState();
      if (timer) clearTimeout(timer);
    };
  }, [load]);

  const update = useCallback((change: (data: T) => T) => {
    setData((current) => (current === undefined ? current : change(current)));
  }, []);

  return { data, error, loading, reload: load, update };
}

/** One timer per period, for every subscriber: a fleet page has two times per node, a thousand nodes. */
const tickers = new Map<number, { timer: ReturnType<typeof setInterval>; listeners: Set<() => void> }>();

/** The current time, ticking every `ms`, so "3 min ago" stays true on a page left open. */
export function useNow(ms = 10_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = () => setNow(Date.now());
    let ticker = tickers.get(ms);
    if (!ticker) {
      const listeners = new Set<() => void>();
      ticker = { listeners, timer: setInterval(() => listeners.forEach((listener) => listener()), ms) };
      tickers.set(ms, ticker);
    }
    const { listeners, timer } = ticker;
    listeners.add(tick);
    return () => {
      listeners.delete(tick);
      if (listeners.size > 0) return;
      clearInterval(timer);
      tickers.delete(ms);
    };
  }, [ms]);
  return now;
}
