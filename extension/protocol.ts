// The vPCI debug adapter's custom requests and events, as the extension sees
// them. These shapes are the contract with adapter/session.ts (issue 7 brief);
// every view reads the adapter only through `DebugSession.customRequest`.

export interface TopologyBar {
  index: number;
  kind: string; // 'mem32' | 'mem64' | 'mem64-pf' | 'io' …, as the adapter names it
  size: number;
  address: number | string;
  decoding: boolean;
  /** 'sizing' while the BAR holds the all-ones sizing pattern, 'unassigned' before it has an address. */
  state?: 'sizing' | 'unassigned' | 'assigned';
  /** While sizing: the register as read back (the size mask with the type bits). */
  readback?: number;
  /** Which register of a 64-bit BAR is being sized. */
  sizingHalf?: 'low' | 'high';
}

export interface TopologyInterrupt {
  index: number;
  address: number | string;
  data: number;
  masked: boolean;
  cpu?: number;
  vector?: number;
}

export interface TopologyFunction {
  wslot: number;
  slot: string;
  title: string;
  vendorId: number;
  deviceId: number;
  bars: TopologyBar[];
  interrupts: TopologyInterrupt[];
}

export interface TopologyBus {
  name: string;
  instance: string;
  state: string;
  /** Negotiated protocol version ("1.1" …), or null before negotiation. */
  version: string | null;
  functions: TopologyFunction[];
}

export interface TopologyResponse {
  buses: TopologyBus[];
}

export type MessageDir = 'toHost' | 'toGuest';

export interface MessageItem {
  index: number;
  time: number | string;
  bus: string;
  dir: MessageDir;
  name: string;
  status?: number | string;
  txid: number | string;
  length: number;
  summary: string;
  /** Config-window accesses on this bus since its previous packet (absent: none). */
  cfgBefore?: { count: number; reads: number; writes: number; slots: string };
}

export interface MessagesResponse {
  total: number;
  items: MessageItem[];
}

export interface MessageDetailResponse {
  bytes: string; // hex
  fields: unknown[];
}

export interface LspciResponse {
  text: string;
}

export const REQ = {
  topology: 'vpci/topology',
  messages: 'vpci/messages',
  messageDetail: 'vpci/messageDetail',
  gotoEvent: 'vpci/gotoEvent',
  toggleHex: 'vpci/toggleHex',
  lspci: 'vpci/lspci',
  eject: 'vpci/eject',
} as const;

export const EVT_TRACE_CHANGED = 'vpci/traceChanged';

export const DEBUG_TYPE = 'vpci';

/** `0x` + lower-case hex, zero-padded to `width` digits. */
export function hex(n: number | string, width = 0): string {
  if (typeof n === 'string') return n;
  return '0x' + n.toString(16).padStart(width, '0');
}

/** 4 KiB, 16 MiB, 512 B: sizes the way lspci prints them. */
export function sizeText(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  let v = n;
  while (v >= 1024 && v % 1024 === 0 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v}${units[u]}${u === 0 ? ' B' : ''}`;
}
