// Breakpoints of every kind set in a driver listing (issue 16 point 3: they work wherever the
// extension runs, the web worker extension host included, where the listing reaches the adapter as
// a vscode-remote: URI): a line breakpoint set with Toggle Breakpoint stops there; a conditional
// breakpoint stops only where its condition holds (the Locals say so); a logpoint prints its
// message with the values filled in and does not stop. Function, message, data and exception
// breakpoints have their own journeys (the eject, the data breakpoint on BAR0, the faults example).
import { join } from 'node:path';
import {
  OUT,
  log,
  command,
  openPane,
  closePane,
  startConfig,
  step,
  openWorkspaceFile,
  showConsole,
  picture,
  stopSessions,
  untickBreakpoints,
} from '../lib.mjs';

const shot = (page, name) => picture(page, { path: join(OUT, `60-${name}.png`) });

/** Puts the cursor on the first line of the active editor holding `text` (Find, as a user would) and returns its 1-based number. */
async function cursorTo(page, text) {
  await page.locator('.editor-group-container.active .view-lines').first().click();
  await page.keyboard.press('Control+F');
  const find = page.locator('.editor-group-container.active .find-widget textarea, .editor-group-container.active .find-widget input').first();
  await find.waitFor({ timeout: 10000 });
  await find.fill(text);
  await page.locator('.editor-group-container.active .find-widget .matchesCount', { hasText: /^(\?|1) of 1$/ }).waitFor({ timeout: 10000 });
  // Enter goes to the match even when the text was already there (the click above moved the cursor)
  await find.press('Enter');
  await page.keyboard.press('Escape');
  const ln = await page.locator('.statusbar-item[id="status.editor.selection"]').first().innerText();
  const m = /Ln (\d+)/.exec(ln);
  if (!m) throw new Error(`no line in the status bar: ${ln}`);
  return Number(m[1]);
}

/** Adds a conditional breakpoint or logpoint at the cursor: the command's inline widget takes the text. */
async function addAtCursor(page, what, text) {
  await command(page, what === 'condition' ? 'Debug: Add Conditional Breakpoint...' : 'Debug: Add Logpoint...');
  const input = page.locator('.breakpoint-widget .inputContainer .view-lines, .breakpoint-widget textarea').first();
  await input.waitFor({ timeout: 10000 });
  // type only once the widget's input has the focus (keys before that land in the listing)
  await page.waitForFunction(() => !!document.activeElement?.closest('.breakpoint-widget'), undefined, { timeout: 10000 });
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.locator('.breakpoint-widget').waitFor({ state: 'detached', timeout: 10000 });
}

/**
 * Waits for the breakpoint glyph `icon` (a codicon: debug-breakpoint, -conditional, -log) on
 * 1-based `line` of the active editor; the -unverified form (hollow) does not count.
 */
async function verified(page, icon, line) {
  const at = () =>
    page.evaluate(
      ([cls, ln]) => {
        const ed = document.querySelector('.editor-group-container.active .monaco-editor');
        const lines = [...(ed?.querySelectorAll('.margin-view-overlays > div') ?? [])];
        const nums = [...(ed?.querySelectorAll('.line-numbers') ?? [])];
        const row = nums.find((n) => n.textContent.trim() === String(ln));
        if (!row) return `line ${ln} not in view`;
        const top = row.parentElement.style.top;
        const glyphs = [...(ed?.querySelectorAll('.codicon') ?? [])].filter((g) => (g.closest('[style*="top"]') ?? g).style.top === top);
        const names = glyphs.flatMap((g) => [...g.classList].filter((c) => c.startsWith('codicon-debug-')));
        return names.includes(`codicon-${cls}`) ? '' : `line ${ln} shows ${names.join(' ') || 'no breakpoint'}; ${lines.length} margin rows`;
      },
      [icon, line],
    );
  let why = '';
  for (let i = 0; i < 100; i++) {
    why = await at();
    if (!why) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`no verified ${icon}: ${why}`);
}

/** The Call Stack's frame rows (every thread's shown frames: a breakpoint may stop nic1's driver as well as nic0's). */
const frames = async (page) => (await page.locator('.debug-call-stack .stack-frame').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

/** Waits for a frame row matching `re` in the Call Stack and returns it. */
async function untilFrame(page, re, what) {
  for (let i = 0; i < 150; i++) {
    const hit = (await frames(page).catch(() => [])).find((t) => re.test(t));
    if (hit) return hit;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: the Call Stack shows ${JSON.stringify(await frames(page).catch(() => []))}`);
}

step('Breakpoints in a driver listing: a line breakpoint stops there, a conditional one only when it holds, a logpoint prints', async (page) => {
  await stopSessions(page);
  await command(page, 'View: Close All Editor Groups');
  await openWorkspaceFile(page, 'quickstart.vpci');
  await startConfig(page, 'vPCI: Debug scenario');
  await untilFrame(page, /vmbus_pcib_attach vmbus_pcib\.c/, 'the first stop');
  await page.locator('.tabs-container .tab.active', { hasText: 'vmbus_pcib.c' }).waitFor({ timeout: 10000 });
  for (const p of ['Watch', 'Loaded Scripts', 'vPCI Topology']) await closePane(page, p);
  await openPane(page, 'Breakpoints');

  // A line breakpoint on the attach routine's D0 entry, set with Toggle Breakpoint (F9); its dot
  // turns from hollow to solid once the adapter matched the editor's file (a path, or the
  // client's vscode-remote: URI in the web host) to its listing.
  const d0 = await cursorTo(page, 'ret = hv_pci_enter_d0(hbus);');
  // The listing is the extension's own file and opens read-only (package.json configurationDefaults,
  // files.readonlyInclude): a key typed into it by accident is refused, not written into the extension.
  await page.keyboard.press('Escape'); // the find widget's, if it kept the focus
  await page.locator('.editor-group-container.active .view-line', { hasText: 'ret = hv_pci_enter_d0(hbus);' }).first().click();
  await page.keyboard.type('x');
  const refused = page.locator('.monaco-editor-overlaymessage', { hasText: /read-only/i }).first();
  await refused.waitFor({ timeout: 10000 });
  log(`typing into the listing: '${(await refused.innerText()).replace(/\s+/g, ' ')}'`);
  await page.keyboard.press('Escape');
  await cursorTo(page, 'ret = hv_pci_enter_d0(hbus);');
  await command(page, 'Debug: Toggle Breakpoint');
  await verified(page, 'debug-breakpoint', d0);
  await command(page, 'Debug: Continue');
  const atD0 = await untilFrame(page, new RegExp(`^vmbus_pcib_attach vmbus_pcib\\.c ${d0}:`), `the line breakpoint on line ${d0}`);
  const label =
    (await page
      .locator('.debug-call-stack .thread .state.label')
      .filter({ hasText: /breakpoint/i })
      .first()
      .textContent()) ?? '';
  log(`line breakpoint: ${atD0}; thread: '${label}'`);
  if (label !== 'Paused on breakpoint') throw new Error(`the thread reads '${label}'`);
  await shot(page, 'line-breakpoint');
  // off again (nic1's driver runs the same attach routine and would stop there next)
  await cursorTo(page, 'ret = hv_pci_enter_d0(hbus);');
  await command(page, 'Debug: Toggle Breakpoint');

  // A logpoint and a conditional breakpoint in _hv_pcifront_write_config.
  const logLine = await cursorTo(page, 'wmb();');
  await addAtCursor(page, 'log', 'cfg write {where} <- {val}');
  const writeLine = await cursorTo(page, 'hv_cfg_write_{1,2,4}(hbus, addr, val);');
  await addAtCursor(page, 'condition', 'where == 0x10 && val != 0xffffffff');
  await verified(page, 'debug-breakpoint-log', logLine);
  await verified(page, 'debug-breakpoint-conditional', writeLine);
  log(`logpoint on line ${logLine}, conditional breakpoint on line ${writeLine}`);
  await command(page, 'Debug: Continue');
  const atWrite = await untilFrame(page, new RegExp(`^_hv_pcifront_write_config vmbus_pcib\\.c ${writeLine}:`), 'the conditional breakpoint');
  log(`conditional breakpoint: ${atWrite}`);
  // the Locals say the condition holds here
  await openPane(page, 'Variables');
  await page
    .locator('.debug-variables .monaco-list-row', { hasText: /^\s*Locals: _hv_pcifront_write_config/ })
    .first()
    .waitFor({ timeout: 10000 });
  await page
    .locator('.debug-variables .monaco-list-row', { hasText: /^\s*where\b/ })
    .first()
    .waitFor({ timeout: 10000 });
  const locals = (await page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
  log(`locals: ${JSON.stringify(locals.slice(0, 8))}`);
  if (!locals.includes('where = 0x10')) throw new Error(`stopped with where ≠ 0x10: ${locals.slice(0, 8)}`);
  const val = locals.find((r) => r.startsWith('val = '));
  if (!val || /0xffffffff/.test(val)) throw new Error(`stopped on ${val ?? 'no val'}`);
  // the logpoint printed each write on the way, with the values filled in, and never stopped
  await showConsole(page);
  const said = page.locator('.repl .monaco-list-row', { hasText: /cfg write 0x[0-9a-f]+ <- 0x[0-9a-f]+/ });
  await said.first().waitFor({ timeout: 10000 });
  const lines = (await said.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  log(`logpoint: ${lines.length} line(s), first ${lines[0]}, last ${lines[lines.length - 1]}`);
  if (!lines.some((l) => /cfg write 0x10 <- 0xffffffff(?![0-9a-f])/.test(l)))
    throw new Error(`the logpoint did not print the BAR0 sizing write: ${lines.slice(-4)}`);
  await shot(page, 'conditional-and-logpoint');

  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
  // leave them disabled, as the other journeys leave theirs (room for their rows in Breakpoints first)
  for (const p of ['Variables', 'Call Stack']) await closePane(page, p);
  await openPane(page, 'Breakpoints');
  await untickBreakpoints(page, 'vmbus_pcib.c', 2);
  for (const p of ['Variables', 'Call Stack']) await openPane(page, p);
});
