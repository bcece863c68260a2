// The Linux pci-hyperv model: its program compiles with every §8.2 function,
// and a whole machine running it follows docs/protocol.md's attach sequence (§8.2,
// §8.4), places BARs in up-front windows (§5.3), maps interrupts by version
// (§6.2), and tears down as the real driver does (§7.2, §7.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxProgram, LINUX_SPEC_FUNCTIONS } from '../../emulator/vpci/guest/linux';
import { getBarSize, _internal } from '../../emulator/vpci/guest/linux/pci-hyperv';
import { loadGuestModel } from '../../emulator/vpci/guest/registry';
import { loadScenarioFile } from '../../adapter/load';
import { Ev, type EvKind, type BarAccessDetail } from '../../emulator/vpci/events';
import { mappedMsix } from '../../emulator/machine/expect';
import { msixEntry } from '../../emulator/machine/device-view';
import type { Machine } from '../../emulator/machine/machine';
import type { LinuxSoftc } from '../../emulator/vpci/guest/linux/state';
import { runText, scenarioText, events as traceEvents } from './freebsd-run';

// Message types (protocol.md §2.1; pci-hyperv.c enum pci_message_type).
const QUERY_BUS_RELATIONS = 0x42490001;
const QUERY_RESOURCE_REQUIREMENTS = 0x42490005;
const BUS_D0ENTRY = 0x42490007;
const BUS_D0EXIT = 0x42490008;
const EJECTION_COMPLETE = 0x4249000f;
const RESOURCES_ASSIGNED = 0x42490010;
const RESOURCES_RELEASED = 0x42490011;
const QUERY_PROTOCOL_VERSION = 0x42490013;
const CREATE_INTERRUPT = 0x42490014;
const DELETE_INTERRUPT = 0x42490015;
const RESOURCES_ASSIGNED2 = 0x42490016;
const CREATE_INTERRUPT2 = 0x42490017;
const CREATE_INTERRUPT3 = 0x4249001b;

function scenario(host: string, body: string, vm = ''): string {
  return `# linux test\nvm {\n  host ${host}\n  guest linux\n  cpus 4\n${vm}}\n${body}`;
}

function run(text: string, until = Infinity): Machine {
  const r = loadScenarioFile('test/guest/linux-inline.vpci', {}, text);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  );
  const m = r.machine!;
  m.run(5_000_000, until);
  return m;
}

interface Pkt {
  time: number;
  type: number;
  txid: number;
  flags: number;
  bytes: Uint8Array;
}

function toHost(m: Machine, bus = 0): Pkt[] {
  const out: Pkt[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind !== Ev.PacketToHost || e.bus !== bus) continue;
    const b = e.blob as Uint8Array;
    out.push({ time: e.time, type: e.a >>> 0, txid: b[8]! | (b[9]! << 8), flags: b[6]! | (b[7]! << 8), bytes: b });
  }
  return out;
}

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

test('linux program compiles with every §8.2 function, in the listing it names', () => {
  const p = linuxProgram();
  for (const name of LINUX_SPEC_FUNCTIONS) {
    const f = p.fns.get(name);
    assert.ok(f, `missing ${name}`);
    const listing = p.listings.get(f.file)!;
    const lines = listing.text.split('\n');
    assert.ok(lines[f.line - 1]!.includes(`${name}(`), `${name}: its line shows its name`);
  }
  const main = p.listings.get('linux/pci-hyperv.c')!;
  assert.match(main.text, /Linux stable drivers\/pci\/controller\/pci-hyperv\.c @ v6\.12\.118/, 'the listing names the pinned revision');
  for (const l of p.listings.values()) {
    const lines = l.text.split('\n');
    for (const n of l.executable) assert.ok(n >= 1 && n <= lines.length && lines[n - 1]!.trim() !== '', `${l.file}:${n} is a real line`);
  }
  // The pseudo-C reads as C: braces balance inside every function.
  for (const f of p.fns.values()) {
    const lines = p.listings.get(f.file)!.text.split('\n').slice(f.line, f.endLine);
    let depth = 0;
    for (const t of lines) depth += (t.match(/{/g) ?? []).length - (t.match(/}/g) ?? []).length;
    assert.equal(depth, 0, `${f.name}: braces balance`);
  }
  // Function drivers carry Linux names.
  assert.ok(p.fns.has('ixgbevf_probe') && p.fns.has('mlx4_core_remove') && p.fns.has('nvme_probe'));
  const rt = loadGuestModel('linux');
  assert.equal(rt.attachFn, 'hv_pci_probe');
  assert.equal(rt.detachFn, 'vmbus_remove');
  assert.ok(rt.program.fns.has('hv_pci_remove'));
  for (const t of rt.threads) assert.ok(rt.program.fns.has(t.fn), t.fn);
});

test('get_bar_size rounds to a page and reads 64-bit probes', () => {
  assert.equal(getBarSize(0xffffc00c, 0xffffffff), 0x4000);
  assert.equal(getBarSize(0xfffff000, 0xffffffff), 0x1000);
  assert.equal(getBarSize(0xffffff00, 0xffffffff), 0x1000); // 256 B BAR → one page
  assert.equal(getBarSize(0x0000000c, 0xfffffff0), 0x10_0000_0000);
  assert.equal(_internal.pow2Floor(0x6000), 0x4000);
});

test('linux on hyperv-2022: negotiation 1.4, relations, D0, RESOURCES_ASSIGNED2, CREATE_INTERRUPT3, retarget, delivery', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 3
at 30ms   raise nic0 vector 2
`,
    ),
  );
  const p = toHost(m);
  const types = p.map((x) => x.type);
  // §8.2 order up to the function driver.
  assert.deepEqual(types.slice(0, 5), [QUERY_PROTOCOL_VERSION, QUERY_BUS_RELATIONS, QUERY_RESOURCE_REQUIREMENTS, BUS_D0ENTRY, RESOURCES_ASSIGNED2]);
  // First and only version request carries 1.4 in an 8-byte struct pci_version_request.
  assert.equal(p[0]!.bytes.length, 16 + 8);
  assert.equal(u32(p[0]!.bytes, 20), 0x00010004);
  // RC requests carry requestor ids 1..64; QUERY_BUS_RELATIONS has no completion and id 0.
  assert.equal(p[0]!.flags, 1);
  assert.ok(p[0]!.txid >= 1 && p[0]!.txid <= 64);
  assert.equal(p[1]!.flags, 0);
  assert.equal(p[1]!.txid, 0);
  // RESOURCES_ASSIGNED2: 202-byte payload, padded to 8.
  assert.equal(p[4]!.bytes.length, 16 + 208);
  // D0 entry names the config window, which lies in the VM's MMIO ranges.
  const win = u32(p[3]!.bytes, 24) + u32(p[3]!.bytes, 28) * 2 ** 32;
  assert.ok(
    m.config.mmio.some((r) => win >= r.base && win + 0x2000 <= r.base + r.size),
    'config window in MMIO',
  );
  assert.equal(win % 0x1000, 0);
  // MSI-X: CREATE_INTERRUPT3 only, early activation then reactivation at request_irq (DELETE in between).
  const ints = types.filter((t) => t === CREATE_INTERRUPT3 || t === CREATE_INTERRUPT2 || t === CREATE_INTERRUPT);
  assert.ok(ints.length >= 3 && ints.every((t) => t === CREATE_INTERRUPT3));
  const c3 = p.find((x) => x.type === CREATE_INTERRUPT3)!;
  assert.equal(c3.flags, 1);
  // hv_msi_desc3: vector u32 at payload+8, delivery 0, count 1, processor_count 1.
  assert.equal(c3.bytes[16 + 12], 0);
  assert.equal(c3.bytes[16 + 14]! | (c3.bytes[16 + 15]! << 8), 1);
  assert.equal(c3.bytes[16 + 16]! | (c3.bytes[16 + 17]! << 8), 1);
  // Every MSI-X entry holds what the host returned; vector 2 reaches the CPU the guest's IRQ is bound to.
  assert.deepEqual(mappedMsix(m, 0, 0), { good: 3, bad: 0 });
  const pci = m.buses[0]!.state.sc.pci.children;
  const irq2 = pci[0]!.irqs[2]!;
  const d = m.delivered().find((x) => x.wslot === 0 && x.index === 2);
  assert.ok(d, 'vector 2 delivered');
  assert.equal(d.cpu, irq2.cpu);
  assert.equal(d.vector, irq2.vector);
  // One retarget hypercall per vector (hv_irq_unmask).
  let retargets = 0;
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === Ev.State && (e.blob as { what?: string })?.what === 'interrupt retarget') retargets++;
  }
  assert.equal(retargets, 3);
});

test('BARs are placed in up-front windows: inside MMIO, aligned to size, no overlaps, 64-bit BARs above 4 GiB', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
bus nic1 { function 0 mellanox-cx3-vf serial 2 }
at 0      boot
`,
    ),
  );
  const bars: { start: number; size: number; mem64: boolean }[] = [];
  for (const b of m.buses) {
    for (const d of (b.state.sc as LinuxSoftc).pci.children) {
      for (const r of d.resources) {
        assert.notEqual(r.start, null, 'assigned');
        bars.push({ start: r.start!, size: r.size, mem64: r.mem64 });
      }
    }
  }
  assert.ok(bars.length >= 3);
  for (const b of bars) {
    assert.ok(
      m.config.mmio.some((r) => b.start >= r.base && b.start + b.size <= r.base + r.size),
      `0x${b.start.toString(16)} in MMIO`,
    );
    assert.equal(b.start % b.size, 0, 'aligned');
    if (b.mem64) assert.ok(b.start >= 2 ** 32, '64-bit BAR in the high window');
  }
  const sorted = [...bars].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.start + sorted[i - 1]!.size <= sorted[i]!.start, 'no overlap');
  // MSE stays off until a driver enables the device (prepopulate_bars leaves it clear).
  for (let i = 0; i < m.trace.length; i++) assert.notEqual(m.trace.get(i).kind, Ev.BarMap);
});

test('linux on a host refusing 1.4, 1.3 and 1.2 adopts 1.1: RESOURCES_ASSIGNED v1 and CREATE_INTERRUPT v1 with all CPUs', () => {
  // No Hyper-V release accepts only 1.1 (WS2016 is RS1 = 1.2), so a fault refuses the newer three.
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 query-protocol-version status 0xC0000059 times 3
at 0      boot
at 2ms    driver nic0 msix 1
`,
    ),
  );
  const p = toHost(m);
  const versions = p.filter((x) => x.type === QUERY_PROTOCOL_VERSION).map((x) => u32(x.bytes, 20));
  assert.deepEqual(versions, [0x00010004, 0x00010003, 0x00010002, 0x00010001]);
  const ra = p.filter((x) => x.type === RESOURCES_ASSIGNED || x.type === RESOURCES_ASSIGNED2);
  assert.deepEqual(
    ra.map((x) => x.type),
    [RESOURCES_ASSIGNED],
  );
  assert.equal(ra[0]!.bytes.length, 16 + 152); // 148 bytes padded to 8
  const ci = p.filter((x) => x.type === CREATE_INTERRUPT);
  assert.ok(ci.length >= 1);
  // hv_msi_desc.cpu_mask = CPU_AFFINITY_ALL: the real CPU is set by the retarget hypercall.
  assert.equal(u32(ci[0]!.bytes, 16 + 16), 0xffffffff);
  assert.equal(u32(ci[0]!.bytes, 16 + 20), 0xffffffff);
  assert.deepEqual(mappedMsix(m, 0, 0), { good: 1, bad: 0 });
});

for (const host of ['hyperv-2016', 'hyperv-2019']) {
  test(`linux on ${host}: 1.4 and 1.3 rejected, 1.2 adopted; RESOURCES_ASSIGNED2, CREATE_INTERRUPT2 and v1 relations`, () => {
    const m = run(
      scenario(
        host,
        `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 2
`,
      ),
    );
    const p = toHost(m);
    assert.deepEqual(
      p.filter((x) => x.type === QUERY_PROTOCOL_VERSION).map((x) => u32(x.bytes, 20)),
      [0x00010004, 0x00010003, 0x00010002],
    );
    assert.equal(m.buses[0]!.host.status.version, 0x00010002);
    const types = p.map((x) => x.type);
    assert.ok(types.includes(RESOURCES_ASSIGNED2));
    assert.ok(!types.includes(RESOURCES_ASSIGNED));
    assert.ok(types.includes(CREATE_INTERRUPT2));
    assert.ok(!types.includes(CREATE_INTERRUPT3) && !types.includes(CREATE_INTERRUPT));
    // BUS_RELATIONS2 is a 1.3 message: at 1.2 the host reports the functions with v1 BUS_RELATIONS.
    const fromHost: number[] = [];
    for (let i = 0; i < m.trace.length; i++) {
      const e = m.trace.get(i);
      if (e.kind === Ev.PacketToGuest) fromHost.push(e.a >>> 0);
    }
    assert.ok(fromHost.includes(0x42490000), 'BUS_RELATIONS');
    assert.ok(!fromHost.includes(0x42490019), 'no BUS_RELATIONS2');
  });
}

test('eject: the driver frees its vectors (DELETE_INTERRUPT) before EJECTION_COMPLETE, then the host rescinds', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 2
at 40ms   eject nic0
`,
    ),
  );
  const p = toHost(m).filter((x) => x.time >= 40e6);
  const types = p.map((x) => x.type);
  assert.deepEqual(types, [DELETE_INTERRUPT, DELETE_INTERRUPT, EJECTION_COMPLETE]);
  assert.equal(u32(p[2]!.bytes, 20), 0, 'EJECTION_COMPLETE names wslot 0');
  assert.equal(p[2]!.flags, 0, 'no completion requested');
  let rescinded = false;
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === Ev.Channel && e.a === 3) rescinded = true;
  }
  assert.ok(rescinded);
});

test('eject during the probe: removal waits for the device lock, so the probe ends and the driver frees its vectors before EJECTION_COMPLETE', () => {
  // The eject arrives while ixgbevf_probe is in its MSI-X set-up (hv_compose_msi_msg polling for
  // CREATE_INTERRUPT). pci_stop_and_remove_bus_device -> device_release_driver takes the device
  // lock the driver core holds for the probe (torvalds/linux drivers/base/dd.c): the removal goes
  // on once the probe returns, and runs the driver's remove. It used to free the device under the
  // probe (a model error in hv_compose_msi_msg, and no remove).
  const m = run(
    scenario(
      'hyperv-2019',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0       boot
at 2ms     driver nic0 msix 2
at 2010us  eject nic0
`,
    ),
  );
  assert.deepEqual(logs(m, Ev.Error), []);
  const said = logs(m);
  const attached = said.findIndex((l) => /ixgbevf 0: attached, msix vectors 2/.test(l));
  const removed = said.findIndex((l) => /ixgbevf 0: removed/.test(l));
  assert.ok(attached >= 0 && removed > attached, JSON.stringify(said));
  const p = toHost(m).filter((x) => x.time >= 2.01e6);
  const types = p.map((x) => x.type);
  // The probe's remaining CREATE_INTERRUPTs (and hv_irq_unmask's re-creation), then the remove's DELETE_INTERRUPTs, then the completion.
  const done = types.indexOf(EJECTION_COMPLETE);
  assert.ok(done > 0 && types.lastIndexOf(CREATE_INTERRUPT2) < done, JSON.stringify(types.map((t) => t.toString(16))));
  assert.deepEqual(types.slice(done - 2), [DELETE_INTERRUPT, DELETE_INTERRUPT, EJECTION_COMPLETE]);
});

test('detach: DELETE_INTERRUPTs, no RESOURCES_RELEASED (children already freed), FDO_D0_EXIT with a completion', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 2
at 40ms   detach nic0
`,
    ),
  );
  const p = toHost(m).filter((x) => x.time >= 40e6);
  assert.deepEqual(
    p.map((x) => x.type),
    [DELETE_INTERRUPT, DELETE_INTERRUPT, BUS_D0EXIT],
  );
  assert.ok(!p.some((x) => x.type === RESOURCES_RELEASED));
  assert.equal(p[2]!.flags, 1);
  assert.ok(p[2]!.txid >= 1);
});

test('QUIRK short-packet-drop: a 16-byte completion is dropped (attach stalls); off, it completes with an error', () => {
  const body = `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 query-resource-requirements truncate 0
at 0      boot
`;
  const on = run(scenario('hyperv-2022', body), 2e9);
  const off = run(scenario('hyperv-2022', body, '  quirk short-packet-drop off\n'), 2e9);
  const d0 = (m: Machine) => toHost(m).some((x) => x.type === BUS_D0ENTRY);
  assert.equal(d0(on), false, 'quirk on: QUERY_RESOURCE_REQUIREMENTS never completes');
  assert.equal(d0(off), true, 'quirk off: attach continues');
});

test('determinism: the same scenario twice gives identical traces', () => {
  const text = scenario(
    'hyperv-2022',
    `bus nic0 { function 0 intel-82599-vf serial 1 }
bus nic1 { function 0 mellanox-cx3-vf serial 2 }
at 0      boot
at 2ms    driver nic0 msix 3
at 2ms    driver nic1 msix 2
at 30ms   raise nic1 vector 1
at 40ms   eject nic0
`,
  );
  const ser = (m: Machine) => {
    const out: string[] = [];
    for (let i = 0; i < m.trace.length; i++) {
      const e = m.trace.get(i);
      const blob = e.blob instanceof Uint8Array ? Array.from(e.blob).join(',') : JSON.stringify(e.blob);
      out.push(`${e.time}|${e.kind}|${e.bus}|${e.a}|${e.b}|${e.c}|${blob}`);
    }
    return out.join('\n');
  };
  assert.equal(ser(run(text)), ser(run(text)));
});

function serial(m: Machine): string {
  const out: string[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    const blob = e.blob instanceof Uint8Array ? Array.from(e.blob).join(',') : JSON.stringify(e.blob);
    out.push(`${e.time}|${e.kind}|${e.bus}|${e.a}|${e.b}|${e.c}|${blob}`);
  }
  return out.join('\n');
}

/** The texts of the trace's events of one kind: the guest's log lines, or its model errors. */
function logs(m: Machine, kind: EvKind = Ev.Log): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    if (e.kind === kind) out.push(String(e.blob));
  }
  return out;
}

function busStates(m: Machine): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.trace.length; i++) {
    const e = m.trace.get(i);
    const b = e.blob as { what?: string; to?: string };
    if (e.kind === Ev.State && b?.what === 'bus') out.push(String(b.to));
  }
  return out;
}

test('snapshot taken mid-run (during MSI-X set-up and eject), restored and run on: the same trace', () => {
  const text = scenario(
    'hyperv-2022',
    `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 3
at 30ms   raise nic0 vector 1
at 40ms   eject nic0
`,
  );
  const whole = run(text);
  const full = serial(whole);
  for (const steps of [500, 3000, 6000]) {
    const r = loadScenarioFile('test/guest/linux-inline.vpci', {}, text);
    const m = r.machine!;
    m.run(steps);
    const snap = m.snapshot();
    const at = m.trace.length;
    m.run();
    assert.equal(serial(m), full, `uninterrupted run after ${steps} steps`);
    m.restore(snap);
    assert.equal(m.trace.length, at);
    m.run();
    assert.equal(serial(m), full, `restored at ${steps} steps`);
  }
});

test('every version rejected: probe fails with -EPROTO after offering 1.4, 1.3, 1.2, 1.1 (no FreeBSD-style carry-on)', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 query-protocol-version status 0xC0000059 times 4
at 0      boot
`,
    ),
  );
  const p = toHost(m);
  assert.deepEqual(
    p.map((x) => u32(x.bytes, 20)),
    [0x00010004, 0x00010003, 0x00010002, 0x00010001],
  );
  assert.ok(
    p.every((x) => x.type === QUERY_PROTOCOL_VERSION),
    'nothing after negotiation',
  );
  assert.ok(logs(m).includes('hv_pci: PCI pass-through VSP failed to find supported version'));
  assert.deepEqual(busStates(m), ['failed']);
});

test('D0 entry refused once (v6.12.118): hv_pci_enter_d0 retries itself — RESOURCES_RELEASED for the kept children, D0 exit, D0 entry again, with no new relations query', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 bus-d0entry status 0xC0000184 times 1
at 0      boot
`,
    ),
  );
  const types = toHost(m).map((x) => x.type);
  const first = types.indexOf(BUS_D0ENTRY);
  assert.deepEqual(types.slice(first, first + 5), [BUS_D0ENTRY, RESOURCES_RELEASED, BUS_D0EXIT, BUS_D0ENTRY, RESOURCES_ASSIGNED2]);
  assert.equal(types.filter((t) => t === QUERY_BUS_RELATIONS).length, 1, 'relations are queried once, by probe');
  assert.ok(logs(m).includes('hv_pci: Retrying D0 Entry'));
  assert.deepEqual(busStates(m), ['attached']);
  // The retry is hv_pci_enter_d0's own (label enter_d0_retry), not a goto in hv_pci_probe.
  const p = loadGuestModel('linux').program;
  const text = p.listings.get('linux/pci-hyperv.c')!.text.split('\n');
  const body = (fn: string) => text.slice(p.fns.get(fn)!.line, p.fns.get(fn)!.endLine).join('\n');
  assert.match(body('hv_pci_enter_d0'), /goto enter_d0_retry;/);
  assert.doesNotMatch(body('hv_pci_probe'), /retry/);
});

// hv_send_resources_allocated walks wslot 0 up to 255 and records the highest done in wslot_res_allocated;
// hv_send_resources_released walks from wslot_res_allocated down to 0, and the D0-entry retry sets it to 255
// first (torvalds/linux drivers/pci/controller/pci-hyperv.c at v6.12.118: hv_send_resources_allocated,
// hv_send_resources_released, hv_pci_enter_d0). So with several functions the releases go down, the assignments up.
test('D0 entry refused once with three functions (v6.12.118): RESOURCES_RELEASED from the highest win_slot down, RESOURCES_ASSIGNED2 from the lowest up', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 {
  function 0 intel-82599-vf serial 1
  function 2 intel-82599-vf serial 2
  function 1 intel-82599-vf serial 3
}
at 0      fault nic0 bus-d0entry status 0xC0000184 times 1
at 0      boot
`,
    ),
  );
  const p = toHost(m);
  const slots = (type: number) => p.filter((x) => x.type === type).map((x) => u32(x.bytes, 16 + 4));
  assert.deepEqual(slots(RESOURCES_RELEASED), [2, 1, 0]);
  assert.deepEqual(slots(RESOURCES_ASSIGNED2), [0, 1, 2]);
  const types = p.map((x) => x.type);
  const first = types.indexOf(RESOURCES_RELEASED);
  assert.deepEqual(types.slice(first, first + 5), [RESOURCES_RELEASED, RESOURCES_RELEASED, RESOURCES_RELEASED, BUS_D0EXIT, BUS_D0ENTRY]);
});

test('D0 entry refused twice (v6.12.118): one retry, then "failed D0 Entry", and probe unwinds from release_state_lock', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 bus-d0entry status 0xC0000184 times 2
at 0      boot
`,
    ),
  );
  const types = toHost(m).map((x) => x.type);
  const first = types.indexOf(BUS_D0ENTRY);
  assert.deepEqual(types.slice(first), [BUS_D0ENTRY, RESOURCES_RELEASED, BUS_D0EXIT, BUS_D0ENTRY]);
  assert.equal(logs(m).filter((x) => x === 'hv_pci: Retrying D0 Entry').length, 1);
  assert.ok(logs(m).some((x) => /failed D0 Entry with status c0000184/.test(x)));
  assert.deepEqual(busStates(m), ['failed']);
  assert.ok(!logs(m).some((x) => /probe failed/.test(x)), 'no message the driver does not print');
});

test('rescind while probe waits for relations: wait_for_response gives -ENODEV and probe unwinds', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 query-bus-relations no-reply
at 0      fault nic0 bus-relations2 no-reply
at 0      boot
at 5ms    rescind nic0
`,
    ),
  );
  assert.ok(logs(m).includes('hv_pci: The device is gone.'));
  assert.ok(busStates(m).includes('failed'));
  assert.ok(!toHost(m).some((x) => x.type === BUS_D0ENTRY));
});

test('hot add: an offered bus runs hv_pci_probe and its driver maps MSI-X; a delivered vector reaches its CPU', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      boot
at 10ms   offer nic9 { function 0 intel-82599-vf serial 9 }
at 12ms   driver nic9 msix 2
at 31ms   raise nic9 vector 1
`,
    ),
  );
  assert.deepEqual(busStates(m), ['attached', 'attached']);
  const p = toHost(m, 1);
  assert.deepEqual(
    p.slice(0, 5).map((x) => x.type),
    [QUERY_PROTOCOL_VERSION, QUERY_BUS_RELATIONS, QUERY_RESOURCE_REQUIREMENTS, BUS_D0ENTRY, RESOURCES_ASSIGNED2],
  );
  assert.deepEqual(mappedMsix(m, 1, 0), { good: 2, bad: 0 });
  const d = m.delivered().find((x) => x.bus === 1 && x.index === 1);
  const irq = m.buses[1]!.state.sc.pci.children[0]!.irqs[1]!;
  assert.ok(d);
  assert.equal(d.cpu, irq.cpu);
  assert.equal(d.vector, irq.vector);
});

test('CREATE_INTERRUPT refused: hv_compose_msi_msg leaves a zero message, request_irq still succeeds, hv_arch_irq_unmask warns', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 create-interrupt3 status 0xC0000001
at 0      boot
at 2ms    driver nic0 msix 1
`,
    ),
  );
  // The error reply carries no tran_int_desc: shorter than struct pci_create_int_response, so
  // hv_pci_compose_compl records -1 instead of the host's status (size validation, 2022).
  assert.ok(logs(m).some((l) => l === 'hv_pci: Request for interrupt failed: 0xffffffff'));
  // msi_domain_activate cannot fail on a failed compose (it returns void): the zero message is written and
  // request_irq goes on to hv_irq_unmask, whose hv_arch_irq_unmask finds no chip_data, warns under its own name and
  // returns; hv_irq_unmask still unmasks the vector (pci-hyperv.c v6.12.118). The driver does not see a failure.
  const irq = m.buses[0]!.state.sc.pci.children[0]!.irqs[0]!.irq;
  assert.ok(logs(m).includes(`hv_pci: hv_arch_irq_unmask() can not unmask irq ${irq}`), logs(m).join('\n'));
  assert.ok(!logs(m).some((l) => l.includes('request_irq failed')));
  assert.ok(logs(m).some((l) => l === 'ixgbevf 0: attached, msix vectors 1'));
  assert.deepEqual(msixEntry(m.buses[0]!.functions.get(0)!, 0), { address: 0, data: 0, masked: false });
  assert.deepEqual(mappedMsix(m, 0, 0), { good: 0, bad: 0 });
  // The early activation (MSI_FLAG_ACTIVATE_EARLY) writes the zero message too: address lo, hi and data of entry 0
  // (BAR 3 of the 82599 VF at 0), before the second CREATE_INTERRUPT3, request_irq's; __pci_write_msi_msg then reads
  // the data word back to flush the posted writes (drivers/pci/msi/msi.c, v6.12.118).
  const ev = traceEvents(m);
  const creates = ev.filter((e) => e.kind === Ev.PacketToHost && e.a === CREATE_INTERRUPT3).map((e) => e.i);
  assert.equal(creates.length, 2);
  const early = ev.filter((e) => e.kind === Ev.BarAccess && e.i > creates[0]! && e.i < creates[1]!);
  assert.deepEqual(
    early.map((e) => [(e.blob as BarAccessDetail).write ? 'w' : 'r', e.b, e.c, (e.blob as BarAccessDetail).value]),
    [
      ['w', 3, 0, 0],
      ['w', 3, 4, 0],
      ['w', 3, 8, 0],
      ['r', 3, 8, 0],
    ],
  );
});

test('a retarget the hypervisor refuses: hv_arch_irq_unmask logs HV_STATUS_INVALID_PARAMETER under its own name', () => {
  // The completion's address flipped to 0xfee00100 (byte 17 = address bits 8..15): compose succeeds with it, and the
  // retarget names no mapping, which OpenVMM's backend fails with InvalidParameter (5), not an errno.
  const m = run(
    scenario(
      'hyperv-2022',
      `bus nic0 { function 0 intel-82599-vf serial 1 }
at 0      fault nic0 create-interrupt3 flip 17 1
at 0      boot
at 2ms    driver nic0 msix 1
`,
    ),
  );
  assert.ok(logs(m).includes('hv_pci: hv_arch_irq_unmask() failed: 0x5'), logs(m).join('\n'));
  assert.ok(logs(m).some((l) => l === 'ixgbevf 0: attached, msix vectors 1'));
});

test('scenario expectations hold for a Linux guest: attached, version 1.4, MSI-X programmed, vector delivered, ejected, no errors', async () => {
  const { checkExpectations } = await import('../../emulator/machine/expect');
  const text = scenario(
    'hyperv-2022',
    `bus nic0 { function 0 mellanox-cx3-vf serial 1 }
at 0      boot
at 2ms    driver nic0 msix 3
at 3ms    raise nic0 vector 0
at 5ms    eject nic0
expect nic0 attached
expect nic0 version 1.4
expect nic0 msix 3
expect nic0 vector 0 delivered cpu 0
expect nic0 ejected before 65s
expect message create-interrupt3 on nic0
expect no message create-interrupt2
expect no message resources-released
expect no errors
`,
  );
  const r = loadScenarioFile('test/guest/linux-inline.vpci', {}, text);
  assert.deepEqual(
    r.errors.map((e) => e.message),
    [],
  );
  const m = r.machine!;
  // The function driver's vectors must be checked before the eject tears them down.
  m.run(5_000_000, 4e6);
  const early = checkExpectations(
    m,
    r.scenario.expectations.filter((e) => e.kind === 'msix'),
  );
  assert.ok(
    early.every((x) => x.ok),
    JSON.stringify(early),
  );
  m.run();
  const res = checkExpectations(
    m,
    r.scenario.expectations.filter((e) => e.kind !== 'msix'),
  );
  assert.ok(res.length >= 8);
  for (const x of res) assert.ok(x.ok, `${x.what}: ${x.detail}`);
});

test('the rings each guest asks for: Linux VMBUS_RING_SIZE(SZ_16K) = 20 KiB (16 KiB of data), FreeBSD 16 KiB (12 KiB of data)', () => {
  for (const [guest, asked] of [
    ['linux', 20480],
    ['freebsd', 16384],
  ] as const) {
    const r = loadScenarioFile(
      'test/guest/rings-inline.vpci',
      {},
      `vm {\n  host hyperv-2022\n  guest ${guest}\n}\nbus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\n`,
    );
    const m = r.machine!;
    m.run(5_000_000);
    const open = [...Array(m.trace.length).keys()].map((i) => m.trace.get(i)).find((e) => e.kind === Ev.Channel && e.a === 1);
    assert.ok(open, `${guest}: the channel was opened`);
    assert.deepEqual([open.b, open.c, open.blob], [asked, asked, `open nic0: rings ${asked}/${asked} bytes requested`], guest);
    const ch = m.buses[0]!.channel;
    assert.equal(ch.guestToHost.capacity, asked - 4096, `${guest}: data area to the host`);
    assert.equal(ch.hostToGuest.capacity, asked - 4096, `${guest}: data area to the guest`);
  }
});

test('two drivers probing two functions of one bus at the same time (an SR-IOV PF and its VF): each gets its own config accesses, BARs and MSI-X', () => {
  // hbus->config_lock (pci-hyperv.c _hv_pcifront_read_config / _hv_pcifront_write_config): without it the
  // VF's window select slipped between the PF's and its COMMAND write, so the PF's BARs were never mapped
  // and each of its MSI-X table writes was "MMIO write … decodes nowhere".
  const m = run(
    scenario(
      'hyperv-2022',
      'bus nic0 {\n  function 0 intel-82599-pf\n  function 1 intel-82599-vf\n}\nat 0 boot\nat 1ms driver nic0 msix 3\nat 1ms driver nic0/1 msix 3\n',
    ),
  );
  assert.deepEqual(logs(m, Ev.Error), []);
  assert.deepEqual(mappedMsix(m, 0, 0), { good: 3, bad: 0 });
  assert.deepEqual(mappedMsix(m, 0, 1), { good: 3, bad: 0 });
});

test('linux at 1.1: the retarget for a vector on VP 64 or above sets bit vp mod 64 of the VP mask, as x86-64 shifts', () => {
  // Below 1.2 hv_arch_irq_unmask ORs `1ULL << vp` into a 64-bit mask (pci-hyperv.c v6.12.118); a shift by 64 or more
  // takes its count mod 64 on x86-64, so vector 64 (on CPU 64) is retargeted to VP 0. The host refuses 1.2 to 1.4 here.
  const body =
    'bus nvme0 { function 0 samsung-pm174x-nvme }\n' +
    'at 0 fault nvme0 query-protocol-version status REVISION_MISMATCH times 3\n' +
    'at 0 boot\nat 2ms driver nvme0 msix 70\nat 5ms raise nvme0 vector 63\nat 5ms raise nvme0 vector 64\n';
  const m = runText(scenarioText({ host: 'hyperv-2022', guest: 'linux' as 'freebsd', cpus: 80 }, body));
  const hits = traceEvents(m).filter((e) => e.kind === Ev.IntDeliver);
  assert.deepEqual(
    hits.map((e) => e.c),
    [63, 0],
    'vector 63 on VP 63; vector 64 on VP 0',
  );
});

test('__pci_write_msi_msg ends with a read that flushes the writes: MSI reads Message Control back after the data word', () => {
  const m = run(
    scenario(
      'hyperv-2022',
      `bus gpu0 { function 0 nvidia-tu102 }
at 0      boot
at 2ms    driver gpu0 msi 1
`,
    ),
  );
  // drivers/pci/msi/msi.c __pci_write_msi_msg (v6.12.118): read Message Control, write it, address lo (and hi and
  // the 64-bit data word, or the 32-bit data word), then pci_read_config_word(pos + PCI_MSI_FLAGS) once more.
  const f = m.buses[0]!.functions.get(0)!;
  let pos = f.cfgRead(0x34, 1);
  while (pos !== 0 && f.cfgRead(pos, 1) !== 0x05) pos = f.cfgRead(pos + 1, 1);
  assert.ok(pos !== 0, 'the TU102 dump has an MSI capability');
  const is64 = (f.cfgRead(pos + 2, 2) & 0x80) !== 0;
  const inCap = traceEvents(m).filter(
    (e) => (e.kind === Ev.CfgRead || e.kind === Ev.CfgWrite) && e.a === 0 && (e.b & 0xffff) >= pos && (e.b & 0xffff) < pos + 16,
  );
  const rel = inCap.map((e) => `${e.kind === Ev.CfgWrite ? 'w' : 'r'}${(e.b & 0xffff) - pos}`);
  const write = ['r2', 'w2', 'w4', ...(is64 ? ['w8', 'w12'] : ['w8']), 'r2'];
  // The early activation's message, pci_msi_set_enable(dev, 1) (read, write), request_irq's message.
  assert.deepEqual(rel.slice(rel.indexOf('w4') - 2), [...write, 'r2', 'w2', ...write]);
});
