/**
 * The dashboard's one way to the server: the JSON API with the caller's token in the
 * Authorization header (never in a URL). The token lives in sessionStorage: it is gone when the
 * tab closes, and no link or bookmark carries it.
 */
const TOKEN_KEY = 'driftguard.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const signInListeners = new Set<Listener>();

export const session = {
  token(): string | undefined {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token.trim());
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Called when the server answers 401: the page asks for a token. */
  onSignInNeeded(listener: Listener): () => void {
    signInListeners.add(listener);
    return () => signInListeners.delete(listener);
  },
};

export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401) for (const listener of signInListeners) listener();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${method} ${path}: HTTP ${response.status}`,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
};

/** A path segment: node and pair names are safe, but nothing is assumed. */
export const seg = encodeURIComponent;
