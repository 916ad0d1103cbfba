/**
 * Who copies SQLite's write-ahead log into the database file (OpenOptions.checkpoints): `serve`
 * takes reports on a connection that leaves it to another (`elsewhere`), and evaluates on one
 * that does it on a timer (`timer`). Observed through the database file itself, which grows only
 * when a checkpoint copies pages into it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '.';
import type { Store } from '.';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function storeFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-checkpoints-'));
  dirs.push(dir);
  return path.join(dir, 'driftguard.db');
}

/** 8 MB of category versions, in 32 commits: twice SQLite's own checkpoint threshold. */
async function write8MB(store: Store): Promise<void> {
  const content = JSON.stringify({ text: 'x'.repeat(256 * 1024) });
  for (let i = 0; i < 32; i++) {
    await store.transaction(async (tx) => {
      await tx.states.touchNode('n', {
        receivedAt: `2026-12-07T00:00:${String(i).padStart(2, '0')}Z`,
        collectedAt: '2026-12-07T00:00:00Z',
        errors: [],
      });
      await tx.states.putCategory({
        node: 'n',
        category: 'files',
        hash: `sha256:${i}`,
        content,
        collectedAt: '2026-12-07T00:00:00Z',
        receivedAt: '2026-12-07T00:00:00Z',
      });
    });
  }
}

const MB = 1024 * 1024;

describe('SQLite checkpoints', () => {
  it('by default, a commit that fills the log copies it into the database file', async () => {
    const file = storeFile();
    const store = await openStore(file);
    await write8MB(store);
    expect(fs.statSync(file).size).toBeGreaterThan(4 * MB);
    await store.close();
  });

  it('left elsewhere, commits never copy the log; a connection with the timer does', async () => {
    const file = storeFile();
    const reports = await openStore(file, { checkpoints: 'elsewhere' });
    await write8MB(reports);
    expect(fs.statSync(file).size).toBeLessThan(1 * MB);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(8 * MB);

    const evaluations = await openStore(file, { checkpoints: 'timer' });
    const deadline = Date.now() + 10_000;
    while (fs.statSync(file).size < 8 * MB && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(8 * MB);
    // Everything committed is still there, read through either connection.
    expect((await reports.states.latestHashes('n')).get('files')).toBe('sha256:31');
    expect((await evaluations.states.latestHashes('n')).get('files')).toBe('sha256:31');
    await evaluations.close();
    await reports.close();
  });
});
