// The vPCI debug adapter's custom requests and events: one typed contract for
// the adapter (adapter/session.ts answers them) and the extension (its views
// call them through `DebugSession.customRequest`). Each request names its
// arguments with a small runtime schema, so the adapter checks what arrives
// from the wire (a number that is not a whole number, a missing bus name…)
// before it acts, and answers a bad request with an error naming the argument.

export const DEBUG_TYPE = 'vpci';

// ---- shapes ----------------------------------------------------------------------

export interface TopologyBar {
  index: number;
  /** 'mem32' | 'mem64' | 'io' | 'rom' …, as the emulator names the BAR kind. */
  kind: string;
  size: number;
  address: number;
  decoding: boolean;
  /** Its decode is switched on (COMMAND's memory or I/O bit; a ROM's enable bit too), whatever its address. */
  enabled?: boolean;
  prefetchable: boolean;
  /** 'sizing' while the BAR holds the all-ones sizing pattern, 'unassigned' before it has an address. */
  state?: 'sizing' | 'unassigned' | 'assigned';
  /** While sizing: the register as read back (the size mask with the type bits). */
  readback?: number;
  /** Which register of a 64-bit BAR is being sized. */
  sizingHalf?: 'low' | 'high';
}

export interface TopologyInterrupt {
  index: number;
  address: number;
  data: number;
  masked: boolean;
  cpu?: number;
  vector?: number;
}

export interface TopologyFunction {
  wslot: number;
  /** "00.0": device.function on the bus. */
  slot: string;
  title: string;
  vendorId: number;
  deviceId: number;
  vanished: boolean;
  /** memoryReference of the function's config space (readMemory / the hex editor). */
  memoryReference: string;
  bars: TopologyBar[];
  interrupts: TopologyInterrupt[];
}

export interface TopologyBus {
  name: string;
  index: number;
  instance: string;
  /** The bridge driver's life cycle: offered, attaching, attached, failed, detached. */
  state: string;
  /** The VMBus channel's state. */
  channel: string;
  /** Negotiated protocol version ("1.1" …), or null before negotiation. */
  version: string | null;
  functions: TopologyFunction[];
}

export interface TopologyResponse {
  buses: TopologyBus[];
  /** The machine's virtual time (ns) when it was read; the view writes it with formatTime. */
  time: number;
}

export type MessageDir = 'toHost' | 'toGuest';

export interface CfgRun {
  count: number;
  reads: number;
  writes: number;
  /** The slots touched, "00.0, 01.0". */
  slots: string;
}

export interface MessageItem {
  /** Trace event index of the packet (what vpci/messageDetail and vpci/gotoEvent take). */
  index: number;
  /** Position of the packet in the message list (0-based). */
  seq: number;
  /** Virtual time, ns. */
  time: number;
  bus: string;
  dir: MessageDir;
  name: string;
  status?: string;
  txid: number;
  length: number;
  summary: string;
  /** The history position (step) that recorded the packet, -1 when unknown. */
  step: number;
  /** Config-window accesses on this bus since its previous packet (absent: none). */
  cfgBefore?: CfgRun;
}

export interface MessagesResponse {
  /** Messages the run has sent so far (rows 0 … total - 1), held or not. */
  total: number;
  items: MessageItem[];
  /**
   * The first row still held, when the oldest were dropped with the oldest step-back history (a
   * long session within its memory budget): rows before it answer no items.
   */
  first?: number;
}

export interface MessageField {
  name: string;
  offset: number;
  size: number;
  text: string;
  children?: MessageField[];
}

export interface MessageDetailResponse {
  index: number;
  time: number;
  dir: MessageDir;
  name: string;
  /** The whole VMBus packet, lower-case hex. */
  bytes: string;
  /** Bytes of the VMBus descriptor before the payload. */
  descriptorLength: number;
  /** Every field at its offset in `bytes`: the VMBus descriptor's, then the payload's after it. */
  fields: MessageField[];
  /** Why the payload does not decode (a short or malformed packet). */
  error?: { code: string; message: string; offset?: number };
  memoryReference: string;
}

export interface LspciResponse {
  text: string;
}

/** The PCI function a Variables row is under (its Device scope). */
export interface FunctionOfResponse {
  bus: string;
  wslot: number;
}

export interface ToggleHexResponse {
  hex: boolean;
}

export interface EjectResponse {
  ok: boolean;
}

export interface TraceResponse {
  lines: string[];
  total: number;
  /** The first event still held, when the oldest were dropped with the oldest step-back history. */
  first?: number;
}

/** One expectation's result, as a verdict carries it (emulator/machine/expect.ts ExpectResult). */
export interface VerdictItem {
  line: number;
  col: number;
  ok: boolean;
  /** The expectation as written ("expect nic0 version 1.1"). */
  text?: string;
  what: string;
  detail: string;
  expected?: string;
  actual?: string;
  /** The trace event that decided it (what *Debug at Cause* travels to). */
  cause?: { event: number; time: number; text: string };
}

/** The verdict of a run that reached its end: every expectation, held or not. */
export interface VerdictBody {
  /** Absolute path of the scenario. */
  scenario: string;
  results: VerdictItem[];
  held: number;
  total: number;
  steps: number;
  virtualTimeNs: number;
  /** The run did not finish: the step limit (this many steps) stopped it, and it was judged there. */
  stoppedAtMaxSteps?: number;
}

export interface GoToCauseResponse {
  /** The stop's description: "expect nic0 version 1.1: negotiated 1.3 here". */
  description: string;
}

/** Every custom request: its arguments and the body of its response. */
export interface VpciRequests {
  'vpci/topology': { args: Record<string, never>; body: TopologyResponse };
  'vpci/messages': { args: { from?: number; count?: number }; body: MessagesResponse };
  'vpci/messageDetail': { args: { index: number }; body: MessageDetailResponse };
  'vpci/gotoEvent': { args: { index: number }; body: undefined };
  'vpci/toggleHex': { args: { hex?: boolean }; body: ToggleHexResponse };
  /**
   * The functions (all, a bus's or one) as lspci prints them: decoded as with -vvv unless `verbose`
   * is false (then one line each), and with `hex` their whole config space as -xxxx dumps it.
   */
  'vpci/lspci': { args: { bus?: string; wslot?: number; verbose?: boolean; hex?: boolean }; body: LspciResponse };
  'vpci/eject': { args: { bus: string; wslot?: number }; body: EjectResponse };
  'vpci/trace': { args: { from?: number; count?: number }; body: TraceResponse };
  /** The function whose Device scope holds the row with this reference, at this stop (the Variables context menu's commands). */
  'vpci/functionOf': { args: { variablesReference: number }; body: FunctionOfResponse };
  /**
   * Runs the scenario to its end (if it is not there), judges it, and travels back to the moment
   * that decided the expectation on `line` (1-based, the scenario's): stopped before the guest
   * statement that made the deciding access or send.
   */
  'vpci/goToCause': { args: { line: number }; body: GoToCauseResponse };
}

export type VpciRequestName = keyof VpciRequests;
export type RequestArgs<K extends VpciRequestName> = VpciRequests[K]['args'];
export type RequestBody<K extends VpciRequestName> = VpciRequests[K]['body'];

/** Every custom event and its body. */
export interface VpciEvents {
  /** The trace changed (a stop, a step back, a hand-made change): views refresh. */
  'vpci/traceChanged': { length: number; position: number };
  /** The run reached its end (Continue, Go to Cause, or a noDebug launch): every expectation's result. */
  'vpci/verdict': VerdictBody;
}

export type VpciEventName = keyof VpciEvents;

/** Request names by short key, for callers. */
export const REQ = {
  topology: 'vpci/topology',
  messages: 'vpci/messages',
  messageDetail: 'vpci/messageDetail',
  gotoEvent: 'vpci/gotoEvent',
  toggleHex: 'vpci/toggleHex',
  lspci: 'vpci/lspci',
  eject: 'vpci/eject',
  trace: 'vpci/trace',
  goToCause: 'vpci/goToCause',
  functionOf: 'vpci/functionOf',
} as const satisfies Record<string, VpciRequestName>;

export const EVT_TRACE_CHANGED = 'vpci/traceChanged' satisfies VpciEventName;
export const EVT_VERDICT = 'vpci/verdict' satisfies VpciEventName;

// ---- argument checking -------------------------------------------------------------

type FieldKind = 'uint' | 'string' | 'boolean';
interface FieldSpec {
  kind: FieldKind;
  optional?: boolean;
  /** Largest value a 'uint' may take. */
  max?: number;
}

/** win_slot: device in bits 0–4, function in bits 5–7 (docs/protocol.md §3); higher bits are reserved. */
const WSLOT_MAX = 0xff;
const SCHEMAS: { [K in VpciRequestName]: { [F in keyof Required<RequestArgs<K>>]: FieldSpec } } = {
  'vpci/topology': {},
  'vpci/messages': { from: { kind: 'uint', optional: true }, count: { kind: 'uint', optional: true } },
  'vpci/messageDetail': { index: { kind: 'uint' } },
  'vpci/gotoEvent': { index: { kind: 'uint' } },
  'vpci/toggleHex': { hex: { kind: 'boolean', optional: true } },
  'vpci/lspci': {
    bus: { kind: 'string', optional: true },
    wslot: { kind: 'uint', optional: true, max: WSLOT_MAX },
    verbose: { kind: 'boolean', optional: true },
    hex: { kind: 'boolean', optional: true },
  },
  'vpci/eject': { bus: { kind: 'string' }, wslot: { kind: 'uint', optional: true, max: WSLOT_MAX } },
  'vpci/trace': { from: { kind: 'uint', optional: true }, count: { kind: 'uint', optional: true } },
  'vpci/goToCause': { line: { kind: 'uint', max: 0xffff_ffff } },
  'vpci/functionOf': { variablesReference: { kind: 'uint' } },
};

export function isVpciRequest(command: string): command is VpciRequestName {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, command);
}

/**
 * Checks a custom request's arguments against its schema. Unknown extra
 * fields are ignored (clients may add their own); a wrong or missing field is
 * an error naming it.
 */
export function checkRequestArgs<K extends VpciRequestName>(command: K, raw: unknown): { ok: true; args: RequestArgs<K> } | { ok: false; error: string } {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw)))
    return { ok: false, error: `${command}: arguments must be an object` };
  const obj = (raw ?? {}) as Record<string, unknown>;
  const schema = SCHEMAS[command] as Record<string, FieldSpec>;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const v = obj[name];
    if (v === undefined || v === null) {
      if (spec.optional) continue;
      return { ok: false, error: `${command}: argument '${name}' is required` };
    }
    switch (spec.kind) {
      case 'uint':
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > (spec.max ?? Number.MAX_SAFE_INTEGER))
          return {
            ok: false,
            error: `${command}: argument '${name}' must be a whole number from 0${spec.max !== undefined ? ` to ${spec.max}` : ''} (got ${describe(v)})`,
          };
        break;
      case 'string':
        if (typeof v !== 'string') return { ok: false, error: `${command}: argument '${name}' must be a string (got ${describe(v)})` };
        break;
      case 'boolean':
        if (typeof v !== 'boolean') return { ok: false, error: `${command}: argument '${name}' must be true or false (got ${describe(v)})` };
        break;
    }
    out[name] = v;
  }
  return { ok: true, args: out };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number') return String(v);
  return Array.isArray(v) ? 'an array' : typeof v;
}
