/**
 * The agent's token file. Like ssh with a private key, the agent refuses a token file that other
 * users can read: whoever reads the token can report as this node and hide its drift.
 */
import * as fs from 'node:fs';
import { IoError, UsageError, errorMessage } from '../src/shared/errors';

export function readTokenFile(file: string): string {
  let stat: fs.Stats;
  let text: string;
  try {
    stat = fs.statSync(file);
    if (!stat.isFile()) throw new UsageError(`--token-file ${file} is not a file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new IoError(`cannot read the token file ${file}: ${errorMessage(err)}`, err);
  }
  const mode = stat.mode & 0o777;
  if (mode & 0o007) {
    throw new UsageError(
      `permissions ${mode.toString(8).padStart(4, '0')} for the token file ${file} are too open: other users can read it. ` +
        `Run: chmod 600 ${file}`,
    );
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token)) {
    throw new UsageError(
      `the token file ${file} must hold exactly one token (as printed by driftguard token create)`,
    );
  }
  return token;
}
