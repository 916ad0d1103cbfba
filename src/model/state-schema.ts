/**
 * JSON Schema of NodeState (`driftguard/state@1`). It guards every way a state enters: files
 * given to `--states`, reports posted to the server. Keep it in step with `state.ts`; the test
 * beside it validates real collected states of every fixture node, so a field added to a
 * collector but not here fails there.
 */

import { UNIT_DEPENDENCY_LISTS } from './state';

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const int = { type: 'integer' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: str } as const;

function object(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

const skippedLines = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      source: { type: 'string' },
      line: { type: 'integer', minimum: 0 },
      message: { type: 'string' },
    },
    required: ['source', 'line', 'message'],
  },
} as const;

function recordOf(value: unknown) {
  return { type: 'object', additionalProperties: value } as const;
}

const osInfo = object({ id: str, versionId: str, prettyName: str, kernel: str, arch: str, hostname: str }, [
  'id',
  'versionId',
]);

const capacity = object({ cpus: count, memoryBytes: count }, ['cpus', 'memoryBytes']);

const packageEntry = object(
  {
    name: nonEmpty,
    arch: str,
    version: str,
    status: str,
    otherVersions: strings,
    flags: {
      type: 'array',
      items: {
        enum: [
          'held',
          'half-installed',
          'half-configured',
          'unpacked',
          'triggers-awaited',
          'triggers-pending',
          'reinst-required',
        ],
      },
    },
  },
  ['name', 'arch', 'version', 'status'],
);

const packages = object({ manager: { enum: ['dpkg', 'rpm'] }, items: recordOf(packageEntry) }, [
  'manager',
  'items',
]);

const fstabOptions = object(
  {
    auto: bool,
    nofail: bool,
    netdev: bool,
    systemdRequires: strings,
    systemdAfter: strings,
    systemdBefore: strings,
    systemdWantedBy: strings,
    systemdRequiredBy: strings,
    systemdRequiresMountsFor: strings,
    automount: bool,
    deviceTimeout: str,
    mountTimeout: str,
  },
  [
    'auto',
    'nofail',
    'netdev',
    'systemdRequires',
    'systemdAfter',
    'systemdBefore',
    'systemdWantedBy',
    'systemdRequiredBy',
    'systemdRequiresMountsFor',
    'automount',
  ],
);

const fstabEntry = object(
  {
    spec: str,
    file: str,
    vfstype: str,
    options: strings,
    parsed: fstabOptions,
    freq: int,
    passno: int,
    line: count,
  },
  ['spec', 'file', 'vfstype', 'options', 'parsed', 'freq', 'passno', 'line'],
);

const liveMount = object(
  {
    mountPoint: str,
    source: str,
    fstype: str,
    options: strings,
    superOptions: strings,
    root: str,
    mountId: int,
    parentId: int,
    device: str,
    overmounted: count,
  },
  ['mountPoint', 'source', 'fstype', 'options', 'superOptions', 'root', 'mountId', 'parentId', 'device'],
);

const mounts = object(
  {
    fstab: { type: 'array', items: fstabEntry },
    live: { type: 'array', items: liveMount },
    warnings: skippedLines,
  },
  ['fstab', 'live'],
);

const dependencyLists = [...UNIT_DEPENDENCY_LISTS];

const unitInfo = object(
  {
    name: nonEmpty,
    type: str,
    path: str,
    dropIns: strings,
    masked: bool,
    enablement: {
      enum: [
        'enabled',
        'enabled-runtime',
        'linked',
        'linked-runtime',
        'alias',
        'masked',
        'masked-runtime',
        'static',
        'indirect',
        'disabled',
        'generated',
        'transient',
        'bad',
      ],
    },
    defaultDependencies: bool,
    generatedBy: str,
    mount: object({ what: str, where: str, type: str, options: str }, ['what', 'where']),
    fstabLine: count,
    activeState: str,
    aliasOf: str,
    implicit: object(
      Object.fromEntries(
        ['after', 'before', 'requires', 'wants', 'bindsTo', 'conflicts'].map((list) => [list, strings]),
      ),
    ),
    ...Object.fromEntries(dependencyLists.map((list) => [list, strings])),
  },
  ['name', 'type', 'dropIns', 'masked', 'enablement', 'defaultDependencies', ...dependencyLists],
);

const units = object({ items: recordOf(unitInfo), defaultTarget: str }, ['items']);

const persistedSysctl = object(
  {
    value: str,
    source: str,
    overridden: { type: 'array', items: object({ value: str, source: str }, ['value', 'source']) },
  },
  ['value', 'source'],
);

const sysctls = object(
  { live: recordOf(str), persisted: recordOf(persistedSysctl), warnings: skippedLines },
  ['live', 'persisted'],
);

const fileInfo = object(
  {
    path: nonEmpty,
    exists: bool,
    type: { enum: ['file', 'directory', 'symlink', 'other'] },
    sha256: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    mode: { type: 'string', pattern: '^[0-7]{4}$' },
    owner: str,
    group: str,
    size: count,
    target: str,
    text: str,
    redacted: { const: true },
    error: str,
  },
  ['path', 'exists'],
);

const files = object({ items: recordOf(fileInfo) }, ['items']);

const users = object(
  {
    users: recordOf(
      object({ name: nonEmpty, uid: count, gid: count, home: str, shell: str }, [
        'name',
        'uid',
        'gid',
        'home',
        'shell',
      ]),
    ),
    groups: recordOf(object({ name: nonEmpty, gid: count, members: strings }, ['name', 'gid', 'members'])),
    warnings: skippedLines,
  },
  ['users', 'groups'],
);

const drbdResource = object(
  {
    name: nonEmpty,
    role: str,
    volumes: {
      type: 'array',
      items: object({ volume: count, minor: count, diskState: str }, ['volume', 'minor', 'diskState']),
    },
    connections: {
      type: 'array',
      items: object(
        {
          peer: str,
          connectionState: str,
          peerRole: str,
          peerDevices: {
            type: 'array',
            items: object(
              { volume: count, replicationState: str, peerDiskState: str, outOfSyncBytes: count },
              ['volume', 'replicationState', 'peerDiskState', 'outOfSyncBytes'],
            ),
          },
        },
        ['peer', 'connectionState', 'peerRole', 'peerDevices'],
      ),
    },
  },
  ['name', 'role', 'volumes', 'connections'],
);

const replication = object({ drbdAvailable: bool, drbd: recordOf(drbdResource) }, ['drbdAvailable', 'drbd']);

export const CATEGORY_SCHEMAS = {
  os: osInfo,
  capacity,
  packages,
  mounts,
  units,
  sysctls,
  files,
  users,
  replication,
} as const;

const categoryNames = Object.keys(CATEGORY_SCHEMAS);

export const NODE_STATE_SCHEMA = object(
  {
    schema: { const: 'driftguard/state@1' },
    node: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$' },
    collectedAt: { type: 'string', format: 'date-time' },
    errors: {
      type: 'array',
      items: object({ collector: { enum: categoryNames }, code: str, message: str }, [
        'collector',
        'code',
        'message',
      ]),
    },
    hashes: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        categoryNames.map((name) => [name, { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' }]),
      ),
    },
    ...CATEGORY_SCHEMAS,
  },
  ['schema', 'node', 'collectedAt', 'errors', 'hashes'],
);
