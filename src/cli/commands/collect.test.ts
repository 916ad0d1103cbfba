import * as path from 'node:path';
import { createColors } from 'picocolors';
import { REPO } from '../../../test/helpers/cli';
import { fixtureRoot } from '../../../test/helpers/fixture-nodes';
import type { CliIo } from '../io';
import { runCollect } from './collect';

function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    colors: createColors(false),
    errIsTTY: false,
    env: { DRIFTGUARD_NOW: '2026-11-22T10:00:00.000Z' },
    cwd: REPO,
  };
  return { io, out, err };
}

describe('runCollect', () => {
  it('asks the desired state for the watch list once: one warning for an undeclared node', async () => {
    const { io, out, err } = captureIo();
    const code = await runCollect(
      { root: fixtureRoot('pypi-1'), node: 'nosuch', desired: path.join(REPO, 'desired-state') },
      io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ node: 'nosuch' });
    expect(err.filter((line) => line.includes('node nosuch is not declared'))).toHaveLength(1);
  });
});
