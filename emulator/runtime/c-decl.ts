// Reading C declarations in listing text: which names a declaration line
// declares, its constant initializer, and a signature's parameters. The
// compiler uses these so a function's declarations are written once (as C)
// and both the listing and the debugger's Locals view come from them.

/** The names a C declaration declares: `u16 dom_req, dom;` → dom_req, dom; `struct x *p = NULL;` → p. */
export function declaredNames(text: string): string[] {
  // Each regular expression only where it can match: the first use of one in a process compiles
  // it, and frame names are read when the debugger first shows a function (most have no comment).
  const body = (text.includes('/*') ? text.replace(/\/\*.*?\*\//g, '') : text).trim().replace(/;\s*$/, '');
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  // By index and slices: a launch reads every declaration of a driver program (thousands of
  // characters), and a character-by-character string iterator allocated for each one.
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch === 0x28 || ch === 0x5b || ch === 0x7b)
      depth++; // ( [ {
    else if (ch === 0x29 || ch === 0x5d || ch === 0x7d)
      depth--; // ) ] }
    else if (ch === 0x2c && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  for (const p of parts) {
    const left = p.split('=')[0]!;
    const lhs = (left.includes('[') ? left.replace(/\[.*$/, '') : left).trim();
    const m = /([A-Za-z_]\w*)\s*$/.exec(lhs);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** A C declaration statement: a type, then the declarator (`unsigned int devfn = …;`, `uint32_t bar_val = 0;`). */
export const DECLARATION =
  /^(const\s+)?(struct\s+\w+|unsigned\s+int|unsigned\s+long|u8|u16|u32|u64|int|bool|char|uint8_t|uint16_t|uint32_t|uint64_t|bus_size_t|size_t|device_t)\s+\**\s*\w+\s*([=,[][^;]*)?;/;

/** The words a DECLARATION starts with (its first alternative's first word). */
const DECLARATION_START = new Set([
  'const',
  'struct',
  'unsigned',
  'u8',
  'u16',
  'u32',
  'u64',
  'int',
  'bool',
  'char',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'bus_size_t',
  'size_t',
  'device_t',
]);

/**
 * DECLARATION.test, asked only of a statement whose first word can start one: most statements
 * (calls, assignments) never reach the expression, which then need not be compiled at all.
 */
export function isDeclaration(text: string): boolean {
  let end = 0;
  while (
    end < text.length &&
    /* a word character */ (((text.charCodeAt(end) | 0x20) >= 0x61 && (text.charCodeAt(end) | 0x20) <= 0x7a) ||
      (text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) ||
      text.charCodeAt(end) === 0x5f)
  )
    end++;
  return DECLARATION_START.has(text.slice(0, end)) && DECLARATION.test(text);
}

/** A declaration's constant initializer: `= 0`, `= 0x10`, `= true`, `= false`, `= NULL`. */
export function initializer(text: string): number | boolean | null | undefined {
  if (!text.includes('=')) return undefined;
  const m = /=\s*(-?0x[0-9a-fA-F]+|-?\d+|true|false|NULL)\s*;/.exec(text);
  if (!m) return undefined;
  const t = m[1]!;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'NULL') return null;
  return Number(t);
}

/** The parameters of a C signature: `f(device_t dev, u32 *val)` → dev, val (an out-pointer to a scalar), each with its C type as written (`device_t`, `u32 *`). */
export function signatureParams(signature: string[], name: string): { name: string; out: boolean; type: string }[] {
  const text = signature.join(' ');
  const at = text.indexOf(`${name}(`);
  if (at < 0) return [];
  const open = at + name.length;
  let depth = 0;
  let end = text.length;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) {
      end = i;
      break;
    }
  }
  const inner = text.slice(open + 1, end).trim();
  if (!inner || inner === 'void') return [];
  const out: { name: string; out: boolean; type: string }[] = [];
  for (const raw of inner.split(',')) {
    const p = raw.trim().replace(/\s+/g, ' ');
    const m = /([A-Za-z_]\w*)\s*(\[\s*\])?\s*(__unused)?\s*$/.exec(p);
    const n = m?.[1];
    if (!m || !n || n === 'void') continue;
    // Only a pointer can be an out-parameter.
    const scalarOut = p.includes('*') && /^(const\s+)?(u8|u16|u32|u64|uint8_t|uint16_t|uint32_t|uint64_t|int|unsigned int|pci_addr_t)\s*\*\s*\w+$/.test(p);
    out.push({ name: n, out: scalarOut, type: `${p.slice(0, m.index).trim()}${m[2] ? ' []' : ''}` });
  }
  return out;
}
