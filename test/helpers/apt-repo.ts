/**
 * A local `file:` apt repository of small fake .debs, for sandbox nodes (test/helpers/sandbox.ts):
 * each package is built with the real `dpkg-deb --root-owner-group -b` and described in a flat
 * `Packages` index (plus an unsigned `Release`), so apt inside a node resolves, installs and
 * upgrades them exactly as it would real packages. Several versions of one package may sit in
 * one repository; `apt-get install name=version` picks one, and a later version is a real upgrade.
 *
 * A node's sources.list names it as `deb [trusted=yes] file:/srv/driftguard-repo ./`.
 *
 * Like debhelper, every regular file a package ships under /etc is a conffile: dpkg keeps a
 * locally edited one on upgrade (and asks, unless told --force-confold/--force-confdef).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type DebFile = string | { content: string; mode?: number };

export interface DebSpec {
  name: string;
  version: string;
  /** `all` unless given (`amd64`, …). */
  arch?: string;
  /** A Depends: field as Debian writes it (`python3 (>= 3.11), openssh-server`). */
  depends?: string;
  description?: string;
  /** Absolute paths in the package → content; mode 0755 when the content starts with `#!`, else 0644. */
  files?: Record<string, DebFile>;
  /** Body of a postinst script (`#!/bin/sh` and `set -e` are added unless it has its own `#!`). */
  postinst?: string;
}

/** The path inside a node where the fleet's repository is copied. */
export const NODE_REPO_PATH = '/srv/driftguard-repo';

export const NODE_SOURCES_LIST = `deb [trusted=yes] file:${NODE_REPO_PATH} ./\n`;

// Debian policy 5.6.1 (Package) and 5.6.12 (Version); checked because both become file names.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION = /^(\d+:)?[0-9][A-Za-z0-9.+~-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;

function validate(spec: DebSpec): void {
  if (!PACKAGE_NAME.test(spec.name))
    throw new Error(`not a Debian package name: ${JSON.stringify(spec.name)}`);
  if (!VERSION.test(spec.version))
    throw new Error(`not a Debian version: ${JSON.stringify(spec.version)} (${spec.name})`);
  if (spec.arch !== undefined && !ARCH.test(spec.arch))
    throw new Error(`not a Debian architecture: ${JSON.stringify(spec.arch)} (${spec.name})`);
  for (const file of Object.keys(spec.files ?? {})) {
    if (!file.startsWith('/') || file.split('/').includes('..') || file.endsWith('/'))
      throw new Error(`${spec.name}: a packaged file needs an absolute path without "..": ${file}`);
  }
}

/** `name_version_arch.deb`, without the epoch (as dpkg-name and the archive name files). */
function debFileName(spec: DebSpec): string {
  return `${spec.name}_${spec.version.replace(/^\d+:/, '')}_${spec.arch ?? 'all'}.deb`;
}

function fileContent(file: DebFile): { content: string; mode: number } {
  const content = typeof file === 'string' ? file : file.content;
  const mode = typeof file === 'string' ? undefined : file.mode;
  return { content, mode: mode ?? (content.startsWith('#!') ? 0o755 : 0o644) };
}

function controlText(spec: DebSpec, installedKiB: number): string {
  const fields: [string, string | undefined][] = [
    ['Package', spec.name],
    ['Version', spec.version],
    ['Architecture', spec.arch ?? 'all'],
    ['Maintainer', 'driftguard tests <tests@driftguard.invalid>'],
    ['Installed-Size', String(installedKiB)],
    ['Depends', spec.depends],
    ['Section', 'misc'],
    ['Priority', 'optional'],
    ['Description', spec.description ?? `driftguard test package ${spec.name}`],
  ];
  return fields
    .filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '')
    .map(([name, value]) => `${name}: ${value}\n`)
    .join('');
}

/** Lays out the package's tree (files + DEBIAN/) in `stage`; returns the control text. */
function stagePackage(spec: DebSpec, stage: string): string {
  let bytes = 0;
  const conffiles: string[] = [];
  for (const [nodePath, file] of Object.entries(spec.files ?? {})) {
    const { content, mode } = fileContent(file);
    const target = path.join(stage, nodePath);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.writeFileSync(target, content);
    fs.chmodSync(target, mode);
    bytes += Buffer.byteLength(content);
    if (nodePath.startsWith('/etc/')) conffiles.push(nodePath);
  }
  const debian = path.join(stage, 'DEBIAN');
  fs.mkdirSync(debian, { recursive: true, mode: 0o755 });
  const control = controlText(spec, Math.max(1, Math.ceil(bytes / 1024)));
  fs.writeFileSync(path.join(debian, 'control'), control);
  if (conffiles.length > 0)
    fs.writeFileSync(path.join(debian, 'conffiles'), conffiles.sort().join('\n') + '\n');
  if (spec.postinst !== undefined) {
    const script = spec.postinst.startsWith('#!') ? spec.postinst : `#!/bin/sh\nset -e\n${spec.postinst}`;
    fs.writeFileSync(path.join(debian, 'postinst'), script.endsWith('\n') ? script : `${script}\n`, {
      mode: 0o755,
    });
  }
  return control;
}

/** The stanza of one .deb in the Packages index: its control plus where it is and its digests. */
function indexStanza(control: string, deb: string): string {
  const content = fs.readFileSync(deb);
  const digest = (algorithm: string): string => createHash(algorithm).update(content).digest('hex');
  return (
    control +
    `Filename: ./${path.basename(deb)}\n` +
    `Size: ${content.length}\n` +
    `MD5sum: ${digest('md5')}\n` +
    `SHA256: ${digest('sha256')}\n`
  );
}

/**
 * An unsigned Release beside Packages: apt then fetches the index by hash instead of warning
 * that the repository has no Release file. A fixed past date keeps the file reproducible.
 */
function writeRelease(dir: string): void {
  const packages = fs.readFileSync(path.join(dir, 'Packages'));
  const sha256 = createHash('sha256').update(packages).digest('hex');
  fs.writeFileSync(
    path.join(dir, 'Release'),
    [
      'Origin: driftguard-test',
      'Label: driftguard-test',
      'Suite: sandbox',
      'Codename: sandbox',
      'Date: Thu, 01 Jan 2026 00:00:00 UTC',
      'Description: fake packages for driftguard sandbox nodes',
      'SHA256:',
      ` ${sha256} ${packages.length} Packages`,
      '',
    ].join('\n'),
  );
}

/** Builds every package into `dir` (created if missing) and writes its `Packages` and `Release`. */
export function buildAptRepo(dir: string, packages: readonly DebSpec[]): void {
  packages.forEach(validate);
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-debs-'));
  try {
    const stanzas = packages.map((spec, index) => {
      const stage = path.join(work, String(index));
      const control = stagePackage(spec, stage);
      const deb = path.join(dir, debFileName(spec));
      // gzip: a tiny package builds several times faster than with the default xz.
      execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, deb], { stdio: 'pipe' });
      return indexStanza(control, deb);
    });
    fs.writeFileSync(path.join(dir, 'Packages'), stanzas.join('\n'));
    writeRelease(dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
