import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatScenario } from '../../emulator/scenario/format';
import { parseScenario } from '../../emulator/scenario/parser';
import { fuzzScenario } from '../../fuzz/scenario';

const MESSY = `

# Title
vm   {
host hyperv-2016 # h
      guest freebsd    # the guest
cpus 4
}



bus nic0 {function 0 intel-82599-vf serial 1}
bus nic1 {
function 0 dump "d.lspci"  bar 0   16M
    }
at 0 boot
at 2ms driver nic0 / 1.0 msix 3
at 10ms raise nic0 vector 0   # go
expect  no errors
`;

const CANON = `# Title
vm {
  host hyperv-2016  # h
  guest freebsd     # the guest
  cpus 4
}

bus nic0 { function 0 intel-82599-vf serial 1 }
bus nic1 {
  function 0 dump "d.lspci" bar 0 16M
}
at 0     boot
at 2ms   driver nic0/1.0 msix 3
at 10ms  raise nic0 vector 0  # go
expect no errors
`;

test('format: canonical indentation, spacing, aligned times and comments, one blank line', () => {
  assert.equal(formatScenario(MESSY), CANON);
});

test('format: idempotent, and the formatted text means the same', () => {
  assert.equal(formatScenario(CANON), CANON);
  const a = parseScenario(MESSY);
  const b = parseScenario(CANON);
  assert.deepEqual(a.diagnostics, b.diagnostics);
  const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'loc' || k.endsWith('Loc') ? undefined : v)));
  assert.deepEqual(strip(a.scenario), strip(b.scenario));
});

test('format: CRLF and lone CR line ends become LF; broken text is kept token for token', () => {
  assert.equal(formatScenario('vm {\r\ncpus 4\r}\r\n'), 'vm {\n  cpus 4\n}\n');
  assert.equal(formatScenario('at 1ms @ "open\n'), 'at 1ms  @ "open\n');
  assert.equal(formatScenario(''), '');
});

test('format: a text that is no scenario (NULs, UTF-16, a binary file) is left as it is, byte for byte', () => {
  for (const text of ['vm {\n  guest freebsd\0\n}\n', 'v\0m\0 \0{\0\n\0}\0\n\0', '\x7fELF\x02\x01\x01\0\0\0  at 0 boot\n']) {
    assert.equal(formatScenario(text), text, JSON.stringify(text));
  }
});

test('format: the slips the parser reads past keep their place: a stray colon against its word, a string in curly quotes whole', () => {
  // Before, `host:` was one bad token and `“x y”` three (the quotes apart from the words): the layout moved them.
  assert.equal(
    formatScenario('vm {\n  host :  hyperv-2016\n  cpus 4 ;\n}\nbus g {   function 0 dump   \u201cx y\u201d }\n'),
    'vm {\n  host: hyperv-2016\n  cpus 4;\n}\nbus g { function 0 dump \u201cx y\u201d }\n',
  );
  assert.equal(formatScenario('vm {\n  host = hyperv-2016\n}\n'), 'vm {\n  host = hyperv-2016\n}\n');
});

test('format: a stray colon, or a slash, is written against its neighbour only where the two are still read as two tokens', async () => {
  const { tokenize } = await import('../../emulator/scenario/lexer');
  const tokens = (text: string): string[] => tokenize(text).flatMap((t) => (t.kind === 'newline' || t.kind === 'eof' ? [] : [`${t.kind}:${t.text}`]));
  // `1:` is read as one token (the start of a PCI address), `1 :` as a number and a stray colon: before, the
  // colon was written against the number, and the formatted file said something else (fuzz seed 51993057).
  for (const text of ['""1 :\n', 'vm {\n  cpus 4 :\n}\n', 'bus nic0 { function 0 dump "g.lspci" select 1 :00.0 }\n', 'at 0 boot 0x1 :\n'])
    assert.deepEqual(tokens(formatScenario(text)), tokens(text), JSON.stringify(text));
  // Where they stay two tokens, the colon still goes against its word.
  assert.equal(formatScenario('vm {\n  host :  hyperv-2016\n}\n'), 'vm {\n  host: hyperv-2016\n}\n');
});

test('fuzz: mutated scenarios never throw, ranges stay inside, format keeps tokens (seeded)', () => {
  const r = fuzzScenario(7, 400);
  assert.deepEqual(r.failures, []);
  assert.equal(r.units, 400);
  assert.ok(r.counts!.diagnostics! > 400, 'the mutations do produce errors');
});

test('large inputs: 200k lines parse, check and format without hitting argument or stack limits', async () => {
  const { loadScenario } = await import('../../emulator/scenario/parser');
  const { fakeContext } = await import('./fake-context');
  // One boot (a second is boot-again), then 199,999 more events that check clean.
  const big = 'bus a { function 0 intel-82599-vf }\nat 0 boot  # b\n' + 'at 0 fault a create-interrupt no-reply  # b\n'.repeat(199_999);
  const r = loadScenario(big, 'big.vpci', fakeContext());
  assert.equal(r.scenario.timeline.length, 200_000);
  assert.deepEqual(r.diagnostics, []);
  const f = formatScenario(big);
  assert.equal(f.split('\n').length, 200_002);
});

test('format: braces deeper than the language nests indent one level at most, so the result stays about as long as the text', () => {
  // The language nests one block level (vm, bus, offer); extra braces are an error, not deeper indentation.
  const deep = 'bus nic0 {\n' + '{\n'.repeat(3000) + '}\n'.repeat(3000) + '}\n';
  const f = formatScenario(deep);
  assert.ok(f.length <= deep.length + 2 * deep.split('\n').length, `${deep.length} characters formatted to ${f.length}`);
  assert.equal(f.split('\n')[1], '  {');
  assert.equal(formatScenario(f), f);
  const huge = 'bus nic0 {\n' + '{\n'.repeat(50_000) + '}\n'.repeat(50_000);
  const h = formatScenario(huge);
  assert.ok(h.length <= huge.length * 2);
  assert.equal(formatScenario(h), h);
});

test('format: one very long line or time among commented or timed lines does not pad every other line out to it', () => {
  const long = `at 1ms  driver nic0 msix 3${' x'.repeat(5000)}  # long\n`;
  const text = long + 'at 2ms boot # a\n'.repeat(200) + 'at 3ms boot # b\n';
  const f = formatScenario(text);
  assert.ok(f.length < text.length * 2, `${text.length} characters formatted to ${f.length}`);
  assert.equal(f.split('\n')[1], 'at 2ms  boot  # a');
  assert.equal(formatScenario(f), f);
  const time = `at ${'1'.repeat(100_000)}ms boot\n` + 'at 2ms boot\n'.repeat(200);
  const t = formatScenario(time);
  assert.ok(t.length < time.length * 2, `${time.length} characters formatted to ${t.length}`);
  assert.equal(t.split('\n')[1], 'at 2ms  boot');
  assert.equal(formatScenario(t), t);
  // Short ones still align among themselves.
  assert.equal(formatScenario('at 1ms boot # a\nat 10ms boot # b\n'), 'at 1ms   boot  # a\nat 10ms  boot  # b\n');
});
