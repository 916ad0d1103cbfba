/**
 * States from a running driftguard server (`--server URL`): the latest state of each node, as
 * `GET /api/v1/nodes/NODE/state` gives it, checked against the NodeState schema like a file.
 */
import type { NodeState } from '../model/state';
import { validateState } from '../model/validate-state';
import { NotFoundError, ServerError } from '../shared/errors';
import { getJson, refusal } from './api-client';
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
    const pathname = `/api/v1/nodes/${encodeURIComponent(node)}/state`;
    const answer = await getJson(this.server, pathname, this.token, this.timeoutMs);
    if (answer.status === 404) throw new NotFoundError(`${this.server} has no state for node ${node}`);
    if (answer.status !== 200) throw refusal(this.server, pathname, answer);
    return validateState(answer.body, `the state of ${node} from ${this.server}`);
  }
}
