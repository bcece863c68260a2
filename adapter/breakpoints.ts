// Breakpoint models, independent of DAP: line breakpoints on listings and
// scenarios (with conditions, hit counts and log messages), function
// breakpoints on driver functions and protocol messages, data breakpoints on
// config registers / fields and MSI-X entries with stable ids, and exception
// filters. The runtime asks these after every step whether to stop.
import { syntaxError } from './expr';
import { clip } from '../emulator/format';

export interface LineBp {
  id: number;
  /** Absolute path of the listing or scenario file. */
  path: string;
  line: number;
  verified: boolean;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  hitAt?: number[];
  /** See HitCount. */
  countedTo?: number;
  message?: string;
  /** Its condition or hit count is malformed (conditionProblem): it never acts. */
  broken?: boolean;
}

export interface FunctionBp {
  id: number;
  name: string;
  kind: 'function' | 'message';
  /** For message breakpoints: the message type value. */
  messageType?: number;
  condition?: string;
  hitCondition?: string;
  hits: number;
  hitAt?: number[];
  /** See HitCount. */
  countedTo?: number;
  verified: boolean;
  message?: string;
  /** Its condition or hit count is malformed (conditionProblem): it never acts. */
  broken?: boolean;
}

export type AccessType = 'read' | 'write' | 'readWrite';

/**
 * A data breakpoint target, and its id (dataId):
 * - a config-space register, field or byte range of one function: `cfg:<bus>:<wslot>:<offset>:<width>`;
 * - an MSI-X table entry of one function: `msix:<bus>:<wslot>:<index>:16`, or one dword of it:
 *   `msix:<bus>:<wslot>:<index>:4:<byte>` (byte 0, 4, 8 or 12 of the entry);
 * - guest-physical bytes ("Add Data Breakpoint at Address"): `gpa:<address>:<length>`, whatever is
 *   placed there when the guest touches them — a BAR's memory, or a bus's config window (its
 *   config page: any function's config access through that window).
 * Ids name the bus by name, so they persist across sessions of the same scenario.
 */
export type DataTarget = FunctionDataTarget | AddressDataTarget;

/** Config space (`cfg`) or an MSI-X entry (`msix`) of the function at `wslot` on bus `bus`. */
export interface FunctionDataTarget {
  kind: 'cfg' | 'msix';
  bus: string;
  wslot: number;
  /** Config offset (cfg) or entry index (msix). */
  offset: number;
  /** Bytes watched (cfg: 1, 2 or 4 — or any length for a byte range; msix: 16, or 4 for one dword). */
  width: number;
  /** msix: the watched dword's byte in the entry (0, 4, 8 or 12); none for the whole entry. */
  at?: number;
  description: string;
}

/** Guest-physical bytes [address, address + width). */
export interface AddressDataTarget {
  kind: 'gpa';
  address: number;
  width: number;
  description: string;
}

/** A target without its description: what an id names. */
export type DataTargetId = Omit<FunctionDataTarget, 'description'> | Omit<AddressDataTarget, 'description'>;

export interface DataBp {
  id: number;
  dataId: string;
  target: DataTarget;
  access: AccessType;
  condition?: string;
  hitCondition?: string;
  hits: number;
  hitAt?: number[];
  /** See HitCount. */
  countedTo?: number;
  /** Its condition or hit count is malformed (conditionProblem): it never acts. */
  broken?: boolean;
}

/**
 * A breakpoint's hit count: for a breakpoint with a hit condition, its passes (condition holding)
 * from the oldest step history holds up to where the machine stands, at the positions they
 * happened at (`hitAt`, ascending), so that the count follows time travel — the third hit is the
 * third hit again, however the run got there (VpciRuntime.syncHits).
 */
export interface HitCount {
  hits: number;
  hitAt?: number[];
  /** Every pass at a position up to this one is in `hitAt` (syncHits counts what lies beyond). */
  countedTo?: number;
}

/**
 * Counts a hit at position `pos`. Only a breakpoint with a hit condition keeps where its hits were
 * (without one the count decides nothing); positions before `oldest` (history no longer held,
 * never returned to) no longer count.
 */
export function countHit(b: HitCount & { hitCondition?: string }, pos: number, oldest: number): number {
  b.hits++;
  if (!b.hitCondition) return b.hits;
  const at = (b.hitAt ??= []);
  at.push(pos);
  if (at[0]! < oldest) {
    let n = 0;
    while (n < at.length && at[n]! < oldest) n++;
    at.splice(0, n);
    b.hits -= n;
  }
  return b.hits;
}

/** The exception breakpoint filters: `label` in the Breakpoints view, `kind` (one of them) names a stop's exception (exceptionInfo). */
export const EXCEPTION_FILTERS = [
  {
    filter: 'protocol-error',
    label: 'Protocol errors',
    kind: 'Protocol error',
    description: 'A malformed or out-of-order packet, a fatal channel error, a rejected config-window access',
    default: true,
  },
  {
    filter: 'error-status',
    label: 'Host error statuses',
    kind: 'Host error status',
    description: 'The host completes a request with a failure status (NTSTATUS < 0)',
    default: false,
  },
  { filter: 'fault', label: 'Injected faults', kind: 'Injected fault', description: 'A fault from the scenario fires', default: true },
  { filter: 'timeout', label: 'Timeouts', kind: 'Timeout', description: 'An eject times out, a guest wait gives up', default: true },
  {
    filter: 'undeliverable',
    label: 'Undeliverable interrupts',
    kind: 'Undeliverable interrupt',
    description: 'A device interrupt that the host cannot route to a guest CPU',
    default: true,
  },
] as const;
export type ExceptionFilter = (typeof EXCEPTION_FILTERS)[number]['filter'];

export function dataId(t: DataTargetId): string {
  if (t.kind === 'gpa') return `gpa:${t.address}:${t.width}`;
  return `${t.kind}:${t.bus}:${t.wslot}:${t.offset}:${t.width}${t.at !== undefined ? `:${t.at}` : ''}`;
}

export function parseDataId(id: string): DataTargetId | undefined {
  const g = /^gpa:(\d{1,16}):(\d{1,10})$/.exec(id);
  if (g) return { kind: 'gpa', address: Number(g[1]), width: Number(g[2]) };
  const m = /^(cfg|msix):([^:]+):(\d{1,10}):(\d{1,10}):(\d{1,10})(?::(\d{1,10}))?$/.exec(id);
  if (!m || (m[6] !== undefined && m[1] !== 'msix')) return undefined;
  const t: DataTargetId = { kind: m[1] as 'cfg' | 'msix', bus: m[2]!, wslot: Number(m[3]), offset: Number(m[4]), width: Number(m[5]) };
  if (m[6] !== undefined) t.at = Number(m[6]);
  return t;
}

/** x86-64 guest-physical addresses are at most 52 bits wide (Intel SDM vol. 3A §4.1.4, MAXPHYADDR ≤ 52). */
export const GPA_LIMIT = 2 ** 52;
/** The most bytes one address watch spans: 4 GiB, the largest 32-bit window (ours). */
export const GPA_WATCH_MAX = 2 ** 32;
/** PCIe config space: 4 KiB. MSI-X: at most 2048 entries of 16 bytes (PCIe Base Spec, MSI-X Table Size is 11 bits). */
const CONFIG_BYTES = 4096;
const MSIX_ENTRIES = 2048;

/**
 * What no device can have at a data breakpoint's target (an id the adapter never gives out: a
 * range past config space, an empty or inverted one, a slot outside the 8-bit wslot, an MSI-X
 * entry past the largest table), or undefined.
 */
export function dataTargetProblem(t: DataTargetId): string | undefined {
  if (t.kind === 'gpa') {
    if (t.width < 1) return 'it watches no bytes';
    if (t.width > GPA_WATCH_MAX) return `it watches ${t.width} bytes, more than the ${GPA_WATCH_MAX} (4 GiB) one watch may span`;
    if (t.address + t.width > GPA_LIMIT) return `0x${t.address.toString(16)}..+${t.width} is past the 52-bit guest-physical address space`;
    return undefined;
  }
  if (t.wslot > 0xff) return `slot ${t.wslot} is not a device and function (0-255)`;
  if (t.kind === 'msix') {
    if (t.at === undefined ? t.width !== 16 : t.width !== 4 || t.at % 4 !== 0 || t.at > 12)
      return `an MSI-X watch is an entry (16 bytes) or one of its dwords (4 bytes at byte 0, 4, 8 or 12 of it): the id says ${t.width} bytes${t.at !== undefined ? ` at byte ${t.at}` : ''}`;
    if (t.offset >= MSIX_ENTRIES) return `MSI-X entry ${t.offset} is past the largest table (${MSIX_ENTRIES} entries)`;
    return undefined;
  }
  if (t.width < 1) return 'it watches no bytes';
  if (t.offset >= CONFIG_BYTES || t.offset + t.width > CONFIG_BYTES)
    return `config 0x${t.offset.toString(16)}..+${t.width} is past the ${CONFIG_BYTES}-byte config space`;
  return undefined;
}

/** Hit conditions as VS Code users write them: "5", "=5", ">5", ">=5", "%3". */
export function hitConditionMet(cond: string | undefined, hits: number): boolean {
  if (!cond || !cond.trim()) return true;
  const m = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return hits > n;
    case '>=':
      return hits >= n;
    case '<':
      return hits < n;
    case '<=':
      return hits <= n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

export function validHitCondition(cond: string | undefined): boolean {
  return !cond || /^\s*(==|=|>=|>|<=|<|%)?\s*\d+\s*$/.test(cond);
}

/**
 * What is wrong with a breakpoint's condition (its syntax) or hit count, for its message, or
 * undefined. A breakpoint with a problem is reported unverified and never acts (it neither stops
 * nor counts); names in a condition are looked up where it is evaluated, not here.
 */
export function conditionProblem(condition: string | undefined, hitCondition: string | undefined, logMessage?: string): string | undefined {
  if (condition) {
    const e = syntaxError(condition);
    if (e) return `Condition "${clip(condition)}": ${e}`;
  }
  if (!validHitCondition(hitCondition)) return `Hit count "${clip(hitCondition!)}": use N, =N, >N, >=N, <N, <=N or %N`;
  if (hitCondition && neverMet(hitCondition)) return `Hit count "${clip(hitCondition)}" is never met: hits are counted from 1`;
  // A log message's {expressions} are read now, as a condition is: not found wrong at every hit.
  if (logMessage)
    for (const m of logMessage.matchAll(/\{([^{}]+)\}/g)) {
      const e = syntaxError(m[1]!);
      if (e) return `Log message "{${clip(m[1]!)}}": ${e}`;
    }
  return undefined;
}

/** A well-formed hit count that no number of hits (1, 2, 3, …) meets: 0, =0, %0, <1, <=0. */
function neverMet(cond: string): boolean {
  const m = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<':
      return n <= 1;
    case '>':
    case '>=':
      return false;
    default:
      // N, =N, ==N, <=N and %N
      return n === 0;
  }
}
