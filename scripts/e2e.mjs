// `npm run test:e2e`: the VSIX in a real VS Code. Sets up code-server and
// Chromium if needed (scripts/e2e-setup.mjs), makes a throwaway profile and
// workspace, installs the VSIX with `code-server --install-extension`, starts
// code-server in its own process group on 127.0.0.1, runs the journeys in
// test/e2e/journeys.mjs with playwright-core, and stops code-server again.
// Screenshots land in e2e-screenshots/ (not committed).
// env: E2E_BASE, E2E_PORT (default 18081), VSIX_OUT, KEEP_RUN=1, E2E_ADAPTER=inline|stdio,
// E2E_HOST=web (the extension moved into the browser's web worker extension host by the
// `remote.extensionKind` workspace setting, as VS Code for the Web runs it; the journeys that make
// sense there; screenshots in e2e-screenshots-web/), E2E_ONLY=<journey name prefix>[,…] (just those,
// after the workbench and Open Example: while writing one).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BASE, CODE_SERVER, TOOLS, setup } from './e2e-setup.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const VSIX = resolve(process.env.VSIX_OUT ?? `${pkg.name}-${pkg.version}.vsix`);
const PORT = Number(process.env.E2E_PORT ?? 18081);
// The held machine the attach journey connects to: the installed CLI's `dap --port --scenario`.
const ATTACH_PORT = PORT + 1;
const WEB = process.env.E2E_HOST === 'web';
const ADAPTER = WEB ? 'inline' : (process.env.E2E_ADAPTER ?? 'inline');
const OUT = resolve(WEB ? 'e2e-screenshots-web' : ADAPTER === 'inline' ? 'e2e-screenshots' : `e2e-screenshots-${ADAPTER}`);
const t0 = Date.now();
const log = (s) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);

if (!existsSync(VSIX)) {
  console.error(`no ${VSIX}: run \`npm run package\` first`);
  process.exit(2);
}
setup();
rmSync(OUT, { recursive: true, force: true }); // only this run's pictures
mkdirSync(OUT, { recursive: true });
const RUN = mkdtempSync(join(BASE, 'run-vpci.'));
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(RUN, 'xdg/config'),
  XDG_DATA_HOME: join(RUN, 'xdg/data'),
  XDG_CACHE_HOME: join(RUN, 'xdg/cache'),
};
for (const d of [env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME, join(RUN, 'user-data/User'), join(RUN, 'workspace')])
  mkdirSync(d, { recursive: true });
writeFileSync(join(RUN, 'cs-config.yaml'), `bind-addr: 127.0.0.1:${PORT}\nauth: none\ncert: false\n`);
const csArgs = ['--config', join(RUN, 'cs-config.yaml'), '--user-data-dir', join(RUN, 'user-data'), '--extensions-dir', join(RUN, 'extensions')];

// Workspace: the journeys open the bundled example (journey 1); launch.json runs the same
// example on the Linux guest model (journey 7, compare guests).
writeFileSync(join(RUN, 'workspace', 'README.txt'), 'vPCI Lab end-to-end workspace\n');
mkdirSync(join(RUN, 'workspace', '.vscode'), { recursive: true });
const installedExample = join(RUN, 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`, 'examples', 'quickstart.vpci');
writeFileSync(
  join(RUN, 'workspace', '.vscode', 'launch.json'),
  JSON.stringify(
    {
      version: '0.2.0',
      configurations: [
        { type: 'vpci', request: 'launch', name: 'vPCI: Debug scenario', scenario: '${file}', stopOnEntry: true },
        { type: 'vpci', request: 'launch', name: 'vPCI: quickstart on Linux', scenario: installedExample, guest: 'linux', stopOnEntry: true },
        { type: 'vpci', request: 'attach', name: 'vPCI: Attach to the held machine', debugServer: ATTACH_PORT },
      ],
    },
    null,
    2,
  ),
);
// `vpci.adapter` is machine-overridable: code-server is a remote window, where the local user
// settings file does not apply to it, so the workspace sets it (and the log check below proves it).
// The web run moves the extension into the web worker extension host with the workspace setting
// (the shipped package.json keeps the Node host as the default for desktop users).
const wsSettings = { 'vpci.adapter': ADAPTER, ...(WEB ? { 'remote.extensionKind': { [`${pkg.publisher}.${pkg.name}`]: ['ui'] } } : {}) };
writeFileSync(join(RUN, 'workspace', '.vscode', 'settings.json'), JSON.stringify(wsSettings, null, 2));
writeFileSync(
  join(RUN, 'user-data/User/settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'git.enabled': false,
      'debug.openDebug': 'openOnDebugBreak',
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    null,
    2,
  ),
);

const inst = spawnSync(CODE_SERVER, [...csArgs, '--install-extension', VSIX], { env, encoding: 'utf8' });
if (inst.status !== 0 || !/successfully installed/.test(inst.stdout + inst.stderr)) {
  console.error(inst.stdout, inst.stderr);
  process.exit(1);
}
log(`installed ${VSIX}`);

// Another code-server left on this port would take the journeys (the browser would talk to it,
// and its workspace and logs are not this run's): refuse to start instead.
if (
  await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
    () => true,
    () => false,
  )
) {
  console.error(`e2e: something already answers on 127.0.0.1:${PORT} (a code-server left from another run?); stop it or set E2E_PORT`);
  process.exit(1);
}
const csLog = openSync(join(RUN, 'code-server.log'), 'w');
const cs = spawn(
  CODE_SERVER,
  [...csArgs, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', join(RUN, 'workspace')],
  { env, detached: true, stdio: ['ignore', csLog, csLog] },
);
// The installed extension's own CLI holds the quickstart machine for the attach journey.
const heldLog = openSync(join(RUN, 'held-dap.log'), 'w');
const held = WEB
  ? undefined
  : spawn(
      process.execPath,
      [
        join(RUN, 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`, 'dist', 'cli.js'),
        'dap',
        '--port',
        String(ATTACH_PORT),
        '--scenario',
        installedExample,
      ],
      { stdio: ['ignore', heldLog, heldLog] },
    );
process.on('exit', () => held?.kill()); // never left holding the port, whatever ends this script

let stopped = false;
async function stop() {
  if (stopped) return;
  stopped = true;
  held?.kill();
  try {
    process.kill(-cs.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (let i = 0; i < 50 && cs.exitCode === null && cs.signalCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  try {
    process.kill(-cs.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  log(`code-server (pgid ${cs.pid}) stopped`);
  if (process.env.KEEP_RUN !== '1') rmSync(RUN, { recursive: true, force: true });
  else log(`run kept: ${RUN}`);
}
process.on('SIGINT', () => void stop().then(() => process.exit(130)));

let up = false;
for (let i = 0; i < 300 && !up; i++) {
  up = await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) await new Promise((r) => setTimeout(r, 100));
}
if (!up) {
  console.error(readFileSync(join(RUN, 'code-server.log'), 'utf8'));
  await stop();
  process.exit(1);
}
log(`code-server up on 127.0.0.1:${PORT}`);
// the held machine for the attach journey must be listening before the journeys start
const { connect } = await import('node:net');
let heldUp = WEB; // the web run has no attach journey
for (let i = 0; i < 100 && !heldUp && held && held.exitCode === null; i++) {
  heldUp = await new Promise((res) => {
    const c = connect(ATTACH_PORT, '127.0.0.1', () => (c.destroy(), res(true)));
    c.on('error', () => res(false));
  });
  if (!heldUp) await new Promise((r) => setTimeout(r, 100));
}
if (!heldUp) {
  console.error(`e2e: vpci-lab dap --scenario is not listening on ${ATTACH_PORT}:\n${readFileSync(join(RUN, 'held-dap.log'), 'utf8')}`);
  await stop();
  process.exit(1);
}

const r = spawnSync(process.execPath, ['test/e2e/journeys.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, CS_URL: `http://127.0.0.1:${PORT}`, WORKSPACE: join(RUN, 'workspace'), OUT_DIR: OUT, NODE_PATH: TOOLS },
});
if (r.status !== 0) {
  const logs = spawnSync('bash', ['-c', `tail -n 40 $(ls -t ${join(RUN, 'user-data/logs')}/*/exthost*/remoteexthost.log 2>/dev/null | head -1) 2>/dev/null`], {
    encoding: 'utf8',
  });
  if (logs.stdout) console.log(`--- extension host log (tail) ---\n${logs.stdout}`);
  const ours = spawnSync('bash', ['-c', `cat ${join(RUN, 'user-data/logs')}/*/exthost*/output_logging_*/*vPCI*.log 2>/dev/null | tail -n 40`], {
    encoding: 'utf8',
  });
  if (ours.stdout) console.log(`--- vPCI Lab log (tail) ---\n${ours.stdout}`);
  if (held) console.log(`--- held machine (vpci-lab dap --scenario) ---\n${readFileSync(join(RUN, 'held-dap.log'), 'utf8')}`);
}
// Every session must have run on the adapter this run is for (the extension logs which one).
let status = r.status ?? 1;
if (WEB) {
  // Which extension host ran the extension: the web worker host says so in the browser's console
  // (the extension's activation line; VS Code's own placement line where it logs one), and the
  // server's Node extension host must not have activated it.
  const browser = existsSync(join(OUT, 'console.txt')) ? readFileSync(join(OUT, 'console.txt'), 'utf8') : '';
  const ours = browser.split('\n').find((l) => l.includes('vPCI Lab: activated in the web worker extension host'));
  const placed = browser.split('\n').find((l) => /pickRunningLocation.*vpci-lab/i.test(l));
  const nodeHost = spawnSync('bash', ['-c', `cat ${join(RUN, 'user-data/logs')}/*/exthost*/remoteexthost.log 2>/dev/null`], { encoding: 'utf8' }).stdout;
  const inNode = nodeHost.split('\n').filter((l) => /vpci-lab\.vpci-lab/.test(l));
  if (!ours || inNode.some((l) => /activat/i.test(l))) {
    console.error(
      `e2e: the extension did not run in the web worker extension host: browser console ${ours ? 'has' : 'lacks'} the activation line; Node extension host log: ${inNode.join(' | ') || 'no mention'}`,
    );
    if (status === 0) status = 1;
  } else log(`web worker extension host: ${ours.trim()}${placed ? `; ${placed.trim()}` : ''}; the Node extension host never activated it`);
}
// every window's log (a journey may open a second window, which has a log of its own)
const vpciLog = spawnSync('bash', ['-c', `find ${join(RUN, 'user-data/logs')} -name 'vPCI Lab.log' -exec cat {} + 2>/dev/null`], { encoding: 'utf8' }).stdout;
const adapters = [...vpciLog.matchAll(/debug adapter for "[^"]*": (\w+)/g)].map((m) => m[1]);
// (The web worker host keeps its output channels in the browser, not in these files: the web run's proof is the check above.)
if (WEB) log('web run: the inline adapter is the only one the web worker extension host has');
else if (!adapters.length || adapters.some((a) => a !== ADAPTER)) {
  console.error(`e2e: expected every session on the ${ADAPTER} adapter; the vPCI Lab log says: ${adapters.join(', ') || 'nothing'}`);
  if (status === 0) status = 1;
} else log(`${adapters.length} debug sessions, all on the ${ADAPTER} adapter`);
await stop();
log(`journeys exit code ${r.status}; screenshots in ${OUT}`);
process.exit(status);
