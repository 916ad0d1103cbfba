import { checkReadiness } from '../../app/check-readiness';
import { loadDesired } from '../../desired';
import { currentTime } from '../../shared/clock';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { renderReadiness } from '../render/readiness';
import type { StateOptions } from './shared';
import { durationOption, stateSourceFrom } from './shared';

export interface ReadyOptions extends StateOptions {
  desired: string;
  strict: boolean;
  probes: boolean;
  probeTimeout: string;
}

/** Exit 0 GO, 1 NO-GO, 2 error (DESIGN §8). */
export async function runReady(pair: string, options: ReadyOptions, io: CliIo): Promise<number> {
  const desired = loadDesired(options.desired);
  const result = await checkReadiness(desired, stateSourceFrom(options, io.env), pair, {
    now: currentTime(io.env),
    strict: options.strict,
    probes: options.probes ? { timeoutMs: durationOption('--probe-timeout', options.probeTimeout) } : false,
  });
  if (options.json) printJson(io, result);
  else io.out(renderReadiness(result, io.colors));
  return result.verdict === 'GO' ? EXIT_OK : EXIT_FINDINGS;
}
