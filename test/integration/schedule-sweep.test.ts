/**
 * A `kind: Schedule` run by the server's scheduler: it sweeps its targets over a real sshd,
 * stores what came back as reports, evaluates them — and a node it cannot reach is reported
 * without stopping the run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Evaluator } from '../../src/app/evaluate';
import { desiredFromFiles } from '../../src/desired/load';
import { Scheduler } from '../../src/schedule/scheduler';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store';
import { loadIdentity } from '../../src/transport/identity';
import { readKnownHostsFile } from '../../src/transport/known-hosts';
import { freePort, startSshd } from '../helpers/sshd';
import type { TestSshd } from '../helpers/sshd';

jest.setTimeout(60_000);

describe('scheduled sweeps', () => {
  let sshd: TestSshd;
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    sshd = await startSshd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-schedule-'));
    store = await openStore(path.join(dir, 'dg.db'));
  });
  afterAll(async () => {
    await store.close();
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sweeps its targets, stores and evaluates them, and reports the unreachable one', async () => {
    const closed = await freePort();
    const desired = desiredFromFiles('/desired', [
      {
        file: 'fleet.yaml',
        text: `
kind: Role
name: base
packages: { dpkg: present }
---
kind: Node
name: web-1
roles: [base]
ssh: { host: 127.0.0.1, port: ${sshd.port}, user: root }
---
kind: Node
name: web-2
roles: [base]
ssh: { host: 127.0.0.1, port: ${closed}, user: root }
---
kind: Pair
name: web
primary: web-1
secondary: web-2
---
kind: Schedule
name: nightly
cron: "0 3 * * *"
targets: [pair:web]
mode: enforce
`,
      },
    ]);
    const evaluator = new Evaluator({
      store,
      desired: () => desired,
      onError: (node, err) => {
        throw new Error(`${node}: ${String(err)}`);
      },
    });
    const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const scheduler = new Scheduler(
      {
        store,
        evaluator,
        now: () => new Date(),
        credentials: () => ({
          knownHosts: readKnownHostsFile(sshd.knownHostsFile, () => undefined),
          identity: loadIdentity({ identityFile: sshd.clientKeyFile, env: {} }),
        }),
      },
      log,
    );
    scheduler.load(desired);
    try {
      const run = await scheduler.runNow('nightly');
      expect(run?.reached).toEqual(['web-1']);
      expect(run?.failed).toEqual([expect.objectContaining({ node: 'web-2', reason: 'unreachable' })]);
      // Without an enforcer (this scheduler has none) an enforce schedule says it applied nothing.
      expect(run?.notes.join(' ')).toContain('this server runs no enforcement; nothing was applied');
      await evaluator.idle();
      const state = await store.states.latestState('web-1');
      expect(Object.keys(state?.packages?.items ?? {}).length).toBeGreaterThan(100);
      expect(await store.findings.open('node:web-1', 'drift')).toEqual([]); // dpkg is installed here
      expect(scheduler.lastRun('nightly')).toBe(run);
      expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ schedule: 'nightly' }), 'schedule ran');
    } finally {
      scheduler.stop();
    }
  });
});
