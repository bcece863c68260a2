import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main, type CliIo } from '../../adapter/cli/main';

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

test('unknown command exits 2 and names the command', async () => {
  const io = capture();
  const code = await main(['frobnicate'], io);
  assert.equal(code, 2);
  assert.match(io.stderr, /unknown command 'frobnicate'/);
});

test('dap: --scenario without --port, a stray argument and a broken scenario exit 2 and say why', async () => {
  let io = capture();
  assert.equal(await main(['dap', '--scenario', 'examples/quickstart.vpci'], io), 2);
  assert.match(io.stderr, /--scenario .* needs --port/);
  io = capture();
  assert.equal(await main(['dap', 'examples/quickstart.vpci'], io), 2);
  assert.match(io.stderr, /unexpected argument examples\/quickstart\.vpci/);
  io = capture();
  const bad = join(mkdtempSync(join(tmpdir(), 'vpci-dap-')), 'bad.vpci');
  writeFileSync(bad, 'vm {\n  host hyperv-2016\n}\nbus nic0 { function 0 no-such-device }\n');
  assert.equal(await main(['dap', '--port', '0', '--scenario', bad], io), 2);
  assert.match(io.stderr, /bad\.vpci:4:\d+: error: .*no-such-device/);
});
