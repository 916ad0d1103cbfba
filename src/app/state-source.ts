/**
 * Where `check`, `diff` and `ready` get node states: a folder of `NODE.json` files (what
 * `collect --out` writes) or, once the server exists, its API.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError, NotFoundError, StateError } from '../shared/errors';
import type { NodeState } from '../model/state';
import { validateState } from '../model/validate-state';

export interface StateSource {
  /** Where the states come from, for messages. */
  readonly description: string;
  /** The latest state of a node; throws NotFoundError when there is none. */
  latest(node: string): Promise<NodeState>;
}

/** 1-based line and column of a character offset, for JSON syntax errors. */
function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** Parses and validates one state file; errors name the file and, for syntax, line:col. */
export function parseStateFile(file: string, text: string): NodeState {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const at = position ? { file, ...lineAndColumn(text, Number(position[1])) } : undefined;
    throw new StateError(`${file} is not valid JSON`, [
      { message: message.replace(/^JSON\.parse: /, ''), at },
    ]);
  }
  return validateState(document, file);
}

export class DirectoryStateSource implements StateSource {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = dir;
    if (!fs.existsSync(dir)) throw new NotFoundError(`states folder ${dir} does not exist`);
  }

  async latest(node: string): Promise<NodeState> {
    const file = path.join(this.dir, `${node}.json`);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(
          `no state for node ${node}: ${file} does not exist (write it with: driftguard collect --node ${node} --out ${file})`,
        );
      }
      throw new IoError(`cannot read ${file}: ${(err as Error).message}`, err);
    }
    const state = parseStateFile(file, text);
    if (state.node !== node) {
      throw new StateError(
        `${file} holds the state of node ${JSON.stringify(state.node)}, not ${JSON.stringify(node)}`,
      );
    }
    return state;
  }
}
