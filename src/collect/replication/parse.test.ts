import * as fs from 'node:fs';
import * as path from 'node:path';
import { CollectError } from '../../shared/errors';
import { parseDrbdStatusJson, parseProcDrbd } from './parse';

const sample = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');
const nodeCapture = (node: string) =>
  fs.readFileSync(
    path.resolve(__dirname, '../../../test/fixtures/nodes', node, '.driftguard/drbdsetup-status.json'),
    'utf8',
  );

describe('parseDrbdStatusJson', () => {
  it('reads the healthy primary of the PyPI pair', () => {
    expect(parseDrbdStatusJson(nodeCapture('pypi-1'))).toEqual({
      r0: {
        name: 'r0',
        role: 'Primary',
        volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
        connections: [
          {
            peer: 'pypi-2',
            connectionState: 'Connected',
            peerRole: 'Secondary',
            peerDevices: [
              { volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate', outOfSyncBytes: 0 },
            ],
          },
        ],
      },
    });
  });

  it('reads a primary that lost its peer (StandAlone) with data out of sync, KiB → bytes', () => {
    const r0 = parseDrbdStatusJson(sample('drbdsetup-standalone.txt'))['r0'];
    expect(r0?.connections).toEqual([
      {
        peer: 'pypi-2',
        connectionState: 'StandAlone',
        peerRole: 'Unknown',
        peerDevices: [
          { volume: 0, replicationState: 'Off', peerDiskState: 'DUnknown', outOfSyncBytes: 262144 * 1024 },
        ],
      },
    ]);
  });

  it('reads a resyncing secondary (Inconsistent, SyncTarget) whose output carries sync details', () => {
    const r0 = parseDrbdStatusJson(sample('drbdsetup-syncing.txt'))['r0'];
    expect(r0?.role).toBe('Secondary');
    expect(r0?.volumes).toEqual([{ volume: 0, minor: 0, diskState: 'Inconsistent' }]);
    expect(r0?.connections[0]?.peerDevices[0]).toEqual({
      volume: 0,
      replicationState: 'SyncTarget',
      peerDiskState: 'UpToDate',
      outOfSyncBytes: 3407872 * 1024,
    });
  });

  it('reads several resources, volumes and a resource without connections', () => {
    const resources = parseDrbdStatusJson(sample('drbdsetup-two-resources.txt'));
    expect(Object.keys(resources)).toEqual(['r0', 'r1']);
    expect(resources['r0']?.volumes.map((v) => v.minor)).toEqual([0, 1]);
    expect(resources['r0']?.connections[0]?.peerDevices.map((p) => p.volume)).toEqual([0, 1]);
    expect(resources['r1']).toEqual({
      name: 'r1',
      role: 'Secondary',
      volumes: [{ volume: 0, minor: 2, diskState: 'Diskless' }],
      connections: [],
    });
  });

  it('reads an empty list (no resources configured)', () => {
    expect(parseDrbdStatusJson('[\n]\n\n')).toEqual({});
  });

  it.each([
    ['not JSON', 'drbdsetup: no resources'],
    ['not an array', '{"name": "r0"}'],
    ['a resource without devices', '[{"name": "r0", "role": "Primary", "connections": []}]'],
    ['a negative out-of-sync', nodeCapture('pypi-1').replace('"out-of-sync": 0', '"out-of-sync": -1')],
    [
      'a string volume',
      nodeCapture('pypi-1').replace('"volume": 0,\n      "minor"', '"volume": "0",\n      "minor"'),
    ],
  ])('rejects %s with a CollectError', (_what, text) => {
    expect(() => parseDrbdStatusJson(text)).toThrow(CollectError);
  });
});

describe('parseProcDrbd', () => {
  it('reads only the version of DRBD 9 (the status lives in drbdsetup)', () => {
    expect(parseProcDrbd(sample('proc-drbd-9.2.txt'))).toEqual({
      version: { major: 9, minor: 2, text: '9.2.12' },
    });
  });

  it('reads DRBD 8.4 minors as resources named after their device', () => {
    const parsed = parseProcDrbd(sample('proc-drbd-8.4.txt'));
    expect(parsed.version).toEqual({ major: 8, minor: 4, text: '8.4.11' });
    expect(Object.keys(parsed.resources ?? {})).toEqual(['drbd0', 'drbd1', 'drbd2']);
    expect(parsed.resources?.['drbd0']).toEqual({
      name: 'drbd0',
      role: 'Primary',
      volumes: [{ volume: 0, minor: 0, diskState: 'UpToDate' }],
      connections: [
        {
          peer: 'peer',
          connectionState: 'Connected',
          peerRole: 'Secondary',
          peerDevices: [
            { volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate', outOfSyncBytes: 0 },
          ],
        },
      ],
    });
  });

  it("splits 8.4's cs: into connection and replication state", () => {
    const resources = parseProcDrbd(sample('proc-drbd-8.4.txt')).resources ?? {};
    const syncing = resources['drbd1']?.connections[0];
    expect(syncing?.connectionState).toBe('Connected');
    expect(syncing?.peerDevices[0]).toEqual({
      volume: 0,
      replicationState: 'SyncSource',
      peerDiskState: 'Inconsistent',
      outOfSyncBytes: 730012 * 1024,
    });
    const standalone = resources['drbd2']?.connections[0];
    expect(standalone?.connectionState).toBe('StandAlone');
    expect(standalone?.peerRole).toBe('Unknown');
    expect(standalone?.peerDevices[0]?.replicationState).toBe('Off');
    expect(standalone?.peerDevices[0]?.outOfSyncBytes).toBe(4096 * 1024);
  });

  it('rejects text without a version line', () => {
    expect(() => parseProcDrbd('GIT-hash: x\n')).toThrow(CollectError);
  });

  it('rejects an 8.4 minor without its counter line', () => {
    expect(() =>
      parseProcDrbd(
        'version: 8.4.11 (api:1/proto:86-101)\n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n',
      ),
    ).toThrow(/oos/);
  });
});
