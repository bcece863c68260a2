// Virtual time reads one way in the editor (issue 12 item 12): the scenario thread's frame in Call
// Stack, `virtual time` in Variables, `now` in the Debug Console and the vPCI Topology header all
// write it as formatTime does (`5.007 100 ms`), never `5007100 ns` or `0.000000 ms`.
// Runs after the core journeys and the Locals journey: no session running.
import { join } from 'node:path';
import { OUT, log, command, openPane, closePane, startConfig, step, addFunctionBreakpoint, picture } from '../lib.mjs';

const ONE_FORM = /^\d+(\.\d{3}( \d{3})*)? (ns|µs|ms|s)$/;

async function replLast(page, expr) {
  if (
    !(await page
      .locator('.repl-input-wrapper')
      .isVisible()
      .catch(() => false))
  ) {
    await page.keyboard.press('Control+Shift+Y');
    await page.locator('.repl-input-wrapper').waitFor({ timeout: 10000 });
  }
  await command(page, 'Clear Console');
  await page.locator('.repl-input-wrapper').click();
  await page.keyboard.type(expr);
  await page.keyboard.press('Enter');
  const rows = page.locator('.repl .monaco-list-row');
  for (let i = 0; i < 50 && (await rows.count()) < 2; i++) await page.waitForTimeout(100);
  await page.waitForTimeout(300);
  return ((await rows.allInnerTexts()).pop() ?? '').trim();
}

step('Virtual time reads the same in Call Stack, Variables, the Debug Console and vPCI Topology', async (page) => {
  if (
    await page
      .locator('.debug-toolbar')
      .isVisible()
      .catch(() => false)
  ) {
    await command(page, 'Debug: Stop');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
  }
  await startConfig(page, 'vPCI: quickstart on Linux');
  // A stop where time is not round: the guest's D0 entry request.
  await openPane(page, 'Breakpoints');
  const bp = page.locator('.debug-breakpoints .monaco-list-row', { hasText: 'PCI_BUS_D0ENTRY' });
  if (await bp.count()) await bp.locator('input[type="checkbox"]').first().check();
  else await addFunctionBreakpoint(page, 'PCI_BUS_D0ENTRY');
  await openPane(page, 'Call Stack');
  // Other breakpoints the earlier journeys left may stop first: continue until the message's.
  const label = page.locator('.debug-call-stack .thread .state.label', { hasText: /PCI_BUS_D0ENTRY/ }).first();
  for (let i = 0; i < 6 && !(await label.isVisible().catch(() => false)); i++) {
    await command(page, 'Debug: Continue');
    await label.waitFor({ timeout: 8000 }).catch(() => {});
  }
  await label.waitFor({ timeout: 20000 });

  // Variables: Scenario → virtual time (other panes closed and scopes collapsed, so its rows are in view).
  for (const p of ['Watch', 'Loaded Scripts', 'Breakpoints', 'Call Stack', 'vPCI Topology']) await closePane(page, p);
  const rows = page.locator('.debug-variables .monaco-list-row');
  for (const re of [/^\s*Locals\b/, /^\s*Bus \S+\s*$/, /^\s*Device \S+/, /^\s*Interrupts\s*$/, /^\s*VMBus\s*$/]) {
    const r = rows.filter({ hasText: re });
    for (let i = 0; i < (await r.count()); i++) if ((await r.nth(i).getAttribute('aria-expanded')) === 'true') await r.nth(i).click();
  }
  const scenario = rows.filter({ hasText: /^\s*Scenario\s*$/ }).first();
  await scenario.waitFor({ timeout: 20000 });
  if ((await scenario.getAttribute('aria-expanded')) === 'false') await scenario.click();
  const vt = rows.filter({ hasText: /^\s*virtual time\b/ }).first();
  await vt.waitFor({ timeout: 10000 });
  const variables = (await vt.locator('.value').first().innerText()).trim();
  log(`Variables: virtual time = ${variables}`);
  if (!ONE_FORM.test(variables) || variables === '0 ns') throw new Error(`virtual time reads '${variables}'`);
  await picture(page, { path: join(OUT, 'virtual-time-variables.png') });

  // Call Stack: the scenario thread's frame names its next event's time the same way.
  await openPane(page, 'Call Stack');
  const thread = page.locator('.debug-call-stack .monaco-list-row', { hasText: /scenario timeline/ }).first();
  await thread.waitFor({ timeout: 10000 });
  if ((await thread.getAttribute('aria-expanded')) === 'false') {
    await thread.click();
    if ((await thread.getAttribute('aria-expanded')) === 'false') await page.keyboard.press('ArrowRight');
  }
  const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: /^\s*(at .+: |scenario: timeline done)/ }).first();
  await frame.waitFor({ timeout: 10000 });
  const frameText = (await frame.innerText()).replace(/\s+/g, ' ').trim();
  log(`Call Stack: ${frameText}`);
  const at = /^at (.+?): /.exec(frameText)?.[1] ?? /\(now (.+)\)/.exec(frameText)?.[1];
  if (!at || !ONE_FORM.test(at)) throw new Error(`scenario frame reads '${frameText}'`);
  await closePane(page, 'Call Stack');

  // vPCI Topology: the time the tree was read, in its header.
  await openPane(page, 'vPCI Topology');
  const header = page.locator('.pane-header', { hasText: /vPCI Topology/i }).first();
  let topo = '';
  for (let i = 0; i < 50 && !/^at /.test(topo); i++) {
    topo = (
      (await header
        .locator('.description')
        .first()
        .innerText()
        .catch(() => '')) ?? ''
    ).trim();
    if (!/^at /.test(topo)) await page.waitForTimeout(200);
  }
  log(`vPCI Topology: ${topo}`);
  if (topo !== `at ${variables}`) throw new Error(`Topology header reads '${topo}', Variables '${variables}'`);
  await picture(page, { path: join(OUT, 'virtual-time.png') });
  await closePane(page, 'vPCI Topology');

  // Debug Console: `now` as Variables shows it.
  const now = await replLast(page, 'now');
  log(`Debug Console: now → ${now}`);
  if (now !== variables) throw new Error(`now reads '${now}', Variables '${variables}'`);
  await picture(page, { path: join(OUT, 'virtual-time-console.png') });

  await openPane(page, 'Breakpoints');
  await page
    .locator('.debug-breakpoints .monaco-list-row', { hasText: 'PCI_BUS_D0ENTRY' })
    .locator('input[type="checkbox"]')
    .first()
    .uncheck()
    .catch(() => {});
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
});
