/**
 * The PyPI 2013 pair (docs/incidents/pypi-2013-11-outage.txt) as two sandbox nodes that
 * start with the incident's drift — pypissh missing on the secondary, kernel.panic 0, the DRBD
 * device mounted at boot, a differing r0.res — planned, applied over SSH secondary first, then
 * primary, and judged again by `ready` on fresh collections.
 */
import type { Plan } from '../../src/model/plan';
import type { Readiness } from '../../src/model/readiness';
import type { RunEvent } from '../../src/model/run';
import { openStore } from '../../src/store';
import type { EnforceWorld } from '../helpers/enforce';
import { enforceWorld, runOf } from '../helpers/enforce';
import { expectHostUntouched } from '../helpers/host-fingerprint';
import type { IncidentPair } from '../helpers/incident-sandbox';
import { startIncidentPair } from '../helpers/incident-sandbox';
import type { SandboxNode } from '../helpers/sandbox';

expectHostUntouched();

describe('the PyPI 2013 pair, enforced', () => {
  let pair: IncidentPair;
  let world: EnforceWorld;
  let primary: SandboxNode;
  let secondary: SandboxNode;

  beforeAll(async () => {
    pair = await startIncidentPair();
    world = enforceWorld(pair.fleet, { dir: pair.desiredDir });
    primary = pair.fleet.nodes['pypi-1'] as SandboxNode;
    secondary = pair.fleet.nodes['pypi-2'] as SandboxNode;
  }, 300_000);

  afterAll(async () => {
    await pair?.stop();
    world?.remove();
  });

  it('plans the fixes of the incident, with their diffs', () => {
    const states = world.sweep();
    const text = world.cli(['plan', 'pair:pypi', '--states', states]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^wave 1: pypi-2 \(secondary\)$/m);
    expect(text.stdout).toMatch(/^wave 2: pypi-1 \(primary\)$/m);
    expect(text.stdout).toContain('install pypissh 1.2.0-1 on pypi-2');
    expect(text.stdout).toContain('+/dev/drbd0  /srv/pypi  ext4  defaults,noauto  0  2');
    expect(text.stdout).toContain('+kernel.panic = 10');
    expect(text.stdout).toContain('+\t\tverify-alg sha256;');
    const plan = JSON.parse(world.cli(['plan', 'pair:pypi', '--states', states, '--json']).stdout) as Plan;
    expect(plan.waves).toEqual([['pypi-2'], ['pypi-1']]);
  });

  it('applies them secondary first, verified, then primary — and the pair is GO but for what no fixer may change', async () => {
    const applied = world.cli(['apply', 'pair:pypi', '--yes', '--json']);
    const run = runOf(applied);
    expect({ code: applied.code, status: run.status, reason: run.reason }).toEqual({
      code: 0,
      status: 'succeeded',
      reason: undefined,
    });
    expect(run.nodes.map((n) => [n.node, n.wave, n.status])).toEqual([
      ['pypi-2', 1, 'succeeded'],
      ['pypi-1', 2, 'succeeded'],
    ]);
    // As many fixes as the README's tour applies to the same pair, every one verified.
    expect(run.nodes.map((n) => n.fixes.length)).toEqual([10, 3]);
    for (const node of run.nodes)
      for (const fix of node.fixes) expect([fix.fixId, fix.verified]).toEqual([fix.fixId, true]);

    // Never both in one wave: every step on pypi-2 ended before the first on pypi-1.
    const store = await openStore(world.db);
    let events: RunEvent[];
    try {
      events = await store.runs.events(run.id);
    } finally {
      await store.close();
    }
    const lastOnSecondary = events.map((e) => e.node).lastIndexOf('pypi-2');
    const firstOnPrimary = events.findIndex((e) => e.node === 'pypi-1');
    expect(lastOnSecondary).toBeLessThan(firstOnPrimary);

    // What the incident lacked, now on the nodes themselves.
    expect(secondary.exec(['dpkg-query', '-W', '-f', '${Version}', 'pypissh']).stdout).toBe('1.2.0-1');
    expect(secondary.exec(['systemctl', 'is-enabled', 'pypissh.service']).stdout.trim()).toBe('enabled');
    for (const node of [primary, secondary]) {
      expect(node.readFile('/proc/sys/kernel/panic')?.toString()).toBe('10\n');
      expect(node.readFile('/etc/fstab')?.toString()).toContain(
        '/dev/drbd0  /srv/pypi  ext4  defaults,noauto  0  2',
      );
    }
    expect(secondary.readFile('/etc/drbd.d/r0.res')).toEqual(primary.readFile('/etc/drbd.d/r0.res'));

    // Judged again on fresh collections: GO but for capacity (the secondary's hardware) and the
    // pypi user's uid (report only: renumbering changes who owns files).
    const states = world.sweep();
    const ready = world.cli(['ready', 'pypi', '--states', states, '--json']);
    const readiness = JSON.parse(ready.stdout) as Readiness;
    const failing = readiness.checks.filter((c) => c.status === 'fail');
    expect(failing.map((c) => c.id)).toEqual(['secondary-conforms', 'parity-users', 'capacity']);
    const reasons = failing.flatMap((c) => c.findings.map((f) => `${f.category}/${f.key}: ${f.fix?.action}`));
    expect([...new Set(reasons)].sort()).toEqual([
      'capacity/cpus: advice',
      'capacity/memoryBytes: advice',
      'users/group:pypi: advice',
      'users/pypi: advice',
    ]);
    // The text says the same: NO-GO for those three checks.
    const text = world.cli(['ready', 'pypi', '--states', states]);
    expect(text.code).toBe(1);
    const warned = readiness.checks.filter((c) => c.status === 'warn').length;
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `NO-GO: 3 of ${readiness.checks.length} checks fail${warned ? `, ${warned} warn` : ''} — do not fail over to pypi-2 yet`,
    );
  });
});
