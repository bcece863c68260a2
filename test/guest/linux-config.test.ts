// pci-hyperv's config-space access (protocol.md §4.2, §4.4) run statement
// by statement against a fake kernel: which offsets are answered from the
// relations descriptor, which go through the window (slot register at +0,
// access at +0x1000 + where), and the int-pin quirk on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxProgram } from '../../emulator/vpci/guest/linux';
import { stepThread, type ThreadState } from '../../emulator/runtime/threads';
import type { K as GuestKernel } from '../../emulator/vpci/guest/linux/state';

const prog = linuxProgram();
const WINDOW = 0xf800_0000;
/** A second function, at device 2 (wslot 0x02), for the config lock. */
const DESC_02 = { v_id: 0x8086, d_id: 0x10fb, rev: 0x01, prog_intf: 0, subclass: 0, base_class: 0x02, subsystem_id: 0, ser: 2, flags: 0, virtual_numa_node: 0 };
/** What the host's config space returns for any forwarded 32-bit read. */
const HOST_DWORD = 0x1122_3344;

interface Access {
  op: 'r' | 'w';
  addr: number;
  size: number;
  value: number;
}

function fakeKernel(quirks: Record<string, boolean>, log: Access[], woken: string[] = []): GuestKernel {
  const sc = {
    hbus: {
      mem_config: { start: WINDOW, size: 0x2000 },
      children: [
        {
          desc: {
            v_id: 0x8086,
            d_id: 0x10ed,
            rev: 0x01,
            prog_intf: 0x00,
            subclass: 0x00,
            base_class: 0x02,
            subsystem_id: 0x7b11_8086,
            wslot: 0x21,
            ser: 1,
            flags: 0,
            virtual_numa_node: 0,
          },
          reported_missing: false,
          probed_bar: [0, 0, 0, 0, 0, 0],
        },
        {
          desc: { ...DESC_02, wslot: 0x02 },
          reported_missing: false,
          probed_bar: [0, 0, 0, 0, 0, 0],
        },
      ],
      config_lock: null,
    },
    pci: { children: [] },
  };
  const k = {
    sc,
    quirk: (n: string) => quirks[n] ?? true,
    log: () => {},
    key: (name: string) => name,
    wake: (name: string) => woken.push(name),
    mmioRead(addr: number, size: number) {
      const sh = 8 * (addr & 3);
      const v = size === 4 ? HOST_DWORD : (HOST_DWORD >>> sh) & (size === 2 ? 0xffff : 0xff);
      log.push({ op: 'r', addr, size, value: v });
      return v;
    },
    mmioWrite(addr: number, size: number, value: number) {
      log.push({ op: 'w', addr, size, value });
    },
  };
  return k as unknown as GuestKernel;
}

/** A driver thread (id, name) in hv_pci_probe that has just called `fn` with `args`, its result to go into `out`. */
function callingThread(id: number, name: string, fn: string, args: Record<string, unknown>): ThreadState {
  return {
    id,
    name,
    bus: 0,
    role: 'driver',
    status: 'ready',
    readyAt: 0,
    steps: 0,
    frames: [
      { fn: 'hv_pci_probe', pc: 0, locals: {} },
      { fn, pc: 0, locals: { ...args }, into: 'out' },
    ],
  };
}

function callFn(fn: string, args: Record<string, unknown>, quirks: Record<string, boolean> = {}): { value: unknown; mmio: Access[] } {
  const mmio: Access[] = [];
  const k = fakeKernel(quirks, mmio);
  const t = callingThread(1, 't', fn, args);
  (k as { thread: ThreadState }).thread = t;
  for (let i = 0; i < 200 && t.frames.length > 1; i++) stepThread(prog, k, t, 0);
  assert.equal(t.frames.length, 1, `${fn} returned`);
  return { value: t.frames[0]!.locals.out, mmio };
}

const read = (where: number, size: number, quirks: Record<string, boolean> = {}) =>
  callFn('hv_pcifront_read_config', { devfn: (1 << 3) | 1, where, size }, quirks); // devfn 01.1 = wslot 0x21

test('R1–R4: IDs, class, subsystem and ROM BAR come from the descriptor, with no window access', () => {
  assert.deepEqual(read(0x00, 4), { value: 0x10ed_8086, mmio: [] });
  assert.deepEqual(read(0x02, 2), { value: 0x10ed, mmio: [] });
  assert.deepEqual(read(0x08, 4), { value: 0x0200_0001, mmio: [] });
  assert.deepEqual(read(0x0b, 1), { value: 0x02, mmio: [] });
  assert.deepEqual(read(0x2c, 4), { value: 0x7b11_8086, mmio: [] });
  assert.deepEqual(read(0x30, 4), { value: 0, mmio: [] });
});

test('R6: a forwarded read writes the wslot to window+0, then reads window+0x1000+where', () => {
  const r = read(0x10, 4);
  assert.equal(r.value, HOST_DWORD);
  assert.deepEqual(r.mmio, [
    { op: 'w', addr: WINDOW, size: 4, value: 0x21 },
    { op: 'r', addr: WINDOW + 0x1010, size: 4, value: HOST_DWORD },
  ]);
  // COMMAND straddling the ID emulation boundary is forwarded, as is the capability space.
  assert.equal(read(0x04, 2).mmio.length, 2);
  assert.equal(read(0x40, 4).mmio[1]!.addr, WINDOW + 0x1040);
});

test('R5 with QUIRK int-pin-single-byte-only on: only single-byte 0x3C/0x3D reads are zero; a dword goes to the host', () => {
  assert.deepEqual(read(0x3c, 1), { value: 0, mmio: [] });
  assert.deepEqual(read(0x3d, 1), { value: 0, mmio: [] });
  const wide = read(0x3c, 4);
  assert.equal(wide.value, HOST_DWORD, 'the device value, Interrupt Line/Pin included');
  assert.equal(wide.mmio.length, 2);
});

test('R5 with the quirk off: a dword read over 0x3C has its Line/Pin bytes zeroed', () => {
  const wide = read(0x3c, 4, { 'int-pin-single-byte-only': false });
  assert.equal(wide.value, HOST_DWORD & 0xffff_0000);
  assert.equal(read(0x3c, 2, { 'int-pin-single-byte-only': false }).value, 0);
});

test('R7 and a missing function: beyond 4 KiB nothing is accessed; an absent slot reads all ones', () => {
  assert.deepEqual(read(0xffe, 4).mmio, []);
  const none = callFn('hv_pcifront_read_config', { devfn: 5 << 3, where: 0, size: 2 });
  assert.deepEqual(none, { value: 0xffff, mmio: [] });
});

test('W1–W3: SSID/ROM writes and writes touching 0x00–0x03 are dropped; others go through the window', () => {
  const write = (where: number, size: number, val: number) => callFn('hv_pcifront_write_config', { devfn: (1 << 3) | 1, where, size, val }).mmio;
  assert.deepEqual(write(0x2c, 4, 0xffffffff), []);
  assert.deepEqual(write(0x30, 4, 0xffffffff), []);
  assert.deepEqual(write(0x00, 4, 0xffffffff), []);
  assert.deepEqual(write(0x04, 2, 0x0006), [
    { op: 'w', addr: WINDOW, size: 4, value: 0x21 },
    { op: 'w', addr: WINDOW + 0x1004, size: 2, value: 0x0006 },
  ]);
});

test('hbus->config_lock: a second thread reading another function waits while the first holds the window, so each select is followed by its own access', () => {
  // Two drivers probing two functions of one bus at once (an SR-IOV PF and its VF): without the lock
  // the second select moved the window between the first's select and its access, and the first
  // function's COMMAND write went to the second (its BARs never mapped, its MSI-X table unreachable).
  const mmio: Access[] = [];
  const woken: string[] = [];
  const k = fakeKernel({}, mmio, woken);
  const thread = (id: number, devfn: number): ThreadState => callingThread(id, `t${id}`, 'hv_pcifront_read_config', { devfn, where: 0x10, size: 4 });
  const threads = [thread(1, (1 << 3) | 1), thread(2, 2 << 3)];
  let blocked = 0;
  // One statement of each in turn, as two CPUs would interleave them.
  for (let i = 0; i < 400 && threads.some((t) => t.frames.length > 1); i++) {
    const t = threads[i % 2]!;
    if (t.frames.length === 1) continue;
    if (t.status === 'blocked') {
      if (!woken.includes('config_lock')) continue;
      t.status = 'ready';
    }
    (k as { thread: ThreadState }).thread = t;
    stepThread(prog, k, t, 0);
    // (the step may have blocked it: read the status again)
    if ((t.status as ThreadState['status']) === 'blocked') {
      blocked++;
      assert.match(t.waitWhy ?? '', /config_lock/);
    }
  }
  assert.ok(blocked > 0, 'the second thread waited for the lock');
  assert.deepEqual(
    mmio.map((a) => [a.op, a.addr - WINDOW, a.value]),
    [
      ['w', 0, 0x21],
      ['r', 0x1010, HOST_DWORD],
      ['w', 0, 0x02],
      ['r', 0x1010, HOST_DWORD],
    ],
  );
});
