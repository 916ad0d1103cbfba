/**
 * One API call a person starts with a button (approve, run, make a plan, restore): whether it is
 * under way, so the button can say so and not be pressed twice, and the server's refusal in its
 * own words (a 403's "needs an admin token", a 409's "locked by run …").
 */
import { useCallback, useState } from 'preact/hooks';

export interface Action {
  busy: boolean;
  error?: Error;
  /** Runs `call`; resolves with its value, or undefined when it failed (the error is kept). */
  run<T>(call: () => Promise<T>): Promise<T | undefined>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const run = useCallback(async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await call();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, run, ...(error ? { error } : {}) };
}
