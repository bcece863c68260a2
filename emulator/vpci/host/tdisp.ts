// Whether OpenVMM could deserialise a PCI_TDISP_COMMAND's data (protocol.md §9.2): OV-D hands the bytes to
// `tdisp::serialize_proto::deserialize_command` (microsoft/openvmm vm/devices/tdisp/src/serialize_proto.rs
// @1488a37b), a protobuf decode of `GuestToHostCommand` (vm/devices/tdisp_proto/src/tdisp.proto) with prost
// 0.11.9 (Cargo.lock) followed by `validate_command`. The host needs only the verdict: a device without TDISP
// answers NOT_SUPPORTED to a command that decodes and BAD_DATA to one that does not.
//
// The message, by the .proto: field 1 `device_id` (uint64, varint); a oneof `command` of fields 2
// get_device_interface_info { 1: guest_protocol_type enum }, 3 bind {}, 4 get_tdi_report { 1: report_type
// enum }, 5 start_tdi {}, 6 unbind { 1: unbind_reason enum }. Validation: a command must be set, and the
// enum of those that have one must be a value the .proto names (guest protocol 0-2, report type 0-5, unbind
// reason 0-1).
//
// The wire format is protobuf's (protobuf.dev/programming-guides/encoding): a key varint (field number << 3 |
// wire type), then a varint (0), 8 bytes (1), a varint length and that many bytes (2), a group up to its
// end-group key (3, 4) or 4 bytes (5). Decoding fails on a varint longer than 10 bytes, a key above 32 bits,
// wire type 6 or 7, field number 0, a known field with another wire type, an end-group key outside its group,
// and data cut short; unknown fields are skipped; a field given twice takes its last value, and a oneof
// message given twice as the same member merges into it (prost's generated merge).

/** Why the bytes are not a valid GuestToHostCommand, or undefined when they are; `command` names the member. */
export function tdispCommandError(b: Uint8Array): string | undefined {
  const r = decodeCommand(b);
  if ('error' in r) return `failed to deserialize GuestToHostCommand: ${r.error}`;
  const { command, enumValue } = r;
  if (command === undefined) return 'proto validation: command must be set';
  const valid: Record<number, [string, number]> = { 2: ['guest_protocol_type', 2], 4: ['report_type', 5], 6: ['unbind_reason', 1] };
  const v = valid[command];
  if (v && (enumValue < 0 || enumValue > v[1])) return `proto validation: ${v[0]} is not a valid value: ${enumValue}`;
  return undefined;
}

type Pos = { p: number; end: number };

class WireError extends Error {}

function varint(b: Uint8Array, at: Pos): bigint {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (at.p >= at.end) throw new WireError('buffer underflow');
    const x = b[at.p++]!;
    if (i === 9 && x > 1) throw new WireError('invalid varint');
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (x < 0x80) return v;
  }
  throw new WireError('invalid varint');
}

function key(b: Uint8Array, at: Pos): { tag: number; wire: number } {
  const k = varint(b, at);
  if (k > 0xffffffffn) throw new WireError(`invalid key value: ${k}`);
  const wire = Number(k & 7n);
  if (wire > 5) throw new WireError(`invalid wire type value: ${wire}`);
  const tag = Number(k >> 3n);
  if (tag < 1) throw new WireError('invalid tag value: 0');
  return { tag, wire };
}

function take(at: Pos, n: bigint): number {
  if (n > BigInt(at.end - at.p)) throw new WireError('buffer underflow');
  const start = at.p;
  at.p += Number(n);
  return start;
}

function skip(b: Uint8Array, at: Pos, wire: number, tag: number): void {
  switch (wire) {
    case 0:
      varint(b, at);
      return;
    case 1:
      take(at, 8n);
      return;
    case 2:
      take(at, varint(b, at));
      return;
    case 3:
      for (;;) {
        const k = key(b, at);
        if (k.wire === 4) {
          if (k.tag !== tag) throw new WireError('unexpected end group tag');
          return;
        }
        skip(b, at, k.wire, k.tag);
      }
    case 4:
      throw new WireError('unexpected end group tag');
    default:
      take(at, 4n);
  }
}

function expectWire(tag: number, wire: number, want: number): void {
  if (wire !== want) throw new WireError(`invalid wire type: ${wire} (expected ${want}) for field ${tag}`);
}

function decodeCommand(b: Uint8Array): { command: number | undefined; enumValue: number } | { error: string } {
  let command: number | undefined;
  let enumValue = 0;
  try {
    const at: Pos = { p: 0, end: b.length };
    while (at.p < at.end) {
      const k = key(b, at);
      if (k.tag === 1) {
        expectWire(1, k.wire, 0);
        varint(b, at);
      } else if (k.tag >= 2 && k.tag <= 6) {
        expectWire(k.tag, k.wire, 2);
        const len = varint(b, at);
        const start = take(at, len);
        // A new member starts from its defaults; the same member again merges into what it has.
        if (command !== k.tag) enumValue = 0;
        command = k.tag;
        const sub: Pos = { p: start, end: at.p };
        while (sub.p < sub.end) {
          const f = key(b, sub);
          if (f.tag === 1 && (k.tag === 2 || k.tag === 4 || k.tag === 6)) {
            expectWire(1, f.wire, 0);
            enumValue = Number(BigInt.asIntN(32, varint(b, sub)));
          } else skip(b, sub, f.wire, f.tag);
        }
      } else skip(b, at, k.wire, k.tag);
    }
  } catch (e) {
    if (e instanceof WireError) return { error: e.message };
    throw e;
  }
  return { command, enumValue };
}
