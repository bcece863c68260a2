// The debug console and expressions: what names mean in conditions, logpoints,
// watch and hover (registers by PCI name, MSI-X entries, the current packet),
// register assignment through the guest's write path, the console commands
// (lspci, cfg, msix, trace, eject, offer, raise), and their completions.
import { FN_NAME, fnPrefix, type InspectContext } from './inspect-context';
import * as views from './views';
import { FIELD_ALIASES, REGISTERS, REGISTER_ALIASES, findField, findRegister, bitsOf } from '../emulator/pci/registers';
import { barsNode, capRegister, capsNode, capsValue, masksAt, registerFieldNode } from './inspect-registers';
import { registerRowFor } from './inspect-data';
import { busNode, msixTableNode } from './inspect-tree';
import { MSG, parseSlotName, slotName, wslotEncode } from '../emulator/vpci/protocol';
import { describePayload } from '../emulator/vpci/describe';
import { msixEntry } from '../emulator/machine/device-view';
import { catalogIds } from '../emulator/pci/catalog';
import { Ev } from '../emulator/vpci/events';
import { evaluate as evalExpr, formatValue, showValue, type ExprEnv, type Value } from './expr';
import { valueNode, parseNumber, type VarNode } from './vars';
import { camel, offerGuid, stripInternal, toValue } from './fmt';
import { clip, formatTime, hexDump } from '../emulator/format';
import { WORD_RULE, wordKind } from '../emulator/scenario/lexer';
import { UNAVAILABLE } from './frame-locals';

/**
 * What the console understands, for `help` and completion: commands (typed as a line),
 * functions and names (inside expressions). One table, so help never misses one.
 */
export const CONSOLE_COMMANDS: readonly { name: string; usage: string; what: string }[] = [
  { name: 'help', usage: 'help', what: 'this list' },
  { name: 'lspci', usage: 'lspci [bus[/DD.F]] [-x|-xxx|-xxxx]', what: 'decode a function as lspci -vvv does (-x, -xxx, -xxxx add its hex dump)' },
  { name: 'cfg', usage: 'cfg <bus[/DD.F]> [offset [length]]', what: 'config space as lspci -xxxx prints it: all 4 KiB, or a range' },
  { name: 'cfg', usage: 'cfg <bus[/DD.F]> <offset> = <value> [1|2|4]', what: 'write config space through the register masks (RO, RW, RW1C)' },
  { name: 'msix', usage: 'msix <bus[/DD.F]>', what: 'the MSI-X table: address, data and mask of every vector' },
  { name: 'trace', usage: 'trace [n]', what: 'the last n events of the transcript (default 20)' },
  { name: 'eject', usage: 'eject <bus[/DD.F]>', what: 'the host ejects the function (PCI_EJECT)' },
  { name: 'offer', usage: 'offer <bus> <device>', what: 'the host offers a new bus with a catalog device (hot add)' },
  { name: 'raise', usage: 'raise <bus[/DD.F]> <vector>', what: 'the device raises MSI-X/MSI vector <vector>' },
];

export const CONSOLE_FUNCTIONS: readonly { name: string; usage: string; what: string }[] = [
  { name: 'cfg8', usage: 'cfg8(bus, offset[, wslot])', what: 'a config-space byte' },
  { name: 'cfg16', usage: 'cfg16(bus, offset[, wslot])', what: 'a config-space word (16 bits)' },
  { name: 'cfg32', usage: 'cfg32(bus, offset[, wslot])', what: 'a config-space dword (32 bits)' },
  { name: 'msix', usage: 'msix(bus[, wslot])', what: 'the MSI-X table: msix(nic0)[2].data' },
];

export const CONSOLE_NAMES: readonly { name: string; usage: string; what: string }[] = [
  { name: 'msg', usage: 'msg', what: 'the VMBus message the last step moved: msg.type, msg.name, …' },
  { name: 'now', usage: 'now', what: 'virtual time: shown as 5.007 100 ms, a number of ns in expressions (now > 5000000)' },
  { name: 'steps', usage: 'steps', what: 'steps run so far' },
  { name: 'thread', usage: 'thread', what: 'the focused thread id' },
];

/** Two aligned columns. */
function columns(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const w = Math.max(...rows.map(([a]) => a.length)) + 2;
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}${b}`);
}

/** The `help` text: every command, function and name, in aligned columns. */
export function helpText(): string {
  const expr: [string, string][] = [
    ['<bus>.<REGISTER>', 'a register by its pci_regs.h name: nic0.COMMAND, nic0/01.0.BASE_ADDRESS_0 (BAR0 works too)'],
    ['<bus>/DD.F', "another slot's function as a scenario names it, device in decimal: nic0/16.1 (lspci's 10.1); a hex device needs a letter: nic0/0a.0"],
    ['<bus>.<REGISTER>.<field>', 'a field of it: nic0.COMMAND.MEMORY, nic0.STATUS.CAP_LIST'],
    ['<bus>.caps.<cap>.<REGISTER>', 'a capability register: nic0.caps.msix.FLAGS.ENABLE'],
    ['<bus>.bars, .msix, .version, .state', "the function's BARs, MSI-X table, vPCI version, bus state"],
    ['<bus>.<REGISTER> = <value>', 'write a register through its masks: nic0.COMMAND = 0x6'],
    ['PCI_…', 'a message type by name: msg.type == PCI_BUS_RELATIONS2'],
    ['<local>', 'a local of the focused driver frame: hbus, ret, …'],
  ];
  return [
    'vPCI Lab debug console. Type a command, or an expression (C operators, 0x… hex):',
    '',
    'Commands:',
    ...columns(CONSOLE_COMMANDS.map((c) => [c.usage, c.what] as const)),
    '',
    'Functions:',
    ...columns(CONSOLE_FUNCTIONS.map((c) => [c.usage, c.what] as const)),
    '',
    'Names:',
    ...columns([...CONSOLE_NAMES.map((c) => [c.usage, c.what] as const), ...expr]),
  ].join('\n');
}

/** Where there is no current message, `msg` says so (instead of reading an older one). */
export const NO_CURRENT_MESSAGE =
  'no current message: the last step sent or received no VMBus packet (stop on one with a function breakpoint on its name, e.g. PCI_BUS_RELATIONS, or step until the driver sends one)';

/** A bus (or bus/slot) as an expression value: its registers by PCI name, BARs, MSI-X. */
export function fnValue(ins: InspectContext, bi: number, wslot: number): Value {
  const f = ins.fn(bi, wslot);
  const b = ins.m.buses[bi]!;
  if (!f) return undefined;
  const o: Record<string, Value> = {};
  // Registers by their pci_regs.h names, and by the earlier spellings (BAR0, EXPANSION_ROM, …)
  // so conditions written with those keep working.
  const regValue = (r: (typeof REGISTERS)[number]): Value => {
    const v = ins.raw(f, r.offset, r.size);
    if (!r.fields.length) return v;
    const fields: Record<string, Value> = { value: v };
    for (const fd of r.fields) fields[fd.name] = bitsOf(v, fd.bits[0], fd.bits[1]);
    for (const [alias, to] of Object.entries(FIELD_ALIASES)) if (to in fields) fields[alias] = fields[to]!;
    return fields;
  };
  for (const r of REGISTERS) o[r.name] = regValue(r);
  for (const [alias, r] of Object.entries(REGISTER_ALIASES)) o[alias] = regValue(r);
  o.caps = capsValue(ins, f);
  busValue(ins, b, o);
  // Keyed by BAR number, the ROM by its BarInfo.index (ROM_INDEX, emulator/pci/bars.ts): nic0.bars[3] is BAR3
  // whatever comes before it (a 64-bit BAR0 takes two registers), as the BARs rows name them (ours).
  o.bars = Object.fromEntries(f.bars().map((x) => [x.index, { index: x.index, size: x.size, address: x.address, decoding: x.decoding }]));
  const mx = f.msix();
  if (mx)
    o.msix = Array.from({ length: Math.min(mx.tableSize, 2048) }, (_, i) => {
      const e = msixEntry(f, i)!;
      return { address: e.address, data: e.data, masked: e.masked };
    });
  return o;
}

/**
 * What a bus is besides its function, added to `o`: the protocol version, the bridge's state and its
 * softc, as the Bus scope shows them (its rows' evaluateNames are nic0.version, nic0.sc…), also
 * once the function has left the bus. The softc is read only when an expression reaches it, not at
 * every condition that names the bus.
 */
export function busValue(ins: InspectContext, b: InspectContext['m']['buses'][number], o: Record<string, Value>): Record<string, Value> {
  o.version = ins.m.model.protocolVersion(b.state.sc);
  o.state = ins.m.model.busStatus(b.state.sc);
  Object.defineProperty(o, 'sc', { enumerable: true, get: () => toValue(b.state.sc) });
  return o;
}

export function resolveFn(ins: InspectContext, v: Value, slot?: Value): { bi: number; wslot: number } | undefined {
  const name =
    typeof v === 'string'
      ? v
      : v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, Value>).__bus === 'string'
        ? ((v as Record<string, Value>).__bus as string)
        : undefined;
  if (!name) return undefined;
  const [bus, s] = name.split('/');
  const bi = ins.busIndex(bus!);
  if (bi < 0) return undefined;
  let wslot = 0;
  if (typeof slot === 'number') wslot = slot;
  else if (s) {
    const w = parseSlotName(s);
    if (w === undefined) return undefined;
    wslot = w;
  }
  return { bi, wslot };
}

/**
 * Why `name` (nic0/10.1) names no function: and where lspci's reading of its digits (device 0x10) names one,
 * that one, as the debugger names it: a slot's digits are decimal here, as a scenario reads them.
 */
function noFunctionText(ins: InspectContext, name: string, text: string): string {
  const r = ins.resolveFn(name);
  const gone = r && goneText(ins, r.bi, r.wslot, name);
  if (gone) return gone;
  const [bus, s] = name.split('/');
  const m = /^(\d{2})(?:\.([0-7]))?$/.exec(s ?? '');
  const lspciDevice = m ? parseInt(m[1]!, 16) : 32;
  const bi = ins.busIndex(bus!);
  const w = wslotEncode(lspciDevice, Number(m?.[2] ?? 0));
  return lspciDevice < 32 && bi >= 0 && ins.fn(bi, w) ? `${text} (a slot's device is decimal, as in a scenario: lspci's ${s} is ${bus}/${slotName(w)})` : text;
}

/**
 * "nic1 left the bus at 5.006 200 ms (ejected)" when the function at `wslot` of bus `bi` was there and
 * has left (named as typed: `named`), as lspci and the console's commands say it; else undefined.
 */
function goneText(ins: InspectContext, bi: number, wslot: number, named: string): string | undefined {
  return !ins.fn(bi, wslot) && ins.m.buses[bi]?.functions.has(wslot) ? `${named} ${views.leftBusText(ins, bi, wslot)}` : undefined;
}

export function env(ins: InspectContext, threadId: number | undefined, locals?: Record<string, unknown>): ExprEnv {
  const self = ins;
  const cfg =
    (size: 1 | 2 | 4) =>
    (bus: Value, off: Value, slot?: Value): Value => {
      const name = `cfg${size * 8}`;
      const r = self.resolveFn(bus, slot);
      if (!r || typeof off !== 'number' || !Number.isInteger(off)) throw new Error(`${name}: expected (bus, offset[, slot])`);
      // Config space is 4 KiB: an offset outside it is an error, never wrapped into it.
      if (off < 0 || off + size > 4096)
        throw new Error(
          `${name}: offset ${off < 0 ? `-0x${(-off).toString(16)}` : `0x${off.toString(16)}`} is outside the 4 KiB config space (0x0 to 0x${(4096 - size).toString(16)})`,
        );
      const f = self.fn(r.bi, r.wslot);
      if (!f) throw new Error(`${name}: ${goneText(self, r.bi, r.wslot, fnPrefix(self.m.buses[r.bi]!.decl.name, r.wslot)) ?? 'no function there'}`);
      return self.raw(f, off, size);
    };
  return {
    unavailable(name: string): string | undefined {
      const why = (locals as { [UNAVAILABLE]?: Record<string, string> } | undefined)?.[UNAVAILABLE];
      return why && own(why, name) ? `'${clip(name)}' is ${why[name]} here` : undefined;
    },
    row: (src) => (registerRowFor(self, src) ?? summaryRow(self, src))?.value,
    // A bus's name may hold '-' (nvme-0); nothing else here does: a local's or register's '-' is a minus.
    isName: (name) => self.busIndex(name.split('/')[0]!) >= 0,
    // A bus whose function has left (nic1.COMMAND after its eject) says so, as lspci and cfg do: not "no member 'COMMAND'".
    noMember(o: Value): string | undefined {
      const bus = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, Value>).__bus : undefined;
      const bi = typeof bus === 'string' ? self.busIndex(bus) : -1;
      return bi >= 0 ? goneText(self, bi, 0, bus as string) : undefined;
    },
    show(name: string, v: Value): string | undefined {
      // Virtual time reads the same here as in Variables, Call Stack and the transcript (format.ts).
      return name === 'now' && !(locals && own(locals, name)) && typeof v === 'number' ? formatTime(v) : undefined;
    },
    lookup(name: string): Value {
      // Own names only: nothing of JavaScript's (toString, constructor, __proto__) is reachable.
      if (locals && own(locals, name)) return toValue(locals[name]);
      switch (name) {
        case 'now':
          return self.m.now;
        case 'steps':
          return self.m.steps;
        case 'cfg8':
          return cfg(1);
        case 'cfg16':
          return cfg(2);
        case 'cfg32':
          return cfg(4);
        case 'msix':
          return (bus: Value, slot?: Value) => {
            const r = self.resolveFn(bus, slot);
            if (!r) throw new Error('msix: unknown bus');
            const v = fnValue(self, r.bi, r.wslot) as Record<string, Value> | undefined;
            // A slot with no function there is an error, as cfg8/16/32 make it: it read as an empty table.
            if (!v) throw new Error(`msix: ${goneText(self, r.bi, r.wslot, fnPrefix(self.m.buses[r.bi]!.decl.name, r.wslot)) ?? 'no function there'}`);
            return v.msix ?? [];
          };
        case 'msg': {
          const v = lastPacketValue(self);
          if (v === null) throw new Error(NO_CURRENT_MESSAGE);
          return v;
        }
        case 'thread':
          return threadId ?? 0;
      }
      // A function by bus and slot (nic0/1.2, nic0/01.2), as the Debug Console's whole-line form takes it: in
      // conditions, logpoints and as an argument (msix(nic0/1.2)) it was an unknown name.
      if (name.includes('/')) {
        const r = self.resolveFn(name);
        const v = r && (fnValue(self, r.bi, r.wslot) as Record<string, Value> | undefined);
        if (r && !v) throw new Error(noFunctionText(self, name, `no function at ${name}`));
        if (v) v.__bus = name;
        return v;
      }
      const bi = self.busIndex(name);
      if (bi >= 0) {
        const v = fnValue(self, bi, 0) as Record<string, Value> | undefined;
        if (!v) return busValue(self, self.m.buses[bi]!, { __bus: name });
        // (a fresh object: marked in place, so its lazy softc is not read by a copy)
        v.__bus = name;
        return v;
      }
      if (own(MSG, name)) return (MSG as Record<string, number>)[name]!;
      return undefined;
    },
  };
}

function own(o: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, name);
}

/**
 * The current VMBus message, decoded, for `msg` in the console, conditions and logpoints:
 * the packet the last step sent or received (the one a message breakpoint stopped on, the
 * one a Step Into a send shows the host handling), or null when that step moved none. Without
 * the session's step log (no debugger), the most recent packet of the trace.
 */
export function lastPacketValue(ins: InspectContext): Value {
  const t = ins.m.trace;
  let from = t.base;
  let to = t.length;
  if (ins.hist) {
    const p = ins.m.steps - 1;
    if (p < 0) return null;
    from = ins.hist.traceFromAt(p);
    to = Math.min(ins.hist.traceToAt(p), t.length);
  }
  for (let i = to - 1; i >= from; i--) {
    const k = t.kindAt(i);
    if (k !== Ev.PacketToHost && k !== Ev.PacketToGuest) continue;
    const pkt = t.get(i).blob as Uint8Array;
    const completionOf = pkt[0] === 11 ? t.aAt(i) : undefined;
    const off = (pkt[2]! | (pkt[3]! << 8)) * 8 || 16;
    const d = describePayload(pkt.subarray(Math.min(off, pkt.length)), completionOf !== undefined ? { completionOf } : {});
    const o: Record<string, Value> = { type: t.aAt(i), name: d.name, toHost: k === Ev.PacketToHost, completion: pkt[0] === 11, length: pkt.length };
    for (const f of d.fields) o[camel(f.name)] = typeof f.value === 'bigint' ? Number(f.value) : f.value;
    return o;
  }
  return null;
}

/**
 * What evaluating a Debug Console line, a watch or a hover gives: its text (and a tree for Variables) or why not.
 * `assigning`: the text was an assignment the console took up (its error is about the assignment itself).
 */
export type EvalResult = { ok: true; text: string; node?: VarNode; changed?: boolean } | { ok: false; error: string; assigning?: true };

export function evaluate(
  ins: InspectContext,
  expr: string,
  context: string,
  threadId: number | undefined,
  locals: Record<string, unknown> | undefined,
  hex: boolean,
): EvalResult {
  const src = expr.trim();
  if (!src) return { ok: false, error: 'empty expression' };
  if (context === 'repl') {
    const cmd = command(ins, src);
    if (cmd) return cmd;
    // REG = v, REG.FIELD = v, caps.KEY.REG[.FIELD] = v (as Variables names them); `==` is a comparison, left to the expression.
    const asg = ASSIGNMENT.exec(src);
    if (asg) {
      const a = assign(ins, asg[1]!, asg[3]!, asg[5]!, asg[4], asg[2]);
      return a.ok ? a : { ...a, assigning: true };
    }
  }
  const m = /^([A-Za-z_][\w-]*)\/([0-9a-fA-F]{1,2}(?:\.[0-7])?)(\..*)?$/.exec(src);
  let scope = env(ins, threadId, locals);
  let text = src;
  if (m) {
    // bus/slot.REG → a synthetic name for the slot's function.
    const r = ins.resolveFn(`${m[1]}/${m[2]}`);
    if (r) {
      const v = fnValue(ins, r.bi, r.wslot);
      if (v === undefined) return { ok: false, error: noFunctionText(ins, `${m[1]}/${m[2]}`, `no function at ${m[1]}/${m[2]}`) };
      const base = scope;
      scope = { ...base, lookup: (n) => (n === '__fn' ? v : base.lookup(n)) };
      text = `__fn${m[3] ?? ''}`;
    }
  }
  const r = evalExpr(text, scope);
  if (!r.ok) {
    // An assignment (a lone '=', not '==', '<=', '>=' or '!=') is taken only where it is typed to be run: a
    // watch or a hover is read again at every stop, and read no assignment. It was "unexpected character '='".
    const lone = /(?:^|[^=!<>])=(?!=)/.exec(src);
    if (lone && context !== 'repl')
      return { ok: false, error: `Assignments are run only in the Debug Console (or by Set Value): in ${contextText(context)}, compare with '=='` };
    // One the console takes up nowhere (now = 5, msix(nic0)[0].data = 5) is said to be what it is, as Set Value says it.
    if (lone && r.error.startsWith("unexpected character '='")) {
      const at = lone.index + lone[0].length - 1;
      const lhs = src.slice(0, at).trim();
      if (!src.slice(at + 1).trim()) return { ok: false, error: "a value is missing after '='" };
      if (lhs) return { ok: false, error: `${clip(lhs)} cannot be assigned (${ASSIGNABLE})` };
    }
    return { ok: false, error: r.error };
  }
  const v = r.value;
  // A register or field named alone is shown by its own Variables row.
  const row = registerRowFor(ins, src) ?? summaryRow(ins, src);
  // (one that expands by pages, the MSI-X table, expands as its row does: a watch of msix(nic0) had nothing under it)
  if (row) return { ok: true, text: row.value, ...(row.children || row.page ? { node: row } : {}) };
  if (v && typeof v === 'object') {
    const clean = stripInternal(v);
    const node = valueNode(src, clean, hex, src);
    // Copy Value (context 'clipboard') copies the value whole; elsewhere it is previewed.
    // Elsewhere its Variables row's preview, one form for a watch, a hover, the console and Variables (it was 6 fields nested in full).
    return { ok: true, text: context === 'clipboard' ? formatValue(clean as Value, hex, true) : node.value, node };
  }
  return { ok: true, text: showValue(src, v, scope, hex) };
}

/**
 * The Variables row whose evaluateName is `src`, for the rows that summarize what their expression
 * reads (nic0.version "1.1 (0x10001)", nic0.bars, a BAR, nic0.caps and each capability, the MSI-X
 * table, an entry and its dwords), so a watch, a hover, the console and a logpoint show the row's
 * text (DAP: evaluateName "can be evaluated … to obtain the variable's value"): they showed the
 * plain value (0x10001, an object, data 0x0 where the row shows 0x00000000). Undefined otherwise.
 */
export function summaryRow(ins: InspectContext, typed: string): VarNode | undefined {
  const m = SUMMARY_PATH.exec(typed) ?? MSIX_PATH.exec(typed);
  const r = m ? ins.resolveFn(m[1] ?? m[2]!) : undefined;
  if (!m || !r) return undefined;
  // The function as its rows' evaluateNames name it, however it was typed (nic0/1.2.bars is nic0/01.2.bars,
  // nic0/0.bars nic0.bars, msix(nic0/1.2) msix("nic0/01.2")): other spellings showed the bare value.
  const bus = ins.m.buses[r.bi]!.decl.name;
  const fn = fnPrefix(bus, r.wslot);
  const msix = m[0].startsWith('msix(');
  const head = msix ? `msix(${m[1] ?? `"${m[2]!}"`})` : m[1]!;
  const src = (msix ? `msix(${fn === bus ? bus : `"${fn}"`})` : m[3] === 'version' ? bus : fn) + typed.slice(head.length);
  const f = ins.fn(r.bi, r.wslot);
  let top: VarNode | undefined;
  if (msix) top = f?.msix() ? msixTableNode(ins, r.bi, r.wslot, f) : undefined;
  else if (m[3] === 'version') top = busNode(ins, r.bi).children!().find((n) => n.evaluateName === src);
  else if (f) top = m[3] === 'bars' ? barsNode(ins, r.bi, r.wslot, f) : capsNode(ins, r.bi, r.wslot, f);
  // Down the tree along the rows whose evaluateName starts `src` (at most three levels).
  for (let n = top; n?.evaluateName;) {
    if (n.evaluateName === src) return n;
    const rest = src.slice(n.evaluateName.length);
    const i = /^\[(\d+)\]/.exec(rest);
    const kids = n.page ? (i ? n.page(Number(i[1]), 1) : []) : (n.children?.() ?? []);
    n = kids.find((k) => k.evaluateName && (src === k.evaluateName || /^[.[ ]/.test(src.slice(k.evaluateName.length))) && src.startsWith(k.evaluateName));
  }
  return undefined;
}

/** BUS[/SLOT].version | .bars[k] | .caps[.KEY] (summaryRow). */
const SUMMARY_PATH = new RegExp(String.raw`^(${FN_NAME})()\.(version|bars|caps)(?:\[\d+\]|\.[a-z0-9_]+)?$`);
/** msix(BUS) | msix("BUS/SLOT") [ [i] [.data | .address & 0xffffffff | …] ], as the MSI-X table's rows name them. */
const MSIX_PATH = new RegExp(String.raw`^msix\((?:(${FN_NAME})|"(${FN_NAME})")\)(?:\[\d+\](?:\..+)?)?$`);

/**
 * BUS[/SLOT].[caps.KEY.]REG[.FIELD], as Variables' evaluateNames and the console's assignments write them, in any
 * case, as the expression language reads members: nic0.command is nic0.COMMAND, and is assigned as it is.
 */
const REGISTER_PATH = new RegExp(String.raw`^(${FN_NAME})\.(?:caps\.([A-Za-z0-9_]+)\.)?([A-Za-z_0-9]+)(?:\.([A-Za-z_0-9]+))?$`);
/** A path and a dot being typed (nic0.caps., nic0/1.2.caps., hbus., msix(nic0)[0]., msg.): completion offers its members. */
const MEMBER_PATH = new RegExp(String.raw`(${FN_NAME}(?:\([^()]*\))?(?:\[[^\]]*\])*(?:\.[A-Za-z_][\w-]*(?:\[[^\]]*\])*)*)\.([A-Za-z_]*)$`);
/** What can be assigned, as a refusal of anything else says it (the console's, Set Value's on a watch). */
export const ASSIGNABLE = 'registers such as nic0.COMMAND can';

/** REGISTER_PATH = value ('==' is a comparison, left to the expression). */
const ASSIGNMENT = new RegExp(`${REGISTER_PATH.source.slice(0, -1)}\\s*=(?!=)\\s*(.+)$`);

/** Where an expression was typed, as the user knows it (DAP EvaluateArguments.context). */
function contextText(context: string): string {
  return context === 'watch' ? 'a watch' : context === 'hover' ? 'a hover' : context === 'clipboard' ? 'a copied value' : 'an expression read for a view';
}

export function assign(
  ins: InspectContext,
  target: string,
  reg: string,
  valueText: string,
  field?: string,
  cap?: string,
): { ok: true; text: string; changed: boolean } | { ok: false; error: string } {
  const r = ins.resolveFn(target);
  if (!r) return { ok: false, error: `no bus or function '${clip(target)}'` };
  const f = ins.fn(r.bi, r.wslot);
  if (!f) return { ok: false, error: noFunctionText(ins, target, `no function at ${target}`) };
  // A capability's register (nic0.caps.msix.FLAGS) at its absolute offset, as its Variables row has it.
  const def = cap !== undefined ? capRegister(f, cap, reg) : findRegister(reg);
  if (!def) return { ok: false, error: cap !== undefined ? `no register ${clip(reg)} in ${clip(`${target}.caps.${cap}`)}` : `no register ${clip(reg)}` };
  if (ins.frozen) return { ok: false, error: ins.frozen };
  const path = cap !== undefined ? `${target}.caps.${cap}.${def.name}` : `${target}.${def.name}`;
  if (field !== undefined) {
    // A field (nic0.COMMAND.MEMORY = 1): as its Variables row sets it, within its bits and through the masks.
    const fd = findField(def, field);
    if (!fd) return { ok: false, error: `no field ${clip(field)} in ${def.name}` };
    const node = registerFieldNode(ins, r.bi, r.wslot, f, def, fd, path);
    if (!node.set) return { ok: false, error: `${path}.${fd.name} is read-only` };
    const w = node.set(valueText);
    if (!w.ok) return { ok: false, error: w.error };
    return { ok: true, text: `${path}.${fd.name} = ${w.value}`, changed: true };
  }
  // A register without a writable bit is read-only here as in Variables (whose row has no Set Value): refused, not "set" to what it was.
  const { wmask, w1cmask } = masksAt(f, def.offset, def.size);
  if (!wmask && !w1cmask) return { ok: false, error: `${path} is read-only` };
  const v = ins.parseRegisterValue(valueText, def.size * 8, path);
  if (typeof v === 'string') return { ok: false, error: v };
  ins.writeCfg(r.bi, r.wslot, f, def.offset, def.size, v);
  return { ok: true, text: `${cap !== undefined ? path : `${target}.${reg}`} = ${ins.num(ins.raw(f, def.offset, def.size), def.size * 2)}`, changed: true };
}

/**
 * Why the host takes no second eject of a function whose eject is pending (PCI_EJECT sent, the guest's
 * PCI_EJECTION_COMPLETE not come), or undefined. Ours: the host sends one PCI_EJECT per function and
 * waits for its answer or its timeout (vsp.ts ejectInner); a second one restarted the wait and reached
 * a guest already removing the device (Linux hv_pci_eject_device initialises and queues the child's one work item again, with
 * no check for an eject in flight: drivers/pci/controller/pci-hyperv.c, v6.12). The console's eject and vpci/eject both ask this.
 */
export function ejectPendingText(ins: InspectContext, bi: number, wslot: number, named: string): string | undefined {
  const p = ins.m.buses[bi]?.ejectPending(wslot);
  if (!p) return undefined;
  return `${named} is being ejected already: PCI_EJECT was sent at ${formatTime(p.sent)} and the host waits for the guest's PCI_EJECTION_COMPLETE until ${formatTime(p.deadline)}; continue to watch the guest handle it`;
}

export function command(ins: InspectContext, src: string): { ok: true; text: string; changed?: boolean } | { ok: false; error: string } | undefined {
  const [word, ...rest] = src.split(/\s+/);
  // A command's bus[/slot] that names nothing is said so, not answered with the usage line.
  const nothing = (t: string | undefined) => {
    if (t === undefined || t === '' || t.startsWith('-')) return undefined;
    const r = ins.resolveFn(t);
    if (r && ins.fn(r.bi, r.wslot)) return undefined;
    // A function the host took off the bus is named as such, with when (lspci lists it so).
    // (named as typed: the console's answers say 'nic0/1.2' of a 'nic0/1.2', not 'nic0/01.2')
    const left = r && goneText(ins, r.bi, r.wslot, t);
    if (left && word === 'lspci') return undefined;
    return { ok: false as const, error: left ?? noFunctionText(ins, t, `no bus or function '${clip(t)}'`) };
  };
  if (word === 'lspci' || word === 'cfg' || word === 'msix' || word === 'eject' || word === 'raise') {
    const miss = nothing(word === 'lspci' ? rest.find((x) => !x.startsWith('-')) : rest[0]);
    if (miss) return miss;
  }
  switch (word ?? '') {
    case 'help':
      return { ok: true, text: helpText() };
    case 'lspci': {
      const sel = rest.find((x) => !x.startsWith('-'));
      // One function at a time (a second name was dropped, and the first printed as if it were all).
      const more = rest.filter((x) => !x.startsWith('-'))[1];
      if (more !== undefined) return { ok: false, error: `lspci: unexpected '${clip(more)}' (usage: lspci [bus[/slot]] [-x|-xxx|-xxxx])` };
      // lspci's -x count, after the -vvv decoding: up to -xx the standard header, -xxx 256 bytes, -xxxx all 4096.
      const x = Math.min(4, Math.max(0, ...rest.map((r) => (/^-x+$/.test(r) ? r.length - 1 : 0))));
      return { ok: true, text: views.lspci(ins, sel, undefined, { hex: x }) };
    }
    case 'cfg': {
      const r = rest[0] ? ins.resolveFn(rest[0]) : undefined;
      if (!r) return { ok: false, error: 'usage: cfg <bus[/slot]> [offset] [length]  |  cfg <bus[/slot]> <offset> = <value> [width]' };
      const f = ins.fn(r.bi, r.wslot);
      if (!f) return { ok: false, error: 'no function there' };
      if (rest[2] === '=') {
        if (ins.frozen) return { ok: false, error: ins.frozen };
        const usage = 'usage: cfg <bus[/slot]> <offset> = <value> [1|2|4]';
        if (rest[3] === undefined || rest.length > 5) return { ok: false, error: usage };
        // Each word is what it says or the write is refused: a mistyped offset was read as 0 (and
        // wrote VENDOR_ID/COMMAND), a mistyped width as the offset's natural one.
        const off = cfgOffset(rest[1]!, f.config.bytes.length);
        if (typeof off === 'string') return { ok: false, error: off };
        const width = rest[4] !== undefined ? parseNumber(rest[4]) : off % 4 === 0 ? 4 : off % 2 === 0 ? 2 : 1;
        if (width !== 1 && width !== 2 && width !== 4) return { ok: false, error: `cfg: width ${clip(rest[4]!)} is not 1, 2 or 4 bytes` };
        // A config write is naturally aligned: Linux refuses a word write at an odd offset and a
        // dword write off a multiple of 4 (drivers/pci/access.c, PCI_OP_WRITE with PCI_word_BAD /
        // PCI_dword_BAD, linux v6.12.118); one here would have written two registers at once.
        if (off % width !== 0) return { ok: false, error: `cfg: a ${width}-byte write must be aligned: offset ${hexText(off)} is not a multiple of ${width}` };
        // The value as a register's (assign): the expression language's 64-bit rules, so -1 is all ones.
        const v = ins.parseRegisterValue(rest[3], width * 8, `a ${width}-byte write`);
        if (typeof v === 'string') return { ok: false, error: `cfg: ${v}` };
        const before = ins.raw(f, off, width);
        ins.writeCfg(r.bi, r.wslot, f, off, width, v);
        const after = ins.raw(f, off, width);
        return {
          ok: true,
          text: `config ${ins.num(off, 3)}/${width}: ${ins.num(before, width * 2)} → ${ins.num(after, width * 2)}${after !== v ? ' (masks applied: read-only and write-1-to-clear bits)' : ''}`,
          changed: true,
        };
      }
      if (rest.length > 3) return { ok: false, error: `cfg: unexpected '${clip(rest[3]!)}' (usage: cfg <bus[/slot]> [offset [length]])` };
      return cfgDump(ins, r.bi, r.wslot, rest[1], rest[2]);
    }
    case 'msix': {
      const r = rest[0] ? ins.resolveFn(rest[0]) : undefined;
      if (!r || rest.length > 1) return { ok: false, error: 'usage: msix <bus[/slot]>' };
      const f = ins.fn(r.bi, r.wslot);
      const mx = f?.msix();
      if (!f || !mx) return { ok: false, error: 'no MSI-X capability' };
      const lines = [
        `MSI-X: ${mx.tableSize} entries, ${mx.enabled ? 'enabled' : 'disabled'}${mx.functionMask ? ', function masked' : ''}, table BAR${mx.tableBir}+${ins.num(mx.tableOffset)}, PBA BAR${mx.pbaBir}+${ins.num(mx.pbaOffset)}`,
      ];
      for (let i = 0; i < Math.min(mx.tableSize, 64); i++) {
        const e = msixEntry(f, i)!;
        lines.push(`  [${i}] address ${ins.num(e.address)} data ${ins.num(e.data)}${e.masked ? ' masked' : ''}`);
      }
      if (mx.tableSize > 64) lines.push(`  … ${mx.tableSize - 64} more (see Variables)`);
      return { ok: true, text: lines.join('\n') };
    }
    case 'eject': {
      if (ins.frozen) return { ok: false, error: ins.frozen };
      const r = rest[0] ? ins.resolveFn(rest[0]) : undefined;
      // One function at a time: 'eject nic0 nic1' ejected nic0 alone, and said nothing of nic1.
      if (!r || rest.length > 1) return { ok: false, error: 'usage: eject <bus[/slot]>' };
      // Named as typed, as the answer that queued it named it.
      const pending = ejectPendingText(ins, r.bi, r.wslot, rest[0]!);
      if (pending) return { ok: false, error: pending };
      ins.m.buses[r.bi]!.eject(r.wslot);
      return { ok: true, text: `host: PCI_EJECT queued for ${rest[0]}; continue to watch the guest handle it`, changed: true };
    }
    case 'offer': {
      // offer <bus-name> <catalog-id>: the host offers a new vPCI channel now (hot add).
      if (ins.frozen) return { ok: false, error: ins.frozen };
      const [name, id] = rest;
      if (!name || !id || rest.length > 2) return { ok: false, error: 'usage: offer <bus-name> <catalog-device>   (see: vpci-lab devices)' };
      // A bus name as a scenario writes one: '0bad' was offered, and no expression could name it after (0bad.COMMAND does not parse).
      if (wordKind(name) !== 'word') return { ok: false, error: `offer: '${clip(name)}' is no bus name: ${WORD_RULE}` };
      if (ins.m.buses.some((b) => b.decl.name === name && !b.state.gone)) return { ok: false, error: `bus ${name} exists already` };
      let rt;
      const n = ins.m.buses.length;
      try {
        rt = ins.m.addBus({
          name,
          instance: offerGuid(name, n),
          functions: [{ wslot: 0, source: { kind: 'catalog', id }, serial: n + 1 }],
          offerAt: ins.m.now,
        });
      } catch (e) {
        // The bus runtime is built before it is added: a failure leaves the machine as it was.
        ins.m.buses.length = n;
        ins.m.state.buses.length = n;
        return { ok: false, error: `${e instanceof Error ? e.message : String(e)} (see: vpci-lab devices)` };
      }
      rt.startGuest();
      return {
        ok: true,
        text: `host: offered ${name} (${ins.title(rt.index, 0)}), instance ${rt.decl.instance}; continue to watch the guest attach it`,
        changed: true,
      };
    }
    case 'raise': {
      if (ins.frozen) return { ok: false, error: ins.frozen };
      const r = rest[0] ? ins.resolveFn(rest[0]) : undefined;
      const v = rest[1] !== undefined ? parseNumber(rest[1]) : undefined;
      // A vector is an index into the device's table, 0 or more (a negative one went into the trace as an undeliverable interrupt).
      if (!r || v === undefined || v < 0 || rest.length > 2) return { ok: false, error: 'usage: raise <bus[/slot]> <vector>   (vector: 0, 1, …)' };
      const t0 = ins.m.trace.length;
      ins.m.buses[r.bi]!.raise(r.wslot, v);
      return { ok: true, text: views.transcript(ins, t0, ins.m.trace.length - t0).join('\n') || 'raised', changed: true };
    }
    case 'trace': {
      // A count that is not one (trace 0, trace -1, trace x) is refused: it printed '(no events yet)' or the default 20.
      const n = rest[0] !== undefined ? parseNumber(rest[0]) : 20;
      if (n === undefined || n < 1 || rest.length > 1)
        return { ok: false, error: 'usage: trace [n]   (n: how many of the last events, 1 or more; default 20)' };
      return { ok: true, text: views.transcript(ins, Math.max(0, ins.m.trace.length - n), n).join('\n') || '(no events yet)' };
    }
  }
  return undefined;
}

/** A `cfg` offset as typed: the offset, or why it is not one in a config space of `size` bytes. */
function cfgOffset(text: string, size: number): number | string {
  const o = parseNumber(text);
  if (o === undefined) return `cfg: offset ${clip(text)} is not a number`;
  if (o < 0 || o >= size) return `cfg: offset ${clip(text)} is outside the ${size}-byte config space (0x0..${hexText(size - 1)})`;
  return o;
}

/**
 * `cfg <fn> [offset [length]]`: the function's header line and its config space in whole
 * 16-byte rows, as `lspci -xxxx` prints it (`00: 86 80 …`, `100: …`): everything, or the rows
 * covering offset..offset+length (length 64 when only the offset is given).
 */
function cfgDump(
  ins: InspectContext,
  bi: number,
  wslot: number,
  offText?: string,
  lenText?: string,
): { ok: true; text: string } | { ok: false; error: string } {
  const f = ins.fn(bi, wslot)!;
  const size = f.config.bytes.length;
  let off = 0;
  let len = size;
  if (offText !== undefined) {
    const o = cfgOffset(offText, size);
    if (typeof o === 'string') return { ok: false, error: o };
    off = o;
    len = 64;
  }
  if (lenText !== undefined) {
    const l = parseNumber(lenText);
    if (l === undefined || l <= 0) return { ok: false, error: `cfg: length ${clip(lenText)} is not a positive number` };
    len = l;
  }
  const from = off & ~15;
  const to = Math.min(size, (off + len + 15) & ~15);
  const header = views.lspci(ins, ins.m.buses[bi]!.decl.name, wslot).split('\n')[0] ?? '';
  return { ok: true, text: `${header}\n${hexDump(f.config.bytes, { offset: from, length: to - from, addressDigits: 2 })}` };
}

const hexText = (n: number): string => `0x${n.toString(16)}`;

export function completions(
  ins: InspectContext,
  text: string,
  column: number,
  locals?: Record<string, unknown>,
): { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] {
  // Only the words before the cursor matter (bus/slot.REGISTER.field): the patterns below, tried at
  // every start, look at its last 256 characters, never a whole 64 KiB line (quadratic).
  const end = Math.max(0, Math.min(column, text.length));
  const upto = text.slice(Math.max(0, end - 256), end);
  const dot = /([A-Za-z_][\w-]*(?:\/[0-9a-fA-F.]+)?)\.([A-Za-z_]*)$/.exec(upto);
  if (dot) {
    const r = ins.resolveFn(dot[1]);
    if (r)
      return REGISTERS.map((x) => ({ label: x.name, type: 'property' as const })).concat([
        { label: 'caps', type: 'property' },
        { label: 'msix', type: 'property' },
        { label: 'bars', type: 'property' },
        { label: 'version', type: 'property' },
        { label: 'state', type: 'property' },
      ]);
    const reg = /([A-Za-z_][\w-]*)\.([A-Z_0-9]+)\.([A-Za-z_]*)$/.exec(upto);
    if (reg) {
      const def = findRegister(reg[2]!);
      if (def) return def.fields.map((f) => ({ label: f.name, type: 'property' as const }));
    }
  }
  // After any other path and a dot (nic0.caps., nic0/1.2.caps., hbus., msix(nic0)[0]., msg.): the fields of what the path evaluates to.
  const path = MEMBER_PATH.exec(upto);
  if (path || dot) {
    if (!path) return [];
    const r = evalExpr(path[1]!, env(ins, undefined, locals));
    const v = r.ok ? stripInternal(r.value) : undefined;
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((k) => ({ label: k, type: 'property' as const })) : [];
  }
  // `nic0/` (a slot being typed after it): the slots of the bus's functions on the bus, as resolveFn reads them.
  const slash = /(?:^|[^\w-])([A-Za-z_][\w-]*)\/[0-9a-fA-F.]*$/.exec(upto);
  if (slash) {
    const bi = ins.busIndex(slash[1]!);
    const b = ins.m.buses[bi];
    return b ? [...b.functions.keys()].filter((w) => b.onBus(w)).map((w) => ({ label: slotName(w), type: 'property' as const })) : [];
  }
  const out: { label: string; type?: 'function' | 'variable' | 'property' | 'keyword' | 'module' }[] = [];
  // A command's words: its bus (lspci, cfg, msix, eject, raise), the device an offer brings; nothing
  // else fits there (cfg8 or trace after 'eject ' was offered).
  const words = upto.replace(/^\s+/, '').split(/\s+/);
  const command = CONSOLE_COMMANDS.some((c) => c.name === words[0]) ? words[0] : undefined;
  if (command !== undefined && words.length > 1) {
    const args = words.slice(1, -1).filter((w) => !w.startsWith('-'));
    if (['lspci', 'cfg', 'msix', 'eject', 'raise'].includes(command))
      return args.length ? [] : ins.m.buses.filter((b) => !b.state.gone).map((b) => ({ label: b.decl.name, type: 'module' as const }));
    if (command === 'offer') return args.length === 1 ? catalogIds().map((id) => ({ label: id, type: 'module' as const })) : [];
    return [];
  }
  for (const b of ins.m.buses) out.push({ label: b.decl.name, type: 'module' });
  for (const k of Object.keys(locals ?? {})) out.push({ label: k, type: 'variable' });
  for (const f of CONSOLE_FUNCTIONS) out.push({ label: f.name, type: 'function' });
  // A command is the first word of a line; inside an expression only the names are.
  const first = words.length <= 1;
  for (const k of new Set([...(first ? CONSOLE_COMMANDS.map((c) => c.name) : []), ...CONSOLE_NAMES.map((c) => c.name)]))
    if (!CONSOLE_FUNCTIONS.some((f) => f.name === k)) out.push({ label: k, type: 'keyword' });
  return out;
}
