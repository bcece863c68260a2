// F5 again after a session: a session leaves its driver listing in front, and F5 there runs the
// scenario that session ran (the listing's language is the debugger's too), rather than saying
// "Open a .vpci scenario" or offering to install a debugger for the listing.
import { join } from 'node:path';
import { OUT, log, command, openPane, startConfig, step, openWorkspaceFile, picture } from '../lib.mjs';

step('F5 in the driver listing a session left in front runs its scenario again', async (page) => {
  await command(page, 'View: Close All Editor Groups');
  await openWorkspaceFile(page, 'quickstart.vpci');
  await startConfig(page, 'vPCI: Debug scenario');
  const attach = page.locator('.debug-call-stack .monaco-list-row', { hasText: /vmbus_pcib_attach/ }).first();
  await attach.waitFor({ timeout: 20000 });
  await page.locator('.tabs-container .tab.active', { hasText: /vmbus_pcib\.c/ }).waitFor({ timeout: 10000 });
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15000 });
  // the listing is still in front: F5 there
  await page.locator('.tabs-container .tab.active', { hasText: /vmbus_pcib\.c/ }).waitFor({ timeout: 10000 });
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('F5');
  const started = await page
    .locator('.debug-toolbar')
    .waitFor({ timeout: 30000 })
    .then(
      () => true,
      () => false,
    );
  const said = (await page.locator('.notifications-toasts').allInnerTexts()).join(' ').replace(/\s+/g, ' ');
  if (!started) throw new Error(`F5 in the listing started no session; shown: ${said || 'nothing'}`);
  if (/Open a \.vpci scenario/.test(said)) throw new Error(`F5 in the listing was refused: ${said}`);
  await openPane(page, 'Call Stack');
  await attach.waitFor({ timeout: 20000 });
  log('F5 in the listing ran quickstart.vpci again');
  await picture(page, { path: join(OUT, '45-f5-in-listing.png') });
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15000 });
});
