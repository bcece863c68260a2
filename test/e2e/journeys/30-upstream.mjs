// Upstream links (issue 13 point 6, docs/upstream.md): the Call Stack's
// hover names a driver frame's upstream place, and "Open Upstream Source" on
// the frame asks to open the pinned upstream page at the function's line.
// There is no network here: the browser's requests to the upstream hosts are
// answered by a stub page, so the step checks the address the command asked
// for (the extension's log line, and the page the window opened), never what
// the real page holds. In the web run (E2E_HOST=web) the extension's log lives
// in the browser, so its line is read from the Output panel's vPCI Lab channel.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { step, startConfig, command, log, OUT, WORKSPACE, picture } from '../lib.mjs';

const WEB = process.env.E2E_HOST === 'web';
const LINUX_PAGE = /^https:\/\/git\.kernel\.org\/pub\/scm\/linux\/kernel\/git\/stable\/linux\.git\/tree\/([^?#]+)\?h=v6\.12\.118#n(\d+)$/;

/** The "vPCI Lab" output channel's log file of this run (code-server writes it under the user-data folder next to the workspace). */
function vpciLog() {
  const logs = join(dirname(WORKSPACE), 'user-data', 'logs');
  const found = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === 'vPCI Lab.log') found.push(join(d, e.name));
    }
  };
  if (existsSync(logs)) walk(logs);
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Row texts of the Call Stack, once two reads half a second apart agree (frames load and threads expand after the stop). */
async function settledCallStack(page) {
  let prev = '';
  for (let i = 0; i < 40; i++) {
    const now = (await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ');
    if (now && now === prev) return now;
    prev = now;
    await page.waitForTimeout(500);
  }
  return prev;
}

/** The text of the Call Stack row under the point (x, y) of the page, or '' — to know the hover belongs to the row we meant. */
const rowAt = (page, x, y) =>
  page.evaluate(
    ([px, py]) => {
      const el = document.elementFromPoint(px, py)?.closest('.debug-call-stack .monaco-list-row');
      return el ? el.innerText.replace(/\s+/g, ' ').trim() : '';
    },
    [x, y],
  );

step('Call Stack: a driver frame names its upstream place, and Open Upstream Source opens it at the line', async (page) => {
  const before = WEB ? 0 : vpciLog().split('\n').length;
  /** The Output panel, showing the vPCI Lab channel. */
  const showVpciOutput = async () => {
    await page
      .locator('.part.panel .action-label', { hasText: /^output$/i })
      .first()
      .click({ timeout: 5000 })
      .catch(() => {});
    await page.mouse.move(700, 900); // away from the tab, so its tooltip does not cover the log
    await page
      .locator('.part.panel select.monaco-select-box')
      .first()
      .selectOption({ label: 'vPCI Lab' }, { timeout: 5000 })
      .catch(() => {});
  };
  await startConfig(page, 'vPCI: quickstart on Linux');
  await settledCallStack(page);
  // A frame in the driver's own listing (pci-hyperv.c), whose row names both the function and the file.
  const row = page.locator('.debug-call-stack .monaco-list-row', { has: page.locator('.stack-frame .file', { hasText: /pci-hyperv\.c/ }) }).first();
  await row.waitFor({ timeout: 20000 });
  const fn = (
    (await row
      .locator('.stack-frame .expression')
      .first()
      .innerText()
      .catch(() => '')) || (await row.innerText())
  )
    .trim()
    .split(/\s+/)[0];
  const frameText = (await row.innerText()).replace(/\s+/g, ' ').trim();

  // VS Code shows the frame source's origin in the file label's managed hover (not a title attribute).
  const file = row.locator('.stack-frame .file').first();
  const box = await file.boundingBox();
  if (!box) throw new Error(`the ${fn} frame's file label is not on screen`);
  const x = box.x + Math.min(box.width / 2, 30);
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  const hover = page
    .locator('.workbench-hover-container .workbench-hover, .monaco-hover:not(.hidden)')
    .filter({ hasText: /listings\/linux\// })
    .first();
  const title = (
    await hover.waitFor({ timeout: 6000 }).then(
      () => hover.innerText(),
      () => '',
    )
  )
    .replace(/\s+/g, ' ')
    .trim();
  const under = await rowAt(page, x, y);
  log(`frame: ${frameText}; row under the mouse: ${under}; hover: ${JSON.stringify(title)}`);
  await picture(page, { path: join(OUT, 'upstream-call-stack-hover.png') });
  // The hover must be this row's: the mouse is still on it, and the hover names its listing file.
  // (the row under the mouse shows its inline actions in place of the line badge: compare name and file)
  const key = (t) => t.split(' ').slice(0, 2).join(' ');
  if (key(under) !== key(frameText))
    throw new Error(`the Call Stack moved under the mouse: hovering ${JSON.stringify(under)}, meant ${JSON.stringify(frameText)}`);
  if (!/listings\/linux\/pci-hyperv\.c /.test(title))
    throw new Error(`the hover is not the ${fn} frame's (its file is pci-hyperv.c): ${JSON.stringify(title)}`);
  const origin = /(upstream: drivers\/pci\/controller\/pci-hyperv\.c:(\d+) @ linux-stable v6\.12\.118|ours: .* @ linux-stable v6\.12\.118)/.exec(title);
  if (!origin) throw new Error(`the ${fn} frame's hover lacks its upstream place: ${JSON.stringify(title)}`);
  await page.mouse.move(0, 0);

  // Answer the upstream hosts with a stub page, and note what the browser asks for.
  const asked = [];
  const stub = (route) => {
    asked.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>upstream (stub)</title>stub page for the e2e: no network here' });
  };
  await page.context().route(/^https:\/\/(git\.kernel\.org|github\.com)\//, stub);
  const popup = page
    .context()
    .waitForEvent('page', { timeout: 20000 })
    .catch(() => undefined);
  // The frame's context menu → Open Upstream Source. Under load a menu pick can be lost (the menu
  // closes and nothing runs); a user would pick it again, and so does the journey, once.
  const pickFromMenu = async () => {
    await row.click();
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-label', { hasText: /^Open Upstream Source$/ }).first();
    await item.waitFor({ timeout: 10000 });
    // A click that lands while the menu is still arming is ignored (the item stays highlighted and nothing runs): hover, then Enter.
    await item.hover();
    await page.keyboard.press('Enter');
    await page
      .locator('.context-view .monaco-menu')
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => item.click());
    // VS Code asks before opening an external site (and again if the browser blocked the window): allow it.
    for (let i = 0; i < 2; i++) {
      const open = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ }).first();
      if (
        !(await open.waitFor({ timeout: 3000 }).then(
          () => true,
          () => false,
        ))
      )
        break;
      await open.click();
    }
  };
  // What the command asked for: its own log line (the log file is flushed with a delay; in the web
  // run, the Output panel's channel), then the window the browser opened.
  const logLines = async () => {
    if (!WEB)
      return vpciLog()
        .split('\n')
        .slice(before - 1);
    await showVpciOutput();
    // The panel wraps long lines: its visual lines, joined, are the channel's text (one line is enough to search).
    return [(await page.locator('.part.panel .view-lines .view-line').allInnerTexts()).join('').replace(/\u00a0/g, ' ')];
  };
  const logged = async () => {
    for (let i = 0; i < 150; i++) {
      const l = (await logLines()).find((x) => /Open Upstream Source: https:/.test(x));
      // the command's own words (in the web run the search ran over the whole channel)
      if (l) return /Open Upstream Source: \S+(?: \([^)]*\))?/.exec(l)?.[0] ?? l;
      await page.waitForTimeout(100);
    }
    return undefined;
  };
  await pickFromMenu();
  let line = await logged();
  if (!line) {
    log('Open Upstream Source: nothing logged after the first pick; picking it again');
    await pickFromMenu();
    line = await logged();
  }
  const url = /Open Upstream Source: (\S+)/.exec(line ?? '')?.[1] ?? '';
  log(`Open Upstream Source on ${fn}: the extension logged ${JSON.stringify(line ?? '')}`);
  const m = LINUX_PAGE.exec(url);
  if (!m) throw new Error(`Open Upstream Source did not ask for a pinned linux-stable v6.12.118 page (log: ${JSON.stringify(line ?? '')})`);
  if (m[1] !== 'drivers/pci/controller/pci-hyperv.c' && !/^ours: /.test(origin[0])) throw new Error(`${fn} is in pci-hyperv.c, the command opened ${m[1]}`);
  if (origin[2] && m[2] !== origin[2]) throw new Error(`the hover says line ${origin[2]}, the command opened line ${m[2]}`);
  const p = await popup;
  if (p) await p.waitForLoadState('domcontentloaded', { timeout: 5000 }).catch(() => {});
  const opened = p ? p.url() : '';
  log(`browser window: ${opened || '(none)'}; requests to upstream hosts: ${asked.join(', ') || '(none)'}`);
  await page.context().unroute(/^https:\/\/(git\.kernel\.org|github\.com)\//, stub);
  if (p) await p.close({ runBeforeUnload: false }).catch(() => {});
  // The browser got the same address: the window's URL, or its request (a request carries no #fragment).
  const norm = (u) => decodeURIComponent(u);
  const noFragment = (u) => norm(u).replace(/#.*$/, '');
  if (norm(opened) !== norm(url) && !asked.some((u) => noFragment(u) === noFragment(url)))
    throw new Error(`the browser was not asked for ${url} (window: ${JSON.stringify(opened)}, requests: ${JSON.stringify(asked)})`);
  // Show the user what was asked for: the vPCI Lab output channel with the command's line.
  await showVpciOutput();
  await page
    // (the editor draws spaces as no-break spaces: \s matches both)
    .locator('.part.panel .view-lines', { hasText: /Open\sUpstream\sSource:\shttps:/ })
    .first()
    .waitFor({ timeout: 5000 })
    .catch(() => {});
  await picture(page, { path: join(OUT, 'upstream-call-stack.png') });
  await page
    .locator('.part.panel .action-label', { hasText: /^debug console$/i })
    .first()
    .click({ timeout: 5000 })
    .catch(() => {});
  await command(page, 'Debug: Stop');
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 20000 });
});
