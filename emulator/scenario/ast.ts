// The scenario language's syntax tree. Every node carries the 1-based range it
// came from so the CLI, the debug adapter and the language server report and
// navigate to exact positions. Plain data: no classes, no behaviour.
import type { FaultAction } from '../vpci/host/faults';

/** A 1-based source range; `endCol` is exclusive. */
export interface Loc {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export interface Name {
  name: string;
  loc: Loc;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: Loc;
  /** Stable machine-readable code, e.g. `unknown-device`, `slot-conflict`. */
  code: string;
  /** Related location (the first declaration of a duplicate, …). */
  related?: { message: string; loc: Loc };
  /** Replacements for the text at `loc` the user most likely meant, best first ("did you mean"). */
  suggestions?: string[];
}

/**
 * The most diagnostics the parser, and again the checker, keep for one scenario (ours: a bound on
 * memory, not a language rule). A broken file near the 16 MiB size limit can have millions of bad
 * lines, at a few hundred bytes per diagnostic kept; past this many syntax errors the parser stops
 * reading, and past this many problems the checker counts the rest in one last diagnostic.
 */
export const MAX_DIAGNOSTICS = 100_000;

/** `function 0` or `function 1.2`: PCI device (0–31) and function (0–7), and their win_slot. */
export interface SlotRef {
  device: number;
  fn: number;
  /** win_slot encoding: device in bits 0–4, function in bits 5–7 (protocol.md §3). */
  wslot: number;
  loc: Loc;
}

export interface MmioDecl {
  name: string;
  base: number;
  size: number;
  loc: Loc;
}

export interface QuirkSwitch {
  name: Name;
  on: boolean;
  loc: Loc;
}

export interface VmDecl {
  loc: Loc;
  host?: Name;
  guest?: Name;
  /** 0 when absent. */
  cpus: number;
  mmio: MmioDecl[];
  quirks: QuirkSwitch[];
}

export interface BarSize {
  index: number | 'rom';
  size: number;
  loc: Loc;
}

export type FunctionSourceAst = { kind: 'catalog'; id: Name } | { kind: 'dump'; path: string; pathLoc: Loc; select?: string; bars: BarSize[] };

export interface FunctionDeclAst {
  slot: SlotRef;
  source: FunctionSourceAst;
  serial?: number;
  numa?: number;
  loc: Loc;
}

export interface BusDecl {
  name: Name;
  instance?: { guid: string; loc: Loc };
  functions: FunctionDeclAst[];
  loc: Loc;
}

/** `nic0` or `nic0/1.0`: a bus and optionally a slot on it (default slot 0). */
export interface FnRef {
  bus: Name;
  slot?: SlotRef;
  loc: Loc;
}

/** A message named in a scenario (`create-interrupt`, `PCI_CREATE_INTERRUPT_MESSAGE2`, …). */
export interface MessageRef {
  name: string;
  value: number;
  loc: Loc;
}

export interface FaultDecl {
  bus: Name;
  message: MessageRef;
  action: FaultAction;
  times?: number;
  loc: Loc;
}

interface EventBase {
  /** Virtual time in nanoseconds. */
  time: number;
  loc: Loc;
}

export type TimelineEvent = EventBase &
  (
    | { kind: 'boot' }
    | { kind: 'driver'; target: FnRef; mode: 'msix' | 'msi' | 'none'; vectors: number }
    | { kind: 'raise'; target: FnRef; vector: number }
    | { kind: 'eject'; target: FnRef }
    | { kind: 'offer'; bus: BusDecl }
    | { kind: 'rescind'; bus: Name }
    | { kind: 'detach'; bus: Name }
    | { kind: 'vanish'; target: FnRef }
    /** `plug nic0 function 1 intel-82599-vf serial 7`: a function joins a live bus (relations update, protocol.md §7.1). */
    | { kind: 'plug'; bus: Name; fn: FunctionDeclAst }
    /** `unplug nic0/1`: a function leaves the bus without an eject (relations update, protocol.md §7.1). */
    | { kind: 'unplug'; target: FnRef }
    | { kind: 'fault'; fault: FaultDecl }
  );

export type BusLifeState = 'attached' | 'failed' | 'detached' | 'rescinded' | 'ejected';

export type Expectation = { loc: Loc } & (
  | { kind: 'state'; bus: Name; state: BusLifeState; before?: number }
  | { kind: 'version'; bus: Name; version: number }
  | { kind: 'msix'; target: FnRef; count: number }
  | { kind: 'interrupt'; target: FnRef; vector: number; outcome: 'delivered' | 'undeliverable'; cpu?: number }
  | { kind: 'message'; message: MessageRef; bus?: Name; negate: boolean; count?: number; before?: number }
  | { kind: 'no-errors' }
);

export interface Scenario {
  /** Text of the leading `#` comment lines (the scenario's title), if any. */
  title?: string;
  vm: VmDecl;
  buses: BusDecl[];
  timeline: TimelineEvent[];
  expectations: Expectation[];
}
