// What the inspection modules (Variables tree, memory references, data-breakpoint targets, the
// console and the views' requests) need from the Inspector: the machine, number formatting, name
// lookups, the guest's config-write path and the session's step log. A type of its own, so the
// modules do not import the class that imports them.
import type { Machine } from '../emulator/machine/machine';
import type { PciFunction } from '../emulator/pci/function';
import type { PciIds } from '../emulator/pci/pci-ids';
import type { Value } from './expr';
import { slotName } from '../emulator/vpci/protocol';

/** What the inspector reads of the step log: the trace events each step recorded. */
export interface StepEvents {
  traceFromAt(p: number): number;
  traceToAt(p: number): number;
}

export interface InspectContext {
  readonly m: Machine;
  /** Numbers in hex (the session's Show Hex / Show Decimal state). */
  readonly hex: boolean;
  readonly ids: PciIds | undefined;
  num(n: number, digits?: number): string;
  fn(bus: number, wslot: number): PciFunction | undefined;
  title(bus: number, wslot: number): string;
  busIndex(name: string): number;
  resolveFn(v: Value, slot?: Value): { bi: number; wslot: number } | undefined;
  /** A value typed by the user, with the expression language's 64-bit integer rules; a string says why it is not one. */
  parseValue(text: string): number | string;
  /** A value typed for a register (or config write) `bits` wide, as it is written; a string says why not (`what` names it: it does not fit). */
  parseRegisterValue(text: string, bits: number, what: string): number | string;
  /** Why the machine cannot be changed now (a run is going), or undefined. */
  readonly frozen?: string | undefined;
  /** Config bytes as stored (little-endian, no side effects). */
  raw(f: PciFunction, off: number, size: number): number;
  /** A write through the guest's path (the host's config window when mapped). */
  writeCfg(bi: number, wslot: number, f: PciFunction, off: number, size: number, value: number): void;
  cfgRef(bus: string, wslot: number): string;
  /** Trace events of one bus's VMBus packets; guest requests still waiting for their completion. */
  packetEvents(bus: number): number[];
  pendingTransactions(bus: number): { event: number; type: number; txid: string }[];
  /** Trace events of the interrupts delivered that the trace holds, in order (kept up to date, never copied). */
  deliveredEvents(): readonly number[];
  /** The session's history (typed step log); absent without a debugger (the CLI, tests). */
  readonly hist?: StepEvents | undefined;
}

/**
 * A function as expressions name it, as a regular expression's source: a bus, and its slot where
 * it is not 00.0 (nic0, nic0/01.2, nic0/1.2, nic0/3, lspci's nic0/0a.0); resolveFn reads it (parseSlotName).
 */
export const FN_NAME = String.raw`[A-Za-z_][\w-]*(?:\/[0-9a-fA-F]{1,2}(?:\.[0-7])?)?`;

/** How the debugger names a function: the bus, plus "/DD.F" (slotName: decimal, as a scenario reads it) when it is not slot 00.0. */
export function fnPrefix(bus: string, wslot: number): string {
  return wslot === 0 ? bus : `${bus}/${slotName(wslot)}`;
}
