import { execFileSync } from 'node:child_process';

/**
 * Fails (never skips) when a real tool a differential test compares against is missing, naming
 * the Debian package that provides it — `.ci/run` installs every package named this way.
 */
export function requireTool(argv: readonly string[], debianPackage: string): void {
  const [program, ...args] = argv as [string, ...string[]];
  try {
    execFileSync(program, args, { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`${argv.join(' ')} is needed for this test (Debian package "${debianPackage}")`, {
      cause: err,
    });
  }
}
