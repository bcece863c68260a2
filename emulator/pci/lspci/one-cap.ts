// The lines lspci 3.9.0 prints for one capability of a function (its "Capabilities: [xx] …"
// line and the detail lines under it), for the Variables view and the capability objects:
// the same printers as the whole-device output (caps.ts, ecaps.ts), on the full config bytes.

import { Dev, LspciDie, Out } from './device';
import { Names } from './names';
import { STD_CAP_PRINTERS } from './caps';
import type { CapCtx } from './cap-ctx';
import { capExpress } from './express';
import { EXT_CAP_PRINTERS } from './ecaps';
import { x } from './device';
import { lspciRun, type LspciBarSize } from './index';
import type { PciIds } from '../pci-ids';

/** The Express Device/Port type an extended capability's printer is given (-1 without Express). */
function expressType(d: Dev): number {
  const at = d.findCap(0x10);
  return at === undefined ? -1 : (d.rw(at + 2) >> 4) & 0xf;
}

/** What the whole-device run needs to print a capability as lspci does for that function. */
export interface OneCapOptions {
  /** The function's device and function numbers (link2 skips LnkCap2 on an endpoint other than 00.0). */
  dev?: number;
  func?: number;
  /** pci.ids (the SSVID capability's Subsystem line names the ids). */
  ids?: PciIds;
  /** Known BAR sizes (device_has_memory_space_bar counts a sized BAR). */
  bars?: LspciBarSize[];
}

/**
 * lspci -vvv's lines for any capability of one function (`at`, and whether it is extended): the slice
 * of the whole device's output, so every printer sees what it sees there — the bases as the header
 * type lays them out, the function's number, the names, and the bytes earlier capabilities fetched.
 * The device is decoded once, when the first is asked for: a view of a function's capabilities
 * decodes it once, not once each. One lspci never reaches (past a looped or broken chain) is printed
 * on its own.
 */
export function capabilityLinesOf(bytes: Uint8Array, opts: OneCapOptions = {}): (at: number, extended: boolean) => string[] {
  let lines: string[] | undefined;
  return (at, extended) => {
    lines ??= lspciRun(bytes, {
      address: `00:${(opts.dev ?? 0).toString(16).padStart(2, '0')}.${opts.func ?? 0}`,
      verbose: 3,
      ...(opts.ids ? { ids: opts.ids } : {}),
      ...(opts.bars ? { bars: opts.bars } : {}),
    }).text.split('\n');
    const head = extended ? `\tCapabilities: [${x(at, 3)} v` : `\tCapabilities: [${x(at, 2)}] `;
    // A printer that prints nothing, not even its line end (cap_pcix on a CardBus header, ls-caps.c
    // v3.9.0), leaves the next capability on its line: each gets its part of it.
    const k = lines.findIndex((l) => l.includes(head));
    if (k < 0) return alone(bytes, at, extended, opts);
    const line = lines[k]!.slice(lines[k]!.indexOf(head));
    const next = line.indexOf('\tCapabilities: [', 1);
    if (next > 0) return [line.slice(0, next)];
    let end = k + 1;
    while (end < lines.length && lines[end]!.startsWith('\t\t')) end++;
    return [line, ...lines.slice(k + 1, end)];
  };
}

/** The capability printed by itself, for one the whole-device run does not reach. */
function alone(bytes: Uint8Array, at: number, extended: boolean, opts: OneCapOptions): string[] {
  const d = new Dev(bytes);
  const out = new Out();
  const c: CapCtx = {
    d,
    out,
    verbose: 3,
    names: new Names(undefined, undefined, 0),
    vendor: d.rw(0),
    device: d.rw(2),
    dev: opts.dev ?? 0,
    func: opts.func ?? 0,
    baseAddr: [0n, 0n, 0n, 0n, 0n, 0n],
    sizes: undefined,
  };
  for (let i = 0; i < 6; i++) c.baseAddr[i] = BigInt(d.rl(0x10 + 4 * i));
  try {
    if (!d.fetch(at, 4)) return [];
    if (extended) {
      const header = d.l(at);
      out.p(`\tCapabilities: [${x(at, 3)} v${(header >>> 16) & 0xf}] `);
      const p = EXT_CAP_PRINTERS[header & 0xffff];
      if (p) p(c, at, expressType(d));
      else out.p(`Extended Capability ID 0x${x(header & 0xffff)}\n`);
    } else {
      const id = d.b(at);
      const cap = d.w(at + 2);
      out.p(`\tCapabilities: [${x(at, 2)}] `);
      if (id === 0x10) capExpress(c, at, cap);
      else if (STD_CAP_PRINTERS[id]) STD_CAP_PRINTERS[id](c, at, cap);
      else out.p(`Capability ID 0x${x(id)} [${x(cap, 4)}]\n`);
    }
  } catch (e) {
    if (!(e instanceof LspciDie)) throw e;
  }
  return out.s.replace(/\n$/, '').split('\n');
}
