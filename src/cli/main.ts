/**
 * The `driftguard` command line (DESIGN §11). This file only declares commands and options;
 * each command's work lives in `commands/NAME.ts`, loaded when that command runs so that
 * `collect` never pays for ajv or the compare engine. Errors become exit codes here and only
 * here (through `exit-codes.ts`).
 */
import { Command, CommanderError, Option } from 'commander';
import { DriftguardError, UsageError, asDriftguardError } from '../shared/errors';
import { packageVersion } from '../shared/package-info';
import { EXIT_ERROR, EXIT_OK, exitCodeFor } from './exit-codes';
import type { CliIo } from './io';
import { printJson, processIo } from './io';
import { DEFAULT_DESIRED } from './defaults';

const DEFAULT_DB = './var/driftguard.db';

/** Options every command that reads states accepts: a folder of NODE.json, or a server. */
function stateOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--states <dir>', 'folder of NODE.json states (as written by collect --out)').conflicts(
        'server',
      ),
    )
    .addOption(new Option('--server <url>', 'driftguard server to read the latest states from'))
    .option('--token-file <file>', 'token for --server (default: $DRIFTGUARD_TOKEN; none on loopback)')
    .option('--json', 'print one JSON document on stdout', false);
}

function buildProgram(io: CliIo, run: (load: () => Promise<number>) => void): Command {
  const program = new Command('driftguard')
    .description('Keeps both nodes of a high-availability pair identical and ready to fail over.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run driftguard --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('collect')
    .description("record this node's real state (or a tree's under --root) as NodeState JSON")
    .option('--root <dir>', "the node's / (a fixture tree or a mounted image)", '/')
    .option('--node <name>', "the node's name (default: its hostname)")
    .option('--desired <dir>', "also record the files this node's roles watch")
    .option('--out <file>', 'write the state to FILE (atomically) instead of stdout')
    .action((options) => run(async () => (await import('./commands/collect')).runCollect(options, io)));

  program
    .command('sweep')
    .description('collect nodes agentlessly over SSH (every Node with an ssh: entry, or --node NAME …)')
    .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED)
    .option('--node <name...>', 'only these nodes')
    .option('--known-hosts <file>', 'host keys to trust (OpenSSH format)', '~/.ssh/known_hosts')
    .option(
      '--identity <file>',
      'private key (default ~/.ssh/id_ed25519 or id_rsa; ssh-agent via SSH_AUTH_SOCK)',
    )
    .option('--concurrency <n>', 'nodes swept at once', '8')
    .option('--timeout <duration>', 'per node: connect, collect, done', '30s')
    .addOption(new Option('--out-dir <dir>', 'write NODE.json states here (atomically)').conflicts('server'))
    .option('--server <url>', 'send each state to this driftguard server as a full report')
    .option('--token-file <file>', 'with --server: a token that may report for every node swept (admin)')
    .option(
      '--cache <dir>',
      'fingerprints of the last sweeps: what a node answers the same is not fetched again (default $XDG_CACHE_HOME/driftguard/sweep or ~/.cache/driftguard/sweep)',
    )
    .option(
      '--no-cache',
      'fetch and collect everything, one conversation per node (and keep no fingerprints)',
    )
    .option('--json', 'print one JSON document on stdout', false)
    .action((options) => run(async () => (await import('./commands/sweep')).runSweep(options, io)));

  program
    .command('validate')
    .description('load and check the desired state; print every problem with file:line:col')
    .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED)
    .option('--json', 'print one JSON document on stdout', false)
    .action((options) => run(async () => (await import('./commands/validate')).runValidate(options, io)));

  stateOptions(
    program
      .command('check')
      .argument('<node>', 'node to check')
      .description('drift of a node from its roles, and parity with its pair partner')
      .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED),
  ).action((node, options) =>
    run(async () => (await import('./commands/check')).runCheck(node, options, io)),
  );

  stateOptions(
    program
      .command('diff')
      .argument('<a>', 'first node (the primary, or the old node of a migration)')
      .argument('<b>', 'second node')
      .description('everything that differs between two nodes; what A has that B lacks first')
      .option(
        '--desired <dir>',
        `desired state, for a pair's ignore rules (default: ${DEFAULT_DESIRED} if present)`,
      ),
  ).action((a, b, options) => run(async () => (await import('./commands/diff')).runDiff(a, b, options, io)));

  stateOptions(
    program
      .command('ready')
      .argument('<pair>', 'pair to judge')
      .description('GO or NO-GO: can the secondary take over from the primary now? Every reason, and the fix')
      .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED)
      .option('--strict', 'warnings count as failures', false)
      .option('--no-probes', "do not probe the secondary's declared endpoints")
      .option('--probe-timeout <duration>', 'how long a probe waits for an answer', '3s'),
  ).action((pair, options) =>
    run(async () => (await import('./commands/ready')).runReady(pair, options, io)),
  );

  stateOptions(
    program
      .command('plan')
      .argument('<target>', 'a node, or pair:NAME (node:NAME, role:NAME)')
      .description('the fixes for the current findings: commands and file diffs, reviewable; changes nothing')
      .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED)
      .option('--out <file>', 'also write the plan as JSON, for apply --plan FILE'),
  ).action((target, options) =>
    run(async () => (await import('./commands/plan')).runPlan(target, options, io)),
  );

  /** SSH and store options shared by apply and restore. */
  const changeOptions = (command: Command): Command =>
    command
      .option('--desired <dir>', 'desired-state folder', DEFAULT_DESIRED)
      .option('--root <dir>', "with --via local: the node's / (commands run with chroot when not /)")
      .option('--yes', 'really change the nodes (without it: a dry run that changes nothing)', false)
      .option('--known-hosts <file>', 'host keys to trust (OpenSSH format)', '~/.ssh/known_hosts')
      .option(
        '--identity <file>',
        'private key (default ~/.ssh/id_ed25519 or id_rsa; ssh-agent via SSH_AUTH_SOCK)',
      )
      .option('--sudo', 'run every command on the node under sudo -n (a login that is not root)', false)
      .option('--connect-timeout <duration>', 'SSH connect, handshake and login', '10s')
      .option(
        '--db <file|url>',
        'the store runs are recorded in (the server uses the same one): a SQLite file or a postgres:// URL',
        DEFAULT_DB,
      )
      .option('--json', 'print one JSON document on stdout', false);

  changeOptions(
    program
      .command('apply')
      .argument('<target>', 'a node, or pair:NAME (node:NAME, role:NAME)')
      .description(
        'plan and apply fixes: secondary first, verified, then primary; backups first; dry run unless --yes',
      )
      .addOption(
        new Option('--via <transport>', 'ssh (default), local (this host or --root)').choices([
          'ssh',
          'local',
          'agent',
        ]),
      )
      .option(
        '--plan <file>',
        'apply this reviewed plan (from plan --out); refused if edited or if the nodes changed since',
      )
      .addOption(
        new Option('--states <dir>', 'plan from this folder of NODE.json states').conflicts([
          'server',
          'plan',
        ]),
      )
      .addOption(new Option('--server <url>', 'plan from the latest states on this server').conflicts('plan'))
      .option('--token-file <file>', 'token for --server')
      .option('--max-nodes-per-wave <n>', 'nodes changed at once (never both nodes of a pair)'),
  ).action((target, options) =>
    run(async () => (await import('./commands/apply')).runApply(target, options, io)),
  );

  changeOptions(
    program
      .command('restore')
      .argument('<run>', 'the run whose backups to put back (driftguard runs lists them)')
      .description('put back every file a run backed up, checked against its checksums; dry run unless --yes')
      .option('--node <name>', 'only this node of the run')
      .addOption(
        new Option(
          '--via <transport>',
          "ssh, or local (this host or --root): the run's own by default; local restores a run the store does not hold (an agent's) from the node's backup folder",
        ).choices(['ssh', 'local']),
      ),
  ).action((runId, options) =>
    run(async () => (await import('./commands/restore')).runRestore(runId, options, io)),
  );

  const runs = program
    .command('runs')
    .description('applies and restores — manual and scheduled alike — newest first')
    .option('--server <url>', 'list the runs of this server instead of the store file')
    .option('--token-file <file>', 'token for --server')
    .option('--db <file|url>', 'store: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print one JSON document on stdout', false)
    .action((options) => run(async () => (await import('./commands/runs')).runRunsList(options, io)));
  runs
    .command('show')
    .argument('<id>', 'run id')
    .description('one run: every fix with its files before/after, commands, outcome')
    // Its options are the ones of `runs` (--server, --token-file, --db, --json), given before or after.
    .action((id, _options, command: Command) =>
      run(async () =>
        (await import('./commands/runs')).runRunsShow(id, command.optsWithGlobals() as never, io),
      ),
    );

  stateOptions(
    program
      .command('adopt')
      .argument('<node>', 'a healthy node to take the desired state from')
      .description('write a desired state (a Role, Node and Pair stubs) from what a node has')
      .option('--role <name>', 'name of the role to write (default: the node name)')
      .option('--pin-versions', 'pin packages to the versions the node has', false)
      .option('--out <file>', 'write the YAML to FILE (atomically) instead of stdout'),
  ).action((node, options) =>
    run(async () => (await import('./commands/adopt')).runAdopt(node, options, io)),
  );

  program
    .command('serve')
    .description(
      'run the server: reports in, drift and parity out, on the embedded SQLite store or PostgreSQL (--db postgres://…)',
    )
    .option(
      '--desired <dir>',
      'desired-state folder (watched; reloaded on change or SIGHUP)',
      DEFAULT_DESIRED,
    )
    .option('--db <file|url>', 'store: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:8080')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this key (PEM)')
    .option('--anonymous-read', 'allow reads without a token (default: only when listening on loopback)')
    .option('--no-anonymous-read', 'require a token for reads even on loopback')
    .option('--import <dir...>', 'feed these folders of NODE.json states in at start')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .option('--durable', 'fsync every commit (survives power loss; slower)', false)
    .option(
      '--readiness-interval <duration>',
      "evaluate every pair's readiness this often (0s = only when asked)",
      '60s',
    )
    .option('--probe-timeout <duration>', 'how long a reachability probe waits for an answer', '3s')
    .option('--known-hosts <file>', 'host keys for the sweeps of schedules', '~/.ssh/known_hosts')
    .option(
      '--identity <file>',
      'private key for the sweeps of schedules (default ~/.ssh/id_ed25519, id_rsa, ssh-agent)',
    )
    .option('--plan-ttl <duration>', 'how long a plan made over the API may be approved and run', '1h')
    .option(
      '--agent-timeout <duration>',
      'how long a node agent has for its part of an --via agent run',
      '10m',
    )
    .option(
      '--local-node <name=dir...>',
      'also collect, in-process, this host as NAME (or the tree under DIR, e.g. a fixture node); repeatable',
    )
    .option('--local-interval <duration>', 'how often --local-node collects', '60s')
    .option(
      '--keep-history <duration>',
      'forget state versions, findings and verdicts replaced this long ago (0s = keep everything)',
      '30d',
    )
    .action((options) => run(async () => (await import('./commands/serve')).runServe(options, io)));

  program
    .command('agent')
    .description('run the node agent: collect on an interval, report to the server, spool while it is away')
    .requiredOption(
      '--server <url>',
      'driftguard server, e.g. https://driftguard.example:8443; repeat it for several instances on one PostgreSQL store (tried in turn)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .requiredOption('--token-file <file>', "this node's token (from driftguard token create NODE); mode 0600")
    .option('--interval <duration>', 'time between collections, ±10 % jitter (30s, 5m …)', '60s')
    .option('--root <dir>', "the node's / (a fixture tree or a mounted image)", '/')
    .option('--node <name>', "the node's name (default: its hostname)")
    .option('--spool <dir>', 'where reports wait until the server has them', '/var/lib/driftguard/spool')
    .option('--spool-max-reports <n>', 'most reports the spool keeps (oldest dropped first)', '10000')
    .option('--spool-max-size <size>', 'most bytes the spool keeps (100M, 1G …)', '100M')
    .option('--backoff-max <duration>', 'longest wait between attempts while the server is away', '5m')
    .option('--watch-refresh <n>', "ask the server for the node's watched files every N collections", '10')
    .option('--once', 'collect, deliver what the spool holds, exit: 0 delivered, 2 still spooled', false)
    .option(
      '--apply',
      "apply the approved work waiting for this node and exit (the privileged apply unit's command)",
      false,
    )
    .option(
      '--apply-unit <unit>',
      'start this unit (driftguard-apply.service) when approved work waits for the node',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .action((options) => run(async () => (await import('./commands/agent')).runAgent(options, io)));

  const token = program
    .command('token')
    .description('API tokens, on the store file of the server on this host');
  token
    .command('create')
    .argument('[node]', 'the node this token may report as')
    .description('create a token and print it once')
    .option('--admin', 'an admin token (management, and reports for any node)')
    .option('--reader', 'a read-only token')
    .option('--label <text>', 'a note to recognise it by')
    .option('--db <file|url>', 'store: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option(
      '--desired <dir>',
      `desired state that must declare NODE (default: ${DEFAULT_DESIRED} if present)`,
    )
    .option('--undeclared', 'create a node token though the desired state does not declare the node')
    .option('--json', 'print one JSON document on stdout', false)
    .action((node, options) =>
      run(async () => (await import('./commands/token')).runTokenCreate(node, options, io)),
    );
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--db <file|url>', 'store: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print one JSON document on stdout', false)
    .action((options) => run(async () => (await import('./commands/token')).runTokenList(options, io)));
  token
    .command('revoke')
    .argument('<id>', 'token id, from token list')
    .description('revoke a token')
    .option('--db <file|url>', 'store: a SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--json', 'print one JSON document on stdout', false)
    .action((id, options) =>
      run(async () => (await import('./commands/token')).runTokenRevoke(id, options, io)),
    );

  return program;
}

/**
 * A person reads the error on stderr; with `--json`, automation also gets it as the one JSON
 * document on stdout (`{"error": {code, message, issues}}`), so it never has to parse text.
 */
function reportError(io: CliIo, err: unknown, json: boolean): number {
  const error = asDriftguardError(err);
  if (json) printJson(io, { error: error.toJSON() });
  const prefix = io.colors.red('driftguard: error:');
  if (error.code === 'E_INTERNAL' && !(err instanceof DriftguardError)) {
    io.err(`${prefix} ${error.message}\n${err instanceof Error && err.stack ? err.stack + '\n' : ''}`);
  } else {
    io.err(`${prefix} ${error.describe()}\n`);
  }
  return exitCodeFor(error);
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram(io, (load) => {
    pending = load();
  });
  try {
    await program.parseAsync([...argv]);
    if (!pending) {
      program.outputHelp();
      return EXIT_ERROR;
    }
    return await pending;
  } catch (err) {
    if (err instanceof CommanderError) {
      const informational =
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help';
      if (informational) return EXIT_OK;
      // commander has told the person on stderr; automation gets the one JSON document.
      if (argv.includes('--json'))
        printJson(io, { error: new UsageError(err.message.replace(/^error: /, '')).toJSON() });
      return EXIT_ERROR;
    }
    return reportError(io, err, argv.includes('--json'));
  }
}
