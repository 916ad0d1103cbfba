/**
 * Deep links for every page, in the URL's fragment (`/#/pairs/pypi`) so the server serves one
 * file and any link can be pasted into an incident channel.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'fleet' }
  | { page: 'pair'; name: string }
  | { page: 'node'; name: string }
  | { page: 'runs' }
  | { page: 'run'; id: string }
  | { page: 'plan'; id: string }
  | { page: 'trends' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (parts.length === 0) return { page: 'fleet' };
  if (first === 'pairs' && second && parts.length === 2) return { page: 'pair', name: second };
  if (first === 'nodes' && second && parts.length === 2) return { page: 'node', name: second };
  if (first === 'runs' && parts.length === 1) return { page: 'runs' };
  if (first === 'runs' && second && parts.length === 2) return { page: 'run', id: second };
  if (first === 'plans' && second && parts.length === 2) return { page: 'plan', id: second };
  if (first === 'trends' && parts.length === 1) return { page: 'trends' };
  return { page: 'not-found', path };
}

/** The href of a page. */
export const href = {
  fleet: () => '#/',
  pair: (name: string) => `#/pairs/${encodeURIComponent(name)}`,
  node: (name: string) => `#/nodes/${encodeURIComponent(name)}`,
  runs: () => '#/runs',
  run: (id: string) => `#/runs/${encodeURIComponent(id)}`,
  plan: (id: string) => `#/plans/${encodeURIComponent(id)}`,
  trends: () => '#/trends',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
