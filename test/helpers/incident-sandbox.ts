/**
 * The PyPI 2013 pair (docs/incidents/pypi-2013-11-outage.txt, test/fixtures/nodes/pypi-1 and
 * pypi-2) as two live sandbox nodes that enforcement can fix for real over SSH. They start with
 * the incident's drift: pypi-2 lacks pypissh and has older python3-psycopg2 /
 * python3-sqlalchemy, kernel.panic is 0 live and not persisted on both, the DRBD device is
 * mounted at boot (`defaults`, no noauto) on both, pypi-2's r0.res lacks `verify-alg sha256;`,
 * pypi-2's pypi user is 991 and its config.ini is world-readable root:root.
 *
 * Configuration files come from the fixture trees; packages are real dpkg installs by apt from
 * a repository of small stand-ins with the fixtures' names and versions (never copied dpkg
 * databases); users and unit enablement are made by useradd and `systemctl enable` inside.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments, Scalar } from 'yaml';
import type { Document } from 'yaml';
import type { DebSpec } from './apt-repo';
import { REPO } from './cli';
import { fixtureRoot } from './fixture-nodes';
import { startSandboxFleet } from './sandbox';
import type { SandboxFleet, SandboxNodeSpec } from './sandbox';

const INCIDENT_NODES = ['pypi-1', 'pypi-2'] as const;
type IncidentNode = (typeof INCIDENT_NODES)[number];

export interface IncidentPair {
  fleet: SandboxFleet;
  /** A copy of desired-state/ whose pypi-1 and pypi-2 are reached (ssh, probes) at their sandboxes. */
  desiredDir: string;
  stop(): Promise<void>;
}

/** Copied from each fixture node; the fixture's dpkg database, captured commands and /run are not. */
const FIXTURE_PATHS = [
  '/etc/fstab',
  '/etc/drbd.conf',
  '/etc/drbd.d',
  '/etc/hosts',
  '/etc/pypi/config.ini',
  '/etc/sysctl.conf',
  '/etc/systemd/system/pypi-web.service',
  '/proc',
  '/sys/devices/system/cpu',
];
/** Only pypi-1 has drop-ins for pypi-web.service. */
const OPTIONAL_FIXTURE_PATHS = ['/etc/systemd/system/pypi-web.service.d'];

const DRBD_STATUS_FILE = '/etc/driftguard-test/drbdsetup-status.json';

/** Answers the one drbdsetup call the replication collector makes, from the node's captured status. */
const DRBDSETUP = `#!/bin/sh
# drbdsetup stand-in for driftguard's sandbox nodes: no kernel module here, so "status --json"
# answers from the status captured on the real node.
if [ "$1" = status ] && [ "$2" = --json ]; then
  exec cat ${DRBD_STATUS_FILE}
fi
echo "drbdsetup (driftguard sandbox stand-in): only 'status --json' is available" >&2
exit 20
`;

const PYPISSH = `#!/bin/sh
# pypissh stand-in for driftguard's sandbox nodes.
echo "pypissh: not a real gateway" >&2
exit 1
`;

function fixtureText(node: IncidentNode, nodePath: string): string {
  return fs.readFileSync(path.join(fixtureRoot(node), nodePath), 'utf8');
}

/** Every drbd unit of the real drbd-utils (as captured in the fixture), where the package puts them. */
function drbdUnits(): Record<string, string> {
  const dir = path.join(fixtureRoot('pypi-1'), 'usr/lib/systemd/system');
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((name) => name.startsWith('drbd'))
      .map((name) => [`/lib/systemd/system/${name}`, fs.readFileSync(path.join(dir, name), 'utf8')]),
  );
}

/**
 * pypissh's unit as a well-behaved vendor would ship it: the fixture's, but runs only where the
 * cluster manager has mounted /srv/pypi instead of pulling the failover mount in at boot.
 */
function pypisshUnit(): string {
  const fixture = fixtureText('pypi-1', '/usr/lib/systemd/system/pypissh.service');
  const unit = fixture.replace('RequiresMountsFor=/srv/pypi\n', 'ConditionPathIsMountPoint=/srv/pypi\n');
  if (unit === fixture || !/^WantedBy=multi-user\.target$/m.test(unit)) {
    throw new Error('the pypi-1 fixture no longer has the pypissh unit this helper derives from');
  }
  return unit;
}

/**
 * The stand-ins, with the fixtures' names and versions. Architecture: `all` where the fixture
 * has `all` (python3-sqlalchemy, pypissh); where it has amd64 (drbd-utils, python3-psycopg2)
 * this machine's own dpkg architecture, which is amd64 on the CI host and lets the packages
 * install on any other. python3 itself is the image's real one (3.11.2-1+b1, as in the fixtures).
 */
function incidentRepo(): DebSpec[] {
  const native = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  return [
    {
      name: 'drbd-utils',
      version: '9.22.0-1',
      arch: native,
      description: 'RAID 1 over TCP/IP for Linux (driftguard sandbox stand-in)',
      files: { ...drbdUnits(), '/usr/sbin/drbdsetup': DRBDSETUP },
    },
    ...['2.8.6-2', '2.9.5-1+b1'].map((version) => ({
      name: 'python3-psycopg2',
      version,
      arch: native,
      depends: 'python3',
      description: 'Python 3 module for PostgreSQL (stand-in)',
    })),
    ...['1.3.22+ds1-1', '1.4.46+ds1-1'].map((version) => ({
      name: 'python3-sqlalchemy',
      version,
      depends: 'python3',
      description: 'SQL toolkit and Object Relational Mapper for Python 3 (stand-in)',
    })),
    {
      name: 'pypissh',
      version: '1.2.0-1',
      depends: 'python3, openssh-server',
      description: 'PyPI uploads over SSH (stand-in)',
      files: {
        '/usr/lib/systemd/system/pypissh.service': pypisshUnit(),
        '/usr/bin/pypissh': PYPISSH,
        '/etc/pypissh/pypissh.conf': '# pypissh configuration\nlisten = 0.0.0.0:2222\n',
      },
    },
  ];
}

interface NodeRecipe {
  packages: string[];
  units: string[];
  pypiId: number;
  /** pypi-1's config.ini was made group-readable only; pypi-2's kept the fixture's 0644 root:root. */
  restrictConfig: boolean;
}

const RECIPES: Record<IncidentNode, NodeRecipe> = {
  'pypi-1': {
    packages: ['drbd-utils', 'python3-psycopg2=2.9.5-1+b1', 'python3-sqlalchemy=1.4.46+ds1-1', 'pypissh'],
    units: ['drbd.service', 'pypissh.service', 'pypi-web.service', 'ssh.service'],
    pypiId: 990,
    restrictConfig: true,
  },
  'pypi-2': {
    packages: ['drbd-utils', 'python3-psycopg2=2.8.6-2', 'python3-sqlalchemy=1.3.22+ds1-1'],
    units: ['drbd.service', 'pypi-web.service', 'ssh.service'],
    pypiId: 991,
    restrictConfig: false,
  },
};

function incidentSpec(node: IncidentNode): SandboxNodeSpec {
  const recipe = RECIPES[node];
  const id = String(recipe.pypiId);
  const config = '/etc/pypi/config.ini';
  return {
    name: node,
    fromTree: {
      dir: fixtureRoot(node),
      paths: [
        ...FIXTURE_PATHS,
        ...OPTIONAL_FIXTURE_PATHS.filter((nodePath) => fs.existsSync(path.join(fixtureRoot(node), nodePath))),
      ],
    },
    files: { [DRBD_STATUS_FILE]: fixtureText(node, '/.driftguard/drbdsetup-status.json') },
    packages: recipe.packages,
    setup: [
      ['groupadd', '--gid', id, 'pypi'],
      // As the fixture's passwd line: pypi:x:ID:ID:PyPI service:/srv/pypi:/usr/sbin/nologin
      [
        'useradd',
        '--system',
        '--uid',
        id,
        '--gid',
        id,
        '--no-create-home',
        '--home-dir',
        '/srv/pypi',
        '--shell',
        '/usr/sbin/nologin',
        '--comment',
        'PyPI service',
        'pypi',
      ],
      ...(recipe.restrictConfig
        ? [
            ['chown', 'root:pypi', config],
            ['chmod', '0640', config],
          ]
        : []),
      ['systemctl', 'enable', '--quiet', ...recipe.units],
    ],
  };
}

/** Points a Node document at its sandbox: ssh and a single ssh probe on the sandbox port. */
function pointAtSandbox(doc: Document, port: number): void {
  doc.set('ssh', doc.createNode({ host: '127.0.0.1', port, user: 'root' }, { flow: true }));
  // Quoted as the file quotes its endpoints.
  const tcp = new Scalar(`127.0.0.1:${port}`);
  tcp.type = 'QUOTE_SINGLE';
  const probe = doc.createNode({ name: 'ssh', tcp }, { flow: true });
  doc.set('probes', doc.createNode([probe]));
}

/** A temporary copy of desired-state/ with the incident nodes at their sandbox ports (comments kept). */
function sandboxDesired(ports: Record<string, number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-incident-desired-'));
  fs.cpSync(path.join(REPO, 'desired-state'), dir, { recursive: true });
  const file = path.join(dir, 'pypi.yaml');
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const pointed = new Set<string>();
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    const name = doc.get('name');
    if (doc.get('kind') === 'Node' && typeof name === 'string' && ports[name] !== undefined) {
      pointAtSandbox(doc, ports[name]);
      pointed.add(name);
    }
  }
  const missing = Object.keys(ports).filter((name) => !pointed.has(name));
  if (missing.length > 0) throw new Error(`${file} has no Node ${missing.join(', ')}`);
  fs.writeFileSync(file, docs.map((doc) => doc.toString()).join(''));
  return dir;
}

/** Starts pypi-1 and pypi-2 with the 2013 drift; `stop()` removes the nodes and the desired copy. */
export async function startIncidentPair(): Promise<IncidentPair> {
  const fleet = await startSandboxFleet(INCIDENT_NODES.map(incidentSpec), { repo: incidentRepo() });
  try {
    const ports = Object.fromEntries(INCIDENT_NODES.map((name) => [name, fleet.nodes[name]?.port as number]));
    const desiredDir = sandboxDesired(ports);
    return {
      fleet,
      desiredDir,
      stop: async () => {
        await fleet.stop();
        fs.rmSync(desiredDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fleet.stop();
    throw err;
  }
}
