import { desiredFromFiles } from '../../src/desired/load';
import type { Desired } from '../../src/model/desired';
import { DesiredStateError, formatIssue } from '../../src/shared/errors';

/** Loads one YAML text as the only file `d.yaml` of a desired-state folder. */
export function loadYaml(text: string, dir = '/desired'): Desired {
  return desiredFromFiles(dir, [{ file: 'd.yaml', text }]);
}

/** The problems loading a YAML text reports, each as `file:line:col: message`. */
export function problems(text: string, dir = '/desired'): string[] {
  try {
    loadYaml(text, dir);
  } catch (err) {
    if (err instanceof DesiredStateError) return err.issues.map(formatIssue);
    throw err;
  }
  throw new Error('expected a DesiredStateError');
}
