/**
 * `driftguard runs [show ID]`: applies and restores — from the CLI, the API, schedules and
 * agents alike — newest first, from the store (`--db`) or a server (`--server URL`).
 */
import { getJson, refusal } from '../../app/api-client';
import type { RunRecord } from '../../model/run';
import { NotFoundError } from '../../shared/errors';
import type { RunSummary } from '../../store';
import { displayLocation, openStore } from '../../store';
import { EXIT_OK } from '../exit-codes';
import type { CliIo } from '../io';
import { printJson } from '../io';
import { renderRun, renderRunList } from '../render/run';
import { readToken, storeLocation } from './shared';

export interface RunsOptions {
  server?: string;
  tokenFile?: string;
  db: string;
  limit: string;
  json: boolean;
}

async function fromServer<T>(options: RunsOptions, io: CliIo, pathname: string): Promise<T> {
  const server = options.server as string;
  const answer = await getJson(server, pathname, readToken(options.tokenFile, io.env), 30_000);
  if (answer.status === 404) throw new NotFoundError(`${server}: ${pathname} not found`);
  if (answer.status !== 200) throw refusal(server, pathname, answer);
  return answer.body as T;
}

export async function runRunsList(options: RunsOptions, io: CliIo): Promise<number> {
  const limit = Math.max(1, Math.min(1000, Number(options.limit) || 50));
  let runs: RunSummary[];
  if (options.server)
    runs = (await fromServer<{ runs: RunSummary[] }>(options, io, `/api/v1/runs?limit=${limit}`)).runs;
  else {
    const store = await openStore(storeLocation(options.db, io));
    try {
      runs = await store.runs.list({ limit });
    } finally {
      await store.close();
    }
  }
  if (options.json) printJson(io, { runs });
  else io.out(renderRunList(runs, io.colors));
  return EXIT_OK;
}

export async function runRunsShow(id: string, options: RunsOptions, io: CliIo): Promise<number> {
  let run: RunRecord | undefined;
  if (options.server)
    run = await fromServer<RunRecord>(options, io, `/api/v1/runs/${encodeURIComponent(id)}`);
  else {
    const store = await openStore(storeLocation(options.db, io));
    try {
      run = await store.runs.get(id);
    } finally {
      await store.close();
    }
  }
  if (!run)
    throw new NotFoundError(`no run ${id} in ${displayLocation(options.db)} (driftguard runs lists them)`);
  if (options.json) printJson(io, run);
  else io.out(renderRun(run, io.colors));
  return EXIT_OK;
}
