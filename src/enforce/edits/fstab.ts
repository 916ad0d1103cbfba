/**
 * Line edits of /etc/fstab that touch nothing but what they change: the other lines, comments
 * and blank lines stay byte for byte, and within the edited line the blanks between fields and
 * every option that is kept stay exactly as written. Fields are found the way libmount finds
 * them (runs of spaces and tabs); options are split on commas outside double quotes.
 */
import {
  decodeOctalEscapes,
  encodeOctalEscapes,
  splitFieldsAt,
  splitMountOptions,
} from '../../collect/parsers/fstab';
import type { FstabLineFields } from '../types';

/** The options field with `add` appended (those not already there) and `remove` taken out; kept options untouched. */
function editOptions(field: string | undefined, change: { add: string[]; remove: string[] }): string {
  const raw = splitMountOptions(field ?? ''); // no words for no field (splitFieldsAt gives no empty field)
  const decoded = raw.map(decodeOctalEscapes);
  const kept = raw.filter((_, i) => !change.remove.includes(decoded[i] as string));
  const keptValues = new Set(decoded.filter((value) => !change.remove.includes(value)));
  const added = change.add.filter((option) => !keptValues.has(option)).map(encodeOctalEscapes);
  const options = [...kept, ...added];
  return options.length === 0 ? 'defaults' : options.join(',');
}

/**
 * One fstab line with some fields changed. A line with fewer than four fields gets the
 * missing ones (`defaults 0 0`) when options or passno must be written.
 */
export function editFstabLine(line: string, change: FstabLineFields): string {
  const crlf = line.endsWith('\r');
  const body = crlf ? line.slice(0, -1) : line;
  const fields = splitFieldsAt(body);
  if (fields.length < 3 || fields[0]?.text.startsWith('#'))
    throw new Error(`not an fstab entry: ${JSON.stringify(line)}`);
  const texts = fields.map((field) => field.text);
  if (change.spec !== undefined) texts[0] = encodeOctalEscapes(change.spec);
  if (change.vfstype !== undefined) texts[2] = encodeOctalEscapes(change.vfstype);
  if (change.options) texts[3] = editOptions(texts[3], change.options);
  if (change.passno !== undefined) {
    texts[3] ??= 'defaults';
    texts[4] ??= '0';
    texts[5] = String(change.passno);
  }
  // Rebuild with the original blanks between the fields that existed; new fields get one tab.
  let out = body.slice(0, fields[0]?.start ?? 0);
  texts.forEach((text, i) => {
    const original = fields[i];
    const next = fields[i + 1];
    out += text;
    if (i < texts.length - 1) out += original && next ? body.slice(original.end, next.start) : '\t';
    else if (original) out += body.slice(original.end);
  });
  return crlf ? `${out}\r` : out;
}

/** An fstab line for a new entry, fields separated by tabs. */
export function fstabLine(fields: {
  spec: string;
  file: string;
  vfstype: string;
  options: string[];
  freq?: number;
  passno?: number;
}): string {
  return [
    encodeOctalEscapes(fields.spec),
    encodeOctalEscapes(fields.file),
    encodeOctalEscapes(fields.vfstype),
    fields.options.length ? fields.options.map(encodeOctalEscapes).join(',') : 'defaults',
    String(fields.freq ?? 0),
    String(fields.passno ?? 0),
  ].join('\t');
}
