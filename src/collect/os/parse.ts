/**
 * Pure parsing of os-release(5) and the small proc/etc text files the os collector reads.
 */

const enum State {
  PreKey,
  Key,
  PreValue,
  Value,
  ValueEscape,
  SingleQuote,
  DoubleQuote,
  DoubleQuoteEscape,
  Comment,
  CommentEscape,
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isNewline = (c: string): boolean => c === '\n' || c === '\r';
/** Characters a backslash unescapes inside double quotes; before others it stays, as in sh. */
const isShellEscapable = (c: string): boolean => c === '"' || c === '\\' || c === '`' || c === '$';

/**
 * Parses an os-release file (or any env file) exactly as systemd 252 does
 * (`parse_env_file_internal()` in src/basic/env-file.c), a shell-like subset: `KEY=value`,
 * values unquoted (backslash escapes the next character, trailing blanks dropped), in single
 * quotes (literal) or double quotes (backslash unescapes `" \ \` $` and joins lines), quoted
 * parts concatenated; `#` and `;` start a comment only at the beginning of a line; a line
 * without `=` is ignored; a later assignment of a key wins.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  let state = State.PreKey;
  let key = '';
  let value = '';
  /** Length of `key`/`value` before their trailing run of blanks, or -1 when they end in non-blank. */
  let keyCut = -1;
  let valueCut = -1;

  const push = (): void => {
    const finalKey = keyCut === -1 ? key : key.slice(0, keyCut);
    const finalValue = state === State.Value && valueCut !== -1 ? value.slice(0, valueCut) : value;
    result[finalKey] = finalValue;
    key = '';
    value = '';
  };

  for (const c of text) {
    switch (state) {
      case State.PreKey:
        if (c === '#' || c === ';') state = State.Comment;
        else if (!isWhitespace(c)) {
          state = State.Key;
          keyCut = -1;
          key += c;
        }
        break;
      case State.Key:
        if (isNewline(c)) {
          state = State.PreKey;
          key = '';
        } else if (c === '=') {
          state = State.PreValue;
          valueCut = -1;
        } else {
          if (!isWhitespace(c)) keyCut = -1;
          else if (keyCut === -1) keyCut = key.length;
          key += c;
        }
        break;
      case State.PreValue:
        if (isNewline(c)) {
          push();
          state = State.PreKey;
        } else if (c === "'") state = State.SingleQuote;
        else if (c === '"') state = State.DoubleQuote;
        else if (c === '\\') state = State.ValueEscape;
        else if (!isWhitespace(c)) {
          state = State.Value;
          value += c;
        }
        break;
      case State.Value:
        if (isNewline(c)) {
          push();
          state = State.PreKey;
        } else if (c === '\\') {
          state = State.ValueEscape;
          valueCut = -1;
        } else {
          if (!isWhitespace(c)) valueCut = -1;
          else if (valueCut === -1) valueCut = value.length;
          value += c;
        }
        break;
      case State.ValueEscape:
        state = State.Value;
        if (!isNewline(c)) value += c; // an escaped newline continues the line
        break;
      case State.SingleQuote:
        if (c === "'") state = State.PreValue;
        else value += c;
        break;
      case State.DoubleQuote:
        if (c === '"') state = State.PreValue;
        else if (c === '\\') state = State.DoubleQuoteEscape;
        else value += c;
        break;
      case State.DoubleQuoteEscape:
        state = State.DoubleQuote;
        if (isShellEscapable(c)) value += c;
        else if (c !== '\n') value += '\\' + c;
        break;
      case State.Comment:
        if (c === '\\') state = State.CommentEscape;
        else if (isNewline(c)) state = State.PreKey;
        break;
      case State.CommentEscape:
        state = State.Comment;
        break;
    }
  }
  if (
    state === State.PreValue ||
    state === State.Value ||
    state === State.ValueEscape ||
    state === State.SingleQuote ||
    state === State.DoubleQuote ||
    state === State.DoubleQuoteEscape
  ) {
    push();
  }
  return result;
}

/** The first line of a one-value file (proc/sys/kernel/osrelease, etc/hostname), trimmed; undefined when empty. */
export function firstValueLine(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const value = line.trim();
    // hostname(5): comments are allowed in /etc/hostname.
    if (value !== '' && !value.startsWith('#')) return value;
  }
  return undefined;
}
