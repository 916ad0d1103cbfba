/**
 * The progress of one run from its event stream (`GET /runs/:id/events`): the server replays
 * what happened so far, then sends each step as it happens and ends the stream with the run.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunEvent } from '../../src/model/run';
import { seg } from './api';
import { readEventStream } from './sse';

export type StreamState = 'reading' | 'ended' | 'lost';

export interface RunProgress {
  events: RunEvent[];
  state: StreamState;
  error?: Error;
}

/** Reads the run's events; `onEvent` is told of each one as it arrives (the page re-reads the run). */
export function useRunEvents(runId: string, onEvent: (event: RunEvent) => void): RunProgress {
  const [progress, setProgress] = useState<RunProgress>({ events: [], state: 'reading' });
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  useEffect(() => {
    const abort = new AbortController();
    setProgress({ events: [], state: 'reading' });
    readEventStream(
      `/api/v1/runs/${seg(runId)}/events`,
      (message) => {
        const event = JSON.parse(message.data) as RunEvent;
        setProgress((before) => ({ ...before, events: [...before.events, event] }));
        onEventRef.current(event);
      },
      abort.signal,
    )
      .then(() => setProgress((before) => ({ ...before, state: 'ended' })))
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        const error = err instanceof Error ? err : new Error(String(err));
        setProgress((before) => ({ ...before, state: 'lost', error }));
      });
    return () => abort.abort();
  }, [runId]);
  return progress;
}
