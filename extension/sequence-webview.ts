// The message-sequence webview's page: guest and host lanes per bus, one row
// per VMBus packet drawn as an arrow with its decoded name and status. Only
// the rows in view exist in the DOM (fixed row height, pages of items fetched
// on demand), so 100,000 events scroll as fast as 100. Colours come from the
// theme's CSS variables. The page script is plain browser code serialised
// from `sequencePage` below; it talks to sequence-panel.ts by postMessage.

export const ROW_HEIGHT = 24;
export const PAGE = 200;

/** Browser side. Must not reference anything outside itself. */
function sequencePage(ROW: number, PAGE_SIZE: number): void {
  type Item = { index: number; time: number | string; bus: string; dir: 'toHost' | 'toGuest'; name: string; status?: number | string; txid: number | string; length: number; summary: string; cfgBefore?: { count: number; reads: number; writes: number; slots: string } };
  const vscode = (globalThis as unknown as { acquireVsCodeApi(): { postMessage(m: unknown): void } }).acquireVsCodeApi();
  const doc = (globalThis as unknown as { document: any }).document;
  const win = globalThis as unknown as { addEventListener(t: string, f: (e: any) => void): void; innerHeight: number };
  const scroller = doc.getElementById('scroller');
  const spacer = doc.getElementById('spacer');
  const rowsEl = doc.getElementById('rows');
  const header = doc.getElementById('lanes');
  const detail = doc.getElementById('detail');
  const countEl = doc.getElementById('count');
  let total = 0;
  let buses: string[] = [];
  let selected = -1;
  const cache = new Map<number, Item>();
  const requested = new Set<number>();
  const shown = new Map<number, any>();
  const TIME_W = 110;
  let LANE_W = 210;
  /** Lanes share the panel's width (at least 110 px each; wider panels scroll sideways). */
  function fitLanes(): boolean {
    const avail = (scroller.clientWidth || 800) - TIME_W - 8;
    const w = Math.max(110, Math.min(240, Math.floor(avail / (2 * Math.max(1, buses.length)))));
    if (w === LANE_W) return false;
    LANE_W = w;
    for (const el of shown.values()) el.remove();
    shown.clear();
    return true;
  }

  function laneX(bus: string, side: 'guest' | 'host'): number {
    let b = buses.indexOf(bus);
    if (b < 0) {
      buses.push(bus);
      b = buses.length - 1;
      drawHeader();
      setTimeout(render, 0); // lane widths may have changed under rows already drawn
    }
    return TIME_W + b * 2 * LANE_W + (side === 'guest' ? LANE_W / 2 : LANE_W * 1.5);
  }

  function drawHeader(): void {
    fitLanes();
    header.textContent = '';
    const t = doc.createElement('div');
    t.className = 'lane-title tcol';
    t.style.width = TIME_W + 'px';
    t.textContent = 'time';
    header.appendChild(t);
    for (const b of buses)
      for (const side of ['guest', 'host']) {
        const d = doc.createElement('div');
        d.className = 'lane-title ' + side;
        d.style.width = LANE_W + 'px';
        d.textContent = b + ' ' + side;
        header.appendChild(d);
      }
    const w = TIME_W + buses.length * 2 * LANE_W;
    for (const l of [...spacer.querySelectorAll('.lifeline')]) l.remove();
    buses.forEach((_b, k) => {
      for (const x of [TIME_W + k * 2 * LANE_W + LANE_W / 2, TIME_W + k * 2 * LANE_W + LANE_W * 1.5]) {
        const l = doc.createElement('div');
        l.className = 'lifeline';
        l.style.left = x + 'px';
        spacer.insertBefore(l, rowsEl);
      }
    });
    spacer.style.width = w + 'px';
    header.style.width = w + 'px';
  }

  function isError(s: number | string | undefined): boolean {
    if (s === undefined || s === 0 || s === '0' || s === 'SUCCESS' || s === '0x00000000') return false;
    return true;
  }

  function statusText(s: number | string | undefined): string {
    if (s === undefined) return '';
    if (typeof s === 'number') return ' → 0x' + (s >>> 0).toString(16).padStart(8, '0');
    return ' → ' + s;
  }

  function renderRow(i: number): any {
    const row = doc.createElement('div');
    row.className = 'row' + (i === selected ? ' selected' : '');
    row.style.top = i * ROW + 'px';
    row.dataset.index = String(i);
    const it = cache.get(i);
    if (!it) {
      row.classList.add('loading');
      row.textContent = '…';
      return row;
    }
    const time = doc.createElement('span');
    time.className = 'time';
    time.textContent = typeof it.time === 'number' ? (it.time / 1e6).toFixed(3) + ' ms' : String(it.time);
    row.appendChild(time);
    const gx = laneX(it.bus, 'guest');
    const hx = laneX(it.bus, 'host');
    const [x1, x2] = it.dir === 'toHost' ? [gx, hx] : [hx, gx];
    const arrow = doc.createElement('div');
    const err = isError(it.status);
    arrow.className = 'arrow ' + it.dir + (err ? ' error' : '');
    arrow.style.left = Math.min(x1, x2) + 'px';
    arrow.style.width = Math.abs(x2 - x1) + 'px';
    arrow.title = it.summary + ' (txid ' + it.txid + ', ' + it.length + ' bytes)';
    const label = doc.createElement('span');
    label.className = 'label';
    // PCI_ is every message's prefix (docs/protocol.md); the full name is in the tooltip
    label.textContent = it.name.replace(/^PCI_/, '') + statusText(it.status);
    arrow.title = it.name + statusText(it.status) + ' · ' + arrow.title;
    arrow.appendChild(label);
    const head = doc.createElement('span');
    head.className = 'head';
    arrow.appendChild(head);
    row.appendChild(arrow);
    if (it.cfgBefore) {
      // The config-window traffic that came before this packet on its bus, on the guest's lifeline.
      const c = doc.createElement('span');
      c.className = 'cfg';
      c.style.left = gx - LANE_W / 2 + 4 + 'px';
      c.style.width = LANE_W / 2 - 10 + 'px';
      c.textContent = '⋮ ' + it.cfgBefore.count + ' cfg';
      c.title = it.cfgBefore.count + ' config-window access' + (it.cfgBefore.count === 1 ? '' : 'es') + ' before this packet (' + it.cfgBefore.reads + ' read, ' + it.cfgBefore.writes + ' write) to slot ' + it.cfgBefore.slots;
      row.appendChild(c);
    }
    const sum = doc.createElement('span');
    sum.className = 'summary';
    sum.style.left = TIME_W + buses.length * 2 * LANE_W + 8 + 'px';
    sum.textContent = it.summary;
    row.appendChild(sum);
    return row;
  }

  function render(): void {
    const top = scroller.scrollTop;
    const h = scroller.clientHeight || win.innerHeight;
    const first = Math.max(0, Math.floor(top / ROW) - 10);
    const last = Math.min(total - 1, Math.ceil((top + h) / ROW) + 10);
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.max(first, last) / PAGE_SIZE); p++) {
      if (p * PAGE_SIZE >= total || requested.has(p)) continue;
      requested.add(p);
      vscode.postMessage({ type: 'need', from: p * PAGE_SIZE, count: PAGE_SIZE });
    }
    // Keyed reuse: rows already in the DOM stay (hover, clicks and focus survive a scroll).
    for (const [i, el] of shown) {
      if (i < first || i > last || el.dataset.key !== keyOf(i)) {
        el.remove();
        shown.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      if (shown.has(i)) continue;
      const el = renderRow(i);
      el.dataset.key = keyOf(i);
      shown.set(i, el);
      rowsEl.appendChild(el);
    }
  }

  function keyOf(i: number): string {
    return (cache.has(i) ? 'l' : 'p') + (i === selected ? 's' : '') + buses.length;
  }

  function setTotal(n: number): void {
    const atEnd = scroller.scrollTop + scroller.clientHeight >= total * ROW - 2;
    if (n < total) {
      cache.clear();
      requested.clear();
    } else {
      // the last page may have grown
      requested.delete(Math.floor(total / PAGE_SIZE));
    }
    total = n;
    spacer.style.height = total * ROW + 'px';
    countEl.textContent = total.toLocaleString() + ' messages';
    if (atEnd) scroller.scrollTop = total * ROW;
    render();
  }

  scroller.addEventListener('scroll', () => {
    header.style.transform = 'translateX(' + -scroller.scrollLeft + 'px)';
    render();
  });
  win.addEventListener('resize', () => {
    if (fitLanes()) drawHeader();
    render();
  });
  rowsEl.addEventListener('click', (e: any) => {
    const row = e.target.closest('.row');
    if (!row) return;
    selected = Number(row.dataset.index);
    render();
    const it = cache.get(selected);
    if (it) vscode.postMessage({ type: 'select', index: it.index });
  });
  doc.getElementById('goto').addEventListener('click', () => {
    const it = cache.get(selected);
    if (it) vscode.postMessage({ type: 'goto', index: it.index });
  });
  win.addEventListener('message', (e: any) => {
    const m = e.data;
    if (m.type === 'init') {
      buses = m.buses.slice();
      cache.clear();
      requested.clear();
      for (const el of shown.values()) el.remove();
      shown.clear();
      selected = -1;
      total = 0;
      detail.hidden = true;
      drawHeader();
      setTotal(m.total);
    } else if (m.type === 'total') {
      setTotal(m.total);
    } else if (m.type === 'items') {
      // rows are keyed by their ordinal in the message list; `index` is the trace event
      (m.items as Item[]).forEach((it, k) => cache.set(m.from + k, it));
      render();
    } else if (m.type === 'detail') {
      doc.getElementById('detail-title').textContent = m.title;
      doc.getElementById('bytes').textContent = m.dump;
      doc.getElementById('fields').textContent = m.fields;
      detail.hidden = false;
    }
  });
  drawHeader();
  vscode.postMessage({ type: 'ready' });
}

export function sequenceHtml(cspSource: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vPCI Message Sequence</title>
<style>
  body { margin: 0; padding: 0; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); display: flex; flex-direction: column; height: 100vh; overflow: hidden; }
  #bar { display: flex; gap: 12px; align-items: center; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
  #count { color: var(--vscode-descriptionForeground); }
  #lanes-wrap { overflow: hidden; border-bottom: 1px solid var(--vscode-panel-border); flex: none; }
  #lanes { display: flex; }
  .lane-title { flex: none; text-align: center; padding: 3px 0; font-weight: 600; }
  .lane-title.guest { color: var(--vscode-debugTokenExpression-name, var(--vscode-foreground)); }
  .lane-title.host { color: var(--vscode-debugTokenExpression-string, var(--vscode-foreground)); }
  .lane-title.tcol { text-align: left; padding-left: 8px; box-sizing: border-box; color: var(--vscode-descriptionForeground); }
  .lifeline { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px dashed var(--vscode-editorIndentGuide-background, var(--vscode-panel-border)); }
  #scroller { flex: 1; overflow: auto; position: relative; }
  #spacer { position: relative; }
  #rows { position: absolute; top: 0; left: 0; right: 0; }
  .row { position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px; line-height: ${ROW_HEIGHT}px; cursor: pointer; white-space: nowrap; }
  .row:hover { background: var(--vscode-list-hoverBackground); }
  .row.selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
  .row.loading { color: var(--vscode-descriptionForeground); padding-left: 8px; }
  .time { position: absolute; left: 8px; font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); }
  .arrow { position: absolute; top: ${ROW_HEIGHT - 7}px; height: 0; border-top: 2px solid var(--vscode-charts-blue, var(--vscode-foreground)); }
  .arrow.toGuest { border-top-color: var(--vscode-charts-green, var(--vscode-foreground)); }
  .arrow.error { border-top-color: var(--vscode-errorForeground); }
  .arrow .label { position: absolute; bottom: 1px; left: 0; right: 0; text-align: center; line-height: 1.2; overflow: hidden; text-overflow: ellipsis; font-size: 0.92em; }
  .arrow.error .label { color: var(--vscode-errorForeground); }
  .cfg { position: absolute; top: 0; font-size: 0.82em; color: var(--vscode-descriptionForeground); overflow: hidden; text-overflow: ellipsis; text-align: right; }
  .arrow .head { position: absolute; top: -6px; width: 0; height: 0; border-top: 5px solid transparent; border-bottom: 5px solid transparent; }
  .arrow.toHost .head { right: -1px; border-left: 8px solid var(--vscode-charts-blue, var(--vscode-foreground)); }
  .arrow.toGuest .head { left: -1px; border-right: 8px solid var(--vscode-charts-green, var(--vscode-foreground)); }
  .arrow.error.toHost .head { border-left-color: var(--vscode-errorForeground); }
  .arrow.error.toGuest .head { border-right-color: var(--vscode-errorForeground); }
  .summary { position: absolute; color: var(--vscode-descriptionForeground); }
  #detail { flex: none; max-height: 40vh; overflow: auto; border-top: 1px solid var(--vscode-panel-border); padding: 4px 8px; }
  #detail pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); margin: 4px 0; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 2px 10px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
</style></head>
<body>
  <div id="bar"><strong>Message sequence</strong><span id="count">0 messages</span></div>
  <div id="lanes-wrap"><div id="lanes"></div></div>
  <div id="scroller"><div id="spacer"><div id="rows"></div></div></div>
  <div id="detail" hidden>
    <div><strong id="detail-title"></strong> <button id="goto" title="Time-travel the session to the step that sent this packet">Go to step</button></div>
    <pre id="bytes"></pre>
    <pre id="fields"></pre>
  </div>
  <script nonce="${nonce}">(${sequencePage.toString()})(${ROW_HEIGHT}, ${PAGE});</script>
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
