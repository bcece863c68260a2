// The headless CLI: `run` prints the transcript and the expectation results
// and exits 0/1/2; JSON and JUnit reports; `check`, `devices`, `lspci`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../adapter/cli/main';
import { capture } from './capture';

const FIXTURE = resolve('test/adapter/fixtures/cx3.vpci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-'));

test('run: transcript with decoded messages, expectations held, exit 0', async () => {
  const io = capture();
  const code = await main(['run', FIXTURE], io);
  assert.equal(code, 0, io.stderr);
  assert.match(io.stdout, /guest -> host .*QUERY_PROTOCOL_VERSION/);
  assert.match(io.stdout, /host -> guest .*REVISION_MISMATCH/);
  assert.match(io.stdout, /interrupt: vector 0 of slot 0 delivered to cpu 0/);
  assert.match(io.stdout, /3 of 3 expectations held/);
});

test('run: counts read as English: "once", "2 times", "1 of 1 expectation", "1 error" (no "(s)")', async () => {
  const f = join(dir, 'counts.vpci');
  const example = readFileSync(resolve('examples/quickstart.vpci'), 'utf8');
  writeFileSync(
    f,
    example.replace(/^expect[^\n]*\n/gm, '') + 'expect message PCI_EJECTION_COMPLETE on nic1 count 1\nexpect message PCI_EJECT on nic1 count 2\n',
  );
  const io = capture();
  await main(['run', f, '--quiet'], io);
  assert.match(io.stdout, /PCI_EJECTION_COMPLETE on nic1 once — 1 sent/);
  assert.match(io.stdout, /PCI_EJECT on nic1 2 times — 1 sent/);
  assert.match(io.stdout, /1 of 2 expectations held/);
  assert.doesNotMatch(io.stdout, /\(s\)/);
});

test('run: a failing expectation exits 1 and says what happened instead', async () => {
  const f = join(dir, 'fail.vpci');
  writeFileSync(f, readFileSync(FIXTURE, 'utf8') + 'expect nic0 version 1.4\n');
  const io = capture();
  const code = await main(['run', f, '--quiet'], io);
  assert.equal(code, 1);
  assert.match(io.stdout, /FAIL .*fail\.vpci:14:1 .*version 1\.4 — negotiated 1\.1/);
});

test('run: a scenario error exits 2 as file:line:col', async () => {
  const f = join(dir, 'bad.vpci');
  writeFileSync(f, 'vm {\n  host hyperv-2016\n}\nbus nic0 { function 0 no-such-device }\nat 0 boot\n');
  const io = capture();
  const code = await main(['run', f], io);
  assert.equal(code, 2);
  assert.match(io.stderr, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: error: .*no-such-device`));
});

test('run --json and --junit write machine-readable reports', async () => {
  const json = join(dir, 'r.json');
  const junit = join(dir, 'r.xml');
  const io = capture();
  const code = await main(['run', FIXTURE, '--quiet', '--json', json, '--junit', junit], io);
  assert.equal(code, 0);
  const r = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(r.ok, true);
  assert.equal(r.guest, 'freebsd');
  assert.equal(r.expectations.length, 3);
  const x = readFileSync(junit, 'utf8');
  assert.match(x, /<testsuite name="[^"]*cx3\.vpci" tests="3" failures="0"/);
});

test('a scenario that does not load still gets its reports: they say so (an old report is not left behind, nor an empty file)', async () => {
  const bad = join(dir, 'bad-report.vpci');
  writeFileSync(bad, 'bus nic0 { function 0 intel-82599-vf }\nat 0 boot\nat 1ms driver nic9 msix 1\n');
  const json = join(dir, 'stale.json');
  const junit = join(dir, 'stale.xml');
  // What an earlier, passing run left.
  assert.equal(await main(['run', FIXTURE, '--quiet', '--json', json, '--junit', junit], capture()), 0);
  const io = capture();
  assert.equal(await main(['run', bad, '--json', json, '--junit', junit], io), 2);
  const r = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual(
    { loaded: r.loaded, ok: r.ok, held: r.held, problem: r.problem, codes: r.diagnostics.map((d: { code: string; line: number }) => [d.code, d.line]) },
    {
      loaded: false,
      ok: false,
      held: 0,
      problem: "the scenario did not load: 1 error (unknown bus 'nic9'; did you mean 'nic0'?)",
      codes: [['unknown-bus', 3]],
    },
  );
  const x = readFileSync(junit, 'utf8');
  assert.match(x, /<testsuite name="[^"]*bad-report\.vpci" tests="1" failures="0" errors="1"/);
  assert.match(x, /<testcase [^>]*name="load"[^>]*><error message="the scenario did not load: 1 error[^"]*">[^<]*bad-report\.vpci:3:15: error: unknown bus/);
  // A file that cannot be read: the report names the read error; --json - is the report alone.
  const io2 = capture();
  assert.equal(await main(['run', join(dir, 'missing.vpci'), '--json', '-'], io2), 2);
  const r2 = JSON.parse(io2.stdout);
  assert.equal(r2.loaded, false);
  // The problem is the stderr line without the command's prefix (as a diagnostic's message is without its file:line:col).
  assert.equal(r2.problem, `${join(dir, 'missing.vpci')}: no such file`);
  assert.equal(io2.stderr, `vpci-lab: run: ${r2.problem}\n`);
  // A diagnostic with a note (the text output's 'note:' line) has it in the report too.
  const twice = join(dir, 'twice.vpci');
  writeFileSync(twice, 'bus nic0 { function 0 intel-82599-vf }\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\n');
  const io5 = capture();
  assert.equal(await main(['run', twice, '--json', '-'], io5), 2);
  assert.deepEqual(JSON.parse(io5.stdout).diagnostics, [
    {
      severity: 'error',
      code: 'duplicate-bus',
      message: 'bus nic0 is declared twice',
      line: 2,
      col: 5,
      related: { message: 'first declared here', line: 1, col: 5 },
    },
  ]);
  assert.match(io5.stderr, /:1:5: note: first declared here\n/);
  // diff --json, the side that did not load named.
  const io3 = capture();
  assert.equal(await main(['diff', bad, '--guest', 'linux', '--guest', 'freebsd', '--json', '-'], io3), 2);
  const d = JSON.parse(io3.stdout);
  assert.deepEqual([d.side, d.loaded, d.same], ['linux', false, false]);
  const io4 = capture();
  assert.equal(await main(['diff', join(dir, 'missing.vpci'), '--guest', 'linux', '--guest', 'freebsd', '--json', '-'], io4), 2);
  assert.equal(JSON.parse(io4.stdout).problem, `${join(dir, 'missing.vpci')}: no such file`);
});

test("the checks judge the host and guest that will run: --host and --guest in place of the file's", async () => {
  const f = join(dir, 'override.vpci');
  writeFileSync(f, 'vm {\n  host hyperv-2022\n  guest linux\n}\nbus nic0 { function 0 intel-82599-vf }\nat 0 boot\nexpect nic0 version 1.4\n');
  const io = capture();
  await main(['run', f, '--quiet', '--host', 'openvmm', '--guest', 'freebsd-2016'], io);
  assert.match(
    io.stderr,
    /override\.vpci:2:8: warning: host openvmm accepts 1\.2, 1\.3, 1\.4, 1\.5, 1\.6 but guest freebsd-2016 offers only 1\.1: version negotiation will fail \[no-common-version\]/,
  );
  assert.match(io.stderr, /override\.vpci:7:21: warning: version 1\.4 cannot be negotiated: host and guest share no version \[version-unreachable\]/);
  // The file's own pair shares 1.4: no warning at all.
  const io2 = capture();
  assert.equal(await main(['run', f, '--quiet'], io2), 0);
  assert.equal(io2.stderr, '');
});

test('run --bytes prints each packet under it; overrides switch the host', async () => {
  const io = capture();
  const code = await main(['run', FIXTURE, '--bytes', '--host', 'hyperv-2022'], io);
  assert.equal(code, 0);
  // The first packet: in-band (06 00), header 2 units (02 00), then the 1.4 version request.
  assert.match(io.stdout, /0000: 06 00 02 00 04 00 01 00/);
  assert.match(io.stdout, /host hyperv-2022/);
  assert.match(io.stdout, /RESOURCES_ASSIGNED2/);
});

test('unknown options are refused with their name', async () => {
  const io = capture();
  assert.equal(await main(['run', FIXTURE, '--frobnicate'], io), 2);
  assert.match(io.stderr, /unknown option --frobnicate/);
});

test('run given many files (a shell glob) names the first eight and counts the rest', async () => {
  const io = capture();
  const files = Array.from({ length: 5000 }, (_, i) => `s${i}.vpci`);
  assert.equal(await main(['run', ...files], io), 2);
  // Every name was listed: a line of 60 KB.
  assert.equal(
    io.stderr,
    "vpci-lab: run: one scenario at a time (got 5000: 's0.vpci', 's1.vpci', 's2.vpci', 's3.vpci', 's4.vpci', 's5.vpci', 's6.vpci', 's7.vpci', … 4,992 more)\n(vpci-lab run --help for usage)\n",
  );
});

test('an option value that starts with a dash is not called missing: the message says how to write it', async () => {
  let io = capture();
  assert.equal(await main(['dap', '--port', '-1'], io), 2);
  assert.match(io.stderr, /^vpci-lab: dap: option --port needs a value \(one that starts with a dash is written --port=-…\)$/m);
  io = capture();
  assert.equal(await main(['dap', '--port=-1'], io), 2);
  assert.match(io.stderr, /--port '-1': must be 0\.\.65535/);
  io = capture();
  assert.equal(await main(['dap', '--port'], io), 2);
  assert.match(io.stderr, /^vpci-lab: dap: option --port needs a value$/m);
  // A short option: written -O-… (parseArgs reads -O=-x as the value '=-x'); a missing value names -O alone.
  io = capture();
  assert.equal(await main(['lspci', '-O', '-x'], io), 2);
  assert.match(io.stderr, /^vpci-lab: lspci: option -O needs a value \(one that starts with a dash is written -O-…\)$/m);
  io = capture();
  assert.equal(await main(['lspci', 'intel-82599-vf', '-O'], io), 2);
  assert.match(io.stderr, /^vpci-lab: lspci: option -O needs a value$/m);
});

test('devices lists the catalog; lspci decodes a catalog device like lspci -vvv', async () => {
  let io = capture();
  assert.equal(await main(['devices'], io), 0);
  assert.match(io.stdout, /intel-82599-vf\s+8086:10ed/);
  assert.match(io.stdout, /mellanox-cx3-vf\s+15b3:1004/);
  io = capture();
  assert.equal(await main(['lspci', 'mellanox-cx3-vf', '-vvv'], io), 0);
  assert.match(io.stdout, /Region 2: Memory at .* \(64-bit, prefetchable\).*\[size=8M\]/);
  assert.match(io.stdout, /MSI-X: Enable- Count=24 Masked-/);
});

test('run --json - writes the JSON report alone to stdout (a failing scenario exits 1 and still parses)', async () => {
  const f = join(dir, 'fail-json.vpci');
  writeFileSync(f, readFileSync(FIXTURE, 'utf8') + 'expect nic0 version 1.4\n');
  const io = capture();
  const code = await main(['run', f, '--json', '-'], io);
  assert.equal(code, 1);
  const r = JSON.parse(io.stdout);
  assert.equal(r.ok, false);
  assert.equal(r.held, 3);
  const v = r.expectations.find((x: { line: number }) => x.line === 14);
  assert.equal(v.ok, false);
  assert.equal(v.text, 'expect nic0 version 1.4');
  assert.deepEqual([v.expected, v.actual], ['1.4', '1.1']);
  // The cause: the completion that carried the negotiated version, answering the guest's request.
  assert.equal(v.cause.text, 'negotiated 1.1 here');
  assert.ok(v.cause.origin < v.cause.event);
});

test('check: 0 for a clean scenario, 2 for one with errors or an unreadable file (the exit codes run uses)', async () => {
  let io = capture();
  assert.equal(await main(['check', FIXTURE], io), 0);
  assert.match(io.stdout, /cx3\.vpci: ok/);
  const f = join(dir, 'bad-check.vpci');
  writeFileSync(f, 'vm {\n  host hyperv-2016\n}\nbus nic0 { function 0 no-such-device }\n');
  io = capture();
  assert.equal(await main(['check', f, FIXTURE], io), 2);
  assert.match(io.stderr, /bad-check\.vpci:4:\d+: error/);
  io = capture();
  assert.equal(await main(['check', join(dir, 'missing.vpci')], io), 2);
  assert.match(io.stderr, /^vpci-lab: check: .*missing\.vpci: no such file\n$/);
});

test('run: config-window accesses are folded into the driver step that made them, unless --config', async () => {
  let io = capture();
  assert.equal(await main(['run', FIXTURE], io), 0);
  assert.doesNotMatch(io.stdout, /config-window access/);
  assert.doesNotMatch(io.stdout, /cfg (read|write) /);
  // FreeBSD's pci_read_bar sizes each BAR through vmbus_pcib_read_config/_write_config.
  assert.match(io.stdout, /^ +\d+(\.\d{3}( \d{3})*)? (ns|µs|ms|s) {2}nic0 +pci_read_bar: \d+ config reads and \d+ writes 0x[0-9a-f]{2}–0x[0-9a-f]{2}$/m);
  assert.match(io.stdout, /^ +\d+(\.\d{3}( \d{3})*)? (ns|µs|ms|s) {2}nic0 +pci_read_cap: \d+ config reads 0x34–0x[0-9a-f]{2}$/m);
  const folded = io.stdout.split('\n').filter((l) => /config read|config write| writes 0x/.test(l));
  io = capture();
  assert.equal(await main(['run', FIXTURE, '--config'], io), 0);
  const each = io.stdout.split('\n').filter((l) => /cfg (read|write) /.test(l));
  // Every access, one line each: more lines than folds, and as many as the folds count.
  const counted = folded.reduce((n, l) => n + [...l.matchAll(/(\d+) (?:config )?(?:reads?|writes?)/g)].reduce((k, m) => k + Number(m[1]), 0), 0);
  assert.ok(each.length > folded.length);
  assert.equal(each.length, counted);
});

test('run: a misspelt guest, host or quirk is one line naming the near miss and the valid ones', async () => {
  for (const [args, re] of [
    [['--guest', 'windows'], /--guest windows: unknown guest model \(one of freebsd, freebsd-2016, linux\)/],
    [['--host', 'vmware'], /--host vmware: unknown host profile \(one of hyperv-2016/],
    [['--quirk', 'nope=on'], /--quirk nope=on: unknown quirk nope \(one of /],
    // A near miss is named before the list, as a scenario's own `guest Linux` is.
    [['--guest', 'Linux'], /--guest Linux: unknown guest model; did you mean linux\? \(one of freebsd, freebsd-2016, linux\)/],
    [['--host', 'hyperv2019'], /--host hyperv2019: unknown host profile; did you mean hyperv-2019\? \(one of hyperv-2016/],
    [['--quirk', 'short-packet-drp=off'], /--quirk short-packet-drp=off: unknown quirk short-packet-drp; did you mean short-packet-drop=off\? \(one of /],
    [['--guest', 'linux', '--guest', 'freebsd'], /--guest given 2 times: it takes one \(vpci-lab diff compares two\)/],
  ] as const) {
    const io = capture();
    assert.equal(await main(['run', FIXTURE, ...args], io), 2);
    assert.match(io.stderr, re);
    assert.equal(io.stdout, '');
  }
});
