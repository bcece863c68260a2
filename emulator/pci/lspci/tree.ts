// `lspci -t` and the slot paths of `lspci -P`/`-PP` for the devices of a dump, as pciutils v3.9.0
// builds and prints them (ls-tree.c grow_tree, insert_dev, show_forest and its helpers; lspci.c
// show_slot_path). Our code. A dump gives no parent links (the dump access method does not fill
// PCI_FILL_PARENT), so the topology comes from the bridges' bus numbers alone, as lspci's does.
// Bus numbers are unsigned ints in lspci, and so is the arithmetic on them here.

import { Dev, x } from './device';
import { PCI } from './regs';
import type { Names } from './names';
import { textBytes, textOfBytes } from '../../format';

/** One device of the dump, in lspci's order (domain, bus, device, function). */
export interface TreeDevice {
  domain: number;
  bus: number;
  dev: number;
  func: number;
  bytes: Uint8Array;
}

interface Bus {
  domain: number;
  number: number;
  parent: Bridge;
  devices: Node[];
}

interface Bridge {
  domain: number;
  primary: number;
  secondary: number;
  subordinate: number;
  /** Tree of bridges (lspci's `child` list: the newest first). */
  children: Bridge[];
  buses: Bus[];
  dev: Node | undefined;
}

interface Node {
  d: TreeDevice;
  vendor: number;
  device: number;
  bridge: Bridge | undefined;
  parentBus: Bus | undefined;
}

const U32 = 0xffffffff;

/** ls-tree.c grow_tree over the dump's devices: the host bridge, whose buses hold the rest. */
export function growTree(devices: readonly TreeDevice[]): { host: Bridge; nodes: Node[] } {
  // host_bridge = { …, domain 0, primary ~0, secondary 0, subordinate ~0, NULL }
  const host: Bridge = { domain: 0, primary: U32, secondary: 0, subordinate: U32, children: [], buses: [], dev: undefined };
  const nodes: Node[] = [];
  const chain: Bridge[] = [host];
  for (const d of devices) {
    const dev = new Dev(d.bytes);
    const n: Node = { d, vendor: dev.rw(PCI.VENDOR_ID), device: dev.rw(PCI.DEVICE_ID), bridge: undefined, parentBus: undefined };
    nodes.push(n);
    const cls = dev.rw(PCI.CLASS_DEVICE);
    const ht = dev.noConfigAccess ? 0xff : dev.b(PCI.HEADER_TYPE) & 0x7f;
    if (cls >> 8 !== 0x06 || (ht !== PCI.HEADER_TYPE_BRIDGE && ht !== PCI.HEADER_TYPE_CARDBUS)) continue;
    // PCI_PRIMARY_BUS / PCI_SECONDARY_BUS / PCI_SUBORDINATE_BUS and the CardBus ones sit at the same offsets.
    const b: Bridge = { domain: n.d.domain, primary: dev.b(0x18), secondary: dev.b(0x19), subordinate: dev.b(0x1a), children: [], buses: [], dev: n };
    n.bridge = b;
    chain.push(b);
  }
  // The bridge tree: each bridge under the one whose bus range holds its primary bus and spans the
  // fewest buses (unsigned: the host's ~0 - ~0 is 0), prepended to its children.
  for (const b of chain) {
    let best: Bridge | undefined;
    for (const c of chain)
      if (
        c !== b &&
        (c === host || b.domain === c.domain) &&
        b.primary >= c.secondary &&
        b.primary <= c.subordinate &&
        (!best || (best.subordinate - best.primary) >>> 0 > (c.subordinate - c.primary) >>> 0)
      )
        best = c;
    if (best) best.children.unshift(b);
  }
  for (const b of chain) if (!findBus(b, b.domain, b.secondary)) newBus(b, b.domain, b.secondary);
  for (const n of nodes) insertDev(n, host);
  return { host, nodes };
}

function findBus(b: Bridge, domain: number, n: number): Bus | undefined {
  return b.buses.find((u) => u.domain === domain && u.number === n);
}

function newBus(b: Bridge, domain: number, n: number): Bus {
  const u: Bus = { domain, number: n, parent: b, devices: [] };
  b.buses.push(u);
  return u;
}

function insertDev(n: Node, b: Bridge): void {
  let bus = findBus(b, n.d.domain, n.d.bus);
  if (!bus) {
    for (const c of b.children)
      if (c.domain === n.d.domain && c.secondary <= n.d.bus && n.d.bus <= c.subordinate) {
        insertDev(n, c);
        return;
      }
    bus = newBus(b, n.d.domain, n.d.bus);
  }
  bus.devices.push(n);
  n.parentBus = bus;
}

/** ls-tree.c's line buffer: LINE_BUF_SIZE bytes, the text cut (and "..." printed) at its end. */
const LINE_BUF_SIZE = 1024;
/**
 * Where show_forest's stack protector canary lies from the start of its `line` in the lspci
 * 3.9.0 of Debian's pciutils 1:3.9.0-4 for amd64 (its disassembly: `sub $0x418,%rsp`, the canary
 * at 0x408(%rsp), `line` at (%rsp)). show_tree_bridge's `*p++ = '-'` is unchecked: past the
 * buffer, each bridge deeper writes one byte more, and once the canary differs when show_forest
 * returns, glibc aborts ("*** stack smashing detected ***"). Its first byte is zero (glibc's
 * canaries start with one), so a line's end written there leaves it whole.
 */
const CANARY = 1032;

/** show_forest's `line` and the stack above it, byte for byte. */
class Line {
  readonly b = new Uint8Array(LINE_BUF_SIZE + 1024);
  readonly out: Uint8Array[] = [];
  /** The highest byte written (the canary is smashed once a byte past its zero one is). */
  top = 0;
  /** tree_printf: vsnprintf of `s` at `p` into what is left of the buffer; returns the new end. */
  printf(p: number, s: string): number {
    const space = LINE_BUF_SIZE - 1 - p;
    if (space <= 0) return p;
    const t = textBytes(s);
    if (t.length >= space) {
      this.b.set(t.subarray(0, space - 1), p);
      this.b[p + space - 1] = 0;
      return p + space;
    }
    this.b.set(t, p);
    this.b[p + t.length] = 0;
    return p + t.length;
  }
  /** show_tree_bridge's unchecked `*p++ = '-'`. */
  dash(p: number): number {
    this.put(p, 0x2d);
    return p + 1;
  }
  /** print_it: the line up to its first zero byte ("..." when `p` reached the buffer's end), then every + and | becomes |, the rest a blank. */
  print(p: number): void {
    this.put(p, 0);
    const end = this.b.indexOf(0);
    this.out.push(this.b.slice(0, end), textBytes(p >= LINE_BUF_SIZE - 1 ? '...\n' : '\n'));
    for (let i = 0; i < end; i++) this.b[i] = this.b[i] === 0x2b || this.b[i] === 0x7c ? 0x7c : 0x20;
  }
  private put(p: number, v: number): void {
    this.b[p] = v;
    this.top = Math.max(this.top, p);
  }
  /** The stack protector's verdict when show_forest returns. */
  get smashed(): boolean {
    return this.b[CANARY] !== 0 || this.top > CANARY;
  }
}

/** What `lspci -t` prints, and whether lspci 3.9.0 then aborts (its line buffer overran the stack protector's canary). */
export interface LspciTreeResult {
  text: string;
  smashed: boolean;
}

/**
 * The text of `lspci -t` (`verbose`: with each device's name, as -tv) for the dump's devices;
 * `matches` is lspci's filter (-s, -d), undefined when none was given.
 */
export function lspciTree(devices: readonly TreeDevice[], names: Names, verbose: boolean, matches?: (d: TreeDevice) => boolean): LspciTreeResult {
  const { host } = growTree(devices);
  const line = new Line();

  const devFilter = (n: Node): boolean => {
    if (!matches || matches(n.d)) return true;
    return !!n.bridge && n.bridge.buses.some((u) => busFilter(u));
  };
  const busFilter = (u: Bus): boolean => !matches || u.devices.some((n) => devFilter(n));

  const showDev = (n: Node, p: number): void => {
    p = line.printf(p, `${x(n.d.dev, 2)}.${n.d.func.toString(16)}`);
    const b = n.bridge;
    if (b) {
      if (b.secondary === 0) p = line.printf(p, '-');
      else if (b.secondary === b.subordinate) p = line.printf(p, `-[${x(b.secondary, 2)}]-`);
      else p = line.printf(p, `-[${x(b.secondary, 2)}-${x(b.subordinate, 2)}]-`);
      showBridge(b, p);
      return;
    }
    if (verbose) p = line.printf(p, `  ${names.vendorDevice(n.vendor, n.device, 256)}`);
    line.print(p);
  };

  const showBus = (u: Bus, p: number): void => {
    if (!u.devices.length) line.print(p);
    else if (u.devices.length === 1) {
      if (devFilter(u.devices[0]!)) showDev(u.devices[0]!, line.printf(p, '--'));
      else line.print(p);
    } else {
      let shown = 0;
      for (const [i, n] of u.devices.entries()) {
        if (!devFilter(n)) continue;
        showDev(n, line.printf(p, i < u.devices.length - 1 ? '+-' : '\\-'));
        shown++;
      }
      if (!shown) line.print(p);
    }
  };

  const showBridge = (b: Bridge, p: number): void => {
    p = line.dash(p);
    if (b.buses.length === 1) {
      const u = b.buses[0]!;
      if (busFilter(u)) showBus(u, b === host ? line.printf(p, `[${x(u.domain, 4)}:${x(u.number, 2)}]-`) : p);
      else line.print(p);
    } else {
      let shown = 0;
      for (const [i, u] of b.buses.entries()) {
        if (!busFilter(u)) continue;
        showBus(u, line.printf(p, `${i < b.buses.length - 1 ? '+-' : '\\-'}[${x(u.domain, 4)}:${x(u.number, 2)}]-`));
        shown++;
      }
      if (!shown) line.print(p);
    }
  };

  showBridge(host, 0);
  const all = new Uint8Array(line.out.reduce((n, l) => n + l.length, 0));
  line.out.reduce((at, l) => (all.set(l, at), at + l.length), 0);
  return { text: textOfBytes(all), smashed: line.smashed };
}

/**
 * lspci.c show_slot_path with -P (`path` 1: "00:1c.0/00.0") or -PP (2: "00:1c.0/02:00.0"): the
 * device's address after those of the bridges above it, for each device of the dump. Undefined
 * for a device the walk up never leaves: bus numbers that put a bridge on a bus behind itself
 * (insert_dev places it in its own range) make lspci recurse until it crashes (SIGSEGV); -t never
 * reaches such a device from the host bridge, so it is only -P that meets it.
 */
export function slotPaths(devices: readonly TreeDevice[], path: number): Map<TreeDevice, string | undefined> {
  const { nodes } = growTree(devices);
  const of = (n: Node, seen: Set<Node>): string | undefined => {
    if (seen.has(n)) return undefined;
    seen.add(n);
    const br = n.parentBus?.parent;
    const own = `${x(n.d.bus, 2)}:${x(n.d.dev, 2)}.${n.d.func}`;
    if (!br?.dev) return own;
    const above = of(br.dev, seen);
    return above === undefined ? undefined : `${above}/${path > 1 ? own : `${x(n.d.dev, 2)}.${n.d.func}`}`;
  };
  return new Map(nodes.map((n) => [n.d, of(n, new Set())]));
}
