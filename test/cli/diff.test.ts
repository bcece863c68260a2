// `vpci-lab diff`: two runs of a scenario (two guests, two hosts, a quirk on and off, or two
// files) aligned message by message; the first line names the first divergence; exit 0 same,
// 1 different, 2 bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../adapter/cli/main';
import { capture } from './capture';

const QUICKSTART = resolve('examples/quickstart.vpci');
const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-diff-'));

test('diff --guest freebsd --guest linux: the first line names the first divergence; exit 1', async () => {
  const io = capture();
  const code = await main(['diff', QUICKSTART, '--guest', 'freebsd', '--guest', 'linux'], io);
  assert.equal(code, 1, io.stderr);
  const lines = io.stdout.split('\n');
  assert.match(lines[0]!, /^first divergence: nic[01] at [A-Z_0-9]+ #\d+ — .*freebsd.*linux/);
  // Both offer 1.4 first: what differs leads (the packets), not what is alike.
  assert.equal(
    lines[0],
    "first divergence: nic0 at QUERY_PROTOCOL_VERSION #1 — both guests offer 1.4; freebsd's packet is 32 bytes, linux's 24: reserved 0x00000000 vs absent",
  );
  assert.match(lines[1]!, /^left: +freebsd — .*guest freebsd/);
  assert.match(lines[2]!, /^right: +linux — .*guest linux/);
  // Both buses are compared, rows marked same (=), changed (~), only left (<), only right (>).
  assert.match(io.stdout, /^nic0: \d+ same, \d+ changed, \d+ only freebsd, \d+ only linux$/m);
  assert.match(io.stdout, /^nic1: /m);
  assert.match(io.stdout, /^= +G→H QUERY_BUS_RELATIONS +│ G→H QUERY_BUS_RELATIONS$/m);
  // Linux offers versions FreeBSD does not: rows only on the right.
  assert.match(io.stdout, /^> +│ G→H QUERY_PROTOCOL_VERSION version 1\.[23]$/m);
});

test('diff --host: a request both guests make alike, answered differently — "reply X vs Y"', async () => {
  const io = capture();
  const code = await main(['diff', CX3, '--host', 'hyperv-2016', '--host', 'hyperv-2022'], io);
  assert.equal(code, 1, io.stderr);
  // FreeBSD offers 1.4 first: WS2016 refuses it, WS2022 accepts it.
  assert.equal(
    io.stdout.split('\n')[0],
    'first divergence: nic0 at QUERY_PROTOCOL_VERSION #1 — both offer 1.4; reply REVISION_MISMATCH (hyperv-2016) vs SUCCESS (hyperv-2022)',
  );
  assert.match(io.stdout, /^~ +H→G QUERY_PROTOCOL_VERSION completion: REVISION_MISMATC… │ H→G QUERY_PROTOCOL_VERSION completion: SUCCESS/m);
  assert.match(io.stdout, /^ +status: REVISION_MISMATCH \(0xC0000059\) → SUCCESS$/m);
  // The retry with 1.1 exists only on WS2016, and is not paired with WS2022's accepted 1.4.
  assert.match(io.stdout, /^< +G→H QUERY_PROTOCOL_VERSION version 1\.1 +│ $/m);
});

test('diff --quirk name=on --quirk name=off: the quirk on and off, side by side', async () => {
  const io = capture();
  const f = resolve('examples/quirks/all-versions-rejected-continues.vpci');
  const code = await main(['diff', f, '--quirk', 'all-versions-rejected-continues=on', '--quirk', 'all-versions-rejected-continues=off', '--differences'], io);
  assert.equal(code, 1, io.stderr);
  // On, attach carries on with version 0 and asks for the bus relations; off, it stops.
  assert.match(io.stdout, /^first divergence: nic0 at QUERY_BUS_RELATIONS #1 — only all-versions-rejected-continues=on's guest sends QUERY_BUS_RELATIONS/);
  assert.match(io.stdout, /^< +G→H QUERY_BUS_RELATIONS +│ $/m);
  assert.match(io.stdout, /^= +\(\d+ same\)$/m);
});

test('diff of a quirk that changes no message but how the guest ends: the first line says the guests end differently', async () => {
  // short-packet-drop on: the empty D0 completion is dropped and attach waits on; off: it fails. The wire is the same.
  const f = resolve('examples/quirks/short-packet-drop.vpci');
  let io = capture();
  const code = await main(['diff', f, '--quirk', 'short-packet-drop=on', '--quirk', 'short-packet-drop=off', '--differences'], io);
  assert.equal(code, 0, io.stderr); // the exit code follows the messages (documented)
  assert.equal(
    io.stdout.split('\n')[0],
    'no divergence: both runs exchange the same 9 messages on 1 bus, yet the guests end differently: nic0 ends attaching (short-packet-drop=on) vs failed (short-packet-drop=off)',
  );
  io = capture();
  await main(['diff', f, '--quirk', 'short-packet-drop=on', '--quirk', 'short-packet-drop=off', '--json', '-'], io);
  assert.deepEqual(JSON.parse(io.stdout).endStates, [{ bus: 'nic0', left: 'attaching', right: 'failed' }]);
  // Where the messages differ too, the ends follow the two run lines.
  io = capture();
  assert.equal(await main(['diff', CX3, '--host', 'hyperv-2016', '--host', 'openvmm', '--guest', 'freebsd-2016'], io), 1);
  assert.equal(io.stdout.split('\n')[3], 'ends: nic0 ends attached (hyperv-2016) vs failed (openvmm)');
});

test('diff of two scenario files: labels are the file names; the missing eject is named', async () => {
  const a = join(dir, 'with-eject.vpci');
  const b = join(dir, 'without-eject.vpci');
  const text = readFileSync(QUICKSTART, 'utf8');
  writeFileSync(a, text);
  writeFileSync(
    b,
    text
      .replace(/^at 5ms +eject nic1$/m, '')
      .replace(/^expect nic1 ejected.*$/m, '')
      .replace(/^expect message PCI_EJECTION_COMPLETE.*$/m, ''),
  );
  const io = capture();
  const code = await main(['diff', a, b], io);
  assert.equal(code, 1, io.stderr);
  assert.match(io.stdout, /^first divergence: nic1 at EJECT #1 — only the host \(to with-eject\.vpci\) sends EJECT/);
  assert.match(io.stdout, /^< +G→H EJECTION_COMPLETE slot 00\.0/m);
});

test('diff of a run with itself: the same sequence, exit 0; --json - is JSON alone', async () => {
  let io = capture();
  assert.equal(await main(['diff', CX3], io), 0, io.stderr);
  assert.match(io.stdout, /^no divergence: both runs exchange the same \d+ messages on 1 bus$/m);
  io = capture();
  assert.equal(await main(['diff', CX3, '--guest', 'freebsd', '--guest', 'freebsd', '--json', '-'], io), 0);
  const j = JSON.parse(io.stdout);
  assert.equal(j.same, true);
  assert.equal(j.firstDivergence, null);
  assert.ok(j.buses[0].rows.every((r: { kind: string }) => r.kind === 'same'));
  io = capture();
  assert.equal(await main(['diff', CX3, '--host', 'hyperv-2016', '--host', 'hyperv-2022', '--json', '-'], io), 1);
  const d = JSON.parse(io.stdout);
  assert.equal(d.same, false);
  assert.match(d.firstDivergence.text, /QUERY_PROTOCOL_VERSION #1/);
  assert.deepEqual([d.left.host, d.right.host], ['hyperv-2016', 'hyperv-2022']);
  assert.ok(d.buses[0].rows.some((r: { kind: string; changes?: { name: string }[] }) => r.kind === 'changed' && r.changes!.some((c) => c.name === 'status')));
});

test('diff: a bad scenario, a bad name and a third --guest exit 2 with one line saying why', async () => {
  const bad = join(dir, 'bad.vpci');
  writeFileSync(bad, 'vm {\n  host hyperv-2016\n}\nbus nic0 { function 0 no-such-device }\nat 0 boot\n');
  let io = capture();
  assert.equal(await main(['diff', bad, '--guest', 'freebsd', '--guest', 'linux'], io), 2);
  assert.match(io.stderr, /bad\.vpci:4:\d+: error: .*no-such-device/);
  io = capture();
  assert.equal(await main(['diff', CX3, '--guest', 'freebsd', '--guest', 'windows'], io), 2);
  assert.match(io.stderr, /--guest windows: unknown guest model \(one of freebsd, freebsd-2016, linux\)/);
  io = capture();
  assert.equal(await main(['diff', CX3, '--guest', 'freebsd', '--guest', 'linux', '--guest', 'freebsd-2016'], io), 2);
  assert.match(io.stderr, /--guest given 3 times: diff compares two runs/);
  io = capture();
  assert.equal(await main(['diff', CX3, '--quirk', 'nope=on'], io), 2);
  assert.match(io.stderr, /--quirk nope=on: unknown quirk nope/);
  io = capture();
  assert.equal(await main(['diff'], io), 2);
  assert.match(io.stderr, /which scenario\?/);
  assert.equal(io.stdout, '');
});
