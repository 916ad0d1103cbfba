/** The frame of every page: navigation, the live indicator, who is signed in, light or dark. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WhoAmI } from '../../../src/model/api';
import type { ConnectionState } from '../live';
import { live } from '../live';
import type { Route } from '../router';
import { href } from '../router';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  offline: 'offline — reconnecting',
};

function ConnectionIndicator() {
  const [state, setState] = useState(live.state);
  useEffect(() => {
    setState(live.state); // it may have changed between the first render and this subscription
    return live.onState(setState);
  }, []);
  return (
    <span class={`connection ${state}`} role="status" aria-live="polite" data-connection={state}>
      <span class="dot" aria-hidden="true" /> {STATE_TEXT[state]}
    </span>
  );
}

type Theme = 'auto' | 'light' | 'dark';
const THEME_KEY = 'driftguard.theme';

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(THEME_KEY) as Theme) ?? 'auto');
  useEffect(() => {
    if (theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  const next: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };
  return (
    <button
      type="button"
      class="link-button"
      onClick={() => setTheme(next[theme])}
      title="Light, dark or as the system says"
    >
      theme: {theme}
    </button>
  );
}

const NAV: { label: string; href: string; pages: Route['page'][] }[] = [
  { label: 'Fleet', href: href.fleet(), pages: ['fleet', 'pair', 'node'] },
  { label: 'Runs', href: href.runs(), pages: ['runs', 'run', 'plan'] },
  { label: 'Trends', href: href.trends(), pages: ['trends'] },
];

export function Layout({
  route,
  who,
  onSignOut,
  children,
}: {
  route: Route;
  who: WhoAmI | undefined;
  onSignOut: () => void;
  children: ComponentChildren;
}) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href.fleet()}>
          driftguard
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a
              key={item.label}
              href={item.href}
              aria-current={item.pages.includes(route.page) ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        <ConnectionIndicator />
        {who && (
          <span class="who" data-role={who.role}>
            {who.role === 'anonymous' ? 'read-only (no token)' : `${who.label ?? who.role} · ${who.role}`}
          </span>
        )}
        {who && who.role !== 'anonymous' && (
          <button type="button" class="link-button" onClick={onSignOut}>
            sign out
          </button>
        )}
        <ThemeToggle />
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
