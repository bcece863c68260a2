// The web run only (E2E_HOST=web): what cannot work in a browser says so in one line (issue 16
// points 2 and 3). The CLI in a terminal needs Node; attaching to a debug server needs a TCP
// socket; the stdio adapter (vpci.adapter: stdio) needs a process of its own — that one falls back
// to the inline adapter, and the session it was asked for still runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE, OUT, log, command, openPane, step, openWorkspaceFile, picture } from '../lib.mjs';

const NO_NODE = 'needs Node.js, which VS Code for the Web does not have';

/** Waits for the notification toast matching `re` and returns its text (one line: nothing after the message but its source and buttons). */
async function toast(page, re) {
  const t = page.locator('.notifications-toasts .notification-toast', { hasText: re }).first();
  await t.waitFor({ timeout: 15000 });
  const text = (await t.locator('.notification-list-item-message').first().innerText()).replace(/\s+/g, ' ').trim();
  // for the picture: the whole message (a toast with no buttons shows one line until expanded), once it has slid in
  await t.hover();
  await t
    .locator('.codicon-notifications-expand')
    .first()
    .click({ timeout: 2000 })
    .catch(() => {});
  await page.waitForTimeout(600);
  return text;
}

async function clearToasts(page) {
  await command(page, 'Notifications: Clear All Notifications');
}

if (process.env.E2E_HOST === 'web')
  step('In the browser, what needs Node says so in one line: the CLI, attach over TCP, the stdio adapter', async (page) => {
    await clearToasts(page);
    await command(page, 'vPCI: Use the CLI in a Terminal');
    const cli = await toast(page, /vpci-lab CLI needs Node\.js/);
    log(`CLI: ${cli}`);
    if (!cli.includes(`The vpci-lab CLI ${NO_NODE}`)) throw new Error(`the CLI said: ${cli}`);
    if (await page.locator('.terminal-wrapper .xterm').count()) throw new Error('a terminal opened anyway');
    await picture(page, { path: join(OUT, '70-cli-needs-node.png') });
    await clearToasts(page);

    await command(page, 'Debug: Select and Start Debugging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'vPCI: Attach to the held machine' }).first().click();
    const tcp = await toast(page, /debug server/);
    log(`attach: ${tcp}`);
    if (!tcp.includes(`("debugServer", TCP) ${NO_NODE}`)) throw new Error(`attach said: ${tcp}`);
    if (await page.locator('.debug-toolbar').isVisible()) throw new Error('a session started anyway');
    await picture(page, { path: join(OUT, '70-attach-needs-node.png') });
    await clearToasts(page);

    // vpci.adapter: stdio in the workspace settings: the warning, then the session on the inline adapter
    const settings = join(WORKSPACE, '.vscode', 'settings.json');
    const saved = readFileSync(settings, 'utf8');
    writeFileSync(settings, JSON.stringify({ ...JSON.parse(saved), 'vpci.adapter': 'stdio' }, null, 2));
    try {
      await page.waitForTimeout(1500); // the settings file is watched
      await openWorkspaceFile(page, 'quickstart.vpci');
      await command(page, 'Debug: Select and Start Debugging');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'vPCI: Debug scenario' }).first().click();
      const stdio = await toast(page, /stdio adapter/);
      log(`stdio: ${stdio}`);
      if (!stdio.includes(NO_NODE) || !/the inline adapter runs instead/.test(stdio)) throw new Error(`the stdio setting said: ${stdio}`);
      await openPane(page, 'Call Stack');
      await page
        .locator('.debug-call-stack .monaco-list-row', { hasText: /vmbus_pcib_attach/ })
        .first()
        .waitFor({ timeout: 20000 });
      await picture(page, { path: join(OUT, '70-stdio-needs-node.png') });
      await command(page, 'Debug: Stop');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
    } finally {
      writeFileSync(settings, saved);
    }
    await clearToasts(page);
  });
