/**
 * `npm run bench -- apply [--nodes 10] [--runs 5] [--ansible-runs 2]`
 *
 * Plan + apply + verify of two fixes — a sysctl set live and persisted, an fstab line — on N
 * sandbox nodes (real Debian 12 roots, each with its own sshd on a loopback port:
 * test/helpers/sandbox.ts), side by side in the same run with `ansible-playbook` making the
 * same two changes to the same N nodes with ansible-core modules only (`lineinfile` for fstab
 * and the sysctl.d line, a `command` for `sysctl -w`). Before every timed run each node is put
 * back to its drifted state (untimed); both tools are timed from outside, as an operator runs
 * them: a fresh process, wall clock from start to exit.
 *
 * driftguard's run is what `apply --yes` always does: collect every node over SSH, plan, check
 * the plan's ground, back up each file, write it atomically, run the commands, collect again to
 * verify each fix, record the run in the store. Ansible's is a normal (not --check) playbook run:
 * gather facts, two lineinfile tasks and a command, no verification beyond its own. Ansible runs
 * as installed (5 forks, no pipelining, interpreter discovery) and tuned (pipelining, a fixed
 * interpreter, one fork per node, no fact gathering).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../src/model/run';
import { CLI } from '../test/helpers/cli';
import { nodesYaml } from '../test/helpers/enforce';
import { startSandboxFleet } from '../test/helpers/sandbox';
import type { SandboxFleet, SandboxNode } from '../test/helpers/sandbox';
import { ms, summarize } from './stats';
import { timed } from './timed';

const DRIFTED_FSTAB =
  '# /etc/fstab\nUUID=0b7e-11 /  ext4  errors=remount-ro  0  1\n/dev/sdb1  /data  ext4  defaults  0  2\n';

const ROLE = `kind: Role
name: bench
sysctls:
  kernel.panic: 10
mounts:
  /data: { options: [nofail] }
`;

const PLAYBOOK = `- name: the same two fixes driftguard applies
  hosts: all
  gather_facts: GATHER
  tasks:
    - name: kernel.panic persisted
      ansible.builtin.lineinfile:
        path: /etc/sysctl.d/90-driftguard.conf
        regexp: '^kernel\\.panic\\s*='
        line: kernel.panic = 10
        create: true
        mode: '0644'
    - name: kernel.panic live
      ansible.builtin.command: sysctl -w kernel.panic=10
      changed_when: true
    - name: nofail on the data disk
      ansible.builtin.lineinfile:
        path: /etc/fstab
        regexp: '^/dev/sdb1\\s'
        line: /dev/sdb1  /data  ext4  defaults,nofail  0  2
`;

/** Puts a node back to the drift both tools fix (untimed). */
function drift(node: SandboxNode): void {
  const reset = node.exec([
    'sh',
    '-c',
    'printf "%s" "$1" > /etc/fstab && rm -f /etc/sysctl.d/90-driftguard.conf && sysctl -q -w kernel.panic=0',
    'reset',
    DRIFTED_FSTAB,
  ]);
  if (reset.code !== 0) throw new Error(`cannot reset ${node.name}: ${reset.stderr}`);
}

/** Both fixes are on the node. */
function fixed(node: SandboxNode): boolean {
  return (
    node.readFile('/proc/sys/kernel/panic')?.toString() === '10\n' &&
    /kernel\.panic = 10/.test(node.readFile('/etc/sysctl.d/90-driftguard.conf')?.toString() ?? '') &&
    (node.readFile('/etc/fstab')?.toString() ?? '').includes('/dev/sdb1  /data  ext4  defaults,nofail  0  2')
  );
}

function checkAll(fleet: SandboxFleet, who: string): void {
  const missed = Object.values(fleet.nodes).filter((node) => !fixed(node));
  if (missed.length > 0) throw new Error(`${who} left ${missed.map((n) => n.name).join(', ')} unfixed`);
}

export async function runApplyBench(args: Map<string, string>): Promise<void> {
  const count = Number(args.get('nodes') ?? 10);
  const runs = Number(args.get('runs') ?? 5);
  const ansibleRuns = Number(args.get('ansible-runs') ?? 2);
  const ansible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (ansible.status !== 0) throw new Error('ansible-playbook is missing: apt-get install ansible-core');
  const ansibleVersion = ansible.stdout.split('\n')[0];

  const names = Array.from({ length: count }, (_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
  const fleet = await startSandboxFleet(
    names.map((name) => ({ name, files: { '/etc/fstab': DRIFTED_FSTAB } })),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-apply-'));
  try {
    const desired = path.join(dir, 'desired');
    fs.mkdirSync(desired);
    const roles = Object.fromEntries(names.map((name) => [name, ['bench']]));
    fs.writeFileSync(path.join(desired, 'bench.yaml'), ROLE + nodesYaml(fleet, roles));
    /** The nodes, and how to reach them: the same for apply and the sweep beside it. */
    const reach = [
      '--desired',
      desired,
      '--known-hosts',
      fleet.knownHostsFile,
      '--identity',
      fleet.clientKeyFile,
    ];
    const applyArgs = [
      CLI,
      'apply',
      'role:bench',
      '--yes',
      '--max-nodes-per-wave',
      String(count),
      ...reach,
      '--db',
      path.join(dir, 'runs.db'),
      '--json',
    ];

    fs.writeFileSync(
      path.join(dir, 'inventory.ini'),
      [
        '[all]',
        ...names.map(
          (name) => `${name} ansible_host=127.0.0.1 ansible_port=${(fleet.nodes[name] as SandboxNode).port}`,
        ),
        '[all:vars]',
        'ansible_user=root',
        `ansible_ssh_private_key_file=${fleet.clientKeyFile}`,
        `ansible_ssh_common_args='-o UserKnownHostsFile=${fleet.knownHostsFile} -o StrictHostKeyChecking=yes'`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'playbook.yml'), PLAYBOOK.replace('GATHER', 'true'));
    fs.writeFileSync(path.join(dir, 'playbook-tuned.yml'), PLAYBOOK.replace('GATHER', 'false'));
    const defaultArgs = ['-i', 'inventory.ini', 'playbook.yml'];
    const tunedArgs = [
      '-i',
      'inventory.ini',
      'playbook-tuned.yml',
      '-f',
      String(count),
      '-e',
      'ansible_python_interpreter=/usr/bin/python3',
    ];
    const scratch: NodeJS.ProcessEnv = {
      ...process.env,
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-local'),
      ANSIBLE_REMOTE_TEMP: '/tmp/.ansible-bench',
      ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(dir, 'ansible-cp'),
      ANSIBLE_NOCOLOR: '1',
    };
    const tunedEnv: NodeJS.ProcessEnv = { ...scratch, ANSIBLE_PIPELINING: 'True' };

    /** Where one apply's time went, from its own run record: before the run, in the run, in the fixes. */
    const phases: { before: number; run: number; fixes: number; commands: number }[] = [];
    const runDriftguard = (): number => {
      for (const node of Object.values(fleet.nodes)) drift(node);
      const result = timed(process.execPath, applyArgs);
      const { run } = JSON.parse(result.stdout || '{}') as { run?: RunRecord };
      if (result.code !== 0 || run?.status !== 'succeeded')
        throw new Error(
          `driftguard apply failed (${result.code}): ${run?.reason ?? result.stderr.slice(-2000)}`,
        );
      checkAll(fleet, 'driftguard apply');
      const span = (from?: string, to?: string) => (from && to ? Date.parse(to) - Date.parse(from) : 0);
      const fixes = run.nodes.flatMap((node) => node.fixes);
      const runMs = span(run.startedAt, run.finishedAt);
      phases.push({
        before: result.wallMs - runMs,
        run: runMs,
        fixes: fixes.reduce((sum, fix) => sum + span(fix.startedAt, fix.finishedAt), 0),
        commands: fixes.reduce((sum, fix) => sum + fix.commands.reduce((s, c) => s + c.ms, 0), 0),
      });
      return result.wallMs;
    };
    // A full collection every time, as apply's own is (no fingerprints of the last sweep).
    const sweepArgs = [CLI, 'sweep', ...reach, '--no-cache', '--out-dir', path.join(dir, 'swept'), '--json'];
    const runSweep = (): number => {
      const result = timed(process.execPath, sweepArgs);
      if (result.code !== 0) throw new Error(`driftguard sweep failed (${result.code}): ${result.stderr}`);
      return result.wallMs;
    };
    const runAnsible = (playbookArgs: string[], env: NodeJS.ProcessEnv): number => {
      for (const node of Object.values(fleet.nodes)) drift(node);
      const result = timed('ansible-playbook', playbookArgs, { cwd: dir, env });
      if (result.code !== 0 || /unreachable=[1-9]|failed=[1-9]/.test(result.stdout))
        throw new Error(
          `ansible-playbook failed (${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr}`,
        );
      checkAll(fleet, 'ansible-playbook');
      return result.wallMs;
    };

    // One untimed round of each warms caches and proves both make the same changes.
    runDriftguard();
    runAnsible(tunedArgs, tunedEnv);

    const loadBefore = os.loadavg()[0]?.toFixed(2);
    const driftguardTimes: number[] = [];
    const defaultTimes: number[] = [];
    const tunedTimes: number[] = [];
    const sweepTimes: number[] = [];
    phases.length = 0;
    for (let run = 0; run < Math.max(runs, ansibleRuns); run++) {
      if (run < runs) {
        driftguardTimes.push(runDriftguard());
        sweepTimes.push(runSweep());
      }
      if (run < ansibleRuns) {
        defaultTimes.push(runAnsible(defaultArgs, scratch));
        tunedTimes.push(runAnsible(tunedArgs, tunedEnv));
      }
    }

    const dg = summarize(driftguardTimes);
    const asInstalled = summarize(defaultTimes);
    const tuned = summarize(tunedTimes);
    const out = (text: string): boolean => process.stdout.write(`${text}\n`);
    const row = (label: string, n: number, stats: ReturnType<typeof summarize>): void => {
      out(
        `  ${label.padEnd(52)} ${String(n).padStart(2)} run${n === 1 ? ' ' : 's'}` +
          `  median ${ms(stats.median).padStart(11)}  min ${ms(stats.min).padStart(11)}  max ${ms(stats.max).padStart(11)}`,
      );
    };
    out(
      `apply of 2 fixes (sysctl live+persisted, fstab line) to ${count} sandbox nodes, ${os.cpus().length} CPUs, load average before ${loadBefore}; ${ansibleVersion}`,
    );
    row('driftguard apply --yes (collect, plan, apply, verify)', runs, dg);
    row('ansible-playbook (as installed: facts, 5 forks)', ansibleRuns, asInstalled);
    row(`ansible-playbook tuned (-f ${count}, pipelining, no facts)`, ansibleRuns, tuned);
    out(
      `  ratio of medians: ${(asInstalled.median / dg.median).toFixed(1)}× against ansible as installed, ` +
        `${(tuned.median / dg.median).toFixed(1)}× against tuned ansible   (target ≥ 10× as installed)`,
    );
    const median = (pick: (p: (typeof phases)[number]) => number) => summarize(phases.map(pick)).median;
    out(
      `  where driftguard's time goes (medians, from each run's own record; the nodes of a wave run in parallel):`,
    );
    out(
      `    before the run: start, desired state, collect each node for the plan, plan  ${ms(median((p) => p.before))}`,
    );
    out(
      `    the run: locks, backups, writes, commands, verification, record            ${ms(median((p) => p.run))}`,
    );
    out(
      `      inside the fixes of one node (write, command, collect again, verify)     ${ms(median((p) => p.fixes) / count)}`,
    );
    out(
      `      of which the commands themselves (sysctl -w)                             ${ms(median((p) => p.commands) / count)}`,
    );
    out(
      `    for comparison, a bare sweep of the same nodes (every category, states written) ${ms(summarize(sweepTimes).median)}`,
    );
    const hide = (text: string): string => text.replaceAll(dir, '$DIR').replaceAll(fleet.dir, '$FLEET');
    out('  commands:');
    out(`    node bin/driftguard.js ${hide(applyArgs.slice(1).join(' '))}`);
    out(`    node bin/driftguard.js ${hide(sweepArgs.slice(1).join(' '))}`);
    out(`    ansible-playbook ${defaultArgs.join(' ')}   (cwd $DIR)`);
    out(`    ANSIBLE_PIPELINING=True ansible-playbook ${tunedArgs.join(' ')}`);
  } finally {
    await fleet.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
