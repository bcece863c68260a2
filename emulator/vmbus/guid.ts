// GUIDs as Windows lays them out in memory (and on VMBus): Data1 (u32), Data2
// (u16) and Data3 (u16) little-endian, Data4 (8 bytes) in text order. The vPCI
// class GUID 44C4F61D-4444-4400-9D52-802E27EDE19F is therefore the bytes
// 1D F6 C4 44 44 44 00 44 9D 52 80 2E 27 ED E1 9F (freebsd-src
// sys/dev/hyperv/pcib/vmbus_pcib.c g_pass_through_dev_type; protocol.md §10.1).

const GUID_RE = /^\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\}?$/;

/** True if `text` is a GUID in the 8-4-4-4-12 form (braces optional). */
export function isGuidText(text: string): boolean {
  return GUID_RE.test(text.trim());
}

/** The 16 wire bytes of a GUID; an unparsable string gives 16 zero bytes (never throws). */
export function guidBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  const m = GUID_RE.exec(text.trim());
  if (!m) return out;
  const hex = (s: string, i: number) => parseInt(s.slice(2 * i, 2 * i + 2), 16);
  const d1 = m[1]!,
    d2 = m[2]!,
    d3 = m[3]!,
    d4 = m[4]! + m[5]!;
  for (let i = 0; i < 4; i++) out[i] = hex(d1, 3 - i);
  for (let i = 0; i < 2; i++) out[4 + i] = hex(d2, 1 - i);
  for (let i = 0; i < 2; i++) out[6 + i] = hex(d3, 1 - i);
  for (let i = 0; i < 8; i++) out[8 + i] = hex(d4, i);
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
