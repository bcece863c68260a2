// Add Data Breakpoint at Address, as a user finds it: the command (also the Breakpoints view's
// title bar) prompts for "address + bytes", the adapter names the range and offers read, write or
// both, and Continue stops where the guest writes there. On the quickstart, nic0's BAR 3 (the
// 82599 VF's MSI-X table, offset 0) is placed at 0xf8008000: the FreeBSD driver first masks table
// entry 0 (pci_alloc_msix_method → pci_mask_msix writes its vector control word, at +0xc), then
// writes its message address (pci_enable_msix).
import { join } from 'node:path';
import { OUT, log, command, openPane, closePane, startConfig, step, openWorkspaceFile, picture, stopSessions, untickBreakpoints } from '../lib.mjs';

step('Add Data Breakpoint at Address on an MSI-X table entry stops where the driver programs it', async (page) => {
  await stopSessions(page);
  await command(page, 'View: Close All Editor Groups');
  await openWorkspaceFile(page, 'quickstart.vpci');
  await startConfig(page, 'vPCI: Debug scenario');
  await page
    .locator('.debug-call-stack .monaco-list-row', { hasText: /vmbus_pcib_attach/ })
    .first()
    .waitFor({ timeout: 20000 });
  // Room for every Breakpoints row (earlier journeys leave several; the list draws only the rows in view).
  for (const p of ['Watch', 'Loaded Scripts', 'vPCI Topology', 'Variables', 'Call Stack']) await closePane(page, p);
  await openPane(page, 'Breakpoints');
  // What earlier journeys left enabled (BAR0's data breakpoint) would stop first.
  await untickBreakpoints(page, /BASE_ADDRESS_0|\.c\b/, 0);

  await command(page, 'Add Data Breakpoint at Address');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill('0xf8008000 + 16');
  await page.keyboard.press('Enter');
  // The adapter offers three access types: VS Code asks which.
  const write = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: /^write$/ }) })
    .first();
  await write.waitFor({ timeout: 10000 });
  await write.click();
  const row = page.locator('.debug-breakpoints .monaco-list-row', { hasText: /guest-physical 0xf8008000\.\.0xf800800f/ }).first();
  await row.waitFor({ timeout: 10000 });
  log(`breakpoint row: '${(await row.innerText()).replace(/\s+/g, ' ')}'`);

  await openPane(page, 'Call Stack');
  await command(page, 'Debug: Continue');
  const label = page.locator('.debug-call-stack .thread .state.label', { hasText: /data breakpoint/i }).first();
  await label.waitFor({ timeout: 30000 });
  // First the mask: pci_mask_msix writes the vector control word (FreeBSD writes it even when already masked).
  const mask = page.locator('.debug-call-stack .monaco-list-row', { hasText: /pci_mask_msix\s*pci\.c/ }).first();
  await mask.waitFor({ timeout: 10000 });
  const masked = page.locator('.repl .monaco-list-row', { hasText: /nic0 BAR 3 \+ 0xc \(MSI-X table entry 0\) written 0x00000001/ }).first();
  await masked.waitFor({ timeout: 10000 });
  log(`first stop: ${(await mask.innerText()).replace(/\s+/g, ' ')}; console: ${(await masked.innerText()).replace(/\s+/g, ' ')}`);
  await command(page, 'Debug: Continue');
  // The stopped thread's top frame: the driver's MSI-X entry write (pci_enable_msix in the FreeBSD listing).
  const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: /pci_enable_msix\s*pci\.c/ }).first();
  await frame.waitFor({ timeout: 10000 });
  log(`stopped: '${(await label.textContent())?.trim()}' at ${(await frame.innerText()).replace(/\s+/g, ' ')}`);
  // The Debug Console says where the write landed and what it wrote.
  const said = page.locator('.repl .monaco-list-row', { hasText: /nic0 BAR 3 \+ 0x0 \(MSI-X table entry 0\) written 0xfee00000/ }).first();
  await said.waitFor({ timeout: 10000 });
  log(`console: ${(await said.innerText()).replace(/\s+/g, ' ')}`);
  await openPane(page, 'Variables');
  await picture(page, { path: join(OUT, '62-address-watch.png') });

  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
  // left disabled, as the other journeys leave theirs (with room for its row again)
  for (const p of ['Variables', 'Call Stack']) await closePane(page, p);
  await untickBreakpoints(page, /guest-physical/);
});
