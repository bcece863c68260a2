// Helpers shared by the real-editor journeys (test/e2e/journeys.mjs and the topic files in
// test/e2e/journeys/): the palette, the Run and Debug panes, Variables rows, and the step
// registry. Started by scripts/e2e.mjs with CS_URL, WORKSPACE, OUT_DIR, NODE_PATH (playwright-core).
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.env.NODE_PATH ?? '/tmp/vscode-e2e/tools/node_modules', '..', 'noop.js'));
export const { chromium } = require('playwright-core');

export const CS_URL = process.env.CS_URL ?? 'http://127.0.0.1:18081';
export const WORKSPACE = process.env.WORKSPACE;
export const OUT = process.env.OUT_DIR ?? 'e2e-screenshots';
export const t0 = Date.now();
export const log = (s) => console.log(`[journeys +${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
export const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Runs a command from the palette. The palette can be re-rendered under us (a debug session
 * starting, a webview taking focus): one failed attempt closes it and tries again from the workbench.
 */
export async function command(page, label) {
  try {
    await commandOnce(page, label);
  } catch (e) {
    log(`palette retry for '${label}': ${String(e).split('\n')[0]}`);
    await page.keyboard.press('Escape');
    await page
      .locator('.monaco-workbench')
      .first()
      .click({ position: { x: 5, y: 5 } })
      .catch(() => {});
    await commandOnce(page, label);
  }
}

/** Runs a command from the palette, moving the focus to the row whose label is exactly `label`. */
export async function commandOnce(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`, { timeout: 10000 });
  const exact = new RegExp(`^${esc(label)}$`);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first()
    .waitFor({ state: 'visible', timeout: 20000 });
  for (let i = 0; i < 30; i++) {
    const text = (
      (await page
        .locator('.quick-input-list .monaco-list-row.focused .label-name')
        .first()
        .textContent({ timeout: 2000 })
        .catch(() => '')) ?? ''
    ).trim();
    if (exact.test(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`command '${label}' not found in the palette`);
}

export const rowsOf = (page, scope) => page.locator(`${scope} .monaco-list-row`);
export async function rowTexts(page, scope = '.debug-pane') {
  return (await rowsOf(page, scope).allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
}

/** Expands the first row of the Variables view matching `re` (if collapsed) and returns it. */
export async function expand(page, re, scope) {
  const rows = scope ? scope.locator('.monaco-list-row') : page.locator('.debug-view-content .monaco-list-row, .debug-pane .monaco-list-row');
  const row = rows.filter({ hasText: re }).first();
  await row.waitFor({ timeout: 20000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') {
    await row.click();
    if ((await row.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
  }
  return row;
}

/** Opens a collapsed pane of the Run and Debug container by its title. */
export async function openPane(page, title) {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${esc(title)}`, 'i') }).first();
  await header.waitFor({ timeout: 10000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

export async function closePane(page, title) {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${esc(title)}`, 'i') }).first();
  if (!(await header.count())) return;
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
}

/** Collapses the first Variables row matching `re` if it is expanded. */
export async function collapse(page, re) {
  const row = page.locator('.debug-variables .monaco-list-row').filter({ hasText: re }).first();
  if (!(await row.count())) return;
  if ((await row.getAttribute('aria-expanded')) === 'true') {
    await row.click();
    if ((await row.getAttribute('aria-expanded')) === 'true') await page.keyboard.press('ArrowLeft');
  }
}

/** Debug: Select and Start Debugging → the launch.json entry `name`; resolves once Call Stack shows a frame. */
export async function startConfig(page, name) {
  await command(page, 'Debug: Select and Start Debugging');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 10000 });
  await row.click();
  await page.locator('.debug-toolbar').waitFor({ timeout: 30000 });
  await openPane(page, 'Call Stack');
  await page.locator('.debug-call-stack .stack-frame').first().waitFor({ timeout: 20000 });
}
export const steps = [];
export function step(name, fn) {
  steps.push({ name, fn });
}

/**
 * Opens a workspace file (path relative to the workspace) in the editor by its full path through
 * *File: Open File…* (the simple file dialog takes a typed path), so it does not depend on Quick
 * Open's file index catching up with files a journey has just written. A file already open in a
 * tab is just brought to the front.
 */
export async function openWorkspaceFile(page, rel) {
  const name = rel.split('/').pop();
  const tab = page
    .locator('.tabs-container .tab')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${esc(name)}$`) }) })
    .first();
  if (await tab.count()) {
    await tab.click();
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10000 });
    return;
  }
  await command(page, 'File: Open File...');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  // The dialog fills in its starting folder asynchronously and would overwrite a path typed before
  // that: wait for it, type the path, and check it stayed before accepting.
  const want = join(WORKSPACE, rel);
  for (let i = 0; i < 50 && !(await input.inputValue()).startsWith('/'); i++) await page.waitForTimeout(100);
  for (let i = 0; i < 5; i++) {
    await input.fill(want);
    await page.waitForTimeout(300);
    if ((await input.inputValue()) === want) break;
  }
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ timeout: 10000 })
    .catch(() => {});
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first();
  if (await ok.count()) await ok.click();
  else await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .view-lines').first().waitFor();
}

/** Adds a function breakpoint (a driver function or a message name) from the Breakpoints view. */
export async function addFunctionBreakpoint(page, name) {
  await command(page, 'Add Function Breakpoint');
  const input = page.locator('.debug-breakpoints .monaco-inputbox input').first();
  await input.waitFor({ timeout: 10000 });
  // fill the input itself: keys typed before it takes the focus land in the editor
  await input.fill(name);
  await input.press('Enter');
  await page.locator('.debug-breakpoints .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10000 });
}

/** Shows the Debug Console (Ctrl+Shift+Y toggles it: only when it is not shown). */
export async function showConsole(page) {
  if (
    await page
      .locator('.repl-input-wrapper')
      .isVisible()
      .catch(() => false)
  )
    return;
  await page.keyboard.press('Control+Shift+Y');
  await page.locator('.repl-input-wrapper').waitFor({ timeout: 10000 });
}

/**
 * Lets VS Code finish drawing a stop before its picture is taken: it loads a stopped thread's
 * frames below the top one 420 ms after the top one, and refreshes Variables 400 ms after the
 * focused frame changes (both its own delays). A step's checks end as soon as what they look for
 * shows, which can be before then: the picture would show the previous stop's Variables and a
 * half-loaded Call Stack. Not a check: nothing here fails a step.
 */
export async function settled(page) {
  await page
    .locator('.debug-call-stack .monaco-list-row', { hasText: /Load More Stack Frames/ })
    .first()
    .waitFor({ state: 'detached', timeout: 2000 })
    .catch(() => undefined);
  await page.waitForTimeout(450);
}

/** A named picture taken inside a step, once VS Code has drawn what the step waited for (settled). */
export async function picture(page, options) {
  await settled(page);
  await page.screenshot(options);
}

/** Stops whatever debug session is running (a journey that failed may have left one), until the debug toolbar is gone. */
export async function stopSessions(page) {
  for (
    let i = 0;
    i < 5 &&
    (await page
      .locator('.debug-toolbar')
      .isVisible()
      .catch(() => false));
    i++
  ) {
    await command(page, 'Debug: Stop');
    await page
      .locator('.debug-toolbar')
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => {});
  }
}

/**
 * Unticks the Breakpoints rows matching `re`, each clicked until it reads unchecked (the list
 * re-renders as each one changes, and uncheck() gave up on a re-render); returns how many rows
 * there were (at least `atLeast`, or it throws). The list draws only the rows in view: make room for them first.
 */
export async function untickBreakpoints(page, re, atLeast = 1) {
  const boxes = page.locator('.debug-breakpoints .monaco-list-row', { hasText: re }).locator('input[type="checkbox"]');
  if (atLeast > 0)
    await boxes
      .nth(atLeast - 1)
      .waitFor({ timeout: 10000 })
      .catch(() => {});
  const n = await boxes.count();
  if (n < atLeast) throw new Error(`${n} Breakpoints rows match ${re}, not ${atLeast}: are they out of view?`);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < 10 && (await boxes.nth(i).isChecked()); t++) {
      await boxes
        .nth(i)
        .click()
        .catch(() => {});
      await page.waitForTimeout(200);
    }
    if (await boxes.nth(i).isChecked()) throw new Error(`breakpoint row ${i} matching ${re} stays enabled`);
  }
  return n;
}
