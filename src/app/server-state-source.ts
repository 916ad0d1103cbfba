/**
 * States from a running driftguard server (`--server URL`): the latest state of each node, as
 * `GET /api/v1/nodes/NODE/state` gives it, checked against the NodeState schema like a file.
 */
import type { NodeState } from '../model/state';
import { validateState } from '../model/validate-state';
import { NotFoundError, ServerError } from '../shared/errors';
import type { StateSource } from './state-source';

export class ServerStateSource implements StateSource {
  readonly description: string;

  constructor(
    private readonly server: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 30_000,
  ) {
    this.description = server;
    try {
      new URL(server);
    } catch {
      throw new ServerError(
        `--server wants a URL such as http://127.0.0.1:8080, not ${JSON.stringify(server)}`,
      );
    }
  }

  async latest(node: string): Promise<NodeState> {
    const url = new URL(`/api/v1/nodes/${encodeURIComponent(node)}/state`, this.server);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ServerError(
        `cannot reach ${this.server}: ${String((err as Error).cause ?? (err as Error).message)}`,
        err,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined;
    if (response.status === 404) throw new NotFoundError(`${this.server} has no state for node ${node}`);
    if (!response.ok) {
      throw new ServerError(
        `${this.server} answered ${response.status} for the state of ${node}: ${body?.error?.message ?? response.statusText}`,
      );
    }
    return validateState(body, `the state of ${node} from ${this.server}`);
  }
}
