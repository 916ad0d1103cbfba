/**
 * `driftguard adopt NODE`: write a desired state from a node's state (src/app/adopt.ts) — to
 * stdout, or atomically to --out FILE, which `validate` accepts and `check NODE` finds clean.
 */
import * as path from 'node:path';
import { adoptState } from '../../app/adopt';
import { checkObjectName } from '../../desired/names';
import { writeFileAtomic } from '../../shared/atomic-write';
import { UsageError } from '../../shared/errors';
import { EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import type { StateOptions } from './shared';
import { stateSourceFrom } from './shared';

export interface AdoptOptions extends StateOptions {
  role?: string;
  pinVersions: boolean;
  out?: string;
}

export async function runAdopt(node: string, options: AdoptOptions, io: CliIo): Promise<number> {
  const role = options.role ?? node;
  const refused = checkObjectName(role);
  if (refused) throw new UsageError(`--role ${JSON.stringify(role)} is not a role name: ${refused}`);
  const source = stateSourceFrom(options, io.env);
  const state = await source.latest(node);
  const yaml = adoptState(state, { role, pinVersions: options.pinVersions, source: source.description });
  if (options.out) {
    writeFileAtomic(path.resolve(io.cwd, options.out), yaml);
    if (!options.json)
      io.err(`wrote a desired state adopted from ${node} (role ${role}) to ${options.out}\n`);
  }
  if (options.json) printJson(io, { node, role, ...(options.out ? { out: options.out } : {}), yaml });
  else if (!options.out) io.out(yaml);
  return EXIT_OK;
}
