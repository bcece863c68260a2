// The Locals scope of a driver frame over real DAP traffic: from the first
// stop, a frame shows its C parameters (as the device they stand for) and
// every local its listing declares, `<not yet assigned>` until the code sets
// it — on FreeBSD (vmbus_pcib_attach) and Linux (hv_pci_probe) alike — and the
// values follow the code as it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { adapterTests, launch, LISTINGS } from './harness';

const SCENARIO = resolve('test/adapter/fixtures/cx3.vpci');
const h = adapterTests();

async function locals(dc: DebugClient, threadId: number, frame = 0): Promise<{ frame: string; vars: DebugProtocol.Variable[] }> {
  const st = await dc.stackTraceRequest({ threadId });
  const f = st.body.stackFrames[frame]!;
  const sc = await dc.scopesRequest({ frameId: f.id });
  const scope = sc.body.scopes.find((s) => s.presentationHint === 'locals');
  assert.ok(scope, `a Locals scope for ${f.name}`);
  const v = await dc.variablesRequest({ variablesReference: scope.variablesReference });
  return { frame: f.name, vars: v.body.variables };
}

/** The declaration lines between a function's opening brace and its first blank line. */
function declared(file: string, fn: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${fn}(`));
  assert.ok(at >= 0, `${fn} in ${file}`);
  const out: string[] = [];
  for (let i = at + 2; lines[i]!.trim() !== ''; i++) out.push(lines[i]!.trim());
  return out;
}

const byName = (vars: DebugProtocol.Variable[], name: string) => {
  const v = vars.find((x) => x.name === name);
  assert.ok(v, `${name} in ${vars.map((x) => x.name).join(', ')}`);
  return v;
};

test('FreeBSD: at the first stop vmbus_pcib_attach shows dev and every declared local', async () => {
  const dc = h.client();
  const s = await launch(dc, SCENARIO, { stopOnEntry: true, guest: 'freebsd' });
  const { frame, vars } = await locals(dc, s.body.threadId!);
  assert.equal(frame, 'vmbus_pcib_attach');
  const decls = declared(join(LISTINGS, 'freebsd', 'vmbus_pcib.c'), 'vmbus_pcib_attach');
  assert.deepEqual(decls, ['const int pci_ring_size = (4 * PAGE_SIZE);', 'struct hv_pcibus *hbus;', 'int rid = 0;', 'int ret;']);
  assert.deepEqual(vars.map((v) => v.name).slice(0, 5), ['dev', 'pci_ring_size', 'hbus', 'rid', 'ret']);
  assert.match(byName(vars, 'dev').value, /^nic0: Hyper-V PCI Express Pass Through \(vmbus_pcib, [0-9a-f-]{36}\)$/);
  assert.equal(byName(vars, 'pci_ring_size').value, '0x4000');
  assert.equal(byName(vars, 'hbus').value, '<not yet assigned>');
  assert.match(byName(vars, 'rid').value, /^(0|0x0)$/);
  assert.equal(byName(vars, 'ret').value, '<not yet assigned>');
  // Hovering or watching it says the same, not that the name is unknown.
  const frameId = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  await assert.rejects(dc.evaluateRequest({ expression: 'ret + 1', frameId, context: 'hover' }), { message: "'ret' is not yet assigned here (at column 1)" });
  await assert.rejects(dc.evaluateRequest({ expression: 'nosuch', frameId, context: 'hover' }), { message: "unknown name 'nosuch' (at column 1)" });

  // Two steps later hbus is the bus structure (malloc, then the GUID line).
  for (let i = 0; i < 2; i++) {
    const stopped = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: s.body.threadId! });
    await stopped;
  }
  const after = await locals(dc, s.body.threadId!);
  const hbus = byName(after.vars, 'hbus');
  assert.match(hbus.value, /state: "hv_pcibus_init"/);
  assert.ok(hbus.variablesReference > 0, 'hbus expands');
  // A hover on a member as the listing writes it (VS Code sends 'hbus->state' for the word under the mouse) reads what
  // Locals shows under hbus: it was "unexpected '>'". A watch and a condition take it too.
  const members = (await dc.variablesRequest({ variablesReference: hbus.variablesReference })).body.variables;
  const frame2 = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  for (const context of ['hover', 'watch'])
    for (const name of ['state', 'pci_domain'])
      assert.equal(
        (await dc.evaluateRequest({ expression: `hbus->${name}`, frameId: frame2, context })).body.result,
        byName(members, name).value,
        `${context}: hbus->${name}`,
      );
  const ev = async (expression: string) => (await dc.evaluateRequest({ expression, frameId: frame2, context: 'watch' })).body.result;
  assert.equal(await ev('hbus->cfg_res'), await ev('hbus.cfg_res'));
  await assert.rejects(dc.evaluateRequest({ expression: 'hbus->', frameId: frame2, context: 'watch' }), {
    message: 'expected a member name after "->" (at column 7)',
  });
});

test('Linux: at the first stop hv_pci_probe shows hdev and dev_id, and every declared local', async () => {
  const dc = h.client();
  const s = await launch(dc, SCENARIO, { stopOnEntry: true, guest: 'linux' });
  const { frame, vars } = await locals(dc, s.body.threadId!);
  assert.equal(frame, 'hv_pci_probe');
  const decls = declared(join(LISTINGS, 'linux', 'pci-hyperv.c'), 'hv_pci_probe');
  const names = decls.flatMap((d) =>
    d
      .replace(/;$/, '')
      .replace(/=.*$/, '')
      .split(',')
      .map((p) => /(\w+)\s*$/.exec(p.trim())![1]!),
  );
  assert.deepEqual(vars.map((v) => v.name).slice(0, 2 + names.length), ['hdev', 'dev_id', ...names]);
  assert.match(byName(vars, 'hdev').value, /^[0-9a-f-]{36} \(nic0, hv_pci\)$/);
  assert.match(byName(vars, 'dev_id').value, /44c4f61d-4444-4400-9d52-802e27ede19f/);
  for (const n of names) {
    const v = byName(vars, n);
    if (n === 'enter_d0_retry') assert.equal(v.value, 'true');
    else assert.equal(v.value, '<not yet assigned>', n);
  }
});

test('a callee frame shows its parameters as what they stand for: _hv_pcifront_read_config(hpdev, where, size, val)', async () => {
  const dc = h.client();
  const s = await launch(dc, SCENARIO, { stopOnEntry: true, guest: 'freebsd' });
  const file = join(LISTINGS, 'freebsd', 'vmbus_pcib.c');
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('bus_size_t addr = CFG_PAGE_OFFSET + where;')) + 1;
  await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: s.body.threadId! });
  const b = await stopped;
  const { frame, vars } = await locals(dc, b.body.threadId!);
  assert.equal(frame, '_hv_pcifront_read_config');
  assert.deepEqual(vars.map((v) => v.name).slice(0, 4), ['hpdev', 'where', 'size', 'val']);
  assert.match(byName(vars, 'hpdev').value, /desc: \{…\}/);
  assert.equal(byName(vars, 'val').value, '<not yet assigned>');
});

test('a 64-bit local (the transaction id, a kernel address) reads the same in an expression as in Locals: not rounded to 53 bits', async () => {
  const dc = h.client();
  const file = join(LISTINGS, 'freebsd', 'vmbus_pcib.c');
  const lines = readFileSync(file, 'utf8').split('\n');
  const fnAt = lines.findIndex((l) => l.startsWith('hv_pci_enter_d0('));
  const after = fnAt + lines.slice(fnAt).findIndex((l) => l.trim() === 'if (!ret)') + 1;
  const first = await launch(dc, resolve('examples/quickstart.vpci'), { stopOnEntry: true });
  await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: after }] });
  const stop = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: first.body.threadId! });
  const s = await stop;
  const { frame, vars } = await locals(dc, s.body.threadId!);
  assert.equal(frame, 'hv_pci_enter_d0');
  const txid = byName(vars, 'txid').value;
  assert.ok(BigInt(txid) > BigInt(Number.MAX_SAFE_INTEGER), `txid ${txid} needs more than 53 bits`);
  const frameId = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  const ev = async (expression: string, hex = true): Promise<string> =>
    (await dc.evaluateRequest({ expression, frameId, context: 'hover', format: { hex } })).body.result;
  assert.equal(await ev('txid'), txid);
  assert.equal(await ev(`txid == ${txid}`), 'true');
  assert.equal(await ev('txid & 0xfff'), `0x${(BigInt(txid) & 0xfffn).toString(16)}`);
  assert.equal(await ev('txid', false), BigInt(txid).toString());
});

test("a hover over C's * and & (*hbus, &hbus->children, as VS Code sends them) shows the structure, as the pointer's own hover does", async () => {
  const dc = h.client();
  const vmbusPcib = join(LISTINGS, 'freebsd', 'vmbus_pcib.c');
  await launch(dc, resolve('examples/quickstart.vpci'), { stopOnEntry: true });
  const line =
    readFileSync(vmbusPcib, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('ret = hv_pci_enter_d0(hbus);')) + 1;
  await dc.setBreakpointsRequest({ source: { path: vmbusPcib }, breakpoints: [{ line }] });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  const s = await stopped;
  const frameId = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  const hover = async (expression: string) => (await dc.evaluateRequest({ expression, frameId, context: 'hover' })).body;
  // They answered "unexpected '*'", and VS Code showed no hover at all.
  for (const [typed, same] of [
    ['*hbus', 'hbus'],
    ['&hbus', 'hbus'],
    ['&hbus->children', 'hbus->children'],
    ['*hbus->cfg_res', 'hbus->cfg_res'],
  ]) {
    const [got, want] = [await hover(typed!), await hover(same!)];
    assert.equal(got.result, want.result, typed);
    assert.ok(got.variablesReference > 0, typed);
  }
  // Multiplication and bitwise and are as they were.
  assert.equal((await hover('3 * 4 & 0xc')).result, '0xc');
  // A number has no address and points at nothing: said so, not taken for an address of 0.
  await assert.rejects(hover('&ret'), /^Error: '&' takes an address, and 0x0 has none \(guest memory is not modelled\)$/);
  await assert.rejects(hover('*ret'), /^Error: '\*' reads through a pointer, and 0x0 points at no structure \(guest memory is not modelled\)$/);
});
