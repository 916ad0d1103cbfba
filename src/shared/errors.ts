/**
 * The one error hierarchy of driftguard. Every error a user can cause carries a stable `code`
 * (part of the JSON output and of logs, so scripts can match on it) and, when it is about a
 * place in a file, the places. Exit codes are mapped from these in `src/cli/exit-codes.ts` and
 * HTTP statuses in `src/server/http-status.ts` — nowhere else.
 */
/** A place in a source file, 1-based, as editors show it. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** One problem found in an input: what is wrong and where. */
export interface Issue {
  message: string;
  at?: SourcePosition;
  /** JSON-pointer-like path inside the document, when known (e.g. `/packages/foo`). */
  path?: string;
}

export type ErrorCode =
  | 'E_USAGE' // wrong command-line arguments
  | 'E_DESIRED_INVALID' // desired-state YAML that does not load, validate or make sense
  | 'E_STATE_INVALID' // a NodeState document that is not one
  | 'E_NOT_FOUND' // a named node, pair, file or state that does not exist
  | 'E_IO' // reading or writing a file failed
  | 'E_COMMAND' // an external command failed to run
  | 'E_COLLECT' // a collector could not read what it needs
  | 'E_REQUEST_INVALID' // an HTTP request whose body or parameters are wrong
  | 'E_UNAUTHENTICATED' // no token, or a token the server does not know
  | 'E_FORBIDDEN' // a known token that may not do this (a node reporting as another)
  | 'E_NEEDS_CATEGORIES' // a report names category hashes whose content the server lacks
  | 'E_OUT_OF_ORDER' // a report older than what the server already has
  | 'E_CLOCK_SKEW' // a report stamped further ahead of the server's clock than the skew allowed
  | 'E_TOO_LARGE' // a body over the size limit
  | 'E_URI_TOO_LONG' // a path parameter longer than any name can be
  | 'E_HEADERS_TOO_LARGE' // request headers over the HTTP parser's limit
  | 'E_REQUEST_TIMEOUT' // a request whose headers or body did not arrive in time
  | 'E_UNSUPPORTED_MEDIA' // a body that is not JSON
  | 'E_SERVER' // a server could not be used (unreachable, unexpected answer)
  | 'E_CONFLICT' // a node is locked by another run, or a plan is not in a state to run
  | 'E_STALE_PLAN' // a plan made from states the nodes no longer have: plan again
  | 'E_INTERNAL'; // a bug

export class DriftguardError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly Issue[];
  /** Machine-readable extras for the caller (e.g. which categories a report must resend). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: Issue[]; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** The message followed by one line per issue, `file:line:col: message`. */
  describe(): string {
    if (this.issues.length === 0) return this.message;
    return [this.message, ...this.issues.map((issue) => `  ${formatIssue(issue)}`)].join('\n');
  }

  toJSON(): { code: ErrorCode; message: string; issues: readonly Issue[] } & Record<string, unknown> {
    return { code: this.code, message: this.message, issues: this.issues, ...this.details };
  }
}

export class UsageError extends DriftguardError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export class DesiredStateError extends DriftguardError {
  constructor(message: string, issues: Issue[]) {
    super('E_DESIRED_INVALID', message, { issues });
  }
}

export class StateError extends DriftguardError {
  constructor(message: string, issues: Issue[] = []) {
    super('E_STATE_INVALID', message, { issues });
  }
}

export class NotFoundError extends DriftguardError {
  constructor(message: string) {
    super('E_NOT_FOUND', message);
  }
}

export class IoError extends DriftguardError {
  constructor(message: string, cause?: unknown) {
    super('E_IO', message, { cause });
  }
}

export class CommandError extends DriftguardError {
  constructor(message: string, cause?: unknown) {
    super('E_COMMAND', message, { cause });
  }
}

export class RequestError extends DriftguardError {
  constructor(message: string, issues: Issue[] = []) {
    super('E_REQUEST_INVALID', message, { issues });
  }
}

export class AuthError extends DriftguardError {
  constructor(code: 'E_UNAUTHENTICATED' | 'E_FORBIDDEN', message: string) {
    super(code, message);
  }
}

export class ServerError extends DriftguardError {
  constructor(message: string, cause?: unknown) {
    super('E_SERVER', message, { cause });
  }
}

/** Another run holds a node, or a plan cannot run now (expired, not approved). */
export class ConflictError extends DriftguardError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_CONFLICT', message, { details });
  }
}

/** The node changed since the plan was made: what the plan would do no longer fits it. */
export class StalePlanError extends DriftguardError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_STALE_PLAN', message, { details });
  }
}

export class CollectError extends DriftguardError {
  constructor(message: string, cause?: unknown) {
    super('E_COLLECT', message, { cause });
  }
}

export function formatPosition(at: SourcePosition): string {
  return `${at.file}:${at.line}:${at.col}`;
}

export function formatIssue(issue: Issue): string {
  const where = issue.at ? `${formatPosition(issue.at)}: ` : '';
  const path = issue.path && !issue.at ? ` (at ${issue.path})` : '';
  return `${where}${issue.message}${path}`;
}

/** Wraps anything thrown into a DriftguardError, keeping ours as they are. */
export function asDriftguardError(err: unknown): DriftguardError {
  if (err instanceof DriftguardError) return err;
  const message = errorMessage(err);
  return new DriftguardError('E_INTERNAL', message, { cause: err });
}

/** The message of anything thrown, for error lists that must not carry stacks. */
export function errorMessage(err: unknown): string {
  // The object's tag as well as instanceof: Node's own errors come from another realm under
  // jest's module sandbox, and String() of them would put "Error: " in front of the message.
  // (Not node:util's isNativeError: the web front end shares this file.)
  const isError = err instanceof Error || Object.prototype.toString.call(err) === '[object Error]';
  return isError ? (err as Error).message : String(err);
}
