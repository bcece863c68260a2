// Registers, BARs and capabilities of one PCI function as Variables rows. A register row shows
// its value and expands into its fields; whether a row (or field) can be written, and whether a
// write of 1 clears it, is read from the function's own config-space masks (QEMU-style wmask /
// w1cmask per byte, built from the register tables in emulator/pci), never from a second table.
// Names follow Linux pci_regs.h (see emulator/pci/caps/types.ts); expressions use the same
// names: nic0.COMMAND.MEMORY, nic0.caps.msix.FLAGS.ENABLE.
import type { PciFunction } from '../emulator/pci/function';
import { barText, type BarInfo } from '../emulator/pci/bars';
import { walkCapabilities } from '../emulator/pci/capabilities';
import { accessOf, capabilityDef, fieldMask, fieldValue, lspciLinesOf, type FieldAccess, type RegisterDef } from '../emulator/pci/caps/index';
import { wslotDecode } from '../emulator/vpci/protocol';
import type { LspciBarSize } from '../emulator/pci/lspci/index';
import { dataId } from './breakpoints';
import type { InspectContext } from './inspect-context';
import { fnPrefix } from './inspect-context';
import type { VarNode } from './vars';
import { fmtSize } from './fmt';
import { clip, counted } from '../emulator/format';

/** The write masks the function's config space holds for `size` bytes at `off` (little-endian). */
export function masksAt(f: PciFunction, off: number, size: number): { wmask: number; w1cmask: number } {
  let w = 0;
  let c = 0;
  for (let i = size - 1; i >= 0; i--) {
    w = w * 256 + (f.config.wmask[off + i] ?? 0);
    c = c * 256 + (f.config.w1cmask[off + i] ?? 0);
  }
  return { wmask: w, w1cmask: c };
}

/**
 * A number in a data breakpoint's name: hex whatever Variables shows (Show Decimal), as the name the
 * breakpoint keeps once set is (inspect-data.ts describeTarget): Break on Value Change in decimal named it
 * 'nic0.COMMAND (config 4, RW 1351)' and Breakpoints then 'nic0.COMMAND (config 0x04, RW 0x0547)'.
 */
export const hexName = (n: number, d = 0): string => `0x${n.toString(16).padStart(d, '0')}`;

/** "RO", "RW", "RW1C", or which bits are which when a register mixes them. */
export function accessText(wmask: number, w1cmask: number, size: number, num: (n: number, d?: number) => string): string {
  const all = size >= 4 ? 0xffffffff : 2 ** (size * 8) - 1;
  if (!wmask && !w1cmask) return 'RO';
  if (wmask === all && !w1cmask) return 'RW';
  if (w1cmask === all && !wmask) return 'RW1C';
  return [wmask ? `RW ${num(wmask, size * 2)}` : '', w1cmask ? `RW1C ${num(w1cmask, size * 2)}` : ''].filter(Boolean).join(', ');
}

/**
 * A register as a row. `def.offset` is absolute here. `path` is the expression naming it
 * (nic0.COMMAND, nic0.caps.msix.FLAGS) and the data breakpoint's description names it so too.
 */
export function registerNode(ctx: InspectContext, bi: number, wslot: number, f: PciFunction, def: RegisterDef, path: string): VarNode {
  const bus = ctx.m.buses[bi]!.decl.name;
  const v = ctx.raw(f, def.offset, def.size);
  const { wmask, w1cmask } = masksAt(f, def.offset, def.size);
  const node: VarNode = {
    name: def.name,
    value: ctx.num(v, def.size * 2),
    type: `u${def.size * 8} @ ${ctx.num(def.offset, def.offset >= 0x100 ? 3 : 2)}, ${accessText(wmask, w1cmask, def.size, (n, d) => ctx.num(n, d))}`,
    evaluateName: path,
    dataId: dataId({ kind: 'cfg', bus, wslot, offset: def.offset, width: def.size }),
    dataDescription: `${path} (config ${hexName(def.offset, 2)}, ${accessText(wmask, w1cmask, def.size, hexName)})`,
    readOnly: !wmask && !w1cmask,
    menu: DEVICE_MENU,
  };
  if (def.fields.length) node.children = () => def.fields.map((fd) => registerFieldNode(ctx, bi, wslot, f, def, fd, path, { wmask, w1cmask }));
  if (wmask || w1cmask)
    node.set = (text) => {
      const x = ctx.parseRegisterValue(text, def.size * 8, path);
      if (typeof x === 'string') return { ok: false, error: x };
      ctx.writeCfg(bi, wslot, f, def.offset, def.size, x);
      return { ok: true, value: ctx.num(ctx.raw(f, def.offset, def.size), def.size * 2) };
    };
  return node;
}

/**
 * The row of field `fd` of register `def` (absolute offset) of a function, as Variables shows it
 * under the register (`path` names the register); the register's masks, when the caller has them.
 */
export function registerFieldNode(
  ctx: InspectContext,
  bi: number,
  wslot: number,
  f: PciFunction,
  def: RegisterDef,
  fd: RegisterDef['fields'][number],
  path: string,
  { wmask, w1cmask }: { wmask: number; w1cmask: number } = masksAt(f, def.offset, def.size),
): VarNode {
  const bus = ctx.m.buses[bi]!.decl.name;
  const v = ctx.raw(f, def.offset, def.size);
  const [lo, hi] = fd.bits;
  const width = hi - lo + 1;
  const fv = fieldValue(v, fd);
  const access: FieldAccess = accessOf(fd, wmask, w1cmask);
  const child: VarNode = {
    name: fd.name,
    value: width === 1 ? String(fv) : ctx.num(fv),
    type: `bit${width > 1 ? `s ${hi}:${lo}` : ` ${lo}`}, ${access.toUpperCase()}`,
    evaluateName: `${path}.${fd.name}`,
    readOnly: access === 'ro',
    dataId: dataId({ kind: 'cfg', bus, wslot, offset: def.offset + (lo >> 3), width: (hi >> 3) - (lo >> 3) + 1 }),
    dataDescription: `${path}.${fd.name} (config ${hexName(def.offset + (lo >> 3), 2)}, ${access.toUpperCase()})`,
    menu: DEVICE_MENU,
  };
  if (access !== 'ro')
    child.set = (text) => {
      const x = ctx.parseValue(text);
      if (typeof x === 'string') return { ok: false, error: x };
      // Named and worded as a register's refusal is (parseRegisterValue): the field's path, its width, the value.
      if (x < 0 || x >= 2 ** width) return { ok: false, error: `${path}.${fd.name} is ${counted(width, 'bit')} wide: ${clip(text.trim())} does not fit` };
      const cur = f.cfgRead(def.offset, def.size);
      // Other write-1-to-clear bits of the register are written 0 so they stay as they are; the
      // field's own bits take the value (for an RW1C field, a 1 clears it).
      const next = ((cur & ~w1cmask & ~fieldMask(fd)) | (x * 2 ** lo)) >>> 0;
      ctx.writeCfg(bi, wslot, f, def.offset, def.size, def.size === 4 ? next : next & (2 ** (def.size * 8) - 1));
      const after = fieldValue(ctx.raw(f, def.offset, def.size), fd);
      return { ok: true, value: width === 1 ? String(after) : ctx.num(after) };
    };
  return child;
}

/**
 * The Variables context-menu value (DAP Variable __vscodeVariableMenuContext, seen in package.json
 * "debug/variables/context" menus as debugProtocolVariableMenuContext) of every row that belongs
 * to a function: Show lspci and Open Config Space appear on these rows only.
 */
export const DEVICE_MENU = 'vpciDevice';

export function barsNode(ctx: InspectContext, bi: number, wslot: number, f: PciFunction): VarNode {
  const bus = ctx.m.buses[bi]!.decl.name;
  const prefix = fnPrefix(bus, wslot);
  const name = (x: BarInfo): string => (x.kind === 'rom' ? 'ROM' : `BAR${x.index}`);
  const bars = f.bars();
  return {
    name: 'BARs',
    value: bars.map((x) => `${name(x)} ${fmtSize(x.size)}${x.state === 'assigned' ? '' : ` ${x.state}`}`).join(', ') || 'none',
    evaluateName: `${prefix}.bars`,
    menu: DEVICE_MENU,
    children: () =>
      f.bars().map((x) => {
        const kind =
          x.kind === 'mem64' ? '64-bit memory' : x.kind === 'mem32' ? '32-bit memory' : x.kind === 'io' ? 'I/O (not usable through vPCI)' : 'expansion ROM';
        const reg = x.kind === 'rom' ? 0x30 : 0x10 + 4 * x.index;
        const regName = x.kind === 'rom' ? 'ROM_ADDRESS' : `BASE_ADDRESS_${x.index}`;
        return {
          name: name(x),
          // As lspci names it (one text with the Topology view's): "Memory at fe000000 (64-bit, prefetchable) [size=16K]".
          value: barText({ ...x, readback: x.sizingHalf === 'high' ? (x.registerHigh ?? 0) : x.register }),
          // Only a placed BAR has memory to show: an unassigned one has no address (inspect-memory.ts placedBar).
          ...((x.kind === 'mem32' || x.kind === 'mem64') && x.state === 'assigned' ? { memoryReference: `bar/${bus}/${wslot}/${x.index}` } : {}),
          // "Break on Value Change" on a BAR row watches its register (both dwords of a 64-bit BAR).
          dataId: dataId({ kind: 'cfg', bus, wslot, offset: reg, width: x.kind === 'mem64' ? 8 : 4 }),
          dataDescription: `${prefix}.${regName} (config ${hexName(reg, 2)}${x.kind === 'mem64' ? ` and ${hexName(reg + 4, 2)}` : ''})`,
          // nic0.bars[n] by BAR number, the ROM as [6] (as fnValue keys them), which a watch shows as this row
          // (console.ts summaryRow); nic0.BASE_ADDRESS_n reads the register, not this lspci text. It was the
          // n-th BAR listed: BAR3 after a 64-bit BAR0 was bars[1], and bars[3] was out of range.
          evaluateName: `${prefix}.bars[${x.index}]`,
          menu: DEVICE_MENU,
          children: () =>
            [
              { name: 'type', value: kind },
              { name: 'prefetchable', value: String(x.prefetchable) },
              { name: 'size', value: `${ctx.num(x.size)} (${fmtSize(x.size)})` },
              { name: 'state', value: x.state },
              { name: 'address', value: x.state === 'assigned' ? ctx.num(x.address) : x.state },
              { name: 'register', value: ctx.num(x.register, 8) + (x.registerHigh !== undefined ? ` (upper ${ctx.num(x.registerHigh, 8)})` : '') },
              { name: 'size mask', value: ctx.num(x.probedMask, 8) },
              { name: 'decoding', value: String(x.decoding) },
            ].map((n) => ({ ...n, menu: DEVICE_MENU })),
        };
      }),
  };
}

/** The function's BAR sizes as the lspci model takes them ("[size=16K]", device_has_memory_space_bar). */
export function lspciBars(f: PciFunction): LspciBarSize[] {
  return f.bars().map((x) => ({ index: x.kind === 'rom' ? ('rom' as const) : x.index, size: x.size }));
}

/** Each capability of the function with its object's summary, registers and lspci lines. */
export function capsNode(ctx: InspectContext, bi: number, wslot: number, f: PciFunction): VarNode {
  const bus = ctx.m.buses[bi]!.decl.name;
  const prefix = fnPrefix(bus, wslot);
  const cfg = f.config.peek() as Uint8Array;
  const walk = walkCapabilities(cfg.subarray(0, f.sourceLength));
  const keys = capabilityKeys(walk.capabilities);
  const menu = DEVICE_MENU;
  const bars = lspciBars(f);
  return {
    name: 'Capabilities',
    value: walk.capabilities.map((e) => capabilityDef(e.id, e.extended).name).join(', ') || 'none',
    evaluateName: `${prefix}.caps`,
    menu,
    children: () => {
      // As the Debug Console's lspci prints this function (views.lspci): its number, names and BAR sizes,
      // decoded once for all of its capabilities.
      const { device, fn } = wslotDecode(wslot);
      const linesOf = lspciLinesOf(cfg, { dev: device, func: fn, ...(ctx.ids ? { ids: ctx.ids } : {}), bars });
      const out: VarNode[] = walk.capabilities.map((e, i) => {
        const def = capabilityDef(e.id, e.extended);
        const path = `${prefix}.caps.${keys[i]}`;
        const regs = def.registers(cfg, e.offset);
        const lines = linesOf(e.offset, e.extended);
        return {
          name: `[${ctx.num(e.offset, e.extended ? 3 : 2)}] ${def.name}`,
          value: def.summary(cfg, e.offset),
          type: e.extended
            ? `extended capability 0x${e.id.toString(16).padStart(4, '0')} v${e.version ?? 0}`
            : `capability 0x${e.id.toString(16).padStart(2, '0')}`,
          ...(regs.length ? { evaluateName: path } : {}),
          menu,
          children: () => [
            ...regs.map((r) => registerNode(ctx, bi, wslot, f, { ...r, offset: e.offset + r.offset }, `${path}.${r.name}`)),
            {
              name: 'lspci -vvv',
              value: lines[0]?.replace(/^\tCapabilities: /, '') ?? '',
              menu,
              ...(lines.length > 1 ? { children: () => lines.slice(1).map((l, k) => ({ name: `${k + 1}`, value: l.trim().replace(/\t/g, ' '), menu })) } : {}),
            },
          ],
        };
      });
      for (const p of walk.problems) out.push({ name: 'problem', value: p, menu });
      return out;
    },
  };
}

/** Expression names of a function's capabilities: the object's key, numbered from the second of a kind on. */
export function capabilityKeys(entries: { id: number; extended: boolean }[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const k = capabilityDef(e.id, e.extended).key;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : `${k}_${n}`;
  });
}

/** A function's config bytes, its capabilities, and the key expressions name each by (caps.<key>). */
function keyedCapabilities(f: PciFunction): { cfg: Uint8Array; entries: ReturnType<typeof walkCapabilities>['capabilities']; keys: string[] } {
  const cfg = f.config.peek() as Uint8Array;
  const entries = walkCapabilities(cfg.subarray(0, f.sourceLength)).capabilities;
  return { cfg, entries, keys: capabilityKeys(entries) };
}

/** A function's capability registers as an expression value: caps.<key>.<REG>[.<FIELD>]. */
export function capsValue(ctx: InspectContext, f: PciFunction): Record<string, Record<string, number | Record<string, number>>> {
  const { cfg, entries, keys } = keyedCapabilities(f);
  const out: Record<string, Record<string, number | Record<string, number>>> = {};
  entries.forEach((e, i) => {
    const regs = capabilityDef(e.id, e.extended).registers(cfg, e.offset);
    if (!regs.length) return;
    const o: Record<string, number | Record<string, number>> = {};
    for (const r of regs) {
      const v = ctx.raw(f, e.offset + r.offset, r.size);
      if (!r.fields.length) o[r.name] = v;
      else {
        const fields: Record<string, number> = { value: v };
        for (const fd of r.fields) fields[fd.name] = fieldValue(v, fd);
        o[r.name] = fields;
      }
    }
    out[keys[i]!] = o;
  });
  return out;
}

/** The capability register at exactly `size` bytes from `off`, as an expression names it (caps.msix.FLAGS), or undefined. */
export function capRegisterAt(f: PciFunction, off: number, size: number): string | undefined {
  const { cfg, entries, keys } = keyedCapabilities(f);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const r = capabilityDef(e.id, e.extended)
      .registers(cfg, e.offset)
      .find((x) => e.offset + x.offset === off && x.size === size);
    if (r) return `caps.${keys[i]!}.${r.name}`;
  }
  return undefined;
}

/** The register a capability expression names: nic0.caps.msix.FLAGS (absolute offset), with its field when given. */
export function capRegister(f: PciFunction, key: string, reg: string): RegisterDef | undefined {
  const { cfg, entries, keys } = keyedCapabilities(f);
  const i = keys.indexOf(key.toLowerCase());
  if (i < 0) return undefined;
  const e = entries[i]!;
  const r = capabilityDef(e.id, e.extended)
    .registers(cfg, e.offset)
    .find((x) => x.name === reg.toUpperCase());
  return r ? { ...r, offset: e.offset + r.offset } : undefined;
}
