// Requests as real clients send them, with the optional arguments earlier tests left out: VS Code's
// Watch sets a value with setExpression and the watch's frame, the Debug Console compares with
// `==`, Variables gives every row an evaluateName that Add to Watch and Set Value then use, and a
// hex editor open on a function's config space is told when a value set from the debugger
// changed it (memory events, for clients that take them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, cont, launch, LISTINGS, rawDapClient, VMBUS_PCIB } from './harness';

const QUICKSTART = resolve('examples/quickstart.vpci');
const VARS = resolve('test/adapter/fixtures/vars.vpci');
const h = adapterTests();

/** The testsupport DebugClient has no setExpressionRequest. */
function setExpression(args: DebugProtocol.SetExpressionArguments): Promise<DebugProtocol.SetExpressionResponse> {
  return h.client().customRequest('setExpression', args) as Promise<DebugProtocol.SetExpressionResponse>;
}

async function evaluate(expression: string, context: string): Promise<string> {
  return (await h.client().evaluateRequest({ expression, context })).body.result;
}

/** The events that arrive while `f` runs, and until the next stop's views could be asked (one round trip after). */
async function eventsDuring(f: () => Promise<unknown>): Promise<DebugProtocol.Event[]> {
  const dc = h.client();
  const got: DebugProtocol.Event[] = [];
  const listen = (e: DebugProtocol.Event): void => void got.push(e);
  for (const name of ['memory', 'invalidated']) dc.on(name, listen);
  await f();
  // A request answered after the events: the adapter writes in order, so they are all in.
  await dc.threadsRequest();
  for (const name of ['memory', 'invalidated']) dc.removeListener(name, listen);
  return got;
}

test('the Debug Console compares with == as Watch does; = still assigns', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const now = await evaluate('nic0.COMMAND', 'watch');
  assert.equal(await evaluate(`nic0.COMMAND == ${now}`, 'repl'), 'true');
  assert.equal(await evaluate(`nic0.COMMAND==${now}`, 'repl'), 'true');
  assert.equal(await evaluate('nic0.COMMAND.MEMORY == 0', 'repl'), await evaluate('nic0.COMMAND.MEMORY == 0', 'watch'));
  assert.equal(await evaluate('nic0.COMMAND = 0x2', 'repl'), 'nic0.COMMAND = 0x0002');
});

test('an assignment typed in a watch or a hover is refused saying assignments run in the Debug Console; nothing is written', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const before = await evaluate('nic0.COMMAND', 'watch');
  for (const [context, where] of [
    ['watch', 'a watch'],
    ['hover', 'a hover'],
  ] as const) {
    await assert.rejects(dc.evaluateRequest({ expression: 'nic0.COMMAND = 0x6', context }), {
      message: `Assignments are run only in the Debug Console (or by Set Value): in ${where}, compare with '=='`,
    });
  }
  assert.equal(await evaluate('nic0.COMMAND', 'watch'), before);
  // Comparisons are still read as such; a plain error is still that error.
  assert.equal(await evaluate(`nic0.COMMAND == ${before}`, 'watch'), 'true');
  assert.equal(await evaluate(`nic0.COMMAND >= 0`, 'hover'), 'true');
  await assert.rejects(dc.evaluateRequest({ expression: 'nic0.COMMAND +', context: 'watch' }), (e: Error) => !/Assignments/.test(e.message));
});

test('a capability register or field is set from Watch (setExpression) and the Debug Console as from Variables', async () => {
  const dc = h.client();
  await launch(dc, VARS, { stopOnEntry: true });
  const end = await cont(dc);
  assert.equal(end.body.reason, 'end');
  assert.equal(await evaluate('nic0.caps.msix.FLAGS.MASKALL', 'watch'), '0');
  assert.equal((await setExpression({ expression: 'nic0.caps.msix.FLAGS.MASKALL', value: '1' })).body.value, '1');
  assert.equal(await evaluate('nic0.caps.msix.FLAGS.MASKALL', 'watch'), '1');
  assert.equal(await evaluate('nic0.caps.msix.FLAGS.MASKALL = 0', 'repl'), 'nic0.caps.msix.FLAGS.MASKALL = 0');
  // The whole register, through its masks (only ENABLE and MASKALL take a write; QSIZE stays).
  const before = Number(await evaluate('nic0.caps.msix.FLAGS', 'watch'));
  assert.equal((await setExpression({ expression: 'nic0.caps.msix.FLAGS', value: '0x4000' })).body.value, `0x${((before & 0x3fff) | 0x4000).toString(16)}`);
  // Read-only stays read-only, named as typed.
  await assert.rejects(setExpression({ expression: 'nic0.caps.msix.FLAGS.QSIZE', value: '5' }), /nic0\.caps\.msix\.FLAGS\.QSIZE is read-only/);
});

test("a value wider than the register is refused, with the register's width, by setVariable, setExpression, the console's = and cfg; -1 is all ones", async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  const st = await dc.stackTraceRequest({ threadId: s.body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const dev = (await dc.variablesRequest({ variablesReference: scopes.find((x) => x.name.startsWith('Device nic0'))!.variablesReference })).body.variables;
  const header = dev.find((v) => v.name === 'Header')!;
  const before = await evaluate('nic0.COMMAND', 'watch');
  // 0x12345 into the 16-bit COMMAND wrote 0x2345 (through its masks: 0x145) and answered success.
  const wide = /^nic0\.COMMAND is 16 bits wide: 0x12345 does not fit$/;
  await assert.rejects(dc.setVariableRequest({ variablesReference: header.variablesReference, name: 'COMMAND', value: '0x12345' }), { message: wide });
  await assert.rejects(setExpression({ expression: 'nic0.COMMAND', value: '0x12345' }), { message: wide });
  await assert.rejects(dc.evaluateRequest({ expression: 'nic0.COMMAND = 0x12345', context: 'repl' }), { message: wide });
  await assert.rejects(dc.evaluateRequest({ expression: 'cfg nic0 4 = 0x12345 2', context: 'repl' }), {
    message: /^cfg: a 2-byte write is 16 bits wide: 0x12345 does not fit$/,
  });
  await assert.rejects(setExpression({ expression: 'nic0.COMMAND', value: '-0x8001' }), { message: /^nic0\.COMMAND is 16 bits wide: -0x8001 does not fit$/ });
  assert.equal(await evaluate('nic0.COMMAND', 'watch'), before, 'nothing was written');
  // What fits is taken: all ones as -1 (two's complement), through the register's masks.
  const ones = (await setExpression({ expression: 'nic0.COMMAND', value: '-1' })).body.value;
  assert.equal(ones, (await setExpression({ expression: 'nic0.COMMAND', value: '0xffff' })).body.value);
  assert.notEqual(ones, before);
});

test("every capability field's evaluateName evaluates, a pci_regs.h name that starts with a digit too", async () => {
  const dc = h.client();
  await launch(dc, VARS, { stopOnEntry: true });
  const st = await dc.stackTraceRequest({ threadId: (await cont(dc)).body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const kids = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const dev = await kids(scopes.find((s) => s.name.startsWith('Device nic0'))!.variablesReference);
  const rows: DebugProtocol.Variable[] = [];
  for (const cap of await kids(dev.find((v) => v.name === 'Capabilities')!.variablesReference))
    for (const reg of cap.variablesReference ? await kids(cap.variablesReference) : [])
      if (reg.evaluateName) rows.push(reg, ...(reg.variablesReference ? await kids(reg.variablesReference) : []));
  const names = rows.map((r) => r.evaluateName);
  assert.ok(names.includes('nic0.caps.exp.DEVCTL2.10BIT_TAG_REQ'), names.join(' '));
  // Each as its row shows it (a register padded to its width, a one-bit field 0 or 1), in a watch, a hover and the console.
  for (const r of rows.filter((x) => x.evaluateName))
    for (const context of ['watch', 'hover', 'repl']) assert.equal(await evaluate(r.evaluateName!, context), r.value, `${r.evaluateName} (${context})`);
});

test("Watch's Set Value on a local (setExpression with the frame) sets it, as setVariable in Locals does", async () => {
  const dc = h.client();
  let s = await launch(dc, QUICKSTART, { stopOnEntry: true });
  // attach's `ret` can be set once the driver has assigned it (a dozen statements in)
  for (let i = 0; i < 40; i++) {
    const threadId = s.body.threadId!;
    const frameId = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!.id;
    const locals = (await dc.scopesRequest({ frameId })).body.scopes[0]!;
    const ret = (await dc.variablesRequest({ variablesReference: locals.variablesReference })).body.variables.find((v) => v.name === 'ret');
    if (ret && !ret.presentationHint?.attributes?.includes('readOnly')) {
      assert.equal(ret.evaluateName, 'ret');
      assert.equal((await setExpression({ expression: 'ret', value: '0x12', frameId })).body.value, '0x12');
      assert.equal((await dc.evaluateRequest({ expression: 'ret', frameId, context: 'watch' })).body.result, '0x12');
      // Without the frame there is no local to set.
      await assert.rejects(setExpression({ expression: 'ret', value: '1' }), /ret cannot be assigned/);
      // A frame from before the last stop is refused, not taken for another.
      const again = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await dc.nextRequest({ threadId });
      await again;
      await assert.rejects(setExpression({ expression: 'ret', value: '1', frameId }), /Unknown frame/);
      return;
    }
    const next = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.nextRequest({ threadId });
    s = await next;
  }
  assert.fail('attach never assigned ret');
});

test('a config-space value set from Watch or the Debug Console tells memory views, as one set in Variables does', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const refs = (evs: DebugProtocol.Event[]) => evs.filter((e) => e.event === 'memory').map((e) => (e as DebugProtocol.MemoryEvent).body.memoryReference);
  const bySet = await eventsDuring(() => setExpression({ expression: 'nic0.COMMAND', value: '0x2' }));
  assert.ok(refs(bySet).includes('cfg/nic0/0'), JSON.stringify(bySet));
  const byRepl = await eventsDuring(() => dc.evaluateRequest({ expression: 'nic0.COMMAND = 0', context: 'repl' }));
  assert.ok(refs(byRepl).includes('cfg/nic0/0'), JSON.stringify(byRepl));
  // A comparison changes nothing and says nothing.
  assert.deepEqual(await eventsDuring(() => dc.evaluateRequest({ expression: 'nic0.COMMAND == 0', context: 'repl' })), []);
});

test('a BAR the guest has not placed has no memory to show; once placed and read, its view is told of stops and writes', async () => {
  const dc = h.client();
  const s = await launch(dc, QUICKSTART);
  const barRows = async (threadId: number): Promise<DebugProtocol.Variable[]> => {
    const frameId = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!.id;
    const dev = (await dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name.startsWith('Device nic0'))!;
    const top = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables;
    return (await dc.variablesRequest({ variablesReference: top.find((v) => v.name === 'BARs')!.variablesReference })).body.variables;
  };
  // At the entry the BARs are unassigned: no address, so no memory reference and no read.
  assert.ok((await barRows(s.body.threadId!)).every((v) => v.memoryReference === undefined));
  const read = (memoryReference: string) => dc.customRequest('readMemory', { memoryReference, offset: 0, count: 16 });
  await assert.rejects(read('bar/nic0/0/3'), /^Error: bar\/nic0\/0\/3: BAR3 has no address yet \(unassigned\)$/);
  const end = await cont(dc);
  const ref = (await barRows(end.body.threadId!)).find((v) => v.name === 'BAR3')!.memoryReference!;
  assert.equal(ref, 'bar/nic0/0/3');
  assert.equal((await read(ref)).body.address, (await dc.evaluateRequest({ expression: 'nic0.bars[3].address', context: 'watch' })).body.result);
  // A config write (the Debug Console's) and a step each tell the BAR's view, with its size.
  const told = (evs: DebugProtocol.Event[]) => evs.filter((e) => e.event === 'memory' && (e as DebugProtocol.MemoryEvent).body.memoryReference === ref);
  const byRepl = told(await eventsDuring(() => dc.evaluateRequest({ expression: 'nic0.COMMAND = 0', context: 'repl' })));
  assert.deepEqual(
    byRepl.map((e) => e.body),
    [{ memoryReference: ref, offset: 0, count: 0x4000 }],
  );
  // A write to the BAR tells the region written, and no config space (a BAR's bytes are its own).
  const byWrite = await eventsDuring(() => dc.customRequest('writeMemory', { memoryReference: ref, offset: 4, data: 'AQID' }));
  assert.deepEqual(
    byWrite.filter((e) => e.event === 'memory').map((e) => e.body),
    [{ memoryReference: ref, offset: 4, count: 3 }],
  );
  const back = dc.waitForEvent('stopped');
  assert.equal(told(await eventsDuring(async () => (await dc.stepBackRequest({ threadId: end.body.threadId! }), await back))).length, 1);
});

test('a value set from the Debug Console is answered before the views are told (invalidated, memory), as setVariable and setExpression are', async () => {
  // A raw client: the order of messages on the wire (DebugClient resolves a response's promise after the events read with it).
  const c = await rawDapClient();
  try {
    let seq = 1;
    const send = (command: string, args: unknown): number => {
      const s = seq++;
      c.send({ seq: s, type: 'request', command, arguments: args });
      return s;
    };
    await c.responseTo(send('initialize', { adapterID: 'vpci', supportsInvalidatedEvent: true, supportsMemoryEvent: true }));
    await c.responseTo(send('launch', { scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true }));
    await c.responseTo(send('configurationDone', {}));
    await c.until(() => c.got.some((m) => m.event === 'stopped'));
    const order = async (command: string, args: unknown): Promise<string[]> => {
      const from = c.got.length;
      const s = send(command, args);
      // A request answered after the events: the adapter writes in order, so they are all in.
      await c.responseTo(send('threads', {}));
      return c.got
        .slice(from)
        .filter((m) => m.event === 'invalidated' || m.event === 'memory' || m.request_seq === s)
        .map((m) => (m.type === 'response' ? `${String(m.command)}:${String(m.success)}` : String(m.event)));
    };
    for (const [command, args] of [
      ['evaluate', { expression: 'nic0.COMMAND = 2', context: 'repl' }],
      ['setExpression', { expression: 'nic0.COMMAND', value: '0' }],
    ] as const) {
      const got = await order(command, args);
      assert.equal(got[0], `${command}:true`, got.join(' '));
      assert.ok(got.includes('invalidated') && got.includes('memory'), got.join(' '));
    }
  } finally {
    c.close();
  }
});

test('restart with new arguments checks them as a launch does, and runs a run without debugging again without debugging', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const args = { scenario: QUICKSTART, listingsDir: LISTINGS };
  const restart = (extra: Record<string, unknown>) => dc.restartRequest({ arguments: { ...args, ...extra } as DebugProtocol.LaunchRequestArguments });
  // An unknown quirk or guest is named, with the valid ones, and the session stays where it was.
  await assert.rejects(restart({ quirks: { nope: true } }), /^Error: Restart: unknown quirk nope \(one of /);
  await assert.rejects(restart({ guest: 'windows' }), /^Error: Restart: unknown guest model "windows" in "guest" \(one of /);
  assert.ok((await dc.stackTraceRequest({ threadId: (await dc.threadsRequest()).body.threads[1]!.id })).body.stackFrames.length);
  // VS Code's restart of a Run Without Debugging sends its configuration, noDebug and all: it runs to the end and terminates, no stop.
  const next = Promise.race([dc.waitForEvent('stopped'), dc.waitForEvent('terminated')]);
  await restart({ noDebug: true });
  assert.equal((await next).event, 'terminated');
});

test('a client that counts lines and columns from 0 gets frames, breakpoints and jump targets in its own numbering', async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: false, columnsStartAt1: false });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  const s = await stopped;
  const top = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!;
  // The driver's statement starts its line: column 0 to this client (1 to VS Code).
  assert.equal(top.column, 0);
  const listing = readFileSync(top.source!.path!, 'utf8').split('\n');
  assert.match(listing[top.line]!, /\S/);
  const bp = await dc.setBreakpointsRequest({ source: { path: top.source!.path! }, breakpoints: [{ line: top.line }] });
  assert.equal(bp.body.breakpoints[0]!.line, top.line);
  const targets = (await dc.gotoTargetsRequest({ source: { path: top.source!.path! }, line: top.line })).body.targets;
  assert.equal(targets[0]?.line, top.line);
});

test("the softc rows' evaluateNames (Add to Watch, Copy as Expression) evaluate to what the rows show", async () => {
  const dc = h.client();
  await launch(dc, VARS, { stopOnEntry: true });
  const st = await dc.stackTraceRequest({ threadId: (await cont(dc)).body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const kids = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const softc = (await kids(scopes.find((s) => s.name === 'Bus nic0')!.variablesReference)).find((v) => v.name === 'softc')!;
  assert.equal(softc.evaluateName, 'nic0.sc');
  let numbers = 0;
  const check = async (rows: DebugProtocol.Variable[], depth: number): Promise<void> => {
    for (const v of rows) {
      assert.ok(v.evaluateName, v.name);
      const r = await dc.evaluateRequest({ expression: v.evaluateName, context: 'watch' });
      if (/^(0x[0-9a-f]+|\d+)$/.test(v.value)) {
        assert.equal(r.body.result, v.value, v.evaluateName);
        numbers++;
      }
      if (v.variablesReference && depth < 3) await check(await kids(v.variablesReference), depth + 1);
    }
  };
  await check(await kids(softc.variablesReference), 0);
  assert.ok(numbers > 5, `${numbers} numbers`);
});

test("every Variables row's evaluateName evaluates, to what the row shows: none on group rows, and a bus's rows once its function has left", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const end = await cont(dc); // nic1's function was ejected; its Bus scope stays
  const st = await dc.stackTraceRequest({ threadId: end.body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const kids = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const num = (t: string): number => (/^(0x[0-9a-f]+|\d+)$/.test(t) ? Number(t) : NaN);
  const device = await kids(scopes.find((s) => s.name.startsWith('Device nic0'))!.variablesReference);
  for (const name of ['Identity', 'Header', 'MSI-X PBA', 'Config space']) assert.equal(device.find((v) => v.name === name)!.evaluateName, undefined, name);
  let checked = 0;
  const check = async (rows: DebugProtocol.Variable[], depth: number): Promise<void> => {
    for (const v of rows) {
      if (v.evaluateName) {
        const r = await dc.evaluateRequest({ expression: v.evaluateName, context: 'watch' });
        if (!Number.isNaN(num(v.value))) assert.equal(num(r.body.result), num(v.value), v.evaluateName);
        checked++;
      }
      if (v.variablesReference && depth < 2) await check(await kids(v.variablesReference), depth + 1);
    }
  };
  await check(await kids(scopes.find((s) => s.name === 'Bus nic1')!.variablesReference), 0);
  assert.ok(checked > 10, `${checked} rows`);
  assert.equal((await dc.evaluateRequest({ expression: 'nic1.sc.hbus.state', context: 'watch' })).body.result, '"detached"');
});

test("a device's rows evaluate, by their evaluateName, to the text they show: summaries and MSI-X dwords too, in a watch and a logpoint", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const st = await dc.stackTraceRequest({ threadId: 1 });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const kids = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const rows = new Map<string, string>();
  const walk = async (vs: DebugProtocol.Variable[], depth: number): Promise<void> => {
    for (const v of vs) {
      if (v.evaluateName) rows.set(v.evaluateName, v.value);
      if (v.variablesReference && depth < 3) await walk(await kids(v.variablesReference), depth + 1);
    }
  };
  await walk(await kids(scopes.find((s) => s.name.startsWith('Device nic0'))!.variablesReference), 0);
  // The softc's objects too: one preview (4 fields, {…}, Array(n)); a watch showed 6 fields nested in full, [] for Array(0).
  await walk(await kids(scopes.find((s) => s.name === 'Bus nic0')!.variablesReference), 0);
  assert.equal(rows.get('nic0.sc.taskq'), 'Array(0)');
  // They read 0x8086 for "0x8086 Intel Corporation", 0x10001 for "1.1 (0x10001)", an object for
  // "BAR0 16K, BAR3 16K" and the capabilities' summaries, 0x0 for a DATA of 0x00000000.
  for (const name of ['nic0.version', 'nic0.bars', 'nic0.bars[0]', 'nic0.caps', 'nic0.caps.msix', 'msix(nic0)', 'msix(nic0)[0]', 'msix(nic0)[0].data'])
    assert.ok(rows.has(name), name);
  for (const [name, value] of rows) assert.equal(await evaluate(name, 'watch'), value, name);
  // The Identity rows' names only go with no evaluateName: nic0.VENDOR_ID is the Header's row.
  assert.equal([...rows.values()].filter((v) => / Intel /.test(v)).length, 0);
  // A logpoint writes a register and an MSI-X dword as their rows (it wrote 0x6 and 0x0).
  const listing = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  const line = listing.findIndex((l) => l.includes('eject_pkt->message_type.type = PCI_EJECTION_COMPLETE')) + 1;
  assert.ok(line > 0);
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  await dc.setBreakpointsRequest({
    source: { path: VMBUS_PCIB },
    breakpoints: [{ line, logMessage: 'cmd {nic0.COMMAND} data {msix(nic0)[1].data} v {nic0.version}' }],
  });
  await cont(dc);
  assert.ok(
    out.some((o) => /^cmd 0x[0-9a-f]{4} data 0x[0-9a-f]{8} v 1\.1 \(0x10001\)$/m.test(o)),
    out.join(''),
  );
});

test('a data breakpoint at an address takes BUS[/SLOT]:OFFSET in config space as well as a guest-physical address', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const ok = await dc.dataBreakpointInfoRequest({ name: 'nic0:0x04', asAddress: true, bytes: 2 });
  assert.equal(ok.body.dataId, 'cfg:nic0:0:4:2');
  // A config offset's length is cut at the end of config space; four bytes when none is given.
  const end = await dc.dataBreakpointInfoRequest({ name: 'nic0 0xffe', asAddress: true, bytes: 16 });
  assert.equal(end.body.dataId, 'cfg:nic0:0:4094:2');
  const dflt = await dc.dataBreakpointInfoRequest({ name: 'nic0:0x10', asAddress: true });
  assert.equal(dflt.body.dataId, 'cfg:nic0:0:16:4');
  const gpa = await dc.dataBreakpointInfoRequest({ name: '0x4', asAddress: true, bytes: 2 });
  assert.equal(gpa.body.dataId, 'gpa:4:2');
});

test('Copy Value (evaluate in the clipboard context) copies a structured value whole; a preview that is cut says so', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // The whole function, as a watch on `nic0` reads it.
  const preview = await evaluate('nic0', 'watch');
  assert.match(preview, /^\{VENDOR_ID: 0x8086, .*, …\}$/);
  const whole = await evaluate('nic0', 'clipboard');
  for (const reg of ['VENDOR_ID', 'INTERRUPT_PIN', 'caps', 'msix', 'bars']) assert.match(whole, new RegExp(`\\b${reg}: `), reg);
  assert.doesNotMatch(whole, /…/);
  assert.equal(await evaluate('nic0.COMMAND', 'clipboard'), await evaluate('nic0.COMMAND', 'watch'));
});

test('completions in a multi-line Debug Console input complete the line the cursor is on (VS Code sends line and column)', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const labels = async (args: DebugProtocol.CompletionsArguments) => (await dc.completionsRequest(args)).body.targets.map((t) => t.label);
  const text = 'nic0.COMMAND\nnic0.COMMAND.';
  const second = await labels({ text, line: 2, column: 'nic0.COMMAND.'.length + 1 });
  assert.ok(second.includes('MEMORY') && !second.includes('nic0'), second.join(' '));
  // The first line, by number or by default.
  const first = await labels({ text, line: 1, column: 'nic0.'.length + 1 });
  assert.ok(first.includes('COMMAND') && !first.includes('MEMORY'), first.join(' '));
  assert.deepEqual(await labels({ text, column: 'nic0.'.length + 1 }), first);
});

test("a variable's type goes only to a client that takes types (supportsVariableType), as DAP asks", async () => {
  const dc = h.client();
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  const s = await stopped;
  const frameId = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  for (const scope of (await dc.scopesRequest({ frameId })).body.scopes) {
    const vars = (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
    assert.deepEqual(
      vars.filter((v) => v.type !== undefined).map((v) => v.name),
      [],
      scope.name,
    );
  }
});

test("a lazy row's reference gives exactly the one variable that holds its value, as VS Code's click to expand takes it", async () => {
  const dc = h.client();
  await launch(dc, VARS, { stopOnEntry: true });
  const st = await dc.stackTraceRequest({ threadId: (await cont(dc)).body.threadId! });
  const scopes = (await dc.scopesRequest({ frameId: st.body.stackFrames[0]!.id })).body.scopes;
  const kids = async (ref: number) => (await dc.variablesRequest({ variablesReference: ref })).body.variables;
  const lazy: DebugProtocol.Variable[] = [];
  for (const s of scopes) for (const v of await kids(s.variablesReference)) if (v.presentationHint?.lazy) lazy.push(v);
  assert.ok(
    lazy.some((v) => v.name === 'softc'),
    lazy.map((v) => v.name).join(', '),
  );
  for (const v of lazy) {
    // VS Code does not expand a lazy row: it asks its reference for one variable and puts it in the row's place.
    const held = await kids(v.variablesReference);
    assert.equal(held.length, 1, v.name);
    assert.equal(held[0]!.name, v.name);
    assert.equal(held[0]!.evaluateName, v.evaluateName);
    assert.ok(!held[0]!.presentationHint?.lazy, v.name);
    assert.ok(
      (await kids(held[0]!.variablesReference)).some((x) => x.name === 'hbus'),
      v.name,
    );
  }
});

test('a restart on another guest model tells Loaded Scripts which listings went and came (loadedSource events)', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: true });
  const before = ((await dc.customRequest('loadedSources')) as DebugProtocol.LoadedSourcesResponse).body.sources.map((x) => x.path);
  const got: DebugProtocol.LoadedSourceEvent[] = [];
  dc.on('loadedSource', (e: DebugProtocol.LoadedSourceEvent) => void got.push(e));
  const stopped = dc.waitForEvent('stopped');
  await dc.restartRequest({ arguments: { scenario: QUICKSTART, listingsDir: LISTINGS, guest: 'linux' } as DebugProtocol.LaunchRequestArguments });
  await stopped;
  await dc.threadsRequest();
  const after = ((await dc.customRequest('loadedSources')) as DebugProtocol.LoadedSourcesResponse).body.sources.map((x) => x.path);
  const removed = got.filter((e) => e.body.reason === 'removed').map((e) => e.body.source.path);
  const added = got.filter((e) => e.body.reason === 'new').map((e) => e.body.source.path);
  assert.ok(added.some((p) => p?.endsWith('pci-hyperv.c')) && removed.some((p) => p?.endsWith('vmbus_pcib.c')), JSON.stringify(got));
  // What Loaded Scripts holds after the events is what loadedSources now answers.
  const held = new Set(before.filter((p) => !removed.includes(p)).concat(added));
  assert.deepEqual([...held].sort(), [...after].sort());
});

test('a client asking for URIs (pathFormat "uri", as non-VS Code clients may) names sources by file: URI both ways; another format is refused saying why', async () => {
  const dc = h.client();
  await assert.rejects(
    dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'urn' }),
    (e: Error) => e.message === 'Initialize: pathFormat "urn" is not supported: sources are named by file-system path (pathFormat "path") or file: URI ("uri")',
  );
  await assert.rejects(dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS } as DebugProtocol.LaunchRequestArguments), (e: Error) =>
    e.message.startsWith("Launch: the session's initialize was refused"),
  );
  // The same session initialized with URIs (it was refused: 'pathFormat "uri" is not supported').
  await dc.initializeRequest({ adapterID: 'vpci', pathFormat: 'uri', linesStartAt1: true, columnsStartAt1: true });
  const uri = (p: string) => pathToFileURL(p).href;
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.launchRequest({ scenario: QUICKSTART, listingsDir: LISTINGS, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
  await dc.configurationDoneRequest();
  const entry = await stopped;
  const top = (await dc.stackTraceRequest({ threadId: entry.body.threadId! })).body.stackFrames[0]!;
  assert.equal(top.source?.path, uri(VMBUS_PCIB));
  // A breakpoint and a logpoint set by URI: verified, answered by URI, and hit.
  const lines = readFileSync(VMBUS_PCIB, 'utf8').split('\n');
  const at = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
  const allocated = at('hv_send_resources_allocated(hbus);');
  const logged = at('ret = hv_pci_enter_d0(hbus);');
  assert.ok(allocated > 0 && logged > 0);
  const set = await dc.setBreakpointsRequest({
    source: { path: uri(VMBUS_PCIB) },
    breakpoints: [{ line: logged, logMessage: 'bars' }, { line: allocated }],
  });
  assert.deepEqual(
    set.body.breakpoints.map((b) => [b.verified, b.source?.path]),
    [
      [true, uri(VMBUS_PCIB)],
      [true, uri(VMBUS_PCIB)],
    ],
  );
  const outputs: DebugProtocol.OutputEvent[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => void outputs.push(e));
  const hit = await cont(dc);
  const log = outputs.find((e) => e.body.output === 'bars\n');
  assert.ok(log, JSON.stringify(outputs));
  assert.equal(log.body.source?.path, uri(VMBUS_PCIB));
  assert.deepEqual(hit.body.hitBreakpointIds, [set.body.breakpoints[1]!.id]);
  const here = (await dc.stackTraceRequest({ threadId: hit.body.threadId! })).body.stackFrames[0]!;
  assert.deepEqual([here.source?.path, here.line], [uri(VMBUS_PCIB), allocated]);
  // Jump to Cursor and Loaded Scripts by URI too.
  const targets = (await dc.customRequest('gotoTargets', { source: { path: uri(VMBUS_PCIB) }, line: logged })) as DebugProtocol.GotoTargetsResponse;
  assert.equal(targets.body.targets.length, 1);
  const loaded = ((await dc.customRequest('loadedSources')) as DebugProtocol.LoadedSourcesResponse).body.sources.map((x) => x.path);
  assert.ok(loaded.includes(uri(VMBUS_PCIB)) && loaded.includes(uri(QUICKSTART)), loaded.join(', '));
});
