// Upstream links (issue 13 point 6, docs/upstream.md): the Call Stack's
// tooltip names a driver frame's upstream place, and "Open Upstream Source" on
// the frame asks to open the pinned upstream page at the function's line. With
// no network here the page cannot load: the step checks the address the
// browser was asked to open, not its content.
import { join } from 'node:path';
import { step, startConfig, command, log, OUT } from '../lib.mjs';

step('Call Stack: a driver frame names its upstream place, and Open Upstream Source opens it at the line', async (page) => {
  await startConfig(page, 'vPCI: quickstart on Linux');
  const row = page.locator('.debug-call-stack .monaco-list-row', { has: page.locator('.stack-frame', { hasText: /hv_pci_|hv_pcifront|pci_|worker_thread|vmbus_on_event/ }) }).first();
  await row.waitFor({ timeout: 20000 });
  const frameText = (await row.innerText()).replace(/\s+/g, ' ').trim();
  const fn = /^(\S+)/.exec(frameText)?.[1] ?? '';
  // VS Code shows the frame source's origin in the file label's hover (a managed hover, not a title attribute).
  await row.locator('.file').hover();
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /upstream: |ours: / }).first();
  const title = (await hover.waitFor({ timeout: 4000 }).then(() => hover.innerText(), () => '')).replace(/\s+/g, ' ');
  log(`frame: ${frameText}; hover: ${JSON.stringify(title)}`);
  await page.screenshot({ path: join(OUT, 'upstream-call-stack-hover.png') });
  if (!/(upstream: |ours: ).*linux-stable v6\.12\.118/.test(title)) throw new Error(`the frame's hover lacks the upstream place: ${JSON.stringify(title)}`);
  await page.mouse.move(0, 0);
  const wanted = /https:\/\/git\.kernel\.org\/pub\/scm\/linux\/kernel\/git\/stable\/linux\.git\/tree\/[^?]+\?h=v6\.12\.118#n\d+/;
  const asked = [];
  const onRequest = (r) => { if (wanted.test(r.url())) asked.push(r.url()); };
  page.context().on('request', onRequest);
  const popup = page.context().waitForEvent('page', { timeout: 20000 }).catch(() => undefined);
  await row.click();
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: /^Open Upstream Source$/ }).first();
  await item.waitFor({ timeout: 10000 });
  await item.hover();
  await item.click();
  // VS Code may ask before opening an external site: allow it.
  const open = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ }).first();
  if (await open.waitFor({ timeout: 3000 }).then(() => true, () => false)) await open.click();
  const p = await popup;
  const url = p ? p.url() : '';
  for (let i = 0; i < 50 && !asked.length && !wanted.test(url); i++) await page.waitForTimeout(100);
  page.context().off('request', onRequest);
  const got = asked[0] ?? url;
  log(`Open Upstream Source on ${fn}: asked for ${got}`);
  await page.screenshot({ path: join(OUT, 'upstream-call-stack.png') });
  if (p) await p.close().catch(() => {});
  if (!wanted.test(got)) throw new Error(`Open Upstream Source did not ask for the pinned upstream page (got ${JSON.stringify(got)})`);
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
});
