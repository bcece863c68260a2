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

/** The Express Device/Port type an extended capability's printer is given (-1 without Express). */
function expressType(d: Dev): number {
  const at = d.findCap(0x10);
  return at === undefined ? -1 : (d.rw(at + 2) >> 4) & 0xf;
}

export function lspciCapabilityLines(bytes: Uint8Array, at: number, extended: boolean, opts: { verbose?: number; dev?: number; func?: number } = {}): string[] {
  const d = new Dev(bytes);
  const out = new Out();
  const c: CapCtx = {
    d,
    out,
    verbose: opts.verbose ?? 3,
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
