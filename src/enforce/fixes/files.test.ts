import { FLEET, fleetWith, plannedBy } from '../../../test/helpers/fixers';
import { spec, state } from '../../../test/helpers/states';
import type { FileInfo, NodeState } from '../../model/state';
import { sha256Hex } from '../../shared/canonical-json';
import type { FixDraft, NodeFixContext, SourcedFinding } from '../types';
import { filesFixer } from './files';

const withFiles = (table: string): string => fleetWith('files', table);

const sha = (text: string): string => `sha256:${sha256Hex(text)}`;

/** A regular file as the files collector records a small world-readable text file. */
const file = (path: string, text: string, extra: Partial<FileInfo> = {}): FileInfo => ({
  path,
  exists: true,
  type: 'file',
  text,
  sha256: sha(text),
  mode: '0644',
  owner: 'root',
  group: 'root',
  ...extra,
});

const files = (...list: FileInfo[]): NodeState['files'] => ({
  items: Object.fromEntries(list.map((f) => [f.path, f])),
});

const planned = (yaml: string, states: NodeState[], node = 'b'): FixDraft[] =>
  plannedBy(filesFixer, yaml, states, node);

const APP = '/etc/app.conf';

describe("writing the primary's file (parity: true)", () => {
  it("writes the primary's text with the primary's mode and owner", () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0644', owner: 'root', group: 'root' },
        ],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('names the mode and owner the write changes', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { mode: '0640', group: 'app' })) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it (mode 0640, owner root:app)`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0640', owner: 'root', group: 'app' },
        ],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('creates a file recorded absent on the secondary, saying with which mode and owner', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { owner: 'app' })) });
    const b = state('b', { files: files({ path: APP, exists: false }) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it (mode 0644, owner app:root)`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0644', owner: 'app', group: 'root' },
        ],
        addresses: [`files|${APP}|missing||only-first`],
      },
    ]);
  });

  it("follows the roles' mode over the primary's, resolving the drift finding with the write", () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true, mode: "0600" } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it (mode 0600)`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0600', owner: 'root', group: 'root' },
        ],
        addresses: [`files|${APP}|mismatch|mode|`, `files|${APP}|mismatch||different`],
      },
    ]);
  });

  it("writes the primary's text, with the roles' mode, when a drift finding of the content comes with one of the mode", () => {
    // No parity rule: the roles' sha256 alone says the content differs, and the primary has it.
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    const yaml = withFiles(`{ ${APP}: { sha256: "${sha('port = 80\n')}", mode: "0640" } }`);
    expect(planned(yaml, [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it (mode 0640)`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0640', owner: 'root', group: 'root' },
        ],
        addresses: [`files|${APP}|mismatch|sha256|`, `files|${APP}|mismatch|mode|`],
      },
    ]);
  });

  it("names root for an owner or group the primary's record lacks, as the new file is created with", () => {
    const b = state('b', { files: files({ path: APP, exists: false }) });
    const yaml = withFiles(`{ ${APP}: { parity: true } }`);
    const write = (owner: string | undefined, group: string | undefined, said: string): FixDraft[] => [
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it (mode 0644, owner ${said})`,
        edits: [{ kind: 'content', path: APP, text: 'port = 80\n', mode: '0644', owner, group }],
        addresses: [`files|${APP}|missing||only-first`],
      },
    ];
    const noOwner = state('a', {
      files: files(file(APP, 'port = 80\n', { owner: undefined, group: 'app' })),
    });
    expect(planned(yaml, [noOwner, b])).toEqual(write(undefined, 'app', 'root:app'));
    const noGroup = state('a', {
      files: files(file(APP, 'port = 80\n', { owner: 'app', group: undefined })),
    });
    expect(planned(yaml, [noGroup, b])).toEqual(write('app', undefined, 'app:root'));
  });

  it('copies node to node, at apply time, a file whose text the state does not hold (sensitive or redacted)', () => {
    const secret = '/etc/app/secret.conf';
    const real = 'password = hunter2\n';
    const a = state('a', {
      files: files(
        file(secret, 'password = <redacted sha256:0123456789ab…>\n', {
          sha256: sha(real),
          redacted: true,
          mode: '0600',
        }),
      ),
    });
    const b = state('b', { files: files(file(secret, 'password = other\n', { mode: '0600' })) });
    expect(planned(withFiles(`{ ${secret}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: secret,
        action: 'change',
        description: `write ${secret} on b copied from a at apply time`,
        edits: [
          {
            kind: 'copy',
            path: secret,
            from: { node: 'a', sha256: sha(real) },
            mode: '0600',
            owner: 'root',
            group: 'root',
          },
        ],
        addresses: [`files|${secret}|mismatch||different`],
      },
    ]);
  });

  it("writes the primary's text when it has the sha256 the roles ask for", () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(
      planned(withFiles(`{ ${APP}: { parity: true, sha256: "${sha('port = 80\n')}" } }`), [a, b]),
    ).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `write ${APP} on b as the primary has it`,
        edits: [
          { kind: 'content', path: APP, text: 'port = 80\n', mode: '0644', owner: 'root', group: 'root' },
        ],
        addresses: [`files|${APP}|mismatch|sha256|`, `files|${APP}|mismatch||different`],
      },
    ]);
  });

  it("leaves the content to a person when the primary's does not have the sha256 the roles ask for", () => {
    const wanted = sha('port = 443\n');
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true, sha256: "${wanted}" } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `copy ${APP} to b by hand (the roles want ${wanted})`,
        reason: "the primary's content does not have the sha256 the roles ask for",
        commands: [],
        addresses: [`files|${APP}|mismatch|sha256|`, `files|${APP}|mismatch||different`],
        part: 'content',
      },
    ]);
  });

  it("leaves the content to a person when the primary's file could not be read, and still sets the mode the roles ask", () => {
    const a = state('a', {
      files: files({
        path: APP,
        exists: true,
        type: 'file',
        mode: '0600',
        owner: 'root',
        group: 'root',
        error: 'EACCES',
      }),
    });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true, mode: "0640" } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `copy ${APP} to b by hand`,
        reason: 'the primary has no such regular file to copy',
        commands: [],
        addresses: [`files|${APP}|mismatch||different`],
        part: 'content',
      },
      {
        // The parity finding stays with the content advice: the mode alone does not resolve it.
        category: 'files',
        key: APP,
        action: 'change',
        part: 'attributes',
        description: `set mode 0640 of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, mode: '0640' }],
        addresses: [`files|${APP}|mismatch|mode|`],
      },
    ]);
  });

  it('sets only the mode when only the mode differs', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { mode: '0640' })) });
    const b = state('b', { files: files(file(APP, 'port = 80\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set mode 0640 of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, mode: '0640' }],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('sets only the owner when only the owner differs, keeping the group the file has', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { owner: 'app', group: 'adm' })) });
    const b = state('b', { files: files(file(APP, 'port = 80\n', { group: 'adm' })) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set owner app:adm of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, owner: 'app' }],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('sets only the group when only the group differs, keeping the owner the file has', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { owner: 'app', group: 'adm' })) });
    const b = state('b', { files: files(file(APP, 'port = 80\n', { owner: 'app' })) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set owner app:adm of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, group: 'adm' }],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });
});

describe("the roles' rules on a node outside pairs", () => {
  it('sets the mode, owner and group the roles ask', () => {
    const c = state('c', { files: files(file(APP, 'port = 80\n')) });
    expect(planned(withFiles(`{ ${APP}: { mode: "0640", owner: pypi, group: pypi } }`), [c], 'c')).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set mode 0640, owner pypi:pypi of ${APP} on c`,
        edits: [{ kind: 'attributes', path: APP, mode: '0640', owner: 'pypi', group: 'pypi' }],
        addresses: [
          `files|${APP}|mismatch|mode|`,
          `files|${APP}|mismatch|owner|`,
          `files|${APP}|mismatch|group|`,
        ],
      },
    ]);
  });

  it('leaves a missing file to a person when there is no primary to copy it from, and sets no mode on nothing', () => {
    const c = state('c', { files: files({ path: APP, exists: false }) });
    expect(planned(withFiles(`{ ${APP}: { mode: "0640" } }`), [c], 'c')).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `copy ${APP} to c by hand`,
        reason: 'the node is in no pair: there is no primary to copy it from',
        commands: [],
        addresses: [`files|${APP}|missing||`],
        part: 'content',
      },
    ]);
  });

  it('leaves content the roles pin by sha256 to a person when there is no primary', () => {
    const wanted = sha('port = 443\n');
    const c = state('c', { files: files(file(APP, 'port = 80\n')) });
    expect(planned(withFiles(`{ ${APP}: { sha256: "${wanted}" } }`), [c], 'c')).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `copy ${APP} to c by hand (the roles want ${wanted})`,
        reason: 'the node is in no pair: there is no primary to copy it from',
        commands: [],
        addresses: [`files|${APP}|mismatch|sha256|`],
        part: 'content',
      },
    ]);
  });

  it('removes a file the roles say absent', () => {
    const c = state('c', {
      files: files(file('/etc/cron.d/old-backup', '0 3 * * * root /usr/local/bin/backup\n')),
    });
    expect(planned(withFiles('{ /etc/cron.d/old-backup: { present: false } }'), [c], 'c')).toEqual([
      {
        category: 'files',
        key: '/etc/cron.d/old-backup',
        action: 'change',
        description: 'remove /etc/cron.d/old-backup from c (the roles say absent; a backup is kept)',
        edits: [{ kind: 'remove', path: '/etc/cron.d/old-backup' }],
        addresses: ['files|/etc/cron.d/old-backup|unexpected||'],
      },
    ]);
  });

  it('asks for a collection, and removes nothing, when a file the roles say absent was not recorded', () => {
    const c = state('c', { files: files() });
    expect(planned(withFiles('{ /etc/cron.d/old-backup: { present: false } }'), [c], 'c')).toEqual([
      {
        category: 'files',
        key: '/etc/cron.d/old-backup',
        action: 'advice',
        description:
          '/etc/cron.d/old-backup was not recorded on every node: collect c and its pair with the same --desired',
        reason: 'the states watch different files',
        commands: [],
        addresses: ['files|/etc/cron.d/old-backup|missing||'],
      },
    ]);
  });

  it('asks for a collection with the desired state when the file was not recorded', () => {
    const c = state('c', { files: files() });
    expect(planned(withFiles(`{ ${APP}: { mode: "0640" } }`), [c], 'c')).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `${APP} was not recorded on every node: collect c and its pair with the same --desired`,
        reason: 'the states watch different files',
        commands: [],
        addresses: [`files|${APP}|missing||`],
      },
    ]);
  });
});

describe('what a person must do', () => {
  it("leaves creating a file to a person when the primary's could not be read", () => {
    const a = state('a', {
      files: files({
        path: APP,
        exists: true,
        type: 'file',
        mode: '0600',
        owner: 'root',
        group: 'root',
        error: 'EACCES',
      }),
    });
    const b = state('b', { files: files({ path: APP, exists: false }) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `copy ${APP} to b by hand`,
        reason: 'the primary has no such regular file to copy',
        commands: [],
        addresses: [`files|${APP}|missing||only-first`],
        part: 'content',
      },
    ]);
  });

  it('writes nothing where only one node recorded the file', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files() });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `${APP} was not recorded on every node: collect b and its pair with the same --desired`,
        reason: 'the states watch different files',
        commands: [],
        addresses: [`files|${APP}|missing||only-first`],
      },
    ]);
    // And the other way round: only the secondary recorded it.
    const onlyHere = planned(withFiles(`{ ${APP}: { parity: true } }`), [
      state('a', { files: files() }),
      state('b', { files: files(file(APP, 'port = 80\n')) }),
    ]);
    expect(onlyHere).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `${APP} was not recorded on every node: collect b and its pair with the same --desired`,
        reason: 'the states watch different files',
        commands: [],
        addresses: [`files|${APP}|unexpected||only-second`],
      },
    ]);
  });

  it('leaves a file only the secondary has to a person', () => {
    const a = state('a', { files: files({ path: APP, exists: false }) });
    const b = state('b', { files: files(file(APP, 'port = 80\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `${APP} exists only on b: remove it there or create it on the primary`,
        reason: 'driftguard removes files only when the roles say present: false',
        commands: [],
        addresses: [`files|${APP}|unexpected||only-second`],
      },
    ]);
  });

  it("leaves a file the secondary's roles do not name to a person", () => {
    // Only the primary's roles ask for parity of the file.
    const yaml = `${FLEET}---\nkind: Role\nname: extra\nfiles: { ${APP}: { parity: true } }\n`.replace(
      'name: a\nroles: [app]',
      'name: a\nroles: [app, extra]',
    );
    const a = state('a', { files: files(file(APP, 'port = 80\n')) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(yaml, [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `make ${APP} on b identical to the primary's, or declare it \`parity: true\` in the roles so driftguard may copy it`,
        reason: 'driftguard writes only files the roles name',
        commands: [],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it("never writes through or over a symbolic link, naming the secondary's target first", () => {
    const link = '/etc/alternatives.conf';
    const a = state('a', {
      files: files({ path: link, exists: true, type: 'symlink', target: '/opt/a.conf' }),
    });
    const b = state('b', {
      files: files({ path: link, exists: true, type: 'symlink', target: '/opt/b.conf' }),
    });
    const yaml = withFiles(`{ ${link}: { parity: true } }`);
    const advice = (target: string): FixDraft[] => [
      {
        category: 'files',
        key: link,
        action: 'advice',
        description: `${link} is a symbolic link (to ${target}): make its target match on b`,
        reason: 'driftguard writes regular files, never through or over a link',
        commands: [],
        addresses: [`files|${link}|mismatch||different`],
      },
    ];
    expect(planned(yaml, [a, b])).toEqual(advice('/opt/b.conf'));
    // The secondary has a regular file where the primary has a link.
    expect(planned(yaml, [a, state('b', { files: files(file(link, 'x = 1\n')) })])).toEqual(
      advice('/opt/a.conf'),
    );
    // The secondary has a link where the primary has a regular file.
    expect(planned(yaml, [state('a', { files: files(file(link, 'x = 1\n')) }), b])).toEqual(
      advice('/opt/b.conf'),
    );
  });
});

describe('what never reaches a node', () => {
  it.each([
    ['mode 0x644', { mode: '0x644' }],
    ['mode 07', { mode: '07' }],
    ['mode 01777 ', { mode: '01777 ' }],
    ['mode 001777', { mode: '001777' }],
    ['owner or group Domain Admins', { owner: 'Domain Admins' }],
    ['owner or group -oRoot', { group: '-oRoot' }],
    ['owner or group 1001x', { owner: '1001x' }],
    ['owner or group -1001', { group: '-1001' }],
  ])("refuses the primary's %s", (bad, extra) => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', extra)) });
    const b = state('b', { files: files(file(APP, 'port = 8080\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'advice',
        description: `for "${APP}" is not well-formed (${bad} is not well-formed): driftguard will not pass it to a command`,
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it("accepts the primary's numeric owner and group (ids without a name on the node)", () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { owner: '1001', group: '1001' })) });
    const b = state('b', { files: files(file(APP, 'port = 80\n')) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set owner 1001:1001 of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, owner: '1001', group: '1001' }],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('accepts three- and four-digit modes', () => {
    const a = state('a', { files: files(file(APP, 'port = 80\n', { mode: '640' })) });
    const b = state('b', { files: files(file(APP, 'port = 80\n', { mode: '0644' })) });
    expect(planned(withFiles(`{ ${APP}: { parity: true } }`), [a, b])).toEqual([
      {
        category: 'files',
        key: APP,
        action: 'change',
        description: `set mode 640 of ${APP} on b`,
        edits: [{ kind: 'attributes', path: APP, mode: '640' }],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });

  it('refuses a malformed path', () => {
    // Desired paths are checked at load; a finding's key is checked again before any write.
    let finding: SourcedFinding = {
      category: 'files',
      key: '/etc/../shadow',
      kind: 'mismatch',
      side: 'different',
      severity: 'error',
      message: '/etc/../shadow differs: content',
      node: 'b',
      source: 'parity',
    };
    const ctx: NodeFixContext = { node: 'b', state: state('b'), spec: spec() };
    expect(filesFixer.plan([finding], ctx)).toEqual([
      {
        category: 'files',
        key: '/etc/../shadow',
        action: 'advice',
        description:
          'path "/etc/../shadow" is not well-formed (it contains a `..` segment (write it normalised)): driftguard will not pass it to a command',
        reason: 'refused: a malformed name from a node state',
        commands: [],
        addresses: ['files|/etc/../shadow|mismatch||different'],
      },
    ]);
    finding = { ...finding, key: APP };
    expect(filesFixer.plan([finding], ctx)).toEqual([
      {
        // A well-formed path gets past the check (and, undeclared here, becomes advice).
        category: 'files',
        key: APP,
        action: 'advice',
        description: `make ${APP} on b identical to the primary's, or declare it \`parity: true\` in the roles so driftguard may copy it`,
        reason: 'driftguard writes only files the roles name',
        commands: [],
        addresses: [`files|${APP}|mismatch||different`],
      },
    ]);
  });
});
