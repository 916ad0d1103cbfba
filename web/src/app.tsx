/** The dashboard: who is calling, then the page the URL names. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { WhoAmI } from '../../src/model/api';
import { ApiError, api, session } from './api';
import { ErrorBox } from './components/common';
import { Layout } from './components/layout';
import { SignIn } from './components/sign-in';
import { setServerTime } from './format';
import { live } from './live';
import { FleetPage } from './pages/fleet';
import { NodePage } from './pages/node';
import { PairPage } from './pages/pair';
import { PlanPage } from './pages/plan';
import { RunPage } from './pages/run';
import { RunsPage } from './pages/runs';
import { TrendsPage } from './pages/trends';
import type { Route } from './router';
import { href, useRoute } from './router';

/** Pages that show or hide an admin's controls: drawn once the caller is known. */
const NEEDS_CALLER: ReadonlySet<Route['page']> = new Set(['runs', 'run', 'plan']);

function Page({ route, who }: { route: Route; who: WhoAmI | undefined }) {
  if (!who && NEEDS_CALLER.has(route.page)) return <p class="muted">Loading…</p>;
  switch (route.page) {
    case 'fleet':
      return <FleetPage />;
    case 'pair':
      return <PairPage name={route.name} />;
    case 'node':
      return <NodePage name={route.name} />;
    case 'runs':
      return <RunsPage who={who as WhoAmI} />;
    case 'run':
      return <RunPage id={route.id} who={who as WhoAmI} />;
    case 'plan':
      return <PlanPage id={route.id} who={who as WhoAmI} />;
    case 'trends':
      return <TrendsPage />;
    case 'not-found':
      return (
        <p>
          No page at <code>{route.path}</code>. <a href={href.fleet()}>Go to the fleet</a>.
        </p>
      );
  }
}

export function App() {
  const route = useRoute();
  const [who, setWho] = useState<WhoAmI | undefined>(undefined);
  const [needsSignIn, setNeedsSignIn] = useState<string | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);

  const signedIn = (me: WhoAmI) => {
    setServerTime(me.serverTime);
    setWho(me);
    setNeedsSignIn(undefined);
    live.restart();
  };

  useEffect(() => {
    api
      .get<WhoAmI>('/whoami')
      .then(signedIn)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setNeedsSignIn(err.message);
        else setError(err instanceof Error ? err : new Error(String(err)));
      });
    return session.onSignInNeeded(() => {
      // Before anyone signed in, the first 401 is just the server asking for a token.
      const hadToken = session.token() !== undefined;
      session.signOut();
      setNeedsSignIn(
        hadToken
          ? 'The server asks for a token again (it was revoked, or the server restarted with a new store).'
          : 'This server needs a token to read.',
      );
    });
  }, []);

  const firstRoute = useRef(true);
  useEffect(() => {
    // A page opened from a link starts at its top, with the keyboard focus there too; the first
    // page of a visit leaves the focus where the browser puts it (the skip link comes first).
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    scrollTo(0, 0);
  }, [route]);

  if (needsSignIn) return <SignIn onSignedIn={signedIn} reason={needsSignIn} />;
  if (error) return <ErrorBox error={error} />;
  // The page asks for its data while /whoami is answered, not after: one round trip less.
  return (
    <Layout
      route={route}
      who={who}
      onSignOut={() => {
        session.signOut();
        setWho(undefined);
        setNeedsSignIn('Signed out.');
      }}
    >
      <Page route={route} who={who} />
    </Layout>
  );
}
