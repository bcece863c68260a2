// The CLI at its edges, as an outside probe met them: reports (JUnit, JSON, --quiet) from a
// scenario whose name holds control characters and markup, a run cut short by --max-steps, an
// option given twice, dumps with no config space or saved as UTF-16, --bar sizes, and listings
// with an empty folder name. Every error is one line with a place and a documented exit code.
// Runs the built bundle (dist/cli.js) as a user would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { junitReport } from '../../adapter/cli/run';

const CLI = resolve('dist/cli.js');
const QUICKSTART = resolve('examples/quickstart.vpci');
const GPU = resolve('examples/devices/nvidia-tu102-gpu.lspci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-cli-edges-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], cwd = dir): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What XML 1.0 does not allow anywhere in a document, even as a character reference. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** python3's expat parser, where python3 is installed: it refuses any document that is not well-formed. */
const python = spawnSync('python3', ['-c', 'print(1)'], { encoding: 'utf8' }).stdout?.trim() === '1';

/** Asserts that `file` is a well-formed XML document (python3's parser when present, and always a check of its characters and markup). */
function wellFormed(file: string): void {
  const x = readFileSync(file, 'utf8');
  assert.doesNotMatch(x, NOT_XML, 'a character XML 1.0 forbids');
  // Outside tags, no raw < or & that is not an entity; inside attribute values, no raw <, & or the quote.
  const stripped = x.replace(/<\?xml[^?]*\?>/, '').replace(/<\/?[A-Za-z][\w-]*(?:\s+[\w-]+="[^"<&]*(?:&(?:lt|gt|amp|quot|apos);[^"<&]*)*")*\s*\/?>/g, '');
  assert.doesNotMatch(stripped, /<|&(?!(?:lt|gt|amp|quot|apos);)/, `markup left after the tags are taken out: ${stripped}`);
  if (!python) return;
  const r = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print("well-formed")', file], { encoding: 'utf8' });
  assert.equal(r.stdout, 'well-formed\n', r.stderr);
}

test('run --junit/--json/--quiet with a control character and markup in the scenario name: well-formed XML, JSON that parses, \\xNN in the text', () => {
  // \x01 and ESC are what the probe met; < & " ' > and "]]>" are XML's own characters.
  const name = `n\x01\x1b<&"'>]]>.vpci`;
  const shown = `n\\x01\\x1b<&"'>]]>.vpci`;
  writeFileSync(join(dir, name), 'bus a { function 0 intel-82599-vf }\nat 0 boot\nexpect a attached\nexpect a ejected\n');
  const r = cli(['run', name, '--quiet', '--junit', 'ctrl.xml', '--json', 'ctrl.json']);
  assert.equal(r.code, 1, r.err);
  // --quiet prints the name as every message does, with no raw control character.
  assert.equal(r.out.split('\n')[2], `  ok    ${shown}:3:1  a attached — at 269.200 µs`);
  // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
  assert.doesNotMatch(r.out, /[\x00-\x08\x0b-\x1f\x7f]/);
  wellFormed(join(dir, 'ctrl.xml'));
  const x = readFileSync(join(dir, 'ctrl.xml'), 'utf8');
  const attr = 'n\\x01\\x1b&lt;&amp;&quot;&apos;&gt;]]&gt;.vpci';
  assert.match(x, new RegExp(`<testsuite name="${attr.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}" tests="2" failures="1"`));
  assert.ok(
    x.includes(
      `<testcase classname="${attr}" name="a ejected (line 4)" time="0"><failure message="a had no eject completed (the host&apos;s EJECT answered by EJECTION_COMPLETE); guest state: attached">${attr}:4:1: `,
    ),
    x,
  );
  // The JSON report keeps the name as it is (JSON escapes a control character itself).
  const j = JSON.parse(readFileSync(join(dir, 'ctrl.json'), 'utf8'));
  assert.equal(j.scenario, name);
  assert.equal(j.ok, false);
});

test('the JUnit report replaces what XML 1.0 forbids (a lone surrogate, U+FFFE, C0 and C1 controls) and escapes markup, in every attribute and text', () => {
  const odd = 'a\x00b\x0bc\x7f\x85d\ud800e\udfffz\ufffe\uffff😀 <&"\'>';
  const xml = junitReport(odd, [{ ok: false, what: odd, detail: odd, line: 1, col: 2 }], 0);
  const file = join(dir, 'odd.xml');
  writeFileSync(file, xml);
  wellFormed(file);
  const safe = 'a\\x00b\\x0bc\\x7f\\x85d\\ud800e\\udfffz\\ufffe\\uffff😀 &lt;&amp;&quot;&apos;&gt;';
  assert.ok(xml.includes(`<testsuite name="${safe}"`), xml);
  assert.ok(xml.includes(`<failure message="${safe}">${safe}:1:2: expected ${safe}; ${safe}</failure>`), xml);
});

test('run --quiet stopped by --max-steps says so in one line; the JSON and JUnit reports say so too', () => {
  const r = cli(['run', QUICKSTART, '--max-steps', '100', '--quiet', '--json', 'cut.json', '--junit', 'cut.xml']);
  assert.equal(r.code, 1, r.err);
  const said = 'stopped at --max-steps 100: the run did not reach its end, and the expectations judge only what ran';
  assert.equal(r.out.split('\n')[0], said);
  assert.equal(r.out.split('\n').filter((l) => l.includes('--max-steps')).length, 1);
  const cut = JSON.parse(readFileSync(join(dir, 'cut.json'), 'utf8'));
  assert.deepEqual([cut.loaded, cut.stoppedAtMaxSteps], [true, true], 'a report of a scenario that loaded says so, as one that did not says loaded: false');
  wellFormed(join(dir, 'cut.xml'));
  const x = readFileSync(join(dir, 'cut.xml'), 'utf8');
  assert.ok(x.includes('<properties><property name="stoppedAtMaxSteps" value="100"/></properties>'), x);
  assert.ok(x.includes(`<system-out>${said}</system-out>`), x);
  // A run that reaches its end says nothing of the kind.
  const whole = cli(['run', QUICKSTART, '--quiet', '--junit', 'whole.xml']);
  assert.equal(whole.code, 0, whole.err);
  assert.doesNotMatch(whole.out + readFileSync(join(dir, 'whole.xml'), 'utf8'), /max-steps|stoppedAtMaxSteps/i);
});

test('vpci-lab start names itself in its errors, and takes options only: a scenario given to it is refused, pointing to run', () => {
  const opt = cli(['start', '--nope']);
  assert.equal(opt.code, 2);
  assert.equal(opt.err, 'vpci-lab: start: unknown option --nope\n(vpci-lab start --help for usage)\n');
  const file = cli(['start', QUICKSTART]);
  assert.equal(file.code, 2);
  assert.equal(
    file.err,
    'vpci-lab: start: takes no scenario: it runs the bundled quickstart.vpci (vpci-lab run <scenario.vpci> runs another)\n(vpci-lab start --help for usage)\n',
  );
  assert.equal(file.out, '');
});

test('an option that takes one value, given twice, is a usage error naming it, in every command; repeatable ones stay repeatable', () => {
  for (const [args, shown] of [
    [['run', QUICKSTART, '--json', '-', '--json', 'twice.json'], "option --json given twice ('-' and 'twice.json')"],
    [['run', QUICKSTART, '--junit=a.xml', '--junit', 'b.xml'], "option --junit given twice ('a.xml' and 'b.xml')"],
    [['run', QUICKSTART, '--max-steps', '5', '--max-steps', '5'], "option --max-steps given twice ('5' and '5')"],
    [['start', '--json', '-', '--json', '-'], "option --json given twice ('-' and '-')"],
    [['diff', QUICKSTART, '--json', 'x.json', '--json', 'y.json'], "option --json given twice ('x.json' and 'y.json')"],
    [['dap', '--port', '0', '--port', '1'], "option --port given twice ('0' and '1')"],
    [['dap', '--port', '0', '--scenario', QUICKSTART, '--scenario', 'b\x01.vpci'], `option --scenario given twice ('${QUICKSTART}' and 'b\\x01.vpci')`],
    [['lspci', 'intel-82599-vf', '--select', '00.0', '--select', '01.0'], "option --select given twice ('00.0' and '01.0')"],
    // named as written: lspci's -F and -i have no long form (--file was named, which is refused)
    [['lspci', '-F', 'a.lspci', '-F', 'b.lspci'], "option -F given twice ('a.lspci' and 'b.lspci')"],
    [['lspci', 'intel-82599-vf', '-i', 'a.ids', '-ib.ids'], "option -i given twice ('a.ids' and 'b.ids')"],
  ] as const) {
    const r = cli([...args]);
    const cmd = args[0];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err, `vpci-lab: ${cmd}: ${shown}: it takes one value\n(vpci-lab ${cmd} --help for usage)\n`);
    assert.equal(r.out, '', args.join(' '));
  }
  assert.equal(existsSync(join(dir, 'twice.json')), false, 'no report written');
  // An empty report name was taken as no report at all; an empty value is one wording for every option.
  for (const [cmd, flag, why] of [
    ['run', '--json', 'option --json needs a value'],
    ['run', '--junit', 'option --junit needs a value'],
    ['diff', '--json', 'option --json needs a value'],
    ['run', '--guest', 'option --guest needs a value'],
    ['run', '--max-steps', 'option --max-steps needs a value'],
    ['dap', '--port', 'option --port needs a value'],
  ] as const) {
    const r = cli([cmd, QUICKSTART, `${flag}=`]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err, `vpci-lab: ${cmd}: ${why}\n(vpci-lab ${cmd} --help for usage)\n`);
  }
  // --quirk, -O and -v are meant to repeat.
  assert.equal(cli(['run', QUICKSTART, '--quiet', '--quirk', 'short-packet-drop=on', '--quirk', 'descriptor-stride=off']).code, 0);
  const v = cli(['lspci', 'intel-82599-vf', '-v', '-v', '-O', 'hwdb.disable=1', '-O', 'hwdb.disable=1']);
  assert.equal(v.code, 0, v.err);
});

test('run, diff and listings document exit 74 (an output file or folder that cannot be written) in their --help', () => {
  for (const cmd of ['run', 'check', 'diff', 'listings']) {
    const h = cli([cmd, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /^ {2}74 +.*cannot be written/m, cmd);
  }
});

test('lspci on a dump with no device in it (empty, blank lines, no header): the one-line error a scenario gets, exit 2; a header alone is decoded as lspci -F does', () => {
  const cases = [
    ['empty.lspci', '', ':1: no config-space dump found (expected lspci -x/-xxx/-xxxx output)'],
    ['blank.lspci', '\n\r\n\n', ':1: no config-space dump found (expected lspci -x/-xxx/-xxxx output)'],
    ['words.lspci', 'not a dump at all\n', ':1: no config-space dump found (expected lspci -x/-xxx/-xxxx output)'],
  ] as const;
  for (const [name, text, why] of cases) {
    writeFileSync(join(dir, name), text);
    const r = cli(['lspci', name]);
    assert.equal(r.code, 2, `${name}: ${r.out}`);
    assert.equal(r.err, `vpci-lab: lspci: ${name}${why}\n`);
    assert.equal(r.out, '');
  }
  // check says the same of each, at the dump's place in the scenario.
  for (const [name, , why] of cases) {
    writeFileSync(join(dir, 'uses.vpci'), `bus g { function 0 dump "${name}" bar 0 16M }\nat 0 boot\n`);
    const c = cli(['check', 'uses.vpci']);
    assert.equal(c.code, 2);
    assert.equal(c.err.split('\n')[0], `uses.vpci:1:25: error: ${name}${why} [dump-unparsable]`);
  }
  // A header line with no hex under it (lspci -v saved without -x) is a device of ff bytes to lspci -F,
  // and printed as it prints one; a scenario cannot use it (it has no config space to offer).
  writeFileSync(join(dir, 'header.lspci'), '# saved with lspci -v\n00:03.0 Ethernet controller: Intel\n\tFlags: fast devsel\n');
  const hdr = cli(['lspci', 'header.lspci', '-vvv']);
  assert.equal(hdr.code, 0, hdr.err);
  assert.match(hdr.out, /^00:03\.0 Unassigned class \[ffff\]: Illegal Vendor ID Device ffff \(rev ff\) \(prog-if ff\)\n/);
  writeFileSync(join(dir, 'uses.vpci'), 'bus g { function 0 dump "header.lspci" bar 0 16M }\nat 0 boot\n');
  assert.equal(
    cli(['check', 'uses.vpci']).err.split('\n')[0],
    'uses.vpci:1:25: error: header.lspci:2: device 00:03.0 has no hex dump lines (use lspci -x, -xxx or -xxxx) [dump-unparsable]',
  );
  // A dump with some bytes is read as lspci -F reads it: gaps as ff.
  writeFileSync(join(dir, 'short.lspci'), '00:00.0 Host bridge: x\n00: 86 80\n');
  assert.equal(cli(['lspci', 'short.lspci']).code, 0);
});

test("a dump saved as UTF-16 (PowerShell's >, either byte order) reads as its UTF-8 text: in lspci, check and run", () => {
  const text = readFileSync(GPU, 'utf8');
  writeFileSync(join(dir, 'gpu8.lspci'), text);
  writeFileSync(join(dir, 'gpu16le.lspci'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  writeFileSync(join(dir, 'gpu16be.lspci'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
  const want = cli(['lspci', 'gpu8.lspci', '-vvv', '-xxxx']);
  assert.equal(want.code, 0, want.err);
  for (const f of ['gpu16le.lspci', 'gpu16be.lspci']) {
    const r = cli(['lspci', f, '-vvv', '-xxxx']);
    assert.equal(r.code, 0, `${f}: ${r.err}`);
    assert.equal(r.out, want.out, f);
    writeFileSync(
      join(dir, 'gpu.vpci'),
      `bus h { function 0 dump "${f}" select 02:00.0 bar 0 16M bar 1 256M bar 3 32M bar 5 128 rom 512K }\nat 0 boot\nexpect h attached\n`,
    );
    const c = cli(['check', 'gpu.vpci']);
    assert.equal(c.code, 0, `${f}: ${c.err}`);
    const run = cli(['run', 'gpu.vpci', '--quiet']);
    assert.equal(run.code, 0, `${f}: ${run.err}`);
    assert.match(run.out, /1 of 1 expectation held/);
  }
  // Only a byte-order mark in UTF-16: the empty dump's error, not "config file is 2 bytes".
  writeFileSync(join(dir, 'bom16.lspci'), Buffer.from([0xff, 0xfe]));
  assert.equal(cli(['lspci', 'bom16.lspci']).err, 'vpci-lab: lspci: bom16.lspci:1: no config-space dump found (expected lspci -x/-xxx/-xxxx output)\n');
});

test("lspci: a name on disk that cannot be read (a symbolic link in a loop, or to nothing) is said as a file's error, not 'neither a catalog device nor a file'", () => {
  const sub = join(dir, 'links');
  mkdirSync(sub);
  symlinkSync('loop-b', join(sub, 'loop-a'));
  symlinkSync('loop-a', join(sub, 'loop-b'));
  symlinkSync('nowhere', join(sub, 'dangling'));
  for (const [args, err] of [
    [['loop-a'], 'vpci-lab: lspci: loop-a: too many levels of symbolic links\n'],
    [['dangling'], 'vpci-lab: lspci: dangling: no such file\n'],
    [['-F', 'dangling'], 'vpci-lab: lspci: -F dangling: no such file\n'],
    [['nosuch'], "vpci-lab: lspci: 'nosuch' is neither a catalog device (see vpci-lab devices) nor a file\n(vpci-lab lspci --help for usage)\n"],
  ] as const) {
    const r = cli(['lspci', ...args], sub);
    assert.deepEqual([r.code, r.out, r.err], [2, '', err], args.join(' '));
  }
});

test('lspci --bar: a size that is not a power of two or past 2^53-1, a BAR given twice, and --bar on a catalog device are usage errors naming the BAR', () => {
  for (const [args, why] of [
    [[GPU, '--bar', '0=3K'], '--bar 0=3K: BAR 0 size 3K is not a power of two; round it up to 4K'],
    [[GPU, '--bar', '5=0'], '--bar 5=0: BAR 5 size 0 is not a power of two'],
    [[GPU, '--bar', '1=9007199254740992'], "--bar 1=9007199254740992: BAR 1 size '9007199254740992' is too large (more than 2^53-1)"],
    [[GPU, '--bar', '1=17179869184g'], "--bar 1=17179869184g: BAR 1 size '17179869184G' is too large (more than 2^53-1)"],
    [[GPU, '--bar', '0=16M', '--bar', '0=32M'], '--bar 0=32M: BAR 0 size is given twice'],
    [[GPU, '--bar', 'rom=512K', '--bar', 'ROM=512K'], '--bar ROM=512K: the ROM size is given twice'],
    [
      ['intel-82599-vf', '--bar', '0=16K'],
      '--bar 0=16K: intel-82599-vf is a catalog device, whose BAR sizes are known (vpci-lab devices lists them); --bar is for dump files',
    ],
  ] as const) {
    const r = cli(['lspci', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err, `vpci-lab: lspci: ${why}\n(vpci-lab lspci --help for usage)\n`);
    assert.equal(r.out, '');
  }
  const ok = cli(['lspci', GPU, '-v', '--bar', '0=16M', '--bar', 'rom=512K']);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /Memory at d3000000 \(32-bit, non-prefetchable\) \[size=16M\]/);
});

test("lspci --bar: a size must fit the dump's BAR register as a scenario's bar clause must (kind, range, upper half of a 64-bit BAR); the BARs not named print no size", () => {
  // The TU102 dump: BAR0 32-bit memory, BAR1 (with BAR2) and BAR3 (with BAR4) 64-bit prefetchable, BAR5 I/O, a ROM register.
  for (const [bar, why] of [
    ['0=16G', 'BAR0: size 16G outside 16..2G for a 32-bit memory BAR'],
    ['2=16M', 'BAR2: is the upper half of 64-bit BAR1; give the size on BAR1'],
    ['4=16M', 'BAR4: is the upper half of 64-bit BAR3; give the size on BAR3'],
    ['5=1G', 'BAR5: size 1G outside 4..64K for an I/O BAR'],
    ['rom=1K', 'expansion ROM: size 1K outside 2K..2G for an expansion ROM'],
  ] as const) {
    const r = cli(['lspci', GPU, '-v', '--bar', '1=256M', '--bar', bar]);
    assert.equal(r.code, 2, bar);
    assert.equal(r.err, `vpci-lab: lspci: --bar ${bar}: 02:00.0: ${why}\n(vpci-lab lspci --help for usage)\n`);
    assert.equal(r.out, '');
  }
  // The same rule refuses the same size in a scenario (emulator/scenario/dump-check.ts).
  copyFileSync(GPU, join(dir, 'gpu16g.lspci'));
  writeFileSync(join(dir, 'gpu16g.vpci'), 'bus g { function 0 dump "gpu16g.lspci" bar 0 16G bar 1 256M bar 3 32M bar 5 128 rom 512K }\nat 0 boot\n');
  assert.match(cli(['check', 'gpu16g.vpci']).err, /BAR0: size 16G outside 16\.\.2G for a 32-bit memory BAR \[bar-layout\]/);
  // A register not sized is not laid out, so one that could not be (BAR5 made a reserved memory type) does not stop another's size.
  writeFileSync(join(dir, 'gpu-odd-bar5.lspci'), readFileSync(GPU, 'latin1').replace(/^20: 3f 38 00 00 01 60 00 00/m, '20: 3f 38 00 00 06 00 00 00'));
  const odd = cli(['lspci', 'gpu-odd-bar5.lspci', '-v', '--bar', '0=16M']);
  assert.equal(odd.code, 0, odd.err);
  assert.match(odd.out, /Memory at d3000000 \(32-bit, non-prefetchable\) \[size=16M\]/);
  assert.equal(
    cli(['lspci', 'gpu-odd-bar5.lspci', '-v', '--bar', '5=128']).err,
    'vpci-lab: lspci: --bar 5=128: 02:00.0: BAR5: reserved memory type 0b11 in register value 0x6\n(vpci-lab lspci --help for usage)\n',
  );
  // A 64-bit BAR sized alone: only it gets a size; BAR5's I/O and the others print as lspci -F prints them.
  const one = cli(['lspci', GPU, '-v', '--bar', '3=32M']);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /Memory at 383ff0000000 \(64-bit, prefetchable\) \[size=32M\]\n\tI\/O ports at 0000\n\tI\/O ports at 6000\n/);
  assert.match(one.out, /\tMemory at d3000000 \(32-bit, non-prefetchable\)\n/);
});

test('listings with an empty folder name or - is a usage error and writes nothing; a file as the folder is one line naming it, exit 74', () => {
  const cwd = join(dir, 'listings-here');
  mkdirSync(cwd);
  for (const name of ['', ' ']) {
    const r = cli(['listings', name], cwd);
    assert.equal(r.code, 2, r.out);
    assert.equal(r.err, "vpci-lab: listings: an empty folder name: which folder? (leave it out for 'listings')\n(vpci-lab listings --help for usage)\n");
    assert.deepEqual(readdirSync(cwd), [], 'nothing written into the current folder');
  }
  // '-', standard input or output to the other commands: a folder named '-' was made and filled.
  const dash = cli(['listings', '-'], cwd);
  assert.equal(dash.code, 2, dash.out);
  assert.equal(
    dash.err,
    "vpci-lab: listings: -: the listings are a folder of files, not one stream (a folder named '-' is ./-)\n(vpci-lab listings --help for usage)\n",
  );
  assert.deepEqual(readdirSync(cwd), []);
  writeFileSync(join(cwd, 'a\x01file'), '');
  const f = cli(['listings', 'a\x01file'], cwd);
  assert.equal(f.code, 74);
  assert.equal(f.err, 'vpci-lab: listings: a\\x01file: is a file, not a folder\n');
});
