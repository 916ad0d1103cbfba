/**
 * Secrets in the text of watched files, redacted before the state leaves the node — as Puppet's
 * `Sensitive`/`show_diff`, Ansible's `no_log` and Chef's `sensitive` keep them out of reports.
 * Pure: text in, text out.
 *
 * Redacted, each value replaced by `<redacted sha256:0123456789ab…>`:
 *   - assignments whose key names a secret by its last word — `password = …`, `db_password: …`,
 *     `API_KEY=…`, `"token": "…"`, DRBD's `shared-secret "…";`, keepalived's `auth_pass …` —
 *     with `=`, `:` or blanks between key and value; a key such as `PasswordAuthentication` or
 *     `key_file` (last word not a secret) is left alone, and so is a value that is a file path;
 *   - `password=`-style words inside a line (mount options: `…,password=…,…`);
 *   - the password of a URL (`postgres://user:…@db/pypi`);
 *   - every line inside a PEM private-key block (`-----BEGIN … PRIVATE KEY-----`).
 *
 * Every line stays where it was, so a diff of two redacted texts still names the line that
 * changed; the marker is a hash of the file's path, the key and the value, so the same secret
 * gives the same marker on both nodes of a pair and another secret another marker (parity sees
 * the difference) — without the value. A hash can confirm a guessed low-entropy secret, as the
 * file's own sha256 always could; `sensitive: true` in the desired state keeps no text at all.
 */
import { sha256Hex } from '../../shared/canonical-json';
import { matchAssignment } from './assignment';

/** A key whose last word is one of these names a secret. */
const SECRET_LAST_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'key',
  'apikey',
  'psk',
  'credential',
  'credentials',
]);

/**
 * Keys whose plain number is not a secret: corosync's `token: 3000` is the totem timeout in
 * milliseconds, an HA setting parity must show.
 */
const NUMBER_IS_NO_SECRET = new Set(['token']);

/** Last words that end in these are secret too (`dbpassword`, `clientsecret`, `authtoken`). */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey'];

const MARKER_PREFIX = '<redacted sha256:';

export interface Redacted {
  text: string;
  /** Whether anything was replaced. */
  redacted: boolean;
}

/** `db_password`, `dbPassword`, `shared-secret` → their last word, lower case. */
function lastWord(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  return (words[words.length - 1] ?? '').toLowerCase();
}

export function namesSecret(key: string): boolean {
  const word = lastWord(key);
  return SECRET_LAST_WORDS.has(word) || SECRET_SUFFIXES.some((suffix) => word.endsWith(suffix));
}

function marker(path: string, key: string, value: string): string {
  return `${MARKER_PREFIX}${sha256Hex(`${path}\0${key}\0${value}`).slice(0, 12)}…>`;
}

/**
 * Values left as they are: nothing, a file path (where a key is kept, not the key), a switch
 * (sshd's `KerberosOrLocalPasswd yes`, `KerberosGetAFSToken no`), a marker.
 */
function isHarmless(key: string, value: string): boolean {
  if (value === '' || /^\/\S*$/.test(value) || value.startsWith(MARKER_PREFIX)) return true;
  if (/^(yes|no|true|false|on|off|none)$/i.test(value)) return true;
  return NUMBER_IS_NO_SECRET.has(lastWord(key)) && /^\d+$/.test(value);
}

/** `password=VALUE` as one word of a comma- or blank-separated list (mount options). */
const OPTION_WORD = /(^|[\s,])([A-Za-z_][A-Za-z0-9_.-]*)=([^\s,]*)/g;

/**
 * The password part of `scheme://user:password@host`. A scheme starts at the first letter of
 * its run of scheme characters (the lookbehind): a start further in would find the same `://`
 * or none, and trying each start of a long run (`aaaa…`) took time quadratic in its length.
 */
const URL_PASSWORD = /([A-Za-z](?<![A-Za-z][0-9+.-]*[A-Za-z])[A-Za-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/g;

const PEM_BEGIN = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----\s*$/;
const PEM_END = /^-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----\s*$/;

function redactLine(line: string, path: string): string {
  const match = matchAssignment(line);
  if (match && namesSecret(match.key)) {
    const { lead, keyQuote, key, separator, valueQuote, value, tail } = match;
    // Blanks alone separate a key from a value in DRBD and keepalived, but prose has them too:
    // a line of several words after the key is not an assignment.
    const blankSeparated = separator.trim() === '';
    if (!isHarmless(key, value) && !(blankSeparated && valueQuote === undefined && /\s/.test(value))) {
      const q = valueQuote ?? '';
      return `${lead}${keyQuote}${key}${keyQuote}${separator}${q}${marker(path, key, value)}${q}${tail}`;
    }
  }
  return redactWords(line, path);
}

/**
 * Secret words in a text that is not an assignment — an option list (`username=u,password=…`,
 * comma- or blank-separated) or a device named by URL (`https://u:…@dav/`) — replaced by the
 * same markers file texts get. For what the mounts and units collectors record of fstab and
 * mount units; `path` is the file the words come from.
 */
export function redactWords(text: string, path: string): string {
  return text
    .replace(OPTION_WORD, (whole, before: string, key: string, value: string) =>
      namesSecret(key) && !isHarmless(key, value) ? `${before}${key}=${marker(path, key, value)}` : whole,
    )
    .replace(URL_PASSWORD, (whole, head: string, secret: string, at: string) =>
      secret.startsWith(MARKER_PREFIX) ? whole : `${head}${marker(path, 'url', secret)}${at}`,
    );
}

/** Whether a text holds a redaction marker: it is not what the node has, and is never written back. */
export function holdsRedaction(text: string): boolean {
  return text.includes(MARKER_PREFIX);
}

/** The text with every secret value replaced by a marker; `path` is the file's path on the node. */
export function redactSecrets(text: string, path: string): Redacted {
  const lines = text.split('\n');
  let inKey = false;
  let redacted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    let next: string;
    if (inKey) {
      if (PEM_END.test(line)) {
        inKey = false;
        continue;
      }
      next = line.trim() === '' ? line : marker(path, 'private key', line);
    } else if (PEM_BEGIN.test(line)) {
      inKey = true;
      continue;
    } else {
      next = redactLine(line, path);
    }
    if (next !== line) {
      lines[i] = next;
      redacted = true;
    }
  }
  return { text: redacted ? lines.join('\n') : text, redacted };
}
