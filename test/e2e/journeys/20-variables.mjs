// Variables as a user reads them (issue 12 item 9, item 6): register and field names as Linux
// pci_regs.h spells them, numbers in hex with the menu offering "Show Decimal" (then "Show Hex"),
// group rows drawn like any other row, a summary on every capability, device commands on device
// rows only, and a BAR being sized shown as sizing — in Variables and in vPCI Topology.
// Runs after the core journeys: no session, the data breakpoint on BASE_ADDRESS_0 persisted
// (unticked by the Linux journey).
import { join } from 'node:path';
import { OUT, log, command, rowTexts, expand, openPane, closePane, collapse, startConfig, showConsole, step, picture } from '../lib.mjs';

const varRow = (page, re) => page.locator('.debug-variables .monaco-list-row').filter({ hasText: re }).first();

/** The labels of the Variables context menu opened on the row matching `re`; the menu is closed again. */
async function menuOf(page, re) {
  await varRow(page, re).click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ timeout: 10000 });
  const labels = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  return labels;
}

/** Widens the side bar (drags its sash) so long Variables and Topology rows can be read in screenshots. */
async function widenSideBar(page) {
  const box = await page.locator('.part.sidebar').first().boundingBox();
  if (!box || box.width >= 600) return;
  await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 760, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function runMenuItem(page, re, label) {
  await varRow(page, re).click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: new RegExp(`^${label}$`) }).first();
  await item.waitFor({ timeout: 10000 });
  await item.hover();
  await page.keyboard.press('Enter');
  await page
    .locator('.context-view .monaco-menu')
    .first()
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => item.click());
}

step('A BAR being sized reads "sizing (reads back mask …)" in Variables and vPCI Topology', async (page) => {
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
  await widenSideBar(page);
  await openPane(page, 'Breakpoints');
  const bp = page.locator('.debug-breakpoints .monaco-list-row', { hasText: /BASE_ADDRESS_0/ });
  if (await bp.count()) await bp.locator('input[type="checkbox"]').first().check();
  else {
    // No data breakpoint left by the core journeys: make one, Header → BASE_ADDRESS_0 → Break on Value Change.
    // The Variables tree renders only rows in view: make room first.
    for (const p of ['Watch', 'Call Stack', 'Loaded Scripts', 'Breakpoints']) await closePane(page, p);
    await collapse(page, /^\s*Locals\b/);
    await expand(page, /^\s*Device nic0\b/);
    await expand(page, /^\s*Header\b/);
    await runMenuItem(page, /^\s*BASE_ADDRESS_0\s*=?\s*0x/, 'Break on Value Change');
    await collapse(page, /^\s*Header\b/);
    await collapse(page, /^\s*Device nic0\b/);
    await openPane(page, 'Breakpoints');
    await bp.first().waitFor({ timeout: 10000 });
  }
  // Variables gets the whole side bar: every other pane closed. Each data-breakpoint stop says so in
  // the Debug Console ("Data breakpoint: nic0.BASE_ADDRESS_0 …"), which is how the journey counts stops.
  for (const p of ['Watch', 'Call Stack', 'Loaded Scripts', 'Breakpoints', 'vPCI Topology']) await closePane(page, p);
  await showConsole(page);
  const bar0Text = async () =>
    (
      (await varRow(page, /^\s*BAR0\b/)
        .innerText({ timeout: 500 })
        .catch(() => '')) ?? ''
    )
      .replace(/\s+/g, ' ')
      .trim();
  // Continue from data-breakpoint stop to stop (BAR0 is written a few times: an unchanged write,
  // the sizing write of all-ones, its restore) until the row shows the sizing state.
  let text = '';
  for (let i = 0; i < 5 && !/sizing/.test(text); i++) {
    await command(page, 'Clear Console');
    await page
      .locator('.repl .monaco-list-row', { hasText: /Data breakpoint: nic0\.BASE_ADDRESS_0/ })
      .first()
      .waitFor({ state: 'detached', timeout: 10000 });
    await command(page, 'Debug: Continue');
    await page
      .locator('.repl .monaco-list-row', { hasText: /Data breakpoint: nic0\.BASE_ADDRESS_0/ })
      .first()
      .waitFor({ timeout: 30000 });
    // VS Code expands the first scope again when a stop's variables arrive: collapse it once that has settled
    for (let k = 0; k < 10; k++) {
      await page.waitForTimeout(300);
      await collapse(page, /^\s*Locals\b/);
      const open = await page
        .locator('.debug-variables .monaco-list-row[aria-expanded="true"]')
        .filter({ hasText: /^\s*Locals\b/ })
        .count();
      if (!open) break;
    }
    // The stop's variables may arrive after its console line: VS Code then draws the tree again,
    // with the first scope open and the rest closed. Expand until BAR0 is there (a clean-clone stdio
    // run lost its Device row that way and waited for BARs in vain).
    const shown = (re) =>
      varRow(page, re)
        .waitFor({ timeout: 3000 })
        .then(
          () => true,
          () => false,
        );
    for (let k = 0; k < 6; k++) {
      await collapse(page, /^\s*Locals\b/);
      await collapse(page, /^\s*Bus \S+\s*$/);
      await expand(page, /^\s*Device nic0\b/);
      if (await shown(/^\s*BARs\b/)) {
        await expand(page, /^\s*BARs\b/);
        if (await shown(/^\s*BAR0\b/)) break;
      }
      await page.waitForTimeout(300);
    }
    await varRow(page, /^\s*BAR0\b/).waitFor({ timeout: 10000 });
    for (let k = 0; k < 30 && !/sizing/.test((text = await bar0Text())); k++) await page.waitForTimeout(100);
    log(`BAR0 at data-breakpoint stop ${i + 1}: ${text}`);
  }
  if (!/sizing \(reads back mask 0xffffc00c\)/.test(text)) throw new Error(`BAR0 row: ${text}`);
  if (/0xffffc000/.test(text.replace(/0xffffc00c/, ''))) throw new Error('the sizing mask is shown as an address');
  await picture(page, { path: join(OUT, 'variables-bar-sizing.png') });
  await openPane(page, 'vPCI Topology');
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /vPCI Topology/i }) });
  await pane.locator('.monaco-list-row', { hasText: /nic0/ }).first().waitFor({ timeout: 10000 });
  await expand(page, /\b[0-9a-f]{2}\.[0-7]\b/, pane);
  await expand(page, /^\s*BARs\s*\d/, pane);
  const topoBar = pane.locator('.monaco-list-row', { hasText: /BAR0/ }).first();
  await topoBar.waitFor({ timeout: 10000 });
  const topo = (await topoBar.innerText()).replace(/\s+/g, ' ').trim();
  log(`topology BAR0 while sized: ${topo}`);
  if (!/sizing \(reads back mask 0xffffc00c\)/.test(topo)) throw new Error(`topology BAR0: ${topo}`);
  await picture(page, { path: join(OUT, 'topology-bar-sizing.png') });
  await closePane(page, 'vPCI Topology');
  await openPane(page, 'Breakpoints');
  await page
    .locator('.debug-breakpoints .monaco-list-row', { hasText: /BASE_ADDRESS_0/ })
    .locator('input[type="checkbox"]')
    .first()
    .uncheck();
  await closePane(page, 'Breakpoints');
});

step('Registers carry pci_regs.h names; capabilities have summaries; group rows are not dimmed', async (page) => {
  await collapse(page, /^\s*BARs\b/);
  await expand(page, /^\s*Header\b/);
  await varRow(page, /^\s*BASE_ADDRESS_0\b/).waitFor({ timeout: 10000 });
  await expand(page, /^\s*COMMAND\b/);
  await varRow(page, /^\s*INTX_DISABLE\b/).waitFor({ timeout: 10000 });
  const rows = await rowTexts(page, '.debug-variables');
  log(`header rows: ${JSON.stringify(rows.slice(0, 40))}`);
  for (const n of ['VENDOR_ID', 'COMMAND', 'STATUS', 'CLASS_PROG', 'BASE_ADDRESS_0', 'MEMORY', 'MASTER']) {
    if (!rows.some((r) => new RegExp(`^${n}\\b`).test(r))) throw new Error(`no ${n} row`);
  }
  if (!rows.some((r) => /^VENDOR_ID\s*=?\s*0x8086$/.test(r))) throw new Error('VENDOR_ID is not shown in hex');
  // 'virtual' rows are drawn dimmed by VS Code: the group rows must not be
  const dimmed = await page.locator('.debug-variables .monaco-list-row .virtual').count();
  if (dimmed) throw new Error(`${dimmed} Variables rows drawn as virtual (dimmed)`);
  await picture(page, { path: join(OUT, 'variables-header-names.png') });
  await collapse(page, /^\s*COMMAND\b/);
  await collapse(page, /^\s*Header\b/);
  const aer = varRow(page, /^\s*\[0x100\] Advanced Error Reporting/);
  for (let i = 0; i < 3 && !(await aer.isVisible().catch(() => false)); i++) {
    const caps = await expand(page, /^\s*Capabilities\b/);
    if (
      !(await aer.waitFor({ timeout: 4000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await caps.click();
      await page.keyboard.press('ArrowRight');
    }
  }
  await aer.waitFor({ timeout: 10000 });
  const capRows = (await rowTexts(page, '.debug-variables')).filter((r) => /^\[0x[0-9a-f]+\]/.test(r));
  log(`capability rows: ${JSON.stringify(capRows)}`);
  if (!capRows.some((r) => /Advanced Error Reporting\s*=?\s*UE 0 CE 0, first error —/.test(r))) throw new Error('AER has no summary');
  if (!capRows.some((r) => /ARI\)\s*=?\s*next function \d+/.test(r))) throw new Error('ARI has no summary');
  for (const r of capRows) if (/=\s*$/.test(r) || !/=/.test(r)) throw new Error(`capability row without a summary: ${r}`);
  await picture(page, { path: join(OUT, 'variables-capabilities.png') });
});

step('Device commands only on device rows; "Show Decimal" / "Show Hex" says what it does', async (page) => {
  const onDevice = await menuOf(page, /Advanced Error Reporting/);
  log(`menu on a capability row: ${JSON.stringify(onDevice)}`);
  for (const l of ['Show lspci', 'Open Config Space in Hex Editor', 'Show Decimal'])
    if (!onDevice.includes(l)) throw new Error(`'${l}' missing on a device row`);
  if (onDevice.includes('Show Hex') || onDevice.includes('Toggle Hex')) throw new Error('the number-format item is not the one for the current state');
  await collapse(page, /^\s*Device nic0\b/);
  await expand(page, /^\s*Scenario\b/);
  const onScenario = await menuOf(page, /^\s*step\b/);
  log(`menu on a Scenario row: ${JSON.stringify(onScenario)}`);
  if (onScenario.includes('Show lspci')) throw new Error('Show lspci offered on a row that is not a device');
  await runMenuItem(page, /^\s*step\b/, 'Show Decimal');
  await varRow(page, /^\s*numbers\s*=?\s*decimal/).waitFor({ timeout: 10000 });
  const after = await menuOf(page, /^\s*step\b/);
  log(`menu after Show Decimal: ${JSON.stringify(after)}`);
  if (!after.includes('Show Hex') || after.includes('Show Decimal')) throw new Error('the menu does not offer Show Hex after Show Decimal');
  await picture(page, { path: join(OUT, 'variables-show-hex.png') });
  await runMenuItem(page, /^\s*step\b/, 'Show Hex');
  await varRow(page, /^\s*numbers\s*=?\s*hexadecimal/).waitFor({ timeout: 10000 });
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
  await openPane(page, 'Call Stack');
  await openPane(page, 'Breakpoints');
});
