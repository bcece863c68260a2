// A VMBus channel for one virtual PCI bus (protocol.md §10.1): class GUID
// 44C4F61D-4444-4400-9D52-802E27EDE19F (linux drivers/pci/controller/pci-hyperv.c
// HV_PCIE_GUID; freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c g_pass_through_dev_type),
// an instance GUID naming the bus, and one ring per direction.
// Ring sizes (protocol.md §10.4): the guest asks for N bytes per ring *including* the
// 4 KiB control page, so the data area is N - 4096 (freebsd-src
// sys/dev/hyperv/vmbus/vmbus_br.c: data size = size - sizeof(bufring)).
// FreeBSD's 16 KiB request gives 12 KiB; current Linux asks 20 KiB and gets 16 KiB.

import { RingBuffer, type RingSnapshot } from './ring';
import type { SnapshotReader, SnapshotWriter } from '../runtime/snapshot-tree';

export const VPCI_CLASS_GUID = '44C4F61D-4444-4400-9D52-802E27EDE19F';
export const RING_HEADER_BYTES = 4096;

export type ChannelState = 'offered' | 'open' | 'closed' | 'rescinded';

export interface ChannelSnapshot {
  instanceGuid: string;
  state: ChannelState;
  txBytes: number;
  rxBytes: number;
  guestToHost: RingSnapshot;
  hostToGuest: RingSnapshot;
}

export class VmbusChannel {
  readonly classGuid = VPCI_CLASS_GUID;
  readonly instanceGuid: string;
  state: ChannelState = 'offered';
  /** Ring sizes the guest asked for at open (including the 4 KiB header page). */
  txBytes = 0;
  rxBytes = 0;
  guestToHost: RingBuffer = new RingBuffer(0);
  hostToGuest: RingBuffer = new RingBuffer(0);

  constructor(instanceGuid: string) {
    this.instanceGuid = instanceGuid.toUpperCase();
  }

  /**
   * Guest opens the channel with a send ring (guest→host) of txBytes and a
   * receive ring (host→guest) of rxBytes, both including the header page.
   * False if the channel is not offered/closed or a size is not a page multiple above one page.
   */
  open(txBytes: number, rxBytes: number): boolean {
    if (this.state !== 'offered' && this.state !== 'closed') return false;
    const ok = (n: number) => Number.isInteger(n) && n > RING_HEADER_BYTES && n % RING_HEADER_BYTES === 0;
    if (!ok(txBytes) || !ok(rxBytes)) return false;
    this.txBytes = txBytes;
    this.rxBytes = rxBytes;
    this.guestToHost = new RingBuffer(txBytes - RING_HEADER_BYTES);
    this.hostToGuest = new RingBuffer(rxBytes - RING_HEADER_BYTES);
    this.state = 'open';
    return true;
  }

  /**
   * Guest closes: its rings' pages are freed (RingBuffer.release; their counters stay for
   * inspection). Rescinded channels stay rescinded, and are closed by the guest all the same.
   */
  close(): void {
    if (this.state === 'open') this.state = 'closed';
    this.guestToHost.release();
    this.hostToGuest.release();
  }

  /** Host withdraws the offer. */
  rescind(): void {
    this.state = 'rescinded';
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  snapshot(): ChannelSnapshot {
    return {
      instanceGuid: this.instanceGuid,
      state: this.state,
      txBytes: this.txBytes,
      rxBytes: this.rxBytes,
      guestToHost: this.guestToHost.snapshot(),
      hostToGuest: this.hostToGuest.snapshot(),
    };
  }

  /** Incremental snapshot (emulator/runtime/snapshot-tree.ts): state and sizes, then each ring. */
  freeze(w: SnapshotWriter, key: string): void {
    w.group(key, (g) => {
      g.fresh('meta', { instanceGuid: this.instanceGuid, state: this.state, txBytes: this.txBytes, rxBytes: this.rxBytes });
      this.guestToHost.freeze(g, 'g2h');
      this.hostToGuest.freeze(g, 'h2g');
    });
  }

  thaw(r: SnapshotReader, key: string): void {
    const g = r.group(key);
    const m = g?.plain('meta') as { state: ChannelState; txBytes: number; rxBytes: number } | undefined;
    if (!g || !m) return;
    this.state = m.state;
    // Rings keep their object (and data area) when the sizes match: thaw copies only what differs.
    if (this.txBytes !== m.txBytes || this.guestToHost.capacity !== Math.max(0, m.txBytes - RING_HEADER_BYTES))
      this.guestToHost = new RingBuffer(Math.max(0, m.txBytes - RING_HEADER_BYTES));
    if (this.rxBytes !== m.rxBytes || this.hostToGuest.capacity !== Math.max(0, m.rxBytes - RING_HEADER_BYTES))
      this.hostToGuest = new RingBuffer(Math.max(0, m.rxBytes - RING_HEADER_BYTES));
    this.txBytes = m.txBytes;
    this.rxBytes = m.rxBytes;
    this.guestToHost.thaw(g, 'g2h');
    this.hostToGuest.thaw(g, 'h2g');
  }

  restore(s: unknown): void {
    const c = s as Partial<ChannelSnapshot> | null;
    if (!c || typeof c !== 'object') return;
    if (c.state === 'offered' || c.state === 'open' || c.state === 'closed' || c.state === 'rescinded') this.state = c.state;
    this.txBytes = Number(c.txBytes) || 0;
    this.rxBytes = Number(c.rxBytes) || 0;
    this.guestToHost = new RingBuffer(Math.max(0, this.txBytes - RING_HEADER_BYTES));
    this.hostToGuest = new RingBuffer(Math.max(0, this.rxBytes - RING_HEADER_BYTES));
    this.guestToHost.restore(c.guestToHost);
    this.hostToGuest.restore(c.hostToGuest);
  }
}
