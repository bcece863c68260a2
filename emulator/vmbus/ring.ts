// One direction of a VMBus channel: a circular data area of real size.
// Each packet is copied in (padded to 8 bytes) followed by the 8-byte footer
// VMBus writes after every packet: reserved u32 = 0, then the u32 ring offset
// at which the packet starts (linux drivers/hv/ring_buffer.c hv_ringbuffer_write
// "prev_indices"; microsoft/openvmm vm/devices/vmbus/vmbus_ring/src/lib.rs `Footer`).
// A writer needs strictly more free bytes than it writes, so the write index
// never catches up with the read index (a full ring and an empty ring stay
// distinguishable): linux hv_ringbuffer_write returns -EAGAIN when
// `bytes_avail_towrite <= totalbytes_towrite`.

import type { SnapshotReader, SnapshotWriter } from '../runtime/snapshot-tree';

const FOOTER_BYTES = 8;

export interface RingSnapshot {
  capacity: number;
  readIndex: number;
  writeIndex: number;
  lengths: number[];
  data: string; // hex of the whole data area
  totalWritten: number;
  totalRead: number;
  rejected: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function toHex(b: Uint8Array): string {
  const parts = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) parts[i] = HEX[b[i]!]!;
  return parts.join('');
}

function fromHex(s: string, out: Uint8Array): void {
  for (let i = 0; i < out.length && 2 * i + 1 < s.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16) || 0;
}

export class RingBuffer {
  readonly capacity: number;
  private data: Uint8Array;
  private readIndex = 0;
  private writeIndex = 0;
  /** Byte length (as given to tryWrite) of each packet still in the ring, oldest first. */
  private lengths: number[] = [];
  /** Counters for the trace / debugger. */
  totalWritten = 0;
  totalRead = 0;
  rejected = 0;

  constructor(dataBytes: number) {
    const n = Number.isFinite(dataBytes) && dataBytes > 0 ? Math.floor(dataBytes / 8) * 8 : 0;
    this.capacity = n;
    this.data = new Uint8Array(n);
  }

  /** Bytes occupied by packets and footers. */
  get used(): number {
    return this.capacity === 0 ? 0 : (this.writeIndex - this.readIndex + this.capacity) % this.capacity;
  }

  get free(): number {
    return this.capacity - this.used;
  }

  get pendingPackets(): number {
    return this.lengths.length;
  }

  get readOffset(): number {
    return this.readIndex;
  }

  get writeOffset(): number {
    return this.writeIndex;
  }

  /** Ring bytes a packet of `len` bytes occupies (padded payload + footer). */
  static footprint(len: number): number {
    return ((len + 7) & ~7) + FOOTER_BYTES;
  }

  /** Would a packet of `len` bytes fit now? Never once the data area is released. */
  canWrite(len: number): boolean {
    return !this.released && RingBuffer.footprint(len) < this.free;
  }

  /** Whether the data area was given back (release): indices and counters stay, the bytes are gone. */
  get released(): boolean {
    return this.data.length !== this.capacity;
  }

  /**
   * Gives the data area back, as a guest closing its channel frees the ring's pages (freebsd-src
   * @ dd2e215ca93c sys/dev/hyperv/vmbus/vmbus_chan.c vmbus_chan_close_internal, "Destroy the
   * TX+RX bufrings"; linux v6.12.118 drivers/hv/channel.c vmbus_close_internal → vmbus_free_ring).
   * Ours: the indices, lengths and counters stay, so the VMBus view reads as at the close; nothing
   * is written or read any more. A bus rescinded and detached kept 24 KiB here (FreeBSD) to the end.
   */
  release(): void {
    if (this.capacity) this.data = new Uint8Array(0);
  }

  /**
   * Copies the packet in; false (and nothing written) when the ring has no room. The last `keep` bytes of
   * `pkt` are not written: the ring keeps what it held there, and they are copied back into `pkt`, so the
   * caller sees the packet as the reader will (OpenVMM's writer leaves a packet's padding, packet.ts).
   */
  tryWrite(pkt: Uint8Array, keep = 0): boolean {
    if (!this.canWrite(pkt.length)) {
      this.rejected++;
      return false;
    }
    const start = this.writeIndex;
    const k = Math.max(0, Math.min(keep, pkt.length));
    this.copyIn(pkt.subarray(0, pkt.length - k));
    if (k) {
      pkt.set(this.copyOut(this.writeIndex, k), pkt.length - k);
      this.writeIndex = (this.writeIndex + k) % this.capacity;
    }
    const pad = ((pkt.length + 7) & ~7) - pkt.length;
    if (pad) this.copyIn(new Uint8Array(pad));
    const footer = new Uint8Array(FOOTER_BYTES);
    new DataView(footer.buffer).setUint32(4, start, true);
    this.copyIn(footer);
    this.lengths.push(pkt.length);
    this.totalWritten++;
    return true;
  }

  /** The oldest packet without consuming it. */
  peek(): Uint8Array | undefined {
    const len = this.lengths[0];
    if (len === undefined || this.released) return undefined;
    return this.copyOut(this.readIndex, len);
  }

  /** Removes and returns the oldest packet (a copy). */
  read(): Uint8Array | undefined {
    if (this.released) return undefined;
    const len = this.lengths.shift();
    if (len === undefined) return undefined;
    const out = this.copyOut(this.readIndex, len);
    this.readIndex = (this.readIndex + RingBuffer.footprint(len)) % this.capacity;
    this.totalRead++;
    return out;
  }

  /** The raw data area (a copy), as the other side's memory would show it. */
  rawBytes(): Uint8Array {
    return this.data.slice();
  }

  snapshot(): RingSnapshot {
    return {
      capacity: this.capacity,
      readIndex: this.readIndex,
      writeIndex: this.writeIndex,
      lengths: this.lengths.slice(),
      data: toHex(this.data),
      totalWritten: this.totalWritten,
      totalRead: this.totalRead,
      rejected: this.rejected,
    };
  }

  /** Restores a snapshot taken from a ring of the same capacity; anything else is ignored. */
  restore(s: unknown): void {
    const r = s as Partial<RingSnapshot> | null;
    if (!r || typeof r !== 'object' || r.capacity !== this.capacity) return;
    this.data = new Uint8Array(this.capacity);
    fromHex(typeof r.data === 'string' ? r.data : '', this.data);
    const index = (x: unknown) => {
      const n = Math.floor(Number(x) || 0);
      return this.capacity === 0 ? 0 : (((n % this.capacity) + this.capacity) % this.capacity) & ~7;
    };
    this.readIndex = index(r.readIndex);
    this.writeIndex = index(r.writeIndex);
    this.lengths = Array.isArray(r.lengths) ? r.lengths.map((x) => Math.max(0, Math.min(this.capacity, Math.floor(x || 0)))) : [];
    this.totalWritten = Number(r.totalWritten) || 0;
    this.totalRead = Number(r.totalRead) || 0;
    this.rejected = Number(r.rejected) || 0;
  }

  /**
   * Incremental snapshot (emulator/runtime/snapshot-tree.ts): the indices and counters as plain
   * data, the data area as pages. The data changes only when a packet is written (totalWritten
   * counts them) and the array is replaced on restore, so (array, totalWritten) names its contents.
   */
  freeze(w: SnapshotWriter, key: string): void {
    w.group(key, (g) => {
      g.fresh('meta', {
        capacity: this.capacity,
        readIndex: this.readIndex,
        writeIndex: this.writeIndex,
        lengths: this.lengths.slice(),
        totalWritten: this.totalWritten,
        totalRead: this.totalRead,
        rejected: this.rejected,
      });
      g.bytes('data', this.data, this.data, this.totalWritten);
    });
  }

  /** Restores what `freeze` wrote (a ring of the same capacity); the data area is copied only if it differs. */
  thaw(r: SnapshotReader, key: string): void {
    const g = r.group(key);
    const m = g?.plain('meta') as Omit<RingSnapshot, 'data'> | undefined;
    if (!g || !m || m.capacity !== this.capacity) return;
    // Copied unless the live area (at its own count) is known to hold exactly these bytes.
    const data = g.bytes('data', this.data, this.totalWritten);
    if (data) this.data = data;
    g.loaded('data', this.data, m.totalWritten);
    this.readIndex = m.readIndex;
    this.writeIndex = m.writeIndex;
    this.lengths = m.lengths;
    this.totalWritten = m.totalWritten;
    this.totalRead = m.totalRead;
    this.rejected = m.rejected;
  }

  private copyIn(bytes: Uint8Array): void {
    const n = this.capacity;
    const first = Math.min(bytes.length, n - this.writeIndex);
    this.data.set(bytes.subarray(0, first), this.writeIndex);
    if (first < bytes.length) this.data.set(bytes.subarray(first), 0);
    this.writeIndex = (this.writeIndex + bytes.length) % n;
  }

  private copyOut(at: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const first = Math.min(len, this.capacity - at);
    out.set(this.data.subarray(at, at + first), 0);
    if (first < len) out.set(this.data.subarray(0, len - first), first);
    return out;
  }
}
