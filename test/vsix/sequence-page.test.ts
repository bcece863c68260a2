// The Message Sequence page (extension/sequence-webview.ts) following a long session: it read every
// new page of messages as the run went on and kept each for the life of the session, the rows the
// adapter had dropped with the oldest step-back history included, so a session kept open for hours
// grew the webview by every message it ever showed. The page runs here on a small stand-in for the
// DOM (ours: only what the page touches), and what it shows and asks for is read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { PAGE, ROW_HEIGHT, sequenceHtml } from '../../extension/sequence-webview';

interface FakeElement {
  id?: string;
  className: string;
  textContent: string | null;
  title: string;
  hidden: boolean;
  scrollTop: number;
  scrollLeft: number;
  clientHeight: number;
  clientWidth: number;
  style: Record<string, string> & { setProperty(): void };
  dataset: Record<string, string | undefined>;
  classList: { add(name: string): void };
  children: FakeElement[];
  parent?: FakeElement;
  listeners: Record<string, ((e: unknown) => void)[]>;
  appendChild(c: FakeElement): void;
  insertBefore(c: FakeElement): void;
  remove(): void;
  querySelectorAll(): FakeElement[];
  closest(): null;
  setAttribute(): void;
  removeAttribute(): void;
  addEventListener(type: string, l: (e: unknown) => void): void;
}

function element(): FakeElement {
  const e: FakeElement = {
    className: '',
    textContent: '',
    title: '',
    hidden: false,
    scrollTop: 0,
    scrollLeft: 0,
    clientHeight: 20 * ROW_HEIGHT,
    clientWidth: 1600,
    style: Object.assign(Object.create(null) as Record<string, string>, { setProperty: () => {} }),
    dataset: {},
    classList: { add: (name) => void (e.className += ` ${name}`) },
    children: [],
    listeners: {},
    appendChild: (c) => {
      c.parent = e;
      e.children.push(c);
    },
    insertBefore: (c) => e.appendChild(c),
    remove: () => {
      const p = e.parent;
      if (p) p.children.splice(p.children.indexOf(e), 1);
      e.parent = undefined;
    },
    querySelectorAll: () => [],
    closest: () => null,
    setAttribute: () => {},
    removeAttribute: () => {},
    addEventListener: (type, l) => (e.listeners[type] ??= []).push(l),
  };
  return e;
}

/** The live page, started: what it posts, a way to post to it, and its scroller and rows. */
function livePage(): { posted: Record<string, unknown>[]; send(m: unknown): void; scroller: FakeElement; rows: FakeElement } {
  const script = /<script nonce="[^"]*">([\s\S]*)<\/script>/.exec(sequenceHtml('csp', 'n', 'live'))![1]!;
  const byId = new Map<string, FakeElement>();
  const posted: Record<string, unknown>[] = [];
  const winListeners: Record<string, ((e: unknown) => void)[]> = {};
  const document = {
    body: element(),
    getElementById: (id: string) => byId.get(id) ?? (byId.set(id, element()), byId.get(id)!),
    createElement: (tag: string) => (tag === 'canvas' ? { getContext: () => null } : element()),
    createTextNode: (text: string) => ({ nodeType: 3, text }),
  };
  const timers: (() => void)[] = [];
  runInNewContext(script, {
    document,
    innerHeight: 20 * ROW_HEIGHT,
    getComputedStyle: () => ({ font: '13px sans-serif' }),
    addEventListener: (type: string, l: (e: unknown) => void) => (winListeners[type] ??= []).push(l),
    acquireVsCodeApi: () => ({ postMessage: (m: Record<string, unknown>) => posted.push(m) }),
    setTimeout: (f: () => void) => timers.push(f),
    requestAnimationFrame: (f: () => void) => timers.push(f),
    // What the test runner's transform names functions with (esbuild's keepNames); the shipped bundle has its own.
    __name: (f: unknown) => f,
  });
  const send = (m: unknown): void => {
    for (const l of winListeners['message'] ?? []) l({ data: m });
    while (timers.length) timers.shift()!();
  };
  return { posted, send, scroller: byId.get('scroller')!, rows: byId.get('rows')! };
}

/** Row `i` of the message sequence as the adapter gives it. */
const item = (i: number) => ({
  index: 10 * i,
  seq: i,
  timeText: `${i} µs`,
  bus: 'nic0',
  dir: i % 2 ? 'toGuest' : 'toHost',
  name: `PCI_MESSAGE_${i}`,
  txid: i,
  length: 16,
  summary: '',
});

/**
 * A session run on stop after stop, the page following its end: at each stop `grow` messages more,
 * the adapter holding the last `held` (the rows before them dropped with the oldest history), and
 * each page the page asks for answered. Returns the pages asked for.
 */
function follow(p: ReturnType<typeof livePage>, stops: number, grow: number, held: number): number[] {
  const asked: number[] = [];
  const answer = (): void => {
    for (;;) {
      const need = p.posted.findIndex((m) => m.type === 'need');
      if (need < 0) return;
      const m = p.posted.splice(need, 1)[0]! as { from: number; count: number };
      asked.push(m.from);
      p.send({
        type: 'items',
        from: m.from,
        items: Array.from({ length: Math.min(m.count, total - m.from) }, (_, k) => item(m.from + k)).filter((x) => x.seq >= first),
      });
    }
  };
  let total = 0;
  let first = 0;
  p.send({ type: 'init', buses: ['nic0'], total, first });
  for (let s = 0; s < stops; s++) {
    total += grow;
    first = Math.max(0, total - held);
    p.send({ type: 'total', total, first });
    answer();
  }
  return asked;
}

/** The rows the page shows now: their number and the text of their time column. */
function shownRows(p: ReturnType<typeof livePage>): string[] {
  const text = (e: FakeElement): string => [e.textContent ?? '', ...e.children.map(text)].join(' ').replace(/\s+/g, ' ').trim();
  return p.rows.children.map(text);
}

/** Scrolls the page to row `i`. */
function scrollTo(p: ReturnType<typeof livePage>, i: number): void {
  p.scroller.scrollTop = i * ROW_HEIGHT;
  for (const l of p.scroller.listeners['scroll'] ?? []) l({});
}

test('following a long session, the page lets go of the rows the adapter dropped: scrolled back there they read as dropped, not as what was read long ago', () => {
  const p = livePage();
  // 300 stops of 150 messages each (45,000), the adapter holding the last 1,000.
  follow(p, 300, 150, 1000);
  scrollTo(p, 0);
  const rows = shownRows(p);
  assert.ok(rows.length > 10, rows.join('\n'));
  for (const r of rows.slice(0, 10)) assert.match(r, /^\d+ dropped$/, rows.join('\n'));
  // The rows still held read as they are.
  scrollTo(p, 45_000 - 20);
  assert.match(shownRows(p).at(-1)!, /PCI_MESSAGE_44999|MESSAGE_44999/);
});

test('following a long session that keeps its whole history, the page keeps the rows near the view: pages read long ago are read again when scrolled to', () => {
  const p = livePage();
  // 230 stops of a page of messages each (46,000), every one held.
  const asked = follow(p, 230, PAGE, Infinity);
  assert.equal(asked.filter((from) => from === 0).length, 1);
  p.posted.length = 0;
  scrollTo(p, 0);
  // Page 0 was let go (the page keeps 50 pages): it is asked for again, and shown once it comes.
  assert.deepEqual(
    p.posted.filter((m) => m.type === 'need').map((m) => m.from),
    [0],
  );
  p.send({ type: 'items', from: 0, items: Array.from({ length: PAGE }, (_, k) => item(k)) });
  assert.match(shownRows(p)[0]!, /MESSAGE_0\b/);
});
