// A function the host has taken off the bus (`unplug`, or an eject the guest completed) is gone
// from the debugger's picture as it is from the machine's: no Device scope, no config reads or
// writes by name or memory reference, not in the bus's function list or the memory events. Its
// model is kept: stepping back to before the unplug shows it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, cont, refused } from './harness';

const UNPLUG = resolve('test/adapter/fixtures/unplug.vpci');
const h = adapterTests();

test('an unplugged function has no Device scope, answers no config reads or writes, and is back after a step back to before the unplug', async () => {
  const dc = h.client();
  await launch(dc, UNPLUG);
  const scopesNow = async (): Promise<DebugProtocol.Scope[]> => {
    const tid = (await dc.threadsRequest()).body.threads[0]!.id;
    const st = await dc.stackTraceRequest({ threadId: tid });
    return (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  };
  const devices = async (): Promise<string[]> => (await scopesNow()).filter((s) => s.name.startsWith('Device ')).map((s) => s.name.split(':')[0]!);
  const evaluate = async (expression: string): Promise<string> => {
    try {
      return (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };

  // Before the unplug: both functions, and the second answers.
  assert.deepEqual(await devices(), ['Device nic0/00.0', 'Device nic0/01.2']);
  assert.equal(await evaluate('cfg16(nic0, 0, 0x41)'), '0x15b3');

  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  assert.deepEqual(await devices(), ['Device nic0/00.0']);
  // Named, by expression or by memory reference, it is not there to read or write.
  assert.match(await evaluate('cfg16(nic0, 0, 0x41)'), /^error: /);
  assert.match(await evaluate('nic0/1.2.VENDOR_ID'), /^error: /);
  assert.match(await refused(dc.customRequest('readMemory', { memoryReference: 'cfg/nic0/65', offset: 0, count: 4 })), /./);
  assert.match(
    await refused(dc.customRequest('writeMemory', { memoryReference: 'cfg/nic0/65', offset: 4, data: Buffer.from([6, 0]).toString('base64') })),
    /./,
  );
  // The function still on the bus answers as before.
  assert.equal(await evaluate('cfg16(nic0, 0)'), '0x8086');
  // The bus lists what is on it, and what has gone.
  const bus = (await scopesNow()).find((s) => s.name === 'Bus nic0')!;
  const rows = (await dc.variablesRequest({ variablesReference: bus.variablesReference })).body.variables;
  assert.equal(rows.find((r) => r.name === 'functions')?.value, '00.0; 01.2 gone (unplugged or ejected)');

  // Back to before the unplug: it is on the bus again, with its registers.
  const back = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.reverseContinueRequest({ threadId: end.body.threadId! });
  await back;
  assert.deepEqual(await devices(), ['Device nic0/00.0', 'Device nic0/01.2']);
  assert.equal(await evaluate('cfg16(nic0, 0, 0x41)'), '0x15b3');
});

test('vpci/eject of a function off the bus is refused, as the console refuses it: the host is not asked, no protocol error is logged', async () => {
  const dc = h.client();
  await launch(dc, UNPLUG, { stopOnEntry: false });
  // It answered {ok: true}, and the host logged 'ERROR: eject: no function at win_slot …' into the run.
  // Both say when and how it left (it said 'has no function' of a function the bus had, and the console 'no bus or function').
  assert.equal(await refused(dc.customRequest('vpci/eject', { bus: 'nic0', wslot: 0x41 })), 'nic0/01.2 left the bus at 6 ms (unplugged)');
  assert.equal(await refused(dc.customRequest('vpci/eject', { bus: 'nic0', wslot: 0x42 })), 'Bus nic0 has no function at 02.2');
  // The console names the function as it was typed there (it said nic0/01.2 of a nic0/1.2).
  assert.equal(await refused(dc.evaluateRequest({ expression: 'eject nic0/1.2', context: 'repl' })), 'nic0/1.2 left the bus at 6 ms (unplugged)');
  assert.equal(await refused(dc.evaluateRequest({ expression: 'eject nic0/01.2', context: 'repl' })), 'nic0/01.2 left the bus at 6 ms (unplugged)');
  const trace = (await dc.evaluateRequest({ expression: 'trace 3', context: 'repl' })).body.result;
  assert.doesNotMatch(trace, /ERROR/);
});

test('a data breakpoint on a function that has left the bus says so, not that it is not present yet', async () => {
  const dc = h.client();
  await launch(dc, UNPLUG, { stopOnEntry: false });
  const info = await dc.dataBreakpointInfoRequest({ name: 'nic0/1.2.COMMAND' });
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
  assert.equal(set.body.breakpoints[0]!.message, 'nic0/01.2.COMMAND (config 0x04) (the device has left the bus)');
});

test('lspci (vpci/lspci and the console) says a function off the bus left it, and when, instead of decoding its last bytes', async () => {
  const dc = h.client();
  await launch(dc, UNPLUG, { stopOnEntry: false });
  const one = (await dc.customRequest('vpci/lspci', { bus: 'nic0', wslot: 0x41 })).body.text as string;
  assert.match(one, /^[0-9a-f]{4}:00:01\.2 nic0\/01\.2 left the bus at 6 ms \(unplugged\)$/);
  assert.equal((await dc.evaluateRequest({ expression: 'lspci nic0/1.2', context: 'repl' })).body.result, one);
  // The whole bus: the function on it decoded, the one that left in one line.
  const all = (await dc.customRequest('vpci/lspci', { bus: 'nic0' })).body.text as string;
  assert.match(all, /00\.0 Ethernet controller: Intel/);
  assert.ok(all.endsWith(one), all);
  assert.doesNotMatch(all, /Mellanox/);
  // Other commands on it say the same.
  assert.equal(await refused(dc.evaluateRequest({ expression: 'cfg nic0/1.2', context: 'repl' })), 'nic0/1.2 left the bus at 6 ms (unplugged)');
});

test('a watch, hover or console line naming a register of a function that left the bus says it left, and when, as lspci and cfg say it', async () => {
  const dc = h.client();
  await launch(dc, resolve('examples/quickstart.vpci'), { stopOnEntry: false });
  const left = 'nic1 left the bus at 5.012 100 ms (ejected)';
  assert.equal(await refused(dc.evaluateRequest({ expression: 'cfg nic1', context: 'repl' })), left);
  // A watch of nic1.COMMAND said "no member 'COMMAND'" once nic1 was ejected; an assignment "no register COMMAND".
  for (const context of ['watch', 'hover', 'repl'])
    for (const expression of ['nic1.COMMAND', 'nic1.COMMAND.MEMORY', 'nic1.caps.msix.FLAGS', 'nic1.bars'])
      assert.equal(await refused(dc.evaluateRequest({ expression, context })), left, `${context}: ${expression}`);
  // (a function named with its slot is named so, as the console's commands name it)
  assert.equal(await refused(dc.evaluateRequest({ expression: 'nic1/0.0.STATUS', context: 'watch' })), left.replace('nic1', 'nic1/0.0'));
  assert.equal(await refused(dc.evaluateRequest({ expression: 'nic1.COMMAND = 6', context: 'repl' })), left);
  assert.equal(await refused(dc.evaluateRequest({ expression: 'msix(nic1)', context: 'watch' })), `msix: ${left}`);
  assert.equal(await refused(dc.evaluateRequest({ expression: 'cfg16(nic1, 4)', context: 'watch' })), `cfg16: ${left}`);
  // What the bus itself has is still read.
  assert.equal((await dc.evaluateRequest({ expression: 'nic1.version', context: 'watch' })).body.result, '1.1 (0x10001)');
});
