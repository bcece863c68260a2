// Multi-message MSI (Multiple Message Capable/Enable, 2..32 vectors), end to end on
// both guest models and every host version that changes the CREATE_INTERRUPT layout.
//
// Input: a MODIFIED real dump. data/devices/intel-82599-pf.lspci (the 82599ES dump of
// data/devices/SOURCES.md) has an MSI capability at 0x50 (Maskable+ 64bit+) that
// advertises one message, as every dump we hold does. No real dump advertises more,
// so the test patches ONLY the Multiple Message Capable field (Message Control bits
// 3:1, the low byte of the 16-bit word at cap + 2 = 0x52; value log2(count), PCI Local
// Bus spec 6.8.1.3) and checks that nothing else differs. The BAR sizes are the ones
// the kernel logged for that device (data/devices/intel-82599-pf.dmesg.txt).
//
// What must happen (protocol.md §2.3, §2.5, §6, checked against the sources):
// - Linux (torvalds/linux drivers/pci/controller/pci-hyperv.c hv_compose_msi_msg): ONE
//   CREATE_INTERRUPT for the whole block, dummy vector 32, vector_count = nvec; later
//   composes reuse it ("Reuse the previous allocation"); vector k > 0 takes the first
//   vector's address and data + k without a message; hv_arch_irq_unmask retargets each
//   vector by (address, data + k) to its own IDT vector and CPU; hv_msi_free sends one
//   DELETE_INTERRUPT (the other descriptors have vector_count 0).
// - FreeBSD (freebsd/freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c vmbus_pcib_map_msi):
//   PCIB_MAP_MSI is called once for the block (sys/dev/pci/pci.c pci_setup_intr maps
//   the first IRQ only) and always asks for vector_count = 1, so the host maps one
//   message: messages 1..N-1 that the device sends fall outside the mapping.
// - Both clamp a request to the vectors the device advertises (Linux
//   __pci_enable_msi_range: nvec = min(maxvec, pci_msi_vec_count); FreeBSD
//   pci_alloc_msi_method: actual = min(*count, msi_msgnum)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { Ev } from '../../emulator/vpci/events';
import type { Machine } from '../../emulator/machine/machine';

// Message types (protocol.md §2.1).
const CREATE_INTERRUPT = 0x42490014;
const DELETE_INTERRUPT = 0x42490015;
const CREATE_INTERRUPT2 = 0x42490017;
const CREATE_INTERRUPT3 = 0x4249001b;
const CREATES = [CREATE_INTERRUPT, CREATE_INTERRUPT2, CREATE_INTERRUPT3];

const DUMP = join(import.meta.dirname, '../../data/devices/intel-82599-pf.lspci');
const MSI_CAP = 0x50;
const MSI_CTRL = MSI_CAP + 2;
const MSI_ADDR_LO = MSI_CAP + 4;
const MSI_ADDR_HI = MSI_CAP + 8;
const MSI_DATA_64 = MSI_CAP + 12;
const BARS = 'bar 0 4M bar 2 32 bar 4 16K rom 4M';

/** The real dump's text with Multiple Message Capable set to log2(count) (count 1 = unmodified). */
function patchedDump(count: number): string {
  const text = readFileSync(DUMP, 'latin1');
  if (count === 1) return text;
  const mmc = Math.log2(count);
  assert.ok(Number.isInteger(mmc) && mmc >= 1 && mmc <= 5, 'MSI advertises 1, 2, 4, 8, 16 or 32 messages');
  const row = text.split('\n').findIndex((l) => l.startsWith('00000050:'));
  assert.ok(row >= 0, 'the dump has the row of the MSI capability');
  const lines = text.split('\n');
  const bytes = lines[row]!.slice('00000050:'.length).trim().split(' ');
  // 05 = PCI_CAP_ID_MSI, 0x70 = next, control 0x0180 = Maskable+ 64bit+, MMC 0 (Count=1/1).
  assert.deepEqual(bytes.slice(0, 4), ['05', '70', '80', '01']);
  bytes[2] = ((0x80 & ~0x0e) | (mmc << 1)).toString(16).padStart(2, '0');
  lines[row] = `00000050: ${bytes.join(' ')}`;
  return lines.join('\n');
}

/** Bytes of an lspci dump: offset → byte. */
function dumpBytes(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of text.split('\n')) {
    const m = /^([0-9a-f]{8}):((?: [0-9a-f]{2})+)/.exec(l);
    if (!m) continue;
    m[2]!
      .trim()
      .split(' ')
      .forEach((b, i) => out.set(parseInt(m[1]!, 16) + i, parseInt(b, 16)));
  }
  return out;
}

interface Run {
  m: Machine;
  codes: string[];
}

/** Loads and runs the scenario up to virtual time `until` (ns); `m.run(…)` again continues it. */
function run(guest: string, host: string, capable: number, body: string, until = Infinity): Run {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-msi-multi-'));
  writeFileSync(join(dir, 'nic.lspci'), patchedDump(capable));
  const text = `# multi-message MSI\nvm {\n  host ${host}\n  guest ${guest}\n  cpus 4\n}\nbus nic0 {\n  function 0 dump "nic.lspci" ${BARS}\n}\nat 0 boot\n${body}`;
  const file = join(dir, 'msi.vpci');
  writeFileSync(file, text);
  const r = loadScenarioFile(file);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  );
  const m = r.machine!;
  m.run(5_000_000, until);
  return { m, codes: r.diagnostics.map((d) => d.code) };
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number) => BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);

/** Packets of the given types, guest→host or host→guest (completions carry the request's type in `a`). */
function packets(m: Machine, kind: number, types: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === kind && types.includes(e.a >>> 0)) out.push(e.blob as Uint8Array);
  }
  return out;
}

/** Config writes to function 0 at `off`, in order. */
function cfgWrites(m: Machine, off: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === Ev.CfgWrite && e.a === 0 && (e.b & 0xffff) === off) out.push(e.c >>> 0);
  }
  return out;
}

function events(m: Machine, kind: number): { a: number; b: number; c: number; blob: unknown }[] {
  const out: { a: number; b: number; c: number; blob: unknown }[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === kind) out.push({ a: e.a, b: e.b, c: e.c >>> 0, blob: e.blob });
  }
  return out;
}

type GuestIrq = { irq: number; cpu: number; vector: number };
function guestIrqs(m: Machine): GuestIrq[] {
  const kids = m.buses[0]!.state.sc.pci.children;
  return kids.find((c) => c.wslot === 0)!.irqs;
}

/** The host's answer (tran_int_desc at payload + 8 of the completion, §2.4/§2.5). */
function reply(b: Uint8Array): { status: number; count: number; data: number; address: bigint } {
  return { status: u32(b, 16), count: u16(b, 16 + 10), data: u32(b, 16 + 12), address: u64(b, 16 + 16) };
}

const raises = (n: number) => Array.from({ length: n }, (_, k) => `at ${10 + k}ms raise nic0 vector ${k}\n`).join('');

test('the input is the real 82599 dump with only Multiple Message Capable changed', () => {
  const real = dumpBytes(readFileSync(DUMP, 'latin1'));
  for (const n of [2, 8, 32]) {
    const mod = dumpBytes(patchedDump(n));
    assert.equal(mod.size, real.size);
    const diff = [...real].filter(([o, v]) => mod.get(o) !== v).map(([o]) => o);
    assert.deepEqual(diff, [MSI_CTRL]);
    assert.equal(mod.get(MSI_CTRL), 0x80 | (Math.log2(n) << 1));
  }
  // And the guest reads it so: the function's MSI Message Control is 0x0186 for 8 messages.
  const { m } = run('linux', 'hyperv-2022', 8, '');
  const f = m.buses[0]!.functions.get(0)!;
  assert.equal(f.cfgRead(MSI_CTRL, 2), 0x0186);
  assert.equal(f.msi()!.vectorsCapable, 8);
});

// Linux: the CREATE_INTERRUPT version follows the negotiated protocol (§6.2 step 4): 1.2 on
// WS2016/2019, 1.4 on WS2022 and OpenVMM. The 1.1 layout needs a host that refuses 1.4, 1.3
// and 1.2 (REVISION_MISMATCH three times), so Linux falls back to its last version.
const REFUSE_TO_1_1 = 'at 0 fault nic0 query-protocol-version status 0xC0000059 times 3\n';
const LINUX_HOSTS: { host: string; type: number; pre?: string; label?: string }[] = [
  { host: 'hyperv-2022', type: CREATE_INTERRUPT, pre: REFUSE_TO_1_1, label: 'hyperv-2022 refusing 1.4-1.2' },
  { host: 'hyperv-2016', type: CREATE_INTERRUPT2 },
  { host: 'hyperv-2019', type: CREATE_INTERRUPT2 },
  { host: 'hyperv-2022', type: CREATE_INTERRUPT3 },
  { host: 'openvmm', type: CREATE_INTERRUPT3 },
];

for (const { host, type, pre = '', label = host } of LINUX_HOSTS) {
  test(`linux on ${label}: msi 8 is one CREATE_INTERRUPT for the block, MME 8, and vector k reaches ${host === 'openvmm' ? "the last retarget's IRQ (data ignored)" : 'IRQ k'}`, () => {
    const { m } = run('linux', host, 8, `${pre}at 2ms driver nic0 msi 8\n${raises(8)}at 30ms detach nic0\n`, 25_000_000);
    const reqs = packets(m, Ev.PacketToHost, CREATES);
    assert.equal(reqs.length, 1, 'one request for the whole block, also after request_irq reactivates it');
    const q = reqs[0]!;
    assert.equal(u32(q, 16), type);
    assert.equal(u32(q, 20), 0, 'win_slot of function 0');
    if (type === CREATE_INTERRUPT) {
      // hv_msi_desc v1: vector u8, delivery_mode u8, vector_count u16, reserved u32, cpu_mask u64 (all ones: dummy).
      assert.equal(q.length, 16 + 24);
      assert.equal(q[24], 32, 'dummy vector 32 (HV_MSI multi-MSI)');
      assert.equal(q[25], 0, 'delivery mode fixed');
      assert.equal(u16(q, 26), 8);
      assert.equal(u32(q, 28), 0);
      assert.equal(u64(q, 32), 0xffff_ffff_ffff_ffffn);
    } else if (type === CREATE_INTERRUPT2) {
      // hv_msi_desc2: vector u8, delivery_mode u8, vector_count u16, processor_count u16, processor_array[32].
      assert.equal(q[24], 32);
      assert.equal(q[25], 0);
      assert.equal(u16(q, 26), 8);
      assert.equal(u16(q, 28), 1);
      assert.equal(u16(q, 30), 0, 'first multi-MSI request goes to CPU 0 (hv_compose_multi_msi_req_get_cpu)');
    } else {
      // hv_msi_desc3: vector u32, delivery_mode u8, reserved u8, vector_count u16, processor_count u16, array.
      assert.equal(u32(q, 24), 32);
      assert.equal(q[28], 0);
      assert.equal(u16(q, 30), 8);
      assert.equal(u16(q, 32), 1);
      assert.equal(u16(q, 34), 0);
    }
    // The host maps 8 messages in one table slot and answers SUCCESS with message_count 8.
    const maps = events(m, Ev.IntMap);
    assert.equal(maps.length, 1);
    assert.deepEqual((maps[0]!.blob as { vectorCount: number; vector: number }).vectorCount, 8);
    assert.equal((maps[0]!.blob as { vector: number }).vector, 32);
    const rs = packets(m, Ev.PacketToGuest, [type]).filter((b) => b[0] === 11);
    assert.equal(rs.length, 1);
    const r = reply(rs[0]!);
    assert.deepEqual(r, { status: 0, count: 8, data: 0, address: 0xfee0_0000n });
    // The guest programs exactly that into the capability: address, data with the low log2(8) bits
    // free for the vector index, then MME = 3 and Enable.
    assert.deepEqual(cfgWrites(m, MSI_ADDR_LO), [0xfee0_0000, 0xfee0_0000]);
    assert.ok(cfgWrites(m, MSI_ADDR_HI).every((v) => v === 0));
    const data = cfgWrites(m, MSI_DATA_64);
    assert.ok(data.length >= 1 && data.every((d) => d === r.data && (d & 7) === 0));
    const ctrl = cfgWrites(m, MSI_CTRL);
    assert.equal(ctrl.at(-1), 0x01b7, 'Maskable+ 64bit+ MME=3 MMC=3 Enable');
    // msi_capability_init starts with pci_msi_set_enable(dev, 0): a write with Enable clear
    assert.deepEqual(ctrl, [0x0186, 0x01b6, 0x01b7, 0x01b7], 'first the setup-time disable (0x0186 read back with Enable clear), then MME=3, then Enable');
    assert.ok(
      ctrl.every((c) => ((c >> 4) & 7) <= 3),
      'MME never exceeds MMC',
    );
    // Each vector k is retargeted by (address, data + k) to its own IRQ's vector and CPU ...
    const irqs = guestIrqs(m);
    assert.equal(irqs.length, 8);
    const rt = events(m, Ev.State)
      .map((e) => e.blob as { what?: string; data?: number; vector?: number; cpus?: number[] })
      .filter((b) => b.what === 'interrupt retarget');
    assert.deepEqual(
      rt.map((b) => b.data),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    rt.forEach((b, k) => assert.deepEqual([b.vector, b.cpus![0]], [irqs[k]!.vector, irqs[k]!.cpu]));
    // ... so the device writing data + k delivers IRQ k's vector on its CPU. OpenVMM's x86 backend ignores the data
    // of both (apic_software_device.rs @1488a37b: InterruptTable::retarget_interrupt and DeviceInterrupt::signal
    // take `_data`): each retarget moves the whole block, and every message arrives at the last one's target.
    const got = m.delivered();
    assert.equal(got.length, 8);
    got.forEach((d, k) => {
      assert.equal(d.index, k);
      const want = host === 'openvmm' ? irqs[7]! : irqs[k]!;
      assert.deepEqual([d.vector, d.cpu], [want.vector, want.cpu], `vector ${k}`);
    });
    assert.equal(new Set(got.map((d) => `${d.cpu}:${d.vector}`)).size, host === 'openvmm' ? 1 : 8, 'distinct targets');
    assert.deepEqual(packets(m, Ev.PacketToHost, [DELETE_INTERRUPT]), [], 'nothing deleted while attached');
    m.run(5_000_000);
    // Teardown: one DELETE_INTERRUPT with the block's tran_int_desc (the other vectors' descriptors
    // have vector_count 0, hv_int_desc_free skips them), and the table is empty again.
    const dels = packets(m, Ev.PacketToHost, [DELETE_INTERRUPT]);
    assert.equal(dels.length, 1);
    assert.equal(u16(dels[0]!, 26), 8);
    assert.equal(u32(dels[0]!, 28), r.data);
    assert.equal(u64(dels[0]!, 32), r.address);
    assert.equal(events(m, Ev.IntUnmap).length, 1);
    assert.equal(m.remapper.mappedMessages, 0);
    assert.deepEqual(events(m, Ev.Error), []);
  });
}

// FreeBSD: vmbus_pcib_map_msi asks for one message with the real vector and CPU (§6.4).
const FREEBSD: { guest: string; host: string; type: number }[] = [
  { guest: 'freebsd', host: 'hyperv-2016', type: CREATE_INTERRUPT },
  { guest: 'freebsd', host: 'hyperv-2022', type: CREATE_INTERRUPT3 },
  { guest: 'freebsd', host: 'openvmm', type: CREATE_INTERRUPT3 },
  { guest: 'freebsd-2016', host: 'hyperv-2016', type: CREATE_INTERRUPT },
];

for (const { guest, host, type } of FREEBSD) {
  test(`${guest} on ${host}: msi 8 enables 8 messages but maps one (vector_count 1), so ${host === 'openvmm' ? 'every message arrives at IRQ 0 (data ignored)' : 'only message 0 is delivered'}`, () => {
    const { m } = run(guest, host, 8, `at 2ms driver nic0 msi 8\n${raises(8)}at 30ms detach nic0\n`, 25_000_000);
    const irqs = guestIrqs(m);
    assert.equal(irqs.length, 8, 'pci_alloc_msi got 8 messages');
    const reqs = packets(m, Ev.PacketToHost, CREATES);
    assert.equal(reqs.length, 1, 'PCIB_MAP_MSI once, for the first IRQ (pci_setup_intr)');
    const q = reqs[0]!;
    assert.equal(u32(q, 16), type);
    assert.equal(u32(q, 20), 0);
    if (type === CREATE_INTERRUPT) {
      assert.equal(q.length, 16 + 24);
      assert.equal(q[24], irqs[0]!.vector, 'the real IDT vector of the first IRQ');
      assert.equal(q[25], 0);
      assert.equal(u16(q, 26), 1, 'vector_count 1 (vmbus_pcib_map_msi)');
      assert.equal(u64(q, 32), 1n << BigInt(irqs[0]!.cpu), 'cpu_mask = 1 << vcpu');
    } else {
      assert.equal(u32(q, 24), irqs[0]!.vector);
      assert.equal(q[28], 0);
      assert.equal(u16(q, 30), 1);
      assert.equal(u16(q, 32), 1);
      assert.equal(u16(q, 34), irqs[0]!.cpu);
    }
    const r = reply(packets(m, Ev.PacketToGuest, [type]).filter((b) => b[0] === 11)[0]!);
    assert.deepEqual(r, { status: 0, count: 1, data: 0, address: 0xfee0_0000n });
    // The capability: MME = 3 at allocation (pci_alloc_msi_method), then the host's address and
    // data, then Enable (pci_enable_msi_method).
    assert.deepEqual(cfgWrites(m, MSI_CTRL), [0x01b6, 0x01b7]);
    assert.deepEqual(cfgWrites(m, MSI_ADDR_LO), [0xfee0_0000]);
    assert.deepEqual(cfgWrites(m, MSI_ADDR_HI), [0]);
    assert.deepEqual(cfgWrites(m, MSI_DATA_64), [0]);
    assert.equal(m.buses[0]!.functions.get(0)!.msi()!.vectorsEnabled, 8);
    // Message 0 reaches IRQ 0; messages 1..7 fall outside the one-message mapping. OpenVMM's x86 backend ignores
    // the data a device writes (DeviceInterrupt::signal, apic_software_device.rs @1488a37b): all eight arrive at
    // the mapping's base vector, IRQ 0's.
    const got = m.delivered();
    if (host === 'openvmm') {
      assert.deepEqual(
        got.map((d) => [d.index, d.vector, d.cpu]),
        irqs.map((_, k) => [k, irqs[0]!.vector, irqs[0]!.cpu]),
      );
      assert.deepEqual(events(m, Ev.IntUndeliverable), []);
    } else {
      assert.equal(got.length, 1);
      assert.deepEqual([got[0]!.index, got[0]!.vector, got[0]!.cpu], [0, irqs[0]!.vector, irqs[0]!.cpu]);
      const lost = events(m, Ev.IntUndeliverable);
      assert.deepEqual(
        lost.map((e) => e.b),
        [1, 2, 3, 4, 5, 6, 7],
      );
      assert.match(lost[0]!.blob as string, /data 1 outside the 1 mapped message/);
    }
    // Teardown (§7.3): RESOURCES_RELEASED first — the host releases the function's interrupts there
    // (OpenVMM release_all) — then D0 exit, then the one DELETE_INTERRUPT, which finds nothing left to delete.
    m.run(5_000_000);
    const dels = packets(m, Ev.PacketToHost, [DELETE_INTERRUPT]);
    assert.equal(dels.length, 1);
    assert.equal(u16(dels[0]!, 26), 1);
    assert.equal(m.remapper.mappedMessages, 0);
    assert.deepEqual(
      events(m, Ev.Error).map((e) => String(e.blob).replace(/:.*/, '')),
      ['UnknownInterrupt'],
    );
  });
}

test('linux on hyperv-2022: 32 messages (the most MSI has) map as one block of 32; vector 31 reaches IRQ 31', () => {
  const { m } = run('linux', 'hyperv-2022', 32, 'at 2ms driver nic0 msi 32\nat 10ms raise nic0 vector 31\n');
  const reqs = packets(m, Ev.PacketToHost, CREATES);
  assert.equal(reqs.length, 1);
  assert.equal(u16(reqs[0]!, 30), 32);
  assert.equal(cfgWrites(m, MSI_CTRL).at(-1), 0x80 | (5 << 1) | (5 << 4) | 1 | 0x100);
  const irqs = guestIrqs(m);
  const d = m.delivered();
  assert.equal(d.length, 1);
  assert.deepEqual([d[0]!.index, d[0]!.vector, d[0]!.cpu], [31, irqs[31]!.vector, irqs[31]!.cpu]);
});

for (const guest of ['linux', 'freebsd']) {
  test(`${guest}: asking for more vectors than the device advertises is clamped to what it advertises`, () => {
    // 8 advertised, 32 asked: both pci layers take min(asked, advertised).
    const a = run(guest, 'hyperv-2022', 8, 'at 2ms driver nic0 msi 32\n');
    assert.equal(guestIrqs(a.m).length, 8);
    assert.equal(a.m.buses[0]!.functions.get(0)!.msi()!.vectorsEnabled, 8);
    assert.equal(cfgWrites(a.m, MSI_CTRL).at(-1), 0x01b7);
    const q = packets(a.m, Ev.PacketToHost, CREATES);
    assert.equal(q.length, 1);
    assert.equal(u16(q[0]!, 30), guest === 'linux' ? 8 : 1);
    assert.deepEqual(events(a.m, Ev.Error), []);
    // The unmodified dump (Count=1/1), 4 asked: one vector, plain single MSI (real vector, count 1).
    const b = run(guest, 'hyperv-2022', 1, 'at 2ms driver nic0 msi 4\nat 10ms raise nic0 vector 0\n');
    const irqs = guestIrqs(b.m);
    assert.equal(irqs.length, 1);
    const q1 = packets(b.m, Ev.PacketToHost, CREATES);
    assert.ok(q1.length >= 1);
    for (const p of q1) {
      assert.equal(u32(p, 24), irqs[0]!.vector, 'the IRQ vector, not the multi-MSI dummy');
      assert.equal(u16(p, 30), 1);
    }
    assert.equal(cfgWrites(b.m, MSI_CTRL).at(-1), 0x0181, 'MME 0, Enable');
    assert.deepEqual(
      b.m.delivered().map((d) => [d.vector, d.cpu]),
      [[irqs[0]!.vector, irqs[0]!.cpu]],
    );
    assert.equal(b.m.remapper.mappedMessages, 1);
  });
}

test('a vector beyond the enabled block is a checker warning and an undeliverable event, never a crash', () => {
  const { m, codes } = run('linux', 'hyperv-2022', 8, 'at 2ms driver nic0 msi 8\nat 10ms raise nic0 vector 8\n');
  assert.ok(codes.includes('vector-out-of-range'));
  const lost = events(m, Ev.IntUndeliverable);
  assert.equal(lost.length, 1);
  assert.match(lost[0]!.blob as string, /MSI vector 8 out of range \(8 enabled\)/);
});

// hv_compose_multi_msi_req_get_cpu keeps its round-robin position in a function-local `static int cpu_next`
// (torvalds/linux drivers/pci/controller/pci-hyperv.c at v6.12.118): one counter for the whole guest, shared by
// every vPCI bus, not one per bus. A second bus's first multi-MSI block therefore goes to the CPU after the one
// the first bus's block took.
test('linux: the multi-MSI dummy CPU is round-robin across the whole guest — a second bus continues where the first left off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vpci-msi-multi-'));
  writeFileSync(join(dir, 'nic.lspci'), patchedDump(4));
  const text =
    `vm {\n  host hyperv-2022\n  guest linux\n  cpus 4\n}\n` +
    `bus nic0 {\n  function 0 dump "nic.lspci" ${BARS}\n}\n` +
    `bus nic1 {\n  function 0 dump "nic.lspci" ${BARS}\n}\n` +
    `at 0 boot\nat 2ms driver nic0 msi 4\nat 4ms driver nic1 msi 4\n`;
  const file = join(dir, 'msi2.vpci');
  writeFileSync(file, text);
  const r = loadScenarioFile(file);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  );
  const m = r.machine!;
  m.run(5_000_000);
  const reqs = packets(m, Ev.PacketToHost, [CREATE_INTERRUPT3]);
  assert.equal(reqs.length, 2, 'one request per block');
  // hv_msi_desc3: vector_count u16 at payload 14, processor_count at 16, processor_array[0] at 18.
  assert.deepEqual(
    reqs.map((q) => [u16(q, 30), u16(q, 32), u16(q, 34)]),
    [
      [4, 1, 0],
      [4, 1, 1],
    ],
  );
});
