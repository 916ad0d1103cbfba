/**
 * Unit-name specifiers (systemd.unit(5) "Specifiers") that depend only on the unit's name, so
 * they can be resolved off the node: %n %N %p %P %i %I %j %J %f %%. Host-dependent ones (%H,
 * %m, %b …) are left as written — they cannot name a different unit on the two nodes of a pair
 * in any way this tool could check without running on the node.
 */
import { parseUnitName, unescapeUnitNamePart } from './unit-name';

export function expandSpecifiers(text: string, unitName: string): string {
  if (!text.includes('%')) return text;
  const parts = parseUnitName(unitName);
  const prefix = parts?.prefix ?? unitName;
  const instance = parts?.instance ?? '';
  const dot = unitName.lastIndexOf('.');
  const lastDash = prefix.lastIndexOf('-');
  const finalComponent = lastDash < 0 ? prefix : prefix.slice(lastDash + 1);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== '%' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const spec = text[++i] as string;
    switch (spec) {
      case 'n':
        out += unitName;
        break;
      case 'N':
        out += dot < 0 ? unitName : unitName.slice(0, dot);
        break;
      case 'p':
        out += prefix;
        break;
      case 'P':
        out += unescapeUnitNamePart(prefix);
        break;
      case 'i':
        out += instance;
        break;
      case 'I':
        out += unescapeUnitNamePart(instance);
        break;
      case 'j':
        out += finalComponent;
        break;
      case 'J':
        out += unescapeUnitNamePart(finalComponent);
        break;
      case 'f':
        // unit_name_path_unescape(): the unescaped instance (or prefix) as an absolute path.
        out += `/${unescapeUnitNamePart(instance !== '' ? instance : prefix)}`.replace(/^\/+/, '/');
        break;
      case '%':
        out += '%';
        break;
      default:
        out += `%${spec}`;
    }
  }
  return out;
}
