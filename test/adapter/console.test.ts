// The Debug Console over DAP: `help` lists every command, function and name in
// aligned columns; `msg` is the message the last step moved, and says so when there
// is none; `cfg` prints config space the way `lspci -xxxx` does (checked against the
// real lspci reading the same bytes back), whole or a range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterTests, launch, cont, refused, LISTINGS } from './harness';
import { CONSOLE_COMMANDS, CONSOLE_FUNCTIONS, CONSOLE_NAMES } from '../../adapter/console';
import { exportLspci } from '../../emulator/pci/lspci-export';

const QUICKSTART = resolve('examples/quickstart.vpci');
const h = adapterTests();

const repl = async (expression: string): Promise<string> => (await h.client().evaluateRequest({ expression, context: 'repl' })).body.result;

test('help lists every command, function and name, in aligned columns', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const text = await repl('help');
  for (const c of [...CONSOLE_COMMANDS, ...CONSOLE_FUNCTIONS, ...CONSOLE_NAMES]) assert.ok(text.includes(c.usage), `help lacks ${c.usage}`);
  for (const must of ['msix(bus[, wslot])', 'cfg32(bus, offset[, wslot])', 'cfg8(', 'cfg16(', 'msg', 'lspci', 'trace', 'eject', 'offer', 'raise'])
    assert.ok(text.includes(must), must);
  // within each section the descriptions start in one column
  for (const section of text.split('\n\n').slice(1)) {
    const rows = section.split('\n').slice(1);
    const starts = new Set(rows.map((r) => /^ {2}\S.*?\S {2,}(?=\S)/.exec(r)?.[0].length));
    assert.equal(starts.size, 1, `not aligned:\n${section}`);
    assert.ok(!starts.has(undefined), section);
  }
  // every command the console runs is in the table (and so in help and completion)
  const labels = (await dc.completionsRequest({ text: '', column: 1 })).body.targets.map((t) => t.label);
  for (const c of [...CONSOLE_COMMANDS, ...CONSOLE_FUNCTIONS, ...CONSOLE_NAMES]) assert.ok(labels.includes(c.name), c.name);
});

test('msg is the message the last step moved; with none it says there is no current message', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  await assert.rejects(dc.evaluateRequest({ expression: 'msg.type', context: 'repl' }), /no current message/);
  await assert.rejects(dc.evaluateRequest({ expression: 'msg', context: 'watch' }), /no current message/);
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_QUERY_BUS_RELATIONS' }] });
  const s = await cont(dc);
  assert.equal(s.body.reason, 'function breakpoint');
  assert.equal(await repl('msg.type'), '0x42490001');
  assert.equal(await repl('msg.name'), '"PCI_QUERY_BUS_RELATIONS"');
  assert.equal(await repl('msg.type == PCI_QUERY_BUS_RELATIONS'), 'true');
});

test('a condition on a message breakpoint reads the message that hit it', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART); // FreeBSD offers 1.4 first, then 1.1; the 2016 host takes 1.1
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'PCI_QUERY_PROTOCOL_VERSION', condition: 'msg.protocolVersion == 0x10001' }] });
  await cont(dc);
  assert.equal(await repl('msg.name'), '"PCI_QUERY_PROTOCOL_VERSION"');
  assert.equal(await repl('msg.protocolVersion'), '0x10001');
});

test('cfg prints all 4 KiB as lspci -xxxx does, and a range in whole rows', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const all = (await repl('cfg nic0')).split('\n');
  assert.match(all[0]!, /^[0-9a-f]{4}:00:00\.0 Ethernet controller: /);
  const rows = all.slice(1);
  assert.equal(rows.length, 256);
  assert.match(rows[0]!, /^00: 86 80 ed 10( [0-9a-f]{2}){12}$/);
  assert.match(rows[15]!, /^f0: /);
  assert.match(rows[16]!, /^100: /);
  assert.match(rows[255]!, /^ff0:( [0-9a-f]{2}){16}$/);
  // the real lspci reads it back and prints the same rows
  const lspci = spawnSync('lspci', ['--version'], { encoding: 'utf8' });
  if (lspci.status === 0) {
    const f = join(mkdtempSync(join(tmpdir(), 'vpci-cfg-')), 'dump.lspci');
    writeFileSync(f, `${all.join('\n')}\n`);
    const out = spawnSync('lspci', ['-F', f, '-xxxx'], { encoding: 'utf8' }).stdout.split('\n');
    assert.deepEqual(out.slice(1, 257), rows);
  }
  const range = (await repl('cfg nic0 0x100 64')).split('\n');
  assert.equal(range[0], all[0]);
  assert.deepEqual(range.slice(1), rows.slice(16, 20));
  assert.deepEqual((await repl('cfg nic0 0x104 8')).split('\n').slice(1), [rows[16]]);
  assert.deepEqual((await repl('cfg nic0 0xf8 16')).split('\n').slice(1), [rows[15], rows[16]]);
  // vpci/lspci with hex and without verbose (what Open Config Space shows with no hex editor installed): the same text
  assert.equal((await dc.customRequest('vpci/lspci', { bus: 'nic0', wslot: 0, verbose: false, hex: true })).body.text, all.join('\n'));
  // `lspci -x`, `-xxx`, `-xxxx` add lspci's hex dump of 64, 256 and 4096 bytes after the -vvv text
  const vvv = await repl('lspci nic0');
  for (const [flag, n] of [
    ['-x', 4],
    ['-xx', 4],
    ['-xxx', 16],
    ['-xxxx', 256],
  ] as const) {
    const text = await repl(`lspci nic0 ${flag}`);
    assert.ok(text.startsWith(`${vvv}\n`), flag);
    assert.deepEqual(text.slice(vvv.length + 1).split('\n'), rows.slice(0, n), flag);
  }
  await assert.rejects(dc.evaluateRequest({ expression: 'cfg nic0 0x1000', context: 'repl' }), /outside the 4096-byte config space/);
  await assert.rejects(dc.evaluateRequest({ expression: 'cfg nic0 0 zero', context: 'repl' }), /length zero/);
});

test('a command naming a bus or function that is not there says so, not its usage line', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  for (const [cmd, name] of [
    ['lspci nic9', 'nic9'],
    ['lspci -x nic9', 'nic9'],
    ['cfg nic9 0', 'nic9'],
    ['msix nic9', 'nic9'],
    ['eject nic9', 'nic9'],
    ['raise nic9 0', 'nic9'],
    ['eject nic0/7', 'nic0/7'],
  ] as const)
    await assert.rejects(dc.evaluateRequest({ expression: cmd, context: 'repl' }), { message: `no bus or function '${name}'` }, cmd);
  // Without one, the usage line as before.
  await assert.rejects(dc.evaluateRequest({ expression: 'eject', context: 'repl' }), { message: 'usage: eject <bus[/slot]>' });
});

const DOMAIN_DIR = mkdtempSync(join(tmpdir(), 'vpci-domain-'));
/** One bus with a known instance GUID (domain abcd as Hyper-V and Linux read it) and a child with serial number 7. */
function domainScenario(guest: string): string {
  const f = join(DOMAIN_DIR, `${guest}.vpci`);
  writeFileSync(
    f,
    [
      'vm {',
      '  host hyperv-2016',
      `  guest ${guest}`,
      '}',
      'bus nic0 {',
      '  instance 12345678-abcd-4ef0-9a1b-0123456789ab',
      '  function 0 intel-82599-vf serial 7',
      '}',
      'at 0 boot',
      'expect nic0 attached',
      '',
    ].join('\n'),
  );
  return f;
}

test("lspci names a FreeBSD guest's function by the domain vmbus_pcib gave the bus: the first child's serial number", async () => {
  const dc = h.client();
  await launch(dc, domainScenario('freebsd'));
  // At the attach entry no driver has chosen a domain: the GUID's, as Hyper-V and Linux read it.
  assert.match((await repl('cfg nic0 0 16')).split('\n')[0]!, /^abcd:00:00\.0 /);
  await cont(dc);
  // vmbus_pcib.c new_pcichild_device: hbus->pci_domain = desc->ser & 0xFFFF for the first child.
  assert.match((await repl('cfg nic0 0 16')).split('\n')[0]!, /^0007:00:00\.0 Ethernet controller: /);
  assert.match((await repl('lspci nic0')).split('\n')[0]!, /^0007:00:00\.0 Ethernet controller: /);
});

test("lspci names a Linux guest's function by the domain hv_pci_probe gave the bus: bytes 5 and 4 of the instance GUID", async () => {
  const dc = h.client();
  await launch(dc, domainScenario('linux'));
  await cont(dc);
  assert.match((await repl('cfg nic0 0 16')).split('\n')[0]!, /^abcd:00:00\.0 Ethernet controller: /);
});

test('lspci on a function whose config space makes lspci 3.9.0 stop ("Internal bug") ends as its terminal does: its message, and no later device', async () => {
  // A CXL Function Map DVSEC (ID 2) whose length (16) is shorter than the map lspci reads: config_fetch
  // fetches 16 bytes, dvsec_cxl_function_map reads on, and check_conf_range dies at the first byte past them.
  const b = new Uint8Array(4096);
  const put = (at: number, v: number) => new DataView(b.buffer).setUint32(at, v >>> 0, true);
  put(0, 0x12348086);
  put(4, 0x00100000); // status: capability list
  put(8, 0x02000000); // Ethernet controller
  b[0x34] = 0x40;
  put(0x40, 0x00020010); // PCI Express v2, endpoint
  put(0x100, 0x00010023); // DVSEC, v1, last
  put(0x104, 0x1e98 | (1 << 16) | (16 << 20));
  put(0x108, 2);
  const dump = join(DOMAIN_DIR, 'cxl-short.lspci');
  writeFileSync(dump, exportLspci(b, '00:00.0', 'Device'));
  const f = join(DOMAIN_DIR, 'cxl-short.vpci');
  writeFileSync(
    f,
    [
      'vm {',
      '  host hyperv-2019',
      '  guest linux',
      '}',
      'bus cxl0 {',
      `  function 0 dump "${dump}"`,
      '}',
      'bus nic0 {',
      '  function 0 intel-82599-vf',
      '}',
      'at 0 boot',
      '',
    ].join('\n'),
  );
  const dc = h.client();
  await launch(dc, f);
  const text = await repl('lspci cxl0');
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(-3), [
    '\tCapabilities: [100 v1] Designated Vendor-Specific: Vendor=1e98 ID=0002 Rev=1 Len=16: CXL',
    '\t\tFuncMap 0: 00000000',
    'lspci: Internal bug: Accessing non-read configuration byte at position 110',
  ]);
  // lspci exits there: the whole machine's listing stops at the same line, nic0 unlisted.
  assert.equal(await repl('lspci'), text);
  const lspci = spawnSync('lspci', ['--version'], { encoding: 'utf8' });
  if (lspci.status === 0) {
    const real = spawnSync('lspci', ['-F', dump, '-vvv'], { encoding: 'utf8' });
    assert.equal(real.status, 1);
    assert.ok(real.stdout.endsWith(`${lines.at(-2)!}\n`), real.stdout.slice(-200));
    assert.ok(real.stderr.includes(`${lines.at(-1)!}\n`), real.stderr);
  }
});

test("a Linux guest's buses share one map of domain numbers: a bus whose GUID bytes 5 and 4 are taken (or zero) gets the lowest free one, and a removed bus hands its number back", async () => {
  const f = join(DOMAIN_DIR, 'collide.vpci');
  const bus = (name: string, guid: string) => [`bus ${name} {`, `  instance ${guid}`, '  function 0 intel-82599-vf', '}'];
  writeFileSync(
    f,
    [
      'vm {',
      '  host hyperv-2022',
      '  guest linux',
      '}',
      ...bus('nic0', '3c2d7b4a-1234-4f00-8000-000000000001'),
      ...bus('nic1', '5a6b7c8d-1234-4f00-8000-000000000002'), // bytes 5 and 4 as nic0's
      ...bus('nic2', '5a6b7c8d-0000-4f00-8000-000000000003'), // 0: HVPCI_DOM_INVALID, never handed out
      'at 0 boot',
      'at 10ms rescind nic0',
      'at 20ms offer nic3 {',
      '  instance 11111111-1234-4f00-8000-000000000004', // nic0's number, free again once nic0 is removed
      '  function 0 intel-82599-vf',
      '}',
      'at 30ms offer nic4 {',
      '  instance 22222222-0001-4f00-8000-000000000005', // nic1 holds 1: the lowest free is 3
      '  function 0 intel-82599-vf',
      '}',
      'expect nic4 attached',
      '',
    ].join('\n'),
  );
  const dc = h.client();
  await launch(dc, f);
  await cont(dc);
  const first = async (name: string) => (await repl(`lspci ${name}`)).split('\n')[0]!;
  assert.match(await first('nic1'), /^0001:00:00\.0 Ethernet controller: /);
  assert.match(await first('nic2'), /^0002:00:00\.0 Ethernet controller: /);
  assert.match(await first('nic3'), /^1234:00:00\.0 Ethernet controller: /);
  assert.match(await first('nic4'), /^0003:00:00\.0 Ethernet controller: /);
  // and the driver says so, as hv_pci_probe's dev_info does
  const run = spawnSync(process.execPath, ['dist/cli.js', 'run', f, '--quiet'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const full = spawnSync(process.execPath, ['dist/cli.js', 'run', f], { encoding: 'utf8' }).stdout;
  const said = full.split('\n').filter((l) => l.includes('has collision'));
  assert.deepEqual(
    said.map((l) => l.replace(/^.*?(nic\d).*log: /, '$1 ')),
    [
      'nic1 hv_pci: PCI dom# 0x1234 has collision, using 0x1',
      'nic2 hv_pci: PCI dom# 0x0 has collision, using 0x2',
      'nic4 hv_pci: PCI dom# 0x1 has collision, using 0x3',
    ],
  );
});

test('console commands with wrong arguments are refused, each saying what is wrong, and change nothing', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: false }); // to the end: MSI-X is enabled on nic0
  const header = async () => (await repl('cfg nic0 0 16')).split('\n')[1];
  const events = async () => (await repl('trace 1000000')).split('\n').length;
  const before = { header: await header(), events: await events(), command: await repl('nic0.COMMAND') };
  for (const [cmd, message] of [
    // a mistyped offset was read as 0: this wrote VENDOR_ID/DEVICE_ID
    ['cfg nic0 zz = 1', 'cfg: offset zz is not a number'],
    ['cfg nic0 zz', 'cfg: offset zz is not a number'],
    // unaligned: one write across COMMAND and STATUS (Linux refuses it: drivers/pci/access.c)
    ['cfg nic0 0x3 = 0xff 4', 'cfg: a 4-byte write must be aligned: offset 0x3 is not a multiple of 4'],
    ['cfg nic0 5 = 1 2', 'cfg: a 2-byte write must be aligned: offset 0x5 is not a multiple of 2'],
    ['cfg nic0 4 = zz 2', "cfg: unknown name 'zz' (at column 1)"],
    ['cfg nic0 4 = 99999999999999999999 2', 'cfg: 99999999999999999999 does not fit in 64 bits (at column 1)'],
    ['cfg nic0 4 = 1 3', 'cfg: width 3 is not 1, 2 or 4 bytes'],
    ['cfg nic0 4 = 1 2 x', 'usage: cfg <bus[/slot]> <offset> = <value> [1|2|4]'],
    ['cfg nic0 4 8 9', "cfg: unexpected '9' (usage: cfg <bus[/slot]> [offset [length]])"],
    // trace 0 and trace -1 said '(no events yet)', trace x printed 20
    ['trace 0', 'usage: trace [n]   (n: how many of the last events, 1 or more; default 20)'],
    ['trace -1', 'usage: trace [n]   (n: how many of the last events, 1 or more; default 20)'],
    ['trace x', 'usage: trace [n]   (n: how many of the last events, 1 or more; default 20)'],
    // a negative vector went into the trace as an undeliverable interrupt
    ['raise nic0 -1', 'usage: raise <bus[/slot]> <vector>   (vector: 0, 1, …)'],
    ['raise nic0 0 1', 'usage: raise <bus[/slot]> <vector>   (vector: 0, 1, …)'],
    // a second name was dropped: 'eject nic0 nic1' ejected nic0 alone and said nothing of nic1
    ['eject nic0 nic1', 'usage: eject <bus[/slot]>'],
    ['msix nic0 nic1', 'usage: msix <bus[/slot]>'],
    ['lspci nic0 nic1 -x', "lspci: unexpected 'nic1' (usage: lspci [bus[/slot]] [-x|-xxx|-xxxx])"],
    ['offer nic9 intel-82599-vf nic8', 'usage: offer <bus-name> <catalog-device>   (see: vpci-lab devices)'],
  ] as const)
    await assert.rejects(dc.evaluateRequest({ expression: cmd, context: 'repl' }), { message }, cmd);
  assert.deepEqual({ header: await header(), events: await events(), command: await repl('nic0.COMMAND') }, before);
  // What is right still works.
  assert.match(await repl('cfg nic0 4 = 0 2'), /^config 0x004\/2: 0x0406 → 0x0000$/);
  assert.equal((await repl('trace 3')).split('\n').length, 3);
});

test('a register named in lower case reads and is set as its pci_regs.h name is; what no assignment reaches is said to be so, not an unexpected =', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART, { stopOnEntry: false });
  const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  // Members are read in any case (nic0.command is nic0.COMMAND): the watch showed an object, and an assignment 'unexpected character'.
  assert.equal(await watch('nic0.command'), await watch('nic0.COMMAND'));
  assert.equal(await watch('nic0.command.memory'), await watch('nic0.COMMAND.MEMORY'));
  assert.match(await repl('nic0.command = 0x7'), /^nic0\.command = 0x0007$/);
  assert.equal(await watch('nic0.COMMAND'), '0x0007');
  assert.match(await repl('nic0.COMMAND.master = 0'), /^nic0\.COMMAND\.MASTER = 0$/);
  assert.equal(await watch('nic0.COMMAND'), '0x0003');
  // Set Value in Watch on the lower-case expression sets it too.
  assert.equal((await dc.customRequest('setExpression', { expression: 'nic0.command', value: '6' })).body.value, '0x0006');
  for (const [expression, message] of [
    ['now = 5', 'now cannot be assigned (registers such as nic0.COMMAND can)'],
    ['msix(nic0)[0].data = 5', 'msix(nic0)[0].data cannot be assigned (registers such as nic0.COMMAND can)'],
    ['cfg32(nic0, 4) = 1', 'cfg32(nic0, 4) cannot be assigned (registers such as nic0.COMMAND can)'],
    ['nic0.COMMAND =', "a value is missing after '='"],
  ] as const)
    await assert.rejects(dc.evaluateRequest({ expression, context: 'repl' }), { message }, expression);
  assert.equal(await watch('nic0.COMMAND'), '0x0006');
});

test('an expression with a character outside the language names it whole: a character outside the BMP, a control character by its code point', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  // It said unexpected '\ud83d' (half of the character), which a client shows as '�'.
  await assert.rejects(dc.evaluateRequest({ expression: 'nic0.😀', context: 'watch' }), { message: "unexpected character '😀' (at column 6)" });
  await assert.rejects(dc.evaluateRequest({ expression: '1 \u0007 2', context: 'watch' }), { message: 'unexpected character U+0007 (at column 3)' });
  await assert.rejects(dc.evaluateRequest({ expression: 'é + 1', context: 'watch' }), { message: "unexpected character 'é' (at column 1)" });
});

test('a message quoting input cut to 40 characters does not cut a character in two', async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const condition = `${'y'.repeat(39)}😀`; // the emoji's two UTF-16 halves are the 40th and 41st
  const bp = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vmbus_pcib_attach', condition }] })).body.breakpoints[0]!;
  assert.equal(bp.verified, false);
  // It said 'yyy…\ud83d…' (the first half alone, which a client shows as '�').
  assert.equal(bp.message, `Condition "${'y'.repeat(39)}…": unexpected character '😀' (at column 40)`);
});

test('an eject, offer or raise at the end of the scenario is run by the Continue after it, not dropped with the session', async () => {
  const dc = h.client();
  const end = await launch(dc, QUICKSTART, { stopOnEntry: false });
  assert.equal(end.body.reason, 'end');
  assert.match(await repl('eject nic0'), /continue to watch the guest handle it/);
  // It ended the session (exited, terminated) with the eject never sent.
  const next = Promise.race([dc.waitForEvent('stopped'), dc.waitForEvent('terminated')]);
  await dc.continueRequest({ threadId: 1 });
  const again = await next;
  assert.equal(again.event, 'stopped');
  assert.equal((again as DebugProtocol.StoppedEvent).body.reason, 'end');
  assert.match(await repl('trace 8'), /nic0 +guest -> host .*EJECTION_COMPLETE slot 00\.0 status SUCCESS/);
  // and with nothing left to run, Continue ends the session as before
  const terminated = dc.waitForEvent('terminated');
  await dc.continueRequest({ threadId: 1 });
  await terminated;
});

test("offer takes a bus name as a scenario writes one: '0bad' or 'a/b' is refused with the rule, before anything is offered", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  for (const name of ['0bad', 'a/b', 'x.y']) {
    await assert.rejects(dc.evaluateRequest({ expression: `offer ${name} intel-82599-vf`, context: 'repl' }), {
      message: `offer: '${name}' is no bus name: a name starts with a letter or '_' and goes on with letters, digits, '_' and '-'`,
    });
  }
  assert.deepEqual(
    (await dc.threadsRequest()).body.threads.filter((t) => /^(0bad|a\/b|x\.y):/.test(t.name)),
    [],
  );
  assert.match(await repl('offer hp_1-b intel-82599-vf'), /^host: offered hp_1-b /);
});

test("completions after a command offer what goes there: a bus after 'eject ' (and lspci, cfg, msix, raise), a catalog device after 'offer NAME '; commands only as a line's first word", async () => {
  const dc = h.client();
  await launch(dc, QUICKSTART);
  const labels = async (text: string) => (await dc.completionsRequest({ text, column: text.length + 1 })).body.targets.map((t) => t.label);
  for (const text of ['eject ', 'lspci -x ', 'cfg ', 'msix ', 'raise n']) assert.deepEqual(await labels(text), ['nic0', 'nic1'], text);
  assert.deepEqual(await labels('cfg nic0 '), []);
  assert.ok((await labels('offer hp0 ')).includes('intel-82599-vf'));
  assert.deepEqual(await labels('offer '), []);
  // Inside an expression: names and functions, no commands (lspci, eject…).
  const inner = await labels('nic0.COMMAND == ');
  assert.ok(inner.includes('nic0') && inner.includes('cfg16') && inner.includes('now'), inner.join(' '));
  assert.ok(!inner.includes('eject') && !inner.includes('lspci'), inner.join(' '));
  // The first word still offers every command.
  assert.ok((await labels('')).includes('eject'));
  // After a bus and '/', its functions' slots: it offered every top-level name (and the buses after 'eject ').
  for (const text of ['nic0/', 'eject nic0/', 'cfg16(nic1/0', 'nosuch/']) assert.deepEqual(await labels(text), text === 'nosuch/' ? [] : ['00.0'], text);
});

test('a logpoint, a condition and a function argument name a function by bus and slot as the Debug Console does', async () => {
  const dc = h.client();
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  await launch(dc, resolve('test/adapter/fixtures/two-functions.vpci'), { stopOnEntry: true });
  // The console took nic0/1.2.VENDOR_ID as a whole line only: a logpoint, a condition and msix()/cfg16() said "unknown name 'nic0/1.2'".
  assert.equal(await repl('nic0/1.2.VENDOR_ID'), '0x15b3');
  const linux = join(LISTINGS, 'linux', 'pci-hyperv.c');
  await dc.setBreakpointsRequest({
    source: { path: linux },
    breakpoints: [
      { line: 69, logMessage: 'a {nic0/1.2.VENDOR_ID} b {cfg16(nic0/01.2, 0)} c {msix(nic0/1.2)[0].masked} d {nic0/0.VENDOR_ID} e {nic0/1.VENDOR_ID}' },
      { line: 70, condition: 'nic0/1.2.VENDOR_ID == 0x15b3 && nic0/01.2.DEVICE_ID != nic0.DEVICE_ID' },
    ],
  });
  const s = await cont(dc);
  assert.equal(s.body.reason, 'breakpoint');
  assert.equal((await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.line, 70);
  const text = out.join('');
  assert.match(text, /^a 0x15b3 b 0x15b3 c true d 0x8086 e <no function at nic0\/1>$/m);
  assert.doesNotMatch(text, /could not be evaluated/);
  // A device alone where no member follows is a division by the lexer's rule: said as a slot to write whole (it was 'left operand is not a number').
  assert.equal(
    await refused(dc.evaluateRequest({ expression: 'msix(nic0/1)', context: 'watch' })),
    "'nic0/1': name the slot with its function here: nic0/01.0 (at column 6)",
  );
});

test("the console's answers name a function as it was typed there: an eject queued for nic0/1.2 is then nic0/1.2 being ejected already", async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/two-functions.vpci'), { stopOnEntry: true });
  await cont(dc);
  assert.equal(await repl('eject nic0/1.2'), 'host: PCI_EJECT queued for nic0/1.2; continue to watch the guest handle it');
  // It said 'nic0/01.2 is being ejected already' right after 'queued for nic0/1.2'.
  assert.match(await refused(dc.evaluateRequest({ expression: 'eject nic0/1.2', context: 'repl' })), /^nic0\/1\.2 is being ejected already: /);
});

test("a '-' after a local, a register or a name is C's minus; a bus named with '-' is still one name", async () => {
  const dc = h.client();
  const dir = mkdtempSync(join(tmpdir(), 'vpci-minus-'));
  const file = join(dir, 'minus.vpci');
  writeFileSync(file, 'vm {\n  host hyperv-2016\n  guest freebsd\n}\nbus nic-0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\n');
  const s = await launch(dc, file);
  const frameId = (await dc.stackTraceRequest({ threadId: s.body.threadId! })).body.stackFrames[0]!.id;
  const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch', frameId })).body.result;
  // Each was an unknown name ('pci_ring_size-1', 'steps-1') or "no member 'VENDOR_ID-1'".
  assert.equal(await watch('pci_ring_size'), '0x4000');
  assert.equal(await watch('pci_ring_size-1'), '0x3fff');
  assert.equal(await watch('steps-1'), await watch('steps - 1'));
  assert.equal(await watch('nic-0.VENDOR_ID-1'), '0x8085');
  assert.equal(await watch('nic-0/0.VENDOR_ID-0x86'), '0x8000');
  assert.equal(await watch('cfg16(nic-0, 0)-1'), '0x8085');
});

test('a row shown by its Variables text is shown so however its function is spelt: nic0/1.2 as nic0/01.2, nic0/0 as nic0', async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/two-functions.vpci'), { stopOnEntry: true });
  await cont(dc);
  const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  // The first of each pair is the row's evaluateName; the others showed the bare value (Array(1), {index: 0x2, …}, 0x10004, 0x0).
  for (const same of [
    ['nic0/01.2.bars', 'nic0/1.2.bars'],
    ['nic0/01.2.bars[2]', 'nic0/1.2.bars[2]'],
    ['nic0/01.2.caps.msix', 'nic0/1.2.caps.msix'],
    ['msix("nic0/01.2")', 'msix(nic0/1.2)', 'msix("nic0/1.2")'],
    ['msix("nic0/01.2")[0].data', 'msix(nic0/1.2)[0].data'],
    ['nic0.version', 'nic0/1.2.version'],
    ['nic0.bars', 'nic0/0.bars', 'nic0/00.0.bars'],
  ]) {
    const want = await watch(same[0]!);
    assert.doesNotMatch(want, /^Array|^\{|^0x1000[04]$/, same[0]);
    for (const e of same.slice(1)) assert.equal(await watch(e), want, e);
  }
  assert.match(await watch('msix(nic0/1.2)[0].data'), /^0x[0-9a-f]{8}$/);
  // Completion after such a path offers its members (it offered none after nic0/1.2.caps.).
  const members = async (text: string) => (await dc.completionsRequest({ text, column: text.length + 1 })).body.targets.map((t) => t.label);
  assert.deepEqual(await members('nic0/1.2.caps.'), await members('nic0/01.2.caps.'));
  assert.ok((await members('nic0/1.2.caps.')).includes('msix'));
  assert.deepEqual(await members('nic0/1.2.caps.msix.'), ['FLAGS', 'TABLE', 'PBA']);
});

test("a slot's text names the same function in the Debug Console as in the scenario: nic0/10 is device 10, nic0/16.1 device 16; lspci's hex with a letter still works", async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/slot-ten.vpci'), { stopOnEntry: true });
  await cont(dc);
  // The scenario's `function 10 mellanox-cx3-vf` and `function 16.1 intel-82599-vf`: nic0/10 read as lspci's hex (device 16)
  // was 'no function at nic0/10', and nic0/10.1 was the scenario's 16.1.
  for (const e of ['nic0/10.VENDOR_ID', 'nic0/10.0.VENDOR_ID', 'cfg16(nic0/10.0, 0)', 'nic0/0a.0.VENDOR_ID', 'nic0/a.VENDOR_ID'])
    assert.equal(await repl(e), '0x15b3', e);
  assert.equal(await repl('nic0/16.1.VENDOR_ID'), '0x8086');
  assert.match(await repl('lspci nic0/10.0'), /^[0-9a-f]{4}:00:0a\.0 Ethernet controller: Mellanox/);
  // lspci's text for device 16 names no function here, and says which one it would be.
  assert.equal(
    await refused(dc.evaluateRequest({ expression: 'nic0/10.1.VENDOR_ID', context: 'watch' })),
    "no function at nic0/10.1 (a slot's device is decimal, as in a scenario: lspci's 10.1 is nic0/16.1)",
  );
  assert.equal(
    await refused(dc.evaluateRequest({ expression: 'lspci nic0/10.1', context: 'repl' })),
    "no bus or function 'nic0/10.1' (a slot's device is decimal, as in a scenario: lspci's 10.1 is nic0/16.1)",
  );
  // What the debugger shows reads back as the same function: scopes, evaluateNames, completions.
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.map((s) => s.name).filter((n) => n.startsWith('Device '));
  assert.deepEqual(
    scopes.map((n) => n.replace(/:.*/, '')),
    ['Device nic0/00.0', 'Device nic0/10.0', 'Device nic0/16.1'],
  );
  assert.deepEqual(
    (await dc.completionsRequest({ text: 'nic0/', column: 6 })).body.targets.map((t) => t.label),
    ['00.0', '10.0', '16.1'],
  );
  const dev = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name.startsWith('Device nic0/16.1'))!;
  const bars = (await dc.variablesRequest({ variablesReference: dev.variablesReference })).body.variables.find((v) => v.name === 'BARs')!;
  assert.equal(bars.evaluateName, 'nic0/16.1.bars');
  assert.equal(await repl(bars.evaluateName), bars.value);
  assert.equal(
    await refused(dc.evaluateRequest({ expression: 'msix(nic0/10)', context: 'watch' })),
    "'nic0/10': name the slot with its function here: nic0/10.0 (at column 6)",
  );
});

test("a watch of any row's evaluateName shows and expands as the row does: msix(nic0) had nothing under it, a packet's bytes read Array(224), request.memory_range[0] named nothing", async () => {
  const dc = h.client();
  await launch(dc, resolve('test/adapter/fixtures/two-functions.vpci'));
  await cont(dc);
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const rows: DebugProtocol.Variable[] = [];
  // (a table's first rows: one of 4,096 config bytes is as good as another here)
  const walk = async (ref: number, depth: number, paged = false): Promise<void> => {
    for (const v of (await dc.variablesRequest({ variablesReference: ref, ...(paged ? { start: 0, count: 4 } : {}) })).body.variables) {
      rows.push(v);
      if (v.variablesReference && depth < 2) await walk(v.variablesReference, depth + 1, v.indexedVariables !== undefined);
    }
  };
  for (const s of (await dc.scopesRequest({ frameId: frame.id })).body.scopes) await walk(s.variablesReference, 0);
  const kids = async (ref: number, paged: boolean) =>
    JSON.stringify(
      (await dc.variablesRequest({ variablesReference: ref, ...(paged ? { start: 0, count: 4 } : {}) })).body.variables.map((v) => `${v.name} = ${v.value}`),
    );
  const named = rows.filter((r) => r.evaluateName);
  assert.ok(named.some((r) => r.evaluateName === 'msix(nic0)') && named.some((r) => r.evaluateName === 'msix("nic0/01.2")'));
  const wrong: string[] = [];
  for (const row of named) {
    // A lazy row (the softc) expands into itself, as DAP's lazy variables do: its value is compared.
    const r = row.presentationHint?.lazy ? (await dc.variablesRequest({ variablesReference: row.variablesReference })).body.variables[0]! : row;
    const e = await dc.evaluateRequest({ expression: row.evaluateName!, context: 'watch', frameId: frame.id }).then(
      (x) => x.body,
      (x: unknown) => ({ result: `error: ${(x as Error).message}`, variablesReference: 0, indexedVariables: undefined }),
    );
    const paged = r.indexedVariables !== undefined;
    const same =
      e.result === r.value &&
      e.indexedVariables === r.indexedVariables &&
      e.variablesReference > 0 === r.variablesReference > 0 &&
      (!r.variablesReference || (await kids(e.variablesReference, paged)) === (await kids(r.variablesReference, paged)));
    if (!same)
      wrong.push(
        `${row.evaluateName}: row ${r.value} (${r.variablesReference ? await kids(r.variablesReference, paged) : 'leaf'}), watch ${e.result} (${e.variablesReference ? await kids(e.variablesReference, paged) : 'leaf'})`,
      );
  }
  assert.deepEqual(wrong, []);
});
