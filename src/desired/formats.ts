/**
 * The `driftguard-*` string formats the JSON Schemas name. One table serves both ajv (a format
 * is valid when its check returns `undefined`) and the error messages (the check's reason says
 * *why*), so the rule and its explanation cannot drift apart.
 */
import { checkCron } from './cron';
import {
  checkAbsolutePath,
  checkFstabField,
  checkFstype,
  checkHost,
  checkHostPort,
  checkIgnorePattern,
  checkMountOption,
  checkObjectName,
  checkPackageName,
  checkSysctlKey,
  checkUnitName,
  checkUserName,
} from './names';
import { parseDuration, parseMode, parsePackageRule, parseSha256 } from './values';

export interface FormatRule {
  /** What the value is, for messages: "`x` is not a valid <label>: <reason>". */
  label: string;
  /** `undefined` when valid, else why not. */
  check: (value: string) => string | undefined;
}

const TARGET_KINDS = ['pair', 'node', 'role'];

function checkScheduleTarget(value: string): string | undefined {
  const colon = value.indexOf(':');
  const kind = colon === -1 ? '' : value.slice(0, colon);
  if (!TARGET_KINDS.includes(kind)) return 'write `pair:NAME`, `node:NAME` or `role:NAME`';
  const bad = checkObjectName(value.slice(colon + 1));
  return bad ? `the name after \`${kind}:\` is not valid: ${bad}` : undefined;
}

function checkSysctlValue(value: string): string | undefined {
  for (const c of value) {
    if (c === '\n' || c === '\r' || c === '\0')
      return 'it contains a line break or NUL (a sysctl value is one line)';
  }
  return undefined;
}

const errorOf = (parsed: { ok: true } | { ok: false; error: string }): string | undefined =>
  parsed.ok ? undefined : parsed.error;

export const FORMATS: Record<string, FormatRule> = {
  'driftguard-object-name': { label: 'name', check: checkObjectName },
  'driftguard-package-name': { label: 'package name', check: checkPackageName },
  'driftguard-package-rule': { label: 'package rule', check: (v) => errorOf(parsePackageRule(v)) },
  'driftguard-unit-name': { label: 'systemd unit name', check: checkUnitName },
  'driftguard-absolute-path': { label: 'path', check: checkAbsolutePath },
  'driftguard-sysctl-key': { label: 'sysctl key', check: checkSysctlKey },
  'driftguard-sysctl-value': { label: 'sysctl value', check: checkSysctlValue },
  'driftguard-user-name': { label: 'user or group name', check: checkUserName },
  'driftguard-file-mode': { label: 'file mode', check: (v) => errorOf(parseMode(v)) },
  'driftguard-sha256': { label: 'SHA-256', check: (v) => errorOf(parseSha256(v)) },
  'driftguard-fstab-field': { label: 'device', check: checkFstabField },
  'driftguard-fstype': { label: 'filesystem type', check: checkFstype },
  'driftguard-mount-option': { label: 'mount option', check: checkMountOption },
  'driftguard-host': { label: 'host', check: checkHost },
  'driftguard-host-port': { label: '`host:port`', check: checkHostPort },
  'driftguard-duration': { label: 'duration', check: (v) => errorOf(parseDuration(v)) },
  'driftguard-cron': { label: 'cron expression', check: checkCron },
  'driftguard-schedule-target': { label: 'schedule target', check: checkScheduleTarget },
  'driftguard-ignore-pattern': { label: 'ignore pattern', check: checkIgnorePattern },
};

/**
 * The formats as ajv format definitions, for the validators precompiled from the schemas
 * (generated/validators.ts requires this by name).
 */
export const FORMAT_DEFINITIONS: Record<string, { type: 'string'; validate: (value: string) => boolean }> =
  Object.fromEntries(
    Object.entries(FORMATS).map(([name, rule]) => [
      name,
      { type: 'string' as const, validate: (value: string) => rule.check(value) === undefined },
    ]),
  );
