/**
 * The one error this folder throws. `src/versions` is a leaf (desired, compare, readiness and
 * enforce all use it) and imports nothing from the rest of src, so it cannot throw
 * `DriftguardError`; callers that know *where* a bad version came from (a YAML file and line, a
 * status file) catch this and re-throw their own `DesiredStateError`/`CollectError` with the
 * place attached.
 */
export class VersionSyntaxError extends Error {
  /** Stable code, in the style of `ErrorCode` in src/shared/errors.ts. */
  readonly code = 'E_VERSION_SYNTAX';
  /** The text that was rejected, exactly as given. */
  readonly input: string;
  /** Why, in the words of the tool whose rules apply (`epoch in version is not number`). */
  readonly reason: string;

  constructor(input: string, reason: string) {
    super(`invalid version '${input}': ${reason}`);
    this.name = 'VersionSyntaxError';
    this.input = input;
    this.reason = reason;
  }
}
