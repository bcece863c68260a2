// The language server in a *.vpci editor (issue 16 point 3: in the web worker extension host it
// runs in a blob: worker; in the Node host in a worker thread): completion offers the catalog's
// devices where a function wants one, and diagnostics follow the text as it is typed — a warning
// goes when its cause is fixed, an error names what is wrong and what was probably meant. Hover and
// quick fix have their own journey (40-first-minutes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE, OUT, log, command, step, openWorkspaceFile, picture } from '../lib.mjs';

const FILE = 'language.vpci';
const TEXT = 'vm {\n  host hyperv-2016\n  guest freebsd\n}\n\nbus nic0 { function 0 intel-82599-vf }\nbus nic1 {\n}\n\nat 0    boot\n';

/** The Problems view's rows, read once it shows a row matching `want` (or, with `gone`, none matching it). */
async function problemsUntil(page, want, gone = false) {
  await command(page, 'Problems: Focus on Problems View');
  const rows = page.locator('.markers-panel .monaco-list-row');
  let texts = [];
  for (let i = 0; i < 100; i++) {
    texts = (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    if (texts.some((t) => want.test(t)) !== gone) return texts;
    await page.waitForTimeout(150);
  }
  throw new Error(`Problems ${gone ? 'still shows' : 'does not show'} ${want}: ${JSON.stringify(texts)}`);
}

/** Puts the cursor at the end of 1-based `line` of the active editor. */
async function endOf(page, line) {
  await page.locator('.editor-group-container.active .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

step("Scenario editor: completion offers the catalog's devices; diagnostics follow the typing", async (page) => {
  writeFileSync(join(WORKSPACE, FILE), TEXT);
  await command(page, 'View: Close All Editor Groups');
  await openWorkspaceFile(page, FILE);
  const before = await problemsUntil(page, /bus nic1 has no functions/);
  log(`problems at open: ${JSON.stringify(before.filter((t) => /language\.vpci|nic1/.test(t)))}`);

  // a function line in nic1's block: completion after "function 0" lists the devices
  await endOf(page, 7);
  await page.keyboard.press('Enter');
  await page.keyboard.type('function 0 mell');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
  await suggest.filter({ hasText: 'mellanox-cx3-vf' }).first().waitFor({ timeout: 15000 });
  const items = (await suggest.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  log(`completion after 'function 0 mell': ${JSON.stringify(items)}`);
  await picture(page, { path: join(OUT, '65-completion.png') });
  if (!items.some((t) => /^mellanox-cx3-pf\b/.test(t))) throw new Error('the physical function is not offered beside the VF');
  // down the list to the VF, and Enter takes it
  const focusedName = () =>
    page
      .locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused .label-name')
      .first()
      .textContent({ timeout: 2000 })
      .then(
        (t) => (t ?? '').trim(),
        () => '',
      );
  for (let i = 0; i < 10 && (await focusedName()) !== 'mellanox-cx3-vf'; i++) await page.keyboard.press('ArrowDown');
  if ((await focusedName()) !== 'mellanox-cx3-vf') throw new Error(`the suggestion list never focused mellanox-cx3-vf (at '${await focusedName()}')`);
  await page.keyboard.press('Enter');
  await page
    .locator('.editor-group-container.active .view-line', { hasText: /^\s*function\s+0\s+mellanox-cx3-vf\s*$/ })
    .first()
    .waitFor({ timeout: 10000 });
  // the bus has a function now: its warning goes
  await problemsUntil(page, /bus nic1 has no functions/, true);

  // a line naming a bus that does not exist: the error names it and the likely one
  await page.locator('.editor-group-container.active .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('at 3ms  raise nic7 vector 0');
  const after = await problemsUntil(page, /unknown bus 'nic7'; did you mean 'nic[01]'\?/);
  log(`problems after typing: ${JSON.stringify(after.filter((t) => /nic7/.test(t)))}`);
  await page.locator('.editor-group-container.active .squiggly-error').first().waitFor({ timeout: 10000 });
  await picture(page, { path: join(OUT, '65-diagnostics.png') });
  await command(page, 'File: Revert File');
  await command(page, 'View: Close All Editor Groups');
});
