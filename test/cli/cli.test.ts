import { test } from 'node:test';
import assert from 'node:assert/strict';
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
