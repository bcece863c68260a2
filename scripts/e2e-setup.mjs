// Installs what `npm run test:e2e` needs, outside the repository: Debian's chromium, ripgrep and krb5 headers (apt);
// @vscode/ripgrep's download cache seeded with Debian's rg (no GitHub);
// code-server 4.100.3 (= VS Code 1.100.3, the newest for Node 20) and
// playwright-core from the npm registry. Idempotent: finished steps are skipped.
// env: E2E_BASE (default /tmp/vscode-e2e), SKIP_APT=1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.E2E_BASE ?? '/tmp/vscode-e2e';
export const CODE_SERVER_VERSION = '4.100.3';
export const PLAYWRIGHT_VERSION = '1.64.1';
export const CODE_SERVER = join(BASE, 'cs', 'node_modules', '.bin', 'code-server');
export const TOOLS = join(BASE, 'tools', 'node_modules');

const t0 = Date.now();
const log = (s) => console.log(`[e2e-setup +${Math.round((Date.now() - t0) / 1000)}s] ${s}`);
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

export function setup() {
  mkdirSync(BASE, { recursive: true });
  if (process.env.SKIP_APT !== '1' && (!existsSync('/usr/bin/chromium') || !existsSync('/usr/bin/rg'))) {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium', 'ripgrep', 'libkrb5-dev'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    log('apt: chromium ripgrep libkrb5-dev');
  }
  // @vscode/ripgrep 1.15.11 (pinned by code-server 4.100.3) takes a cached tarball before GitHub.
  const rgCache = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const rgTar = join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (!existsSync(rgTar)) {
    mkdirSync(rgCache, { recursive: true });
    mkdirSync(join(BASE, 'rgseed'), { recursive: true });
    copyFileSync('/usr/bin/rg', join(BASE, 'rgseed', 'rg'));
    execFileSync('tar', ['czf', rgTar, '-C', join(BASE, 'rgseed'), 'rg']);
    log(`ripgrep cache seeded: ${rgTar}`);
  }
  if (!existsSync(CODE_SERVER)) {
    const dir = join(BASE, 'cs');
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"code-server-host","private":true}\n');
    // unsafe_perm: its postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`.
    run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: dir,
      env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
    });
    log(`code-server ${CODE_SERVER_VERSION} installed`);
  }
  if (!existsSync(join(TOOLS, 'playwright-core'))) {
    const dir = join(BASE, 'tools');
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"e2e-tools","private":true}\n');
    run('npm', ['install', '--no-audit', '--no-fund', `playwright-core@${PLAYWRIGHT_VERSION}`], { cwd: dir });
    log(`playwright-core ${PLAYWRIGHT_VERSION} installed`);
  }
  log('ready');
}

if (import.meta.url === `file://${process.argv[1]}`) setup();
