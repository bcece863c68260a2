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
  verified: boolean;
  message?: string;
  /** Its condition or hit count is malformed (conditionProblem): it never acts. */
  broken?: boolean;
}

export type AccessType = 'read' | 'write' | 'readWrite';

/**
 * A data breakpoint target. Config-space registers: `cfg:<bus>:<wslot>:<offset>:<width>`;
 * MSI-X table entries: `msix:<bus>:<wslot>:<index>`; byte ranges "at address"
 * (guest physical or config window offsets): `bytes:<bus>:<wslot>:<offset>:<length>`.
 * Ids name the bus by name, so they persist across sessions of the same scenario.
 */
export interface DataTarget {
  kind: 'cfg' | 'msix';
  bus: string;
  wslot: number;
  /** Config offset (cfg) or entry index (msix). */
  offset: number;
  /** Bytes watched (cfg: 1, 2 or 4 — or any length for a byte range). */
  width: number;
  description: string;
}

export interface DataBp {
  id: number;
  dataId: string;
  target: DataTarget;
  access: AccessType;
  condition?: string;
  hitCondition?: string;
  hits: number;
  /** Its condition or hit count is malformed (conditionProblem): it never acts. */
  broken?: boolean;
}

export const EXCEPTION_FILTERS = [
  {
    filter: 'protocol-error',
    label: 'Protocol errors',
    description: 'A malformed or out-of-order packet, a fatal channel error, a rejected config-window access',
    default: true,
  },
  { filter: 'error-status', label: 'Host error statuses', description: 'The host completes a request with a failure status (NTSTATUS < 0)', default: false },
  { filter: 'fault', label: 'Injected faults', description: 'A fault from the scenario fires', default: true },
  { filter: 'timeout', label: 'Timeouts', description: 'An eject times out, a guest wait gives up', default: true },
  { filter: 'undeliverable', label: 'Undeliverable interrupts', description: 'A device interrupt that the host cannot route to a guest CPU', default: true },
] as const;
export type ExceptionFilter = (typeof EXCEPTION_FILTERS)[number]['filter'];

export function dataId(t: Omit<DataTarget, 'description'>): string {
  return `${t.kind}:${t.bus}:${t.wslot}:${t.offset}:${t.width}`;
}

export function parseDataId(id: string): Omit<DataTarget, 'description'> | undefined {
  const m = /^(cfg|msix):([^:]+):(\d+):(\d+):(\d+)$/.exec(id);
  if (!m) return undefined;
  return { kind: m[1] as 'cfg' | 'msix', bus: m[2]!, wslot: Number(m[3]), offset: Number(m[4]), width: Number(m[5]) };
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
export function conditionProblem(condition: string | undefined, hitCondition: string | undefined): string | undefined {
  if (condition) {
    const e = syntaxError(condition);
    if (e) return `Condition "${clip(condition)}": ${e}`;
  }
  if (!validHitCondition(hitCondition)) return `Hit count "${clip(hitCondition!)}": use N, =N, >N, >=N, <N, <=N or %N`;
  return undefined;
}
