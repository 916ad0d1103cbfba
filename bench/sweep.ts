/**
 * `npm run bench -- sweep [--nodes 20] [--runs 5] [--ansible-runs 1] [--concurrency 8]`
 *
 * SSH sweep of N Node entries that all point at one local sshd (Debian's openssh-server, started
 * here on 127.0.0.1 with its own host key, as the tests do), side by side in the same run with
 * `ansible-playbook --check --diff` (Debian's ansible-core) of an equivalent playbook against an
 * inventory of the same N host aliases. Both are timed from outside, as an operator runs them:
 * a fresh process, wall clock from start to exit.
 *
 * The sweep is timed three ways: the first sweep (an empty fingerprint cache, every category
 * fetched and collected), the second sweep of the same unchanged nodes (the cache the previous
 * run filled: what the nodes answer the same is reused), and `--no-cache` (one conversation per
 * node, as before the cache existed). Each of the N entries has its own cache entry, as N real
 * nodes would: nothing is shared between them. Then, for the re-sweep, where its time goes
 * (bench/sweep-costs.ts).
 *
 * The playbook asks what a driftguard sweep answers for the four things it is compared on:
 * installed packages (package_facts), a sysctl persisted in sysctl.d and an fstab entry
 * (lineinfile in check mode: would the line change?), and a service (enabled?). Only modules
 * that ship with ansible-core are used: ansible.posix (sysctl, mount) is not part of it.
 * Ansible runs twice per round: as installed (its defaults: 5 forks, no pipelining, interpreter
 * discovery) and tuned to its fastest (pipelining, a fixed interpreter, as many forks as the
 * sweep's --concurrency). The ratio is given against both.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSshd } from '../test/helpers/sshd';
import { bareLogins, measured, resweepScriptCost } from './sweep-costs';
import { ms, summarize } from './stats';
import { timed } from './timed';
import { formatBytes } from '../src/shared/format';

const CLI = path.resolve(__dirname, '../../bin/driftguard.js');

function writeDesired(dir: string, names: string[], port: number): void {
  const nodes = names.map(
    (name) =>
      `kind: Node\nname: ${name}\nroles: [bench]\nssh: { host: 127.0.0.1, port: ${port}, user: root }\n`,
  );
  const role = [
    'kind: Role',
    'name: bench',
    'packages:',
    '  openssh-server: present',
    'sysctls:',
    '  kernel.panic: 10',
    'mounts:',
    '  /srv/pypi: { device: /dev/drbd0, fstype: ext4, options: [noauto] }',
    'units:',
    '  ssh.service: { enabled: true }',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'bench.yaml'), [role, ...nodes].join('---\n'));
}

const PLAYBOOK = `- name: driftguard sweep comparison (check mode)
  hosts: all
  gather_facts: true
  tasks:
    - name: installed packages
      ansible.builtin.package_facts:
        manager: auto
    - name: kernel.panic persisted
      ansible.builtin.lineinfile:
        path: /etc/sysctl.d/99-driftguard-bench.conf
        line: kernel.panic = 10
        create: true
    - name: fstab entry of the DRBD device
      ansible.builtin.lineinfile:
        path: /etc/fstab
        regexp: '^/dev/drbd0\\s'
        line: /dev/drbd0 /srv/pypi ext4 noauto,nofail 0 2
    - name: ssh enabled
      ansible.builtin.service:
        name: ssh
        enabled: true
`;

interface SweepJson {
  reached: number;
  nodes: { node: string; bytes: number; reused: string[] }[];
}

export async function runSweepBench(args: Map<string, string>): Promise<void> {
  const count = Number(args.get('nodes') ?? 20);
  const runs = Number(args.get('runs') ?? 5);
  const ansibleRuns = Number(args.get('ansible-runs') ?? 1);
  const concurrency = Number(args.get('concurrency') ?? 8);
  const ansible = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (ansible.status !== 0) throw new Error('ansible-playbook is missing: apt-get install ansible-core');

  const loadBefore = os.loadavg()[0]?.toFixed(2);
  const sshd = await startSshd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-bench-sweep-'));
  try {
    const names = Array.from({ length: count }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);
    const desired = path.join(dir, 'desired');
    fs.mkdirSync(desired);
    writeDesired(desired, names, sshd.port);

    const baseArgs = [
      CLI,
      'sweep',
      '--desired',
      desired,
      '--known-hosts',
      sshd.knownHostsFile,
      '--identity',
      sshd.clientKeyFile,
      '--concurrency',
      String(concurrency),
      '--out-dir',
      path.join(dir, 'states'),
      '--json',
    ];
    const warmCache = path.join(dir, 'cache');
    /** A cache folder that does not exist yet: the first sweep. */
    let coldCaches = 0;
    const firstArgs = (): string[] => [...baseArgs, '--cache', path.join(dir, `cache-empty-${++coldCaches}`)];
    const resweepArgs = [...baseArgs, '--cache', warmCache];
    const noCacheArgs = [...baseArgs, '--no-cache'];

    fs.writeFileSync(path.join(dir, 'playbook.yml'), PLAYBOOK);
    fs.writeFileSync(
      path.join(dir, 'inventory.ini'),
      [
        '[all]',
        ...names.map((name) => `${name} ansible_host=127.0.0.1 ansible_port=${sshd.port}`),
        '[all:vars]',
        'ansible_user=root',
        `ansible_ssh_private_key_file=${sshd.clientKeyFile}`,
        `ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes'`,
        '',
      ].join('\n'),
    );
    const defaultArgs = ['-i', 'inventory.ini', 'playbook.yml', '--check', '--diff'];
    const tunedArgs = [
      ...defaultArgs,
      '-f',
      String(concurrency),
      '-e',
      'ansible_python_interpreter=/usr/bin/python3',
    ];
    // Ansible's scratch space in the bench directory, not in ~/.ansible.
    const scratch: NodeJS.ProcessEnv = {
      ...process.env,
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-local'),
      ANSIBLE_REMOTE_TEMP: path.join(dir, 'ansible-remote'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(dir, 'ansible-cp'),
      ANSIBLE_NOCOLOR: '1',
    };
    const tunedEnv: NodeJS.ProcessEnv = { ...scratch, ANSIBLE_PIPELINING: 'True' };
    const runAnsible = (args: string[], env: NodeJS.ProcessEnv): number => {
      const result = timed('ansible-playbook', args, { cwd: dir, env });
      if (result.code !== 0 || !/failed=0/.test(result.stdout) || /unreachable=[1-9]/.test(result.stdout)) {
        throw new Error(
          `ansible-playbook failed (${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr}`,
        );
      }
      return result.wallMs;
    };

    // Untimed: a sweep that warms the page cache and checks every node is reached, and one that
    // fills the cache the re-sweeps use.
    for (const args of [noCacheArgs, resweepArgs]) {
      const warm = timed(process.execPath, args);
      const warmResult = JSON.parse(warm.stdout) as SweepJson;
      if (warm.code !== 0 || warmResult.reached !== count) {
        throw new Error(`the sweep did not reach every node: ${warm.stdout}\n${warm.stderr}`);
      }
    }

    const firstTimes: number[] = [];
    const resweepTimes: number[] = [];
    const noCacheTimes: number[] = [];
    const defaultTimes: number[] = [];
    const tunedTimes: number[] = [];
    let lastResweep: SweepJson | undefined;
    let lastFirst: SweepJson | undefined;
    for (let run = 0; run < Math.max(runs, ansibleRuns); run++) {
      if (run < runs) {
        const first = timed(process.execPath, firstArgs());
        firstTimes.push(first.wallMs);
        lastFirst = JSON.parse(first.stdout) as SweepJson;
        const resweep = timed(process.execPath, resweepArgs);
        resweepTimes.push(resweep.wallMs);
        lastResweep = JSON.parse(resweep.stdout) as SweepJson;
        noCacheTimes.push(timed(process.execPath, noCacheArgs).wallMs);
      }
      if (run < ansibleRuns) {
        defaultTimes.push(runAnsible(defaultArgs, scratch));
        tunedTimes.push(runAnsible(tunedArgs, tunedEnv));
      }
    }

    // Where a re-sweep's time goes (after the timed runs, so they do not disturb them).
    const resweepCost = measured([process.execPath, ...resweepArgs]);
    const startOnly = measured([process.execPath, CLI, 'validate', '--desired', desired]);
    const logins = await bareLogins(sshd, count, concurrency);
    const script = resweepScriptCost(path.join(warmCache, `${names[0]}.json`));

    const first = summarize(firstTimes);
    const resweep = summarize(resweepTimes);
    const noCache = summarize(noCacheTimes);
    const asInstalled = summarize(defaultTimes);
    const tuned = summarize(tunedTimes);
    const perNode = JSON.parse(fs.readFileSync(path.join(dir, 'states', `${names[0]}.json`), 'utf8')) as {
      packages?: { items: object };
      sysctls?: { live: object };
      units?: { items: object };
    };
    const out = (text: string): boolean => process.stdout.write(`${text}\n`);
    const row = (label: string, count: number, stats: ReturnType<typeof summarize>): void => {
      out(
        `  ${label.padEnd(44)} ${String(count).padStart(2)} run${count === 1 ? ' ' : 's'}` +
          `  median ${ms(stats.median).padStart(11)}  min ${ms(stats.min).padStart(11)}  max ${ms(stats.max).padStart(11)}`,
      );
    };
    out(
      `sweep of ${count} Node entries → one local sshd (127.0.0.1:${sshd.port}), concurrency ${concurrency}, ` +
        `${os.cpus().length} CPUs, load average before ${loadBefore}`,
    );
    out(
      `  each state: ${Object.keys(perNode.packages?.items ?? {}).length} packages, ` +
        `${Object.keys(perNode.sysctls?.live ?? {}).length} live sysctls, ${Object.keys(perNode.units?.items ?? {}).length} units`,
    );
    row('driftguard sweep, first (empty cache)', runs, first);
    row('driftguard sweep, again (nodes unchanged)', runs, resweep);
    row('driftguard sweep --no-cache', runs, noCache);
    row('ansible-playbook --check --diff (defaults)', ansibleRuns, asInstalled);
    row(`ansible-playbook … tuned (-f ${concurrency}, pipelining)`, ansibleRuns, tuned);
    const ratios = (stats: ReturnType<typeof summarize>): string =>
      `${(asInstalled.median / stats.median).toFixed(1)}× against ansible as installed, ` +
      `${(tuned.median / stats.median).toFixed(1)}× against tuned`;
    out(`  re-sweep: ${ratios(resweep)}   (target ≥ 100× against ansible as installed)`);
    out(`  first sweep: ${ratios(first)};   --no-cache: ${ratios(noCache)}`);
    const perNodeBytes = (json: SweepJson | undefined): string =>
      json ? formatBytes(json.nodes.reduce((sum, node) => sum + node.bytes, 0) / json.nodes.length) : '?';
    const reusedCounts = new Map<string, number>();
    for (const node of lastResweep?.nodes ?? [])
      reusedCounts.set(node.reused.join(' '), (reusedCounts.get(node.reused.join(' ')) ?? 0) + 1);
    out(
      `  bytes received per node: first ${perNodeBytes(lastFirst)}, again ${perNodeBytes(lastResweep)}; ` +
        `reused: ${[...reusedCounts].map(([list, n]) => `${n} node(s) [${list || 'nothing'}]`).join(', ')}`,
    );
    out('  where a re-sweep goes (one more run, measured from outside):');
    out(
      `    the whole re-sweep: ${ms(resweepCost.wallMs)} wall; driftguard's process ${ms(resweepCost.cpuMs)} CPU, ` +
        `peak RSS ${resweepCost.rssMb.toFixed(0)} MB`,
    );
    out(
      `    process start + desired state alone (driftguard validate): ${ms(startOnly.wallMs)} wall, ${ms(startOnly.cpuMs)} CPU`,
    );
    out(
      `    ${count} bare OpenSSH logins (ssh -o KexAlgorithms=curve25519-sha256 … true), ${concurrency} at a time: ${ms(logins)} wall`,
    );
    out(
      `    the remote script answering one node's ${script.batches} re-sweep batches: ${ms(script.wallMs)} wall, ` +
        `${ms(script.cpuMs)} CPU (×${count} nodes: ${ms(script.cpuMs * count)} CPU on the nodes)`,
    );
    const hide = (text: string): string => text.replaceAll(dir, '$DIR').replaceAll(sshd.dir, '$SSHD');
    out('  commands:');
    out(`    node bin/driftguard.js ${hide(firstArgs().slice(1).join(' '))}   (a new folder each run)`);
    out(`    node bin/driftguard.js ${hide(resweepArgs.slice(1).join(' '))}`);
    out(`    node bin/driftguard.js ${hide(noCacheArgs.slice(1).join(' '))}`);
    out(
      `    ansible-playbook ${defaultArgs.join(' ')}   (cwd $DIR; inventory: ${count} aliases of 127.0.0.1:${sshd.port})`,
    );
    out(`    ANSIBLE_PIPELINING=True ansible-playbook ${tunedArgs.join(' ')}`);
  } finally {
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
