/**
 * Races and users made certain in tests of code that guards against them (the agent's spool):
 * real files and real syscalls, with only the moment another process acts, or the user the code
 * runs as, decided by the test.
 */
import nodeFs from 'node:fs';

/** Users other than root, by id (no passwd entry is needed to run as one). */
export const NOBODY = 65534;
export const SOMEONE = 12345;

/**
 * Runs `body` with the effective uid `uid`, as an agent not run as root; restores root after.
 * The test must run as root (as CI does): otherwise it fails, it does not skip.
 */
export function asUser<T>(uid: number, body: () => T): T {
  if (process.geteuid?.() !== 0 || !process.seteuid)
    throw new Error('this test changes users: run it as root, as CI does');
  process.seteuid(uid);
  try {
    return body();
  } finally {
    process.seteuid(0);
  }
}

export type FsCall = 'readFileSync' | 'readdirSync' | 'renameSync' | 'rmSync' | 'writeFileSync';

/**
 * Another process acting at one exact moment: right after the real `fs[call]` first ran on
 * `target`, `other` runs (with the real fs). Everything stays real files; only the interleaving
 * that a race would produce now and then is made to happen every time.
 */
export function thenMeanwhile(call: FsCall, target: string, other: () => void): void {
  const real = nodeFs[call] as (...args: unknown[]) => unknown;
  let done = false;
  jest.spyOn(nodeFs, call).mockImplementation(((...args: unknown[]) => {
    try {
      return real.apply(nodeFs, args);
    } finally {
      // Also after a call that failed: the other process acts whatever this one's call did.
      if (!done && args[0] === target) {
        done = true;
        other();
      }
    }
  }) as never);
}
