/**
 * Unit file syntax (systemd 252 config_parse(), systemd.syntax(7)) — pure, text in, assignments
 * out. Hand-written because no maintained npm package follows systemd's rules (ini parsers get
 * continuation lines, `;` comments, repeated keys and empty-assignment resets wrong).
 *
 *   - Leading and trailing whitespace is stripped from every line.
 *   - Empty lines and lines starting with `#` or `;` are comments.
 *   - A line ending in an unescaped `\` continues on the next line; the backslash becomes a
 *     space. Comment lines inside a continuation are skipped.
 *   - `[Section]` starts a section; assignments before the first section are ignored (systemd
 *     warns and ignores them).
 *   - `Key=Value`: key and value are stripped; the same key may repeat (list settings append,
 *     and what an empty value means depends on the setting — see the callers).
 */

export interface UnitAssignment {
  section: string;
  key: string;
  value: string;
  /** 1-based line where the assignment starts. */
  line: number;
}

function isCommentStart(line: string): boolean {
  return line.startsWith('#') || line.startsWith(';');
}

/** True when `text` ends in a backslash that is not itself escaped. */
function endsWithContinuation(text: string): boolean {
  let backslashes = 0;
  for (let i = text.length - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}

export function parseUnitFile(text: string): UnitAssignment[] {
  const assignments: UnitAssignment[] = [];
  let section: string | undefined;
  let continuation: string | undefined;
  let continuationLine = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = (lines[index] as string).trim();
    let logical: string;
    let lineNumber: number;
    if (continuation !== undefined) {
      if (isCommentStart(raw)) continue;
      logical = continuation + raw;
      lineNumber = continuationLine;
    } else {
      logical = raw;
      lineNumber = index + 1;
    }
    if (endsWithContinuation(logical) && index < lines.length - 1) {
      continuation = logical.slice(0, -1) + ' ';
      continuationLine = lineNumber;
      continue;
    }
    continuation = undefined;
    logical = logical.trim();
    if (logical === '' || isCommentStart(logical)) continue;
    if (logical.startsWith('[')) {
      const close = logical.indexOf(']');
      // systemd requires the line to end with ']'; anything else is an invalid section header.
      section = close === logical.length - 1 ? logical.slice(1, close) : undefined;
      continue;
    }
    if (section === undefined) continue;
    const equals = logical.indexOf('=');
    if (equals < 0) continue; // "Missing '=', ignoring line."
    assignments.push({
      section,
      key: logical.slice(0, equals).trim(),
      value: logical.slice(equals + 1).trim(),
      line: lineNumber,
    });
  }
  return assignments;
}

/**
 * Splits a list value into words like extract_first_word(EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE):
 * whitespace separates words, single and double quotes group, backslashes are kept as written.
 */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && i + 1 < value.length) {
        word += ch + (value[i + 1] as string);
        i++;
      } else word += ch;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < value.length) {
      word += ch + (value[i + 1] as string);
      inWord = true;
      i++;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
