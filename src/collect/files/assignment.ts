/**
 * One line of a configuration file read as `KEY <sep> VALUE [;,]`: optional `export`, a key
 * (bare or quoted), `=`, `:` or blanks, and a value (quoted, or the rest of the line), then at
 * most one `;` or `,` among trailing blanks. Commented out too (`# password = …`): an old
 * password in a comment is still a password. Pure, and linear in the length of the line.
 *
 * It gives what one regex gave,
 *   /^(HEAD)(["']?)(KEY)\2(SEP)(?:(["'])(.*)\5|(.*?))(\s*[;,]?\s*)$/
 * but that regex backtracked cubically on a run of blanks inside the value (`password = x`, four
 * thousand blanks, `!` took seconds; exec ran on every line of every watched file). Only the
 * head is a regex here; the value and its tail are cut by a backward scan instead.
 */

export interface Assignment {
  /** Blanks, a comment mark (`#`, `;`) and `export ` before the key. */
  lead: string;
  /** `"` or `'` around the key, or nothing. */
  keyQuote: string;
  key: string;
  /** `=` or `:` with the blanks around it, or blanks alone. */
  separator: string;
  /** The quote around the value, when it is quoted. */
  valueQuote?: '"' | "'";
  /** Without its quotes. */
  value: string;
  /** Blanks, at most one `;` or `,`, blanks: everything after the value. */
  tail: string;
}

/** Everything up to the value: the old regex cut after its separator, groups unchanged. */
const HEAD = /^(\s*(?:[#;]\s*)?(?:export\s+)?)(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2(\s*[=:]\s*|\s+)/;

/** `\s` as the regex had it: Unicode white space, line breaks included. */
const BLANK = /\s/;

/** What `.` never matched: a value holding one of these was no assignment. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * Where the tail of `rest` starts: the longest suffix that is blanks, at most one `;` or `,`,
 * blanks — the value the lazy `(.*?)` took was the shortest that left such a suffix.
 */
function tailStart(rest: string): number {
  let end = rest.length;
  const skipBlanks = (): void => {
    while (end > 0 && BLANK.test(rest[end - 1] as string)) end--;
  };
  skipBlanks();
  if (end > 0 && (rest[end - 1] === ';' || rest[end - 1] === ',')) {
    end--;
    skipBlanks();
  }
  return end;
}

function isQuote(ch: string | undefined): ch is '"' | "'" {
  return ch === '"' || ch === "'";
}

/** `line` read as an assignment, or undefined when it is none. */
export function matchAssignment(line: string): Assignment | undefined {
  const head = HEAD.exec(line);
  if (!head) return undefined;
  const [whole = '', lead = '', keyQuote = '', key = '', separator = ''] = head; // every group takes part
  const rest = line.slice(whole.length);
  const end = tailStart(rest);
  const body = rest.slice(0, end);
  // No other head the regex could backtrack to takes the line break into itself: no match.
  if (LINE_BREAK.test(body)) return undefined;
  const first = body[0];
  const quoted = body.length >= 2 && isQuote(first) && body[body.length - 1] === first;
  return {
    lead,
    keyQuote,
    key,
    separator,
    ...(quoted ? { valueQuote: first } : {}),
    value: quoted ? body.slice(1, -1) : body,
    tail: rest.slice(end),
  };
}
