// The message-sequence webview's page, in two modes. Live: guest and host
// lanes per bus of the active debug session, one row per VMBus packet drawn as
// an arrow with its name and status, pages fetched on demand. Compare: two
// runs as two lanes, rows aligned by `vpci-lab diff`'s alignment, divergent
// rows marked, a "next divergence" button, and for a selected pair both
// packets' bytes with the differing bytes marked. Lanes are as wide as their
// longest label (the page scrolls sideways; the row number and time column
// stays put); full names and summaries are on hover. Only the rows in view
// exist in the DOM (fixed row height), so 100,000 packets scroll as fast as
// 100. The page script is plain browser code serialised from `sequencePage`.
import { sequenceCss } from './sequence-style';

export const ROW_HEIGHT = 24;
export const PAGE = 200;

export type SequenceMode = 'live' | 'compare';

/** One packet as the live page draws it (adapter MessageItem + display text). */
export interface LiveItem {
  index: number;
  seq: number;
  time: number;
  timeText: string;
  bus: string;
  dir: 'toHost' | 'toGuest';
  name: string;
  status?: string;
  txid: number | string;
  length: number;
  summary: string;
  cfgBefore?: { count: number; reads: number; writes: number; slots: string };
}

/** One side of a compared row. */
export interface CompareSide {
  /** Row number of the packet in its run's message sequence (1-based, as the live view numbers it). */
  n: number;
  timeText: string;
  dir: 'toHost' | 'toGuest';
  name: string;
  status?: string;
  summary: string;
  /** Lower-case hex of the whole packet. */
  bytes: string;
  /** Decoded fields, one per line. */
  fields: string;
}

export type CompareRow =
  { kind: 'header'; text: string } | { kind: 'same' | 'changed' | 'left' | 'right'; bus: string; left?: CompareSide; right?: CompareSide; changes?: string[] };

/*
 * The few DOM pieces the page script uses, typed here because the extension compiles without the
 * DOM library (its code runs in Node; only this function runs in the webview). Types only: the
 * serialised function references none of them at run time.
 */
interface PageStyle {
  left: string;
  top: string;
  width: string;
  height: string;
  transform: string;
  setProperty(name: string, value: string): void;
}
interface PageText {
  readonly nodeType: number;
}
interface PageElement {
  className: string;
  textContent: string | null;
  title: string;
  hidden: boolean;
  scrollTop: number;
  readonly scrollLeft: number;
  readonly clientHeight: number;
  readonly clientWidth: number;
  readonly style: PageStyle;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { add(name: string): void };
  appendChild(child: PageElement | PageText): void;
  insertBefore(child: PageElement, before: PageElement): void;
  remove(): void;
  querySelectorAll(selector: string): Iterable<PageElement>;
  closest(selector: string): PageElement | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  addEventListener(type: 'click', listener: (e: { target: PageElement }) => void): void;
  addEventListener(type: 'scroll', listener: () => void): void;
}
interface PageCanvas {
  getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } | null;
}
interface PageDocument {
  readonly body: PageElement;
  getElementById(id: string): PageElement | null;
  createElement(tag: 'canvas'): PageCanvas;
  createElement(tag: string): PageElement;
  createTextNode(text: string): PageText;
}
interface PageWindow {
  readonly document: PageDocument;
  readonly innerHeight: number;
  getComputedStyle(e: PageElement): { font: string };
  addEventListener(type: 'resize', listener: () => void): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  acquireVsCodeApi(): { postMessage(m: unknown): void };
}

/** Browser side. Must not reference anything outside itself. */
function sequencePage(ROW: number, PAGE_SIZE: number, MODE: 'live' | 'compare'): void {
  type Side = { n: number; timeText: string; dir: 'toHost' | 'toGuest'; name: string; status?: string; summary: string; bytes: string; fields: string };
  // Types only (erased from the page's text): the live item as the page receives it.
  type Item = Omit<LiveItem, 'time'>;

  type CRow = { kind: string; text?: string; bus?: string; left?: Side; right?: Side; changes?: string[] };
  /** What the extension posts to the page (sequence-panel.ts, compare.ts). */
  type Incoming =
    | { type: 'init'; buses: string[]; total: number; first?: number }
    | { type: 'total'; total: number; first?: number }
    | { type: 'ended' }
    | { type: 'items'; from: number; items: Item[] }
    | { type: 'detail'; title: string; dump: string; fields: string }
    | { type: 'compare'; labels: [string, string]; rows: CRow[]; first: string; counts: string; firstRow: number };
  const win = globalThis as unknown as PageWindow;
  const vscode = win.acquireVsCodeApi();
  const doc = win.document;
  const $ = (id: string): PageElement => {
    const e = doc.getElementById(id);
    if (!e) throw new Error(`the page has no #${id}`);
    return e;
  };
  const scroller = $('scroller');
  const spacer = $('spacer');
  const rowsEl = $('rows');
  const lanes = $('lanes');
  const detail = $('detail');
  const countEl = $('count');
  const el = (tag: string, cls?: string, text?: string): PageElement => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // ---- geometry: a fixed column, then lanes as wide as their labels ----
  const MARGIN = 74;
  const TIME_W = 104;
  const BASE_FIX = MODE === 'live' ? 156 : 72;
  /** The fixed column: row number and time, and with several buses the packet's bus (its lanes may be scrolled away). */
  let FIX_W = BASE_FIX;
  /**
   * In a view too narrow for every bus's lanes (an editor half the window wide), the fixed column
   * also names each packet (→ to the host, ← to the guest), so the rows say what they are without
   * scrolling sideways; the arrows stay to the right. 0 while the lanes fit.
   */
  let NAME_W = 0;
  let SPAN = 180;
  const canvas = doc.createElement('canvas').getContext('2d');
  const measure = (t: string): number => {
    if (!canvas) return t.length * 7;
    canvas.font = win.getComputedStyle(doc.body).font;
    return canvas.measureText(t).width * 0.92;
  };
  /** Widens the lanes to a label; true when they changed (rows are then drawn again). */
  function fit(label: string): boolean {
    const w = Math.min(560, Math.max(150, Math.ceil(measure(label)) + 28));
    if (w <= SPAN) return false;
    SPAN = w;
    return true;
  }
  const shortName = (n: string) => n.replace(/^PCI_/, '').replace(/ \(completion\)$/, '');
  const shortStatus = (s: string | undefined) => (s ?? '').replace(/ \(0x[0-9A-Fa-f]+\)$/, '');
  const isCompletion = (n: string, status?: string) => / \(completion\)$/.test(n) || status !== undefined;
  /** The arrow's label: the message name, or "↩ REQUEST: STATUS" for a completion. */
  const labelOf = (name: string, status?: string) =>
    isCompletion(name, status) ? `↩ ${shortName(name)}${status !== undefined ? `: ${shortStatus(status)}` : ''}` : shortName(name);
  const isError = (s: string | undefined) => s !== undefined && s !== 'SUCCESS' && s !== '0x00000000';

  // ---- state ----
  let total = 0;
  /** Rows before this one were dropped with the oldest step-back history (vpci/messages `first`). */
  let dropped = 0;
  /** The session these messages came from has ended: they stay to read, Go to step is off. */
  let ended = false;
  let buses: string[] = [];
  let selected = -1;
  const cache = new Map<number, Item>();
  const requested = new Set<number>();
  const shown = new Map<number, PageElement>();
  let crows: CRow[] = [];
  let labels: [string, string] = ['', ''];
  let layoutKey = 0;

  /** Whether every bus's lanes would not fit beside a fixed column `fix` wide (live view only). */
  const narrow = (fix: number): boolean => MODE === 'live' && scroller.clientWidth > 0 && scroller.clientWidth < fix + Math.max(1, buses.length) * busW();
  const busW = () => 2 * MARGIN + SPAN;
  const laneW = () => TIME_W + 2 * MARGIN + SPAN;
  const busX = (b: number) => FIX_W + b * busW();
  const laneX = (k: number) => FIX_W + k * laneW();
  const width = () => (MODE === 'live' ? FIX_W + Math.max(1, buses.length) * busW() + 480 : FIX_W + 2 * laneW() + 420);

  /** A bus's lane index; a bus not seen yet gets lanes, drawn after this render (never inside it). */
  function busIndex(bus: string): number {
    let b = buses.indexOf(bus);
    if (b < 0) {
      buses.push(bus);
      b = buses.length - 1;
      setTimeout(relayout, 0);
    }
    return b;
  }

  function title(x: number, w: number, text: string, cls: string): PageElement {
    const t = el('div', 'lane-title ' + cls, text);
    t.style.left = x + 'px';
    t.style.width = w + 'px';
    t.title = text;
    return t;
  }

  function lifeline(x: number, cls = 'lifeline'): void {
    const l = el('div', cls);
    l.style.left = x + 'px';
    spacer.insertBefore(l, rowsEl);
  }

  /** Lane titles and lifelines for the current geometry; rows already drawn are drawn again. */
  function relayout(): void {
    layoutKey++;
    const busCol = MODE === 'live' && buses.length > 1 ? Math.ceil(Math.max(...buses.map((b) => measure(b)))) + 16 : 0;
    // As wide as the longest label allows, within what the view leaves beside the number and time.
    NAME_W = narrow(BASE_FIX + busCol) ? Math.max(96, Math.min(240, SPAN, scroller.clientWidth - BASE_FIX - busCol - 12)) : 0;
    FIX_W = BASE_FIX + busCol + NAME_W;
    const ft = doc.getElementById('fixed-title');
    if (ft) {
      ft.style.width = FIX_W + 'px';
      const nt = doc.getElementById('name-title');
      if (nt) {
        nt.hidden = NAME_W === 0;
        nt.style.left = FIX_W - NAME_W + 'px';
      }
    }
    lanes.textContent = '';
    for (const l of [...spacer.querySelectorAll('.lifeline, .lane-sep')]) l.remove();
    if (MODE === 'live') {
      buses.forEach((b, k) => {
        const gx = busX(k) + MARGIN;
        lanes.appendChild(title(gx - MARGIN + 2, 2 * MARGIN - 4, b + ' guest', 'guest'));
        lanes.appendChild(title(gx + SPAN - MARGIN + 2, 2 * MARGIN - 4, b + ' host', 'host'));
        lifeline(gx);
        lifeline(gx + SPAN);
      });
    } else {
      for (const k of [0, 1]) {
        const x = laneX(k);
        lanes.appendChild(title(x, TIME_W + MARGIN, labels[k]!, 'run'));
        lanes.appendChild(title(x + TIME_W + 2, 2 * MARGIN - 4, 'guest', 'guest'));
        lanes.appendChild(title(x + TIME_W + SPAN + 2, 2 * MARGIN - 4, 'host', 'host'));
        lifeline(x + TIME_W + MARGIN);
        lifeline(x + TIME_W + MARGIN + SPAN);
        lifeline(x, 'lane-sep');
      }
      lifeline(laneX(2), 'lane-sep');
    }
    spacer.style.width = width() + 'px';
    lanes.style.width = width() + 'px';
    for (const e of shown.values()) e.remove();
    shown.clear();
    render();
  }

  function arrow(x1: number, x2: number, dir: string, label: string, error: boolean, tip: string): PageElement {
    const a = el('div', 'arrow ' + dir + (error ? ' error' : ''));
    a.style.left = Math.min(x1, x2) + 'px';
    a.style.width = Math.abs(x2 - x1) + 'px';
    a.title = tip;
    a.appendChild(el('span', 'label', label));
    a.appendChild(el('span', 'head'));
    return a;
  }

  // ---- live rows ----
  function liveRow(i: number): PageElement {
    const row = el('div', 'row' + (i === selected ? ' selected' : ''));
    row.style.top = i * ROW + 'px';
    row.style.width = width() + 'px';
    row.dataset.index = String(i);
    const fixed = el('div', 'fixed');
    fixed.style.width = FIX_W + 'px';
    fixed.appendChild(el('span', 'num', String(i + 1)));
    row.appendChild(fixed);
    const it = cache.get(i);
    if (!it && i < dropped) {
      row.classList.add('loading');
      row.title = 'Dropped with the oldest step-back history (vpci.history.maxMemory)';
      fixed.appendChild(el('span', 'time', 'dropped'));
      return row;
    }
    if (!it) {
      row.classList.add('loading');
      fixed.appendChild(el('span', 'time', '…'));
      return row;
    }
    fixed.appendChild(el('span', 'time', it.timeText));
    if (buses.length > 1) {
      const b = el('span', 'bus', it.bus);
      b.style.left = BASE_FIX + 'px';
      fixed.appendChild(b);
    }
    if (NAME_W) {
      // A reply reads "↩ REQUEST: STATUS" already; a message gets the way it goes.
      const label = labelOf(it.name, it.status);
      const text = isCompletion(it.name, it.status) ? label : (it.dir === 'toHost' ? '→ ' : '← ') + label;
      const n = el('span', 'name ' + it.dir + (isError(it.status) ? ' error' : ''), text);
      n.style.left = FIX_W - NAME_W + 'px';
      n.style.width = NAME_W - 8 + 'px';
      fixed.appendChild(n);
    }
    const b = busIndex(it.bus);
    const gx = busX(b) + MARGIN;
    const hx = gx + SPAN;
    const [x1, x2] = it.dir === 'toHost' ? [gx, hx] : [hx, gx];
    const tip = `#${i + 1} ${it.name}${it.status !== undefined ? ' → ' + it.status : ''} · ${it.summary} · txid ${it.txid}, ${it.length} bytes`;
    row.title = tip;
    row.appendChild(arrow(x1, x2, it.dir, labelOf(it.name, it.status), isError(it.status), tip));
    if (it.cfgBefore) {
      // The config-window traffic that came before this packet on its bus, left of the guest's lifeline.
      const c = el('span', 'cfg', '⋮ ' + it.cfgBefore.count + ' cfg');
      c.style.left = gx - MARGIN + 4 + 'px';
      c.style.width = MARGIN - 10 + 'px';
      c.title =
        it.cfgBefore.count +
        ' config-window access' +
        (it.cfgBefore.count === 1 ? '' : 'es') +
        ' before this packet (' +
        it.cfgBefore.reads +
        ' read, ' +
        it.cfgBefore.writes +
        ' write) to slot ' +
        it.cfgBefore.slots;
      row.appendChild(c);
    }
    const sum = el('span', 'summary', it.summary);
    sum.style.left = busX(buses.length) + 8 + 'px';
    row.appendChild(sum);
    return row;
  }

  // ---- compare rows ----
  function compareRow(i: number): PageElement {
    const r = crows[i]!;
    const row = el('div', 'row ' + r.kind + (i === selected ? ' selected' : ''));
    row.style.top = i * ROW + 'px';
    row.style.width = width() + 'px';
    row.dataset.index = String(i);
    if (r.kind === 'header') {
      row.appendChild(el('span', 'htext', r.text));
      return row;
    }
    const fixed = el('div', 'fixed');
    fixed.style.width = FIX_W + 'px';
    fixed.appendChild(el('span', 'mark', ({ same: '=', changed: '~', left: '<', right: '>' } as Record<string, string | undefined>)[r.kind] ?? ''));
    row.appendChild(fixed);
    const tips: string[] = [];
    ([r.left, r.right] as (Side | undefined)[]).forEach((s, k) => {
      const x = laneX(k);
      if (!s) {
        const bg = el('div', 'lane-bg');
        bg.style.left = x + 'px';
        bg.style.width = laneW() + 'px';
        row.appendChild(bg);
        return;
      }
      const t = el('span', 'ltime', s.timeText);
      t.style.left = x + 6 + 'px';
      row.appendChild(t);
      const gx = x + TIME_W + MARGIN;
      const hx = gx + SPAN;
      const [x1, x2] = s.dir === 'toHost' ? [gx, hx] : [hx, gx];
      const tip = `${labels[k]} #${s.n}: ${s.name}${s.status !== undefined ? ' → ' + s.status : ''} · ${s.summary}`;
      tips.push(tip);
      row.appendChild(arrow(x1, x2, s.dir, labelOf(s.name, s.status), isError(s.status), tip));
    });
    if (r.changes?.length) {
      const c = el('span', 'changes', r.changes.join('; '));
      c.style.left = laneX(2) + 8 + 'px';
      row.appendChild(c);
      tips.push('differs: ' + r.changes.join('; '));
    }
    row.title = tips.join('\n');
    return row;
  }

  function render(): void {
    const top = scroller.scrollTop;
    const h = scroller.clientHeight || win.innerHeight;
    const first = Math.max(0, Math.floor(top / ROW) - 10);
    const last = Math.min(total - 1, Math.ceil((top + h) / ROW) + 10);
    if (MODE === 'live')
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.max(first, last) / PAGE_SIZE); p++) {
        if (p * PAGE_SIZE >= total || requested.has(p)) continue;
        requested.add(p);
        vscode.postMessage({ type: 'need', from: p * PAGE_SIZE, count: PAGE_SIZE });
      }
    // Keyed reuse: rows already in the DOM stay (hover, clicks and focus survive a scroll).
    for (const [i, e] of shown) {
      if (i < first || i > last || e.dataset.key !== keyOf(i)) {
        e.remove();
        shown.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      if (shown.has(i)) continue;
      const e = MODE === 'live' ? liveRow(i) : compareRow(i);
      e.dataset.key = keyOf(i);
      shown.set(i, e);
      rowsEl.appendChild(e);
    }
  }

  /**
   * Rows the page keeps read (ours: 50 pages, 10,000 rows). Following a long session it read every
   * new page and kept each for the life of the session, rows the adapter had long dropped with the
   * oldest step-back history included. Rows before `dropped` are let go (they read as dropped, as
   * rows never read do), and past this the pages farthest from the view, read again when scrolled to.
   */
  const CACHE_ROWS = 50 * PAGE_SIZE;
  function trimCache(): void {
    if (dropped) for (const i of cache.keys()) if (i < dropped && i !== selected) cache.delete(i);
    if (cache.size <= CACHE_ROWS) return;
    const mid = Math.floor((scroller.scrollTop + (scroller.clientHeight || win.innerHeight) / 2) / ROW / PAGE_SIZE);
    const pages = [...new Set([...cache.keys()].map((i) => Math.floor(i / PAGE_SIZE)))].sort((a, b) => Math.abs(b - mid) - Math.abs(a - mid));
    for (const p of pages) {
      if (cache.size <= CACHE_ROWS || Math.abs(p - mid) <= 1) break;
      for (let i = p * PAGE_SIZE; i < (p + 1) * PAGE_SIZE; i++) if (i !== selected) cache.delete(i);
      requested.delete(p);
    }
  }

  function keyOf(i: number): string {
    return (MODE === 'compare' || cache.has(i) ? 'l' : i < dropped ? 'd' : 'p') + (i === selected ? 's' : '') + layoutKey;
  }

  function setTotal(n: number, follow: boolean): void {
    const atEnd = scroller.scrollTop + scroller.clientHeight >= total * ROW - 2;
    if (n < total) {
      cache.clear();
      requested.clear();
    } else requested.delete(Math.floor(total / PAGE_SIZE)); // the last page may have grown
    total = n;
    spacer.style.height = total * ROW + 'px';
    if (MODE === 'live')
      countEl.textContent =
        total.toLocaleString() +
        ' messages' +
        (dropped ? ' · the first ' + dropped.toLocaleString() + ' dropped with the oldest step-back history' : '') +
        (ended ? ' · the session has ended' : '');
    if (follow && atEnd) scroller.scrollTop = total * ROW;
    render();
  }

  function scrollTo(i: number): void {
    const top = i * ROW;
    if (top < scroller.scrollTop || top + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
  }

  // ---- selection and detail ----
  function select(i: number): void {
    selected = i;
    render();
    if (MODE === 'live') {
      const it = cache.get(i);
      if (it) vscode.postMessage({ type: 'select', index: it.index, seq: i });
      return;
    }
    const r = crows[i];
    if (!r || r.kind === 'header') return;
    showPair(r);
  }

  /** Hex rows of a packet with the bytes that differ from `other` marked. */
  function dump(hex: string, other: string | undefined): PageElement {
    const pre = el('pre');
    const n = hex.length / 2;
    for (let off = 0; off < n; off += 16) {
      pre.appendChild(doc.createTextNode(off.toString(16).padStart(4, '0') + ':'));
      for (let k = off; k < Math.min(n, off + 16); k++) {
        const b = hex.slice(2 * k, 2 * k + 2);
        pre.appendChild(doc.createTextNode(' '));
        const differs = other !== undefined && other.slice(2 * k, 2 * k + 2) !== b;
        pre.appendChild(differs ? el('span', 'bdiff', b) : doc.createTextNode(b));
      }
      pre.appendChild(doc.createTextNode('\n'));
    }
    return pre;
  }

  function showPair(r: CRow): void {
    const pair = $('pair');
    pair.textContent = '';
    const ks = ['left', 'right'] as const;
    ks.forEach((k, j) => {
      const s = r[k];
      const other = r[ks[1 - j]!];
      const box = el('div');
      box.appendChild(
        el(
          'strong',
          undefined,
          s
            ? `${labels[j]} #${s.n} · ${s.name}${s.status !== undefined ? ' → ' + s.status : ''} · ${s.bytes.length / 2} bytes · ${s.timeText}`
            : `${labels[j]}: no packet here`,
        ),
      );
      if (s) {
        box.appendChild(dump(s.bytes, other ? other.bytes : undefined));
        box.appendChild(el('pre', undefined, s.fields));
      }
      pair.appendChild(box);
    });
    $('detail-title').textContent =
      r.kind === 'same'
        ? 'The same on both sides'
        : r.kind === 'changed'
          ? 'Changed: ' + (r.changes ?? []).join('; ')
          : r.kind === 'left'
            ? 'Only ' + labels[0]
            : 'Only ' + labels[1];
    detail.hidden = false;
  }

  function nextDivergence(): void {
    for (let k = 1; k <= crows.length; k++) {
      const i = (Math.max(selected, -1) + k) % crows.length;
      const kind = crows[i]!.kind;
      if (kind !== 'same' && kind !== 'header') {
        scrollTo(i);
        select(i);
        return;
      }
    }
  }

  scroller.addEventListener('scroll', () => {
    scroller.style.setProperty('--sx', scroller.scrollLeft + 'px');
    lanes.style.transform = 'translateX(' + -scroller.scrollLeft + 'px)';
    render();
  });
  // A width that crosses the narrow line lays the rows out again (the names in the fixed column come or go).
  win.addEventListener('resize', () => {
    if (MODE === 'live' && NAME_W > 0 !== narrow(FIX_W - NAME_W)) relayout();
    else render();
  });
  rowsEl.addEventListener('click', (e) => {
    const row = e.target.closest('.row');
    if (row) select(Number(row.dataset.index));
  });
  $('goto').addEventListener('click', () => {
    const it = cache.get(selected);
    if (it) vscode.postMessage({ type: 'goto', index: it.index });
  });
  $('next').addEventListener('click', nextDivergence);
  win.addEventListener('message', (e) => {
    const m = e.data as Incoming;
    if (m.type === 'init') {
      ended = false;
      $('goto').removeAttribute('disabled');
      $('goto').title = 'Time-travel the session to the step that sent this packet';
      buses = m.buses.slice();
      cache.clear();
      requested.clear();
      selected = -1;
      total = 0;
      dropped = m.first ?? 0;
      detail.hidden = true;
      relayout();
      setTotal(m.total, true);
    } else if (m.type === 'total') {
      dropped = m.first ?? 0;
      trimCache();
      setTotal(m.total, true);
    } else if (m.type === 'ended') {
      // The messages already read stay to look at; nothing can travel to them any more.
      ended = true;
      $('goto').setAttribute('disabled', '');
      $('goto').title = 'The session has ended: start it again to travel to a step';
      setTotal(total, false);
    } else if (m.type === 'items') {
      // rows are keyed by their ordinal in the message list; `index` is the trace event
      let wider = false;
      for (const [k, it] of m.items.entries()) {
        if (m.from + k < dropped) continue;
        cache.set(m.from + k, it);
        if (fit(labelOf(it.name, it.status))) wider = true;
        if (!buses.includes(it.bus)) {
          buses.push(it.bus);
          wider = true;
        }
      }
      trimCache();
      if (wider) relayout();
      else render();
    } else if (m.type === 'detail') {
      $('detail-title').textContent = m.title;
      $('bytes').textContent = m.dump;
      $('fields').textContent = m.fields;
      detail.hidden = false;
    } else {
      // 'compare'
      labels = m.labels;
      crows = m.rows;
      for (const r of crows) for (const s of [r.left, r.right]) if (s) fit(labelOf(s.name, s.status));
      $('first').textContent = m.first;
      countEl.textContent = m.counts;
      selected = -1;
      total = 0;
      relayout();
      setTotal(crows.length, false);
      if (m.firstRow >= 0) {
        scrollTo(m.firstRow);
        select(m.firstRow);
      }
    }
  });
  relayout();
  vscode.postMessage({ type: 'ready' });
}

export function sequenceHtml(cspSource: string, nonce: string, mode: SequenceMode = 'live'): string {
  const live = mode === 'live';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${live ? 'vPCI Message Sequence' : 'vPCI Compare Runs'}</title>
<style>${sequenceCss(ROW_HEIGHT)}</style></head>
<body>
  <div id="bar"><strong>${live ? 'Message sequence' : 'Compare runs'}</strong><span id="count">${live ? '0 messages' : ''}</span>${live ? '' : '<button id="next" title="Select the next row that differs">Next divergence</button><span id="legend">= same · ~ changed · &lt; only left · &gt; only right</span><span id="first"></span>'}${live ? '<button id="next" hidden></button>' : ''}</div>
  <div id="lanes-wrap"><div id="lanes"></div><div class="fixed-title" id="fixed-title" style="width:${live ? 156 : 72}px">${live ? '#&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;time<span id="name-title" class="name-title" hidden>message</span>' : ''}</div></div>
  <div id="scroller"><div id="spacer"><div id="rows"></div></div></div>
  <div id="detail" hidden>
    <div><strong id="detail-title"></strong> <button id="goto" title="Time-travel the session to the step that sent this packet"${live ? '' : ' hidden'}>Go to step</button></div>
    ${live ? '<pre id="bytes"></pre>\n    <pre id="fields"></pre>' : '<div id="pair"></div>'}
  </div>
  <script nonce="${nonce}">(${sequencePage.toString()})(${ROW_HEIGHT}, ${PAGE}, ${JSON.stringify(mode)});</script>
</body></html>`;
}

/** `+0x04  protocol_version (4) = 0x10001 (1.1)` from the adapter's decoded field. */
export function fieldLine(f: unknown): string {
  if (typeof f === 'string') return f;
  if (!f || typeof f !== 'object') return String(f);
  const x = f as { name?: string; offset?: number; size?: number; value?: unknown; text?: string };
  if (x.name === undefined) return JSON.stringify(f);
  const off = typeof x.offset === 'number' ? `+0x${x.offset.toString(16).padStart(2, '0')}  ` : '';
  const size = typeof x.size === 'number' ? ` (${x.size})` : '';
  return `${off}${x.name}${size} = ${x.text ?? String(x.value)}`;
}

/** A fresh nonce for a webview's script (CSP): 18 random bytes in base64, from Web Crypto (Node and browsers alike). */
export function nonce(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b));
}
