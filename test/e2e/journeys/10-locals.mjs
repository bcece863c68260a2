// Locals at the first stop (issue 12 point 1): F5 stops at the bridge driver's
// attach routine and the Variables view's Locals scope lists the function's
// parameters (as the device they stand for) and every local its listing
// declares, `<not yet assigned>` until the code sets them — on FreeBSD
// (vmbus_pcib_attach) and on Linux (hv_pci_probe).
import { join } from 'node:path';
import { OUT, log, command, openPane, startConfig, step, picture } from '../lib.mjs';

/** The rows of the Locals scope, as "name = value" / "name: value" texts (the scope expanded). */
async function localsRows(page, fn) {
  await openPane(page, 'Variables');
  const scope = page.locator('.debug-variables .monaco-list-row', { hasText: new RegExp(`Locals: ${fn}`) }).first();
  await scope.waitFor({ timeout: 20000 });
  if ((await scope.getAttribute('aria-expanded')) === 'false') await scope.click();
  const rows = page.locator('.debug-variables .monaco-list-row[aria-level="2"]');
  await rows.first().waitFor({ timeout: 10000 });
  return (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
}

function expectRows(rows, wanted) {
  for (const [name, re] of wanted) {
    const row = rows.find((r) => r.startsWith(`${name}:`) || r.startsWith(`${name} `));
    if (!row) throw new Error(`Locals has no ${name}: ${JSON.stringify(rows)}`);
    if (!re.test(row)) throw new Error(`Locals ${name} reads '${row}', expected ${re}`);
  }
}

step('Locals at the first stop: vmbus_pcib_attach lists dev and its declared locals', async (page) => {
  // The quickstart scenario is the active editor for "vPCI: Debug scenario" (${file}).
  const tab = page.locator('.tabs-container .tab', { hasText: 'quickstart.vpci' }).first();
  if (await tab.count()) await tab.click();
  await startConfig(page, 'vPCI: Debug scenario');
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'vmbus_pcib_attach' }).first().waitFor({ timeout: 20000 });
  const rows = await localsRows(page, 'vmbus_pcib_attach');
  log(`FreeBSD locals: ${JSON.stringify(rows)}`);
  expectRows(rows, [
    ['dev', /Hyper-V PCI Express Pass Through \(vmbus_pcib, [0-9a-f-]{36}\)/],
    ['pci_ring_size', /0x4000|16384/],
    ['hbus', /<not yet assigned>/],
    ['rid', /[:=] (0|0x0)$/],
    ['ret', /<not yet assigned>/],
  ]);
  await picture(page, { path: join(OUT, 'locals-freebsd-first-stop.png') });
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
});

step('Locals at the first stop on Linux: hv_pci_probe lists hdev, dev_id and its declared locals', async (page) => {
  await startConfig(page, 'vPCI: quickstart on Linux');
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'hv_pci_probe' }).first().waitFor({ timeout: 20000 });
  const rows = await localsRows(page, 'hv_pci_probe');
  log(`Linux locals: ${JSON.stringify(rows)}`);
  expectRows(rows, [
    ['hdev', /[0-9a-f-]{36} \(\S+, hv_pci\)/],
    ['dev_id', /44c4f61d-4444-4400-9d52-802e27ede19f/],
    ['hbus', /<not yet assigned>/],
    ['dom_req', /<not yet assigned>/],
    ['dom', /<not yet assigned>/],
    ['ret', /<not yet assigned>/],
  ]);
  await picture(page, { path: join(OUT, 'locals-linux-first-stop.png') });
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
});
