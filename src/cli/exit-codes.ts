/**
 * The CLI's exit codes (DESIGN §11, firm): the only place errors become numbers.
 *   0  clean / same / GO / done
 *   1  drift / differ / NO-GO — the command worked and found something
 *   2  usage or input error, or anything that stopped the command from answering
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/**
 * Every error is 2, internal ones included: automation that asks `ready` must never read a
 * crash as GO (0) or as an ordinary NO-GO (1).
 */
export function exitCodeFor(_error: unknown): number {
  return EXIT_ERROR;
}
