// GUIDs as Windows lays them out in memory (and on VMBus): Data1 (u32), Data2
// (u16) and Data3 (u16) little-endian, Data4 (8 bytes) in text order. The vPCI
// class GUID 44C4F61D-4444-4400-9D52-802E27EDE19F is therefore the bytes
// 1D F6 C4 44 44 44 00 44 9D 52 80 2E 27 ED E1 9F (freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c g_pass_through_dev_type; protocol.md §10.1).

/**
 * The 32 hex digits of a GUID in the 8-4-4-4-12 form, each brace optional (what
 * /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i takes), or
 * undefined. By hand, not a regular expression: a launch reads each bus's GUID, and a regular
 * expression's first use in a process compiles it.
 */
function guidDigits(text: string): string | undefined {
  let s = text.trim();
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  if (s.length !== 36) return undefined;
  let digits = '';
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return undefined; // '-'
      continue;
    }
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return undefined;
  }
  for (const part of s.split('-')) digits += part;
  return digits;
}

/** True if `text` is a GUID in the 8-4-4-4-12 form (braces optional). */
export function isGuidText(text: string): boolean {
  return guidDigits(text) !== undefined;
}

/** The 16 wire bytes of a GUID; an unparsable string gives 16 zero bytes (never throws). */
export function guidBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  const d = guidDigits(text);
  if (d === undefined) return out;
  const hex = (i: number) => parseInt(d.slice(2 * i, 2 * i + 2), 16);
  // Data1, Data2 and Data3 little-endian; Data4 in text order.
  for (let i = 0; i < 4; i++) out[i] = hex(3 - i);
  for (let i = 0; i < 2; i++) out[4 + i] = hex(4 + 1 - i);
  for (let i = 0; i < 2; i++) out[6 + i] = hex(6 + 1 - i);
  for (let i = 0; i < 8; i++) out[8 + i] = hex(8 + i);
  return out;
}

/** Upper-case text form of the 16 bytes at `off`; missing bytes read as zero. */
export function guidText(b: Uint8Array, off = 0): string {
  const h = (i: number) => (b[off + i] ?? 0).toString(16).padStart(2, '0').toUpperCase();
  const r = (idx: number[]) => idx.map(h).join('');
  return `${r([3, 2, 1, 0])}-${r([5, 4])}-${r([7, 6])}-${r([8, 9])}-${r([10, 11, 12, 13, 14, 15])}`;
}

/** Data1 of a GUID (first 32 bits, little-endian): OpenVMM uses it as the function's serial number (protocol.md §2.5). */
export function guidData1(text: string): number {
  const b = guidBytes(text);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}
