/** Asks for a reader or admin token (`driftguard token create --reader`); kept for this tab only. */
import { useState } from 'preact/hooks';
import { ApiError, api, session } from '../api';
import type { WhoAmI } from '../../../src/model/api';

export function SignIn({ onSignedIn, reason }: { onSignedIn: (who: WhoAmI) => void; reason?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    session.signIn(token);
    try {
      onSignedIn(await api.get<WhoAmI>('/whoami'));
    } catch (err) {
      session.signOut();
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The server does not know this token (or it was revoked).'
          : String(err),
      );
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>driftguard</h1>
      <p>{reason ?? 'This server needs a token to read.'}</p>
      <form onSubmit={(event) => void submit(event)}>
        <label for="token">Reader or admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
          required
          autoFocus
        />
        <button type="submit">Sign in</button>
        {error && (
          <p class="error-box" role="alert">
            {error}
          </p>
        )}
      </form>
      <p class="muted">
        An admin makes one with <code>driftguard token create --reader</code>. It is kept for this browser tab
        only and sent in a header, never in a link.
      </p>
    </main>
  );
}
