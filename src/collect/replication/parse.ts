/**
 * Pure parsers for DRBD state:
 *   - DRBD 9: `drbdsetup status --json` (format from drbd-utils 9.x, user/v9/drbdsetup.c
 *     `resource_status_json()` & co.; out-of-sync is printed in KiB);
 *   - DRBD 8.x: /proc/drbd, which in 8.4 carries the whole status per minor (DRBD 9's /proc/drbd
 *     holds only the version lines).
 * Malformed input throws CollectError: a replication state we cannot read must not look healthy.
 */
import type { DrbdConnection, DrbdPeerDevice, DrbdResource, DrbdVolume } from '../../model/state';
import { CollectError } from '../../shared/errors';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(
  object: Json,
  key: string,
  where: string,
  check: (value: unknown) => value is T,
  what: string,
): T {
  const value = object[key];
  if (!check(value)) throw new CollectError(`drbdsetup status --json: ${where}: "${key}" is not ${what}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);

function objects(value: unknown[], where: string): Json[] {
  return value.map((item, index) => {
    if (!isObject(item))
      throw new CollectError(`drbdsetup status --json: ${where}[${index}] is not an object`);
    return item;
  });
}

/** Parses `drbdsetup status --json` (an array of resources), keyed by resource name. */
export function parseDrbdStatusJson(text: string): Record<string, DrbdResource> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new CollectError(`drbdsetup status --json: not JSON (${(err as Error).message})`, err);
  }
  if (!Array.isArray(document))
    throw new CollectError('drbdsetup status --json: expected an array of resources');

  const resources: Record<string, DrbdResource> = {};
  for (const [index, raw] of objects(document, 'resources').entries()) {
    const name = field(raw, 'name', `resources[${index}]`, isString, 'a string');
    const where = `resource ${name}`;
    const volumes: DrbdVolume[] = objects(
      field(raw, 'devices', where, isArray, 'an array'),
      `${where} devices`,
    ).map((device) => ({
      volume: field(device, 'volume', `${where} device`, isCount, 'a volume number'),
      minor: field(device, 'minor', `${where} device`, isCount, 'a minor number'),
      diskState: field(device, 'disk-state', `${where} device`, isString, 'a string'),
    }));
    const connections: DrbdConnection[] = objects(
      field(raw, 'connections', where, isArray, 'an array'),
      `${where} connections`,
    ).map((connection) => {
      const peer = field(connection, 'name', `${where} connection`, isString, 'a string');
      const at = `${where} connection ${peer}`;
      const peerDevices: DrbdPeerDevice[] = objects(
        field(connection, 'peer_devices', at, isArray, 'an array'),
        `${at} peer_devices`,
      ).map((peerDevice) => ({
        volume: field(peerDevice, 'volume', `${at} peer device`, isCount, 'a volume number'),
        replicationState: field(peerDevice, 'replication-state', `${at} peer device`, isString, 'a string'),
        peerDiskState: field(peerDevice, 'peer-disk-state', `${at} peer device`, isString, 'a string'),
        outOfSyncBytes:
          field(peerDevice, 'out-of-sync', `${at} peer device`, isCount, 'a count of KiB') * 1024,
      }));
      return {
        peer,
        connectionState: field(connection, 'connection-state', at, isString, 'a string'),
        peerRole: field(connection, 'peer-role', at, isString, 'a string'),
        peerDevices,
      };
    });
    resources[name] = { name, role: field(raw, 'role', where, isString, 'a string'), volumes, connections };
  }
  return resources;
}

// ---------------------------------------------------------------------------------------------
// /proc/drbd

export interface DrbdVersion {
  major: number;
  minor: number;
  /** As printed, e.g. `8.4.11` or `9.2.12`. */
  text: string;
}

export interface ProcDrbd {
  version: DrbdVersion;
  /** DRBD 8.x only: the configured minors as resources (DRBD 9 prints no status here). */
  resources?: Record<string, DrbdResource>;
}

/**
 * 8.4 folds the connection and the replication state into one `cs:` word. These are the
 * replication states of a live connection; any other `cs:` (StandAlone, WFConnection,
 * Disconnecting, Unconnected, Timeout, BrokenPipe, NetworkFailure, ProtocolError, TearDown,
 * WFReportParams) is a connection state with replication off, as DRBD 9 would report it.
 */
const REPLICATION_STATES_84 = new Set([
  'StartingSyncS',
  'StartingSyncT',
  'WFBitMapS',
  'WFBitMapT',
  'WFSyncUUID',
  'SyncSource',
  'SyncTarget',
  'VerifyS',
  'VerifyT',
  'PausedSyncS',
  'PausedSyncT',
  'Ahead',
  'Behind',
]);

const VERSION_LINE = /^version: (\d+)\.(\d+)(\S*)/;
/** ` 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----` (8.3 wrote `st:` for `ro:`). */
const MINOR_LINE = /^ ?(\d+): cs:(\S+)(?: (?:ro|st):([^\s/]+)\/([^\s/]+) ds:([^\s/]+)\/([^\s/]+))?/;
const OUT_OF_SYNC = /(?:^|\s)oos:(\d+)/;

/**
 * Parses /proc/drbd. DRBD 8.4 names devices by minor only — resource names live in the
 * configuration — so each minor becomes a resource named after its device (`drbd0`), with one
 * volume (0) and one connection to a peer it calls `peer`.
 */
export function parseProcDrbd(text: string): ProcDrbd {
  const lines = text.split('\n');
  const versionMatch = VERSION_LINE.exec(lines[0] ?? '');
  if (!versionMatch) throw new CollectError('/proc/drbd: no "version:" line');
  const major = Number(versionMatch[1]);
  const minor = Number(versionMatch[2]);
  const version: DrbdVersion = {
    major,
    minor,
    text: `${versionMatch[1]}.${versionMatch[2]}${versionMatch[3]}`,
  };
  if (major >= 9) return { version };

  const resources: Record<string, DrbdResource> = {};
  for (let index = 1; index < lines.length; index++) {
    const match = MINOR_LINE.exec(lines[index] as string);
    if (!match) continue;
    const [, minorText, cs, role, peerRole, disk, peerDisk] = match;
    if (cs === 'Unconfigured') continue;
    if (role === undefined || peerRole === undefined || disk === undefined || peerDisk === undefined) {
      throw new CollectError(`/proc/drbd line ${index + 1}: minor ${minorText} has no ro:/ds: fields`);
    }
    // The counters (ns: nr: … oos:) follow on the next line.
    const oos = OUT_OF_SYNC.exec(lines[index + 1] ?? '');
    if (!oos) throw new CollectError(`/proc/drbd line ${index + 2}: minor ${minorText} has no oos: counter`);
    const replicating = REPLICATION_STATES_84.has(cs as string);
    const connected = replicating || cs === 'Connected';
    const name = `drbd${minorText}`;
    resources[name] = {
      name,
      role,
      volumes: [{ volume: 0, minor: Number(minorText), diskState: disk }],
      connections: [
        {
          peer: 'peer',
          connectionState: connected ? 'Connected' : (cs as string),
          peerRole,
          peerDevices: [
            {
              volume: 0,
              // DRBD 9's word for a connected, idle replication link.
              replicationState: replicating ? (cs as string) : connected ? 'Established' : 'Off',
              peerDiskState: peerDisk,
              outOfSyncBytes: Number(oos[1]) * 1024,
            },
          ],
        },
      ],
    };
  }
  return { version, resources };
}
