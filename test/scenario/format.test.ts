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
  const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'loc' || k === 'pathLoc' ? undefined : v)));
  assert.deepEqual(strip(a.scenario), strip(b.scenario));
});

test('format: CRLF and lone CR line ends become LF; broken text is kept token for token', () => {
  assert.equal(formatScenario('vm {\r\ncpus 4\r}\r\n'), 'vm {\n  cpus 4\n}\n');
  assert.equal(formatScenario('at 1ms @ "open\n'), 'at 1ms  @ "open\n');
  assert.equal(formatScenario(''), '');
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
  const big = 'bus a { function 0 intel-82599-vf }\n' + 'at 0 boot  # b\n'.repeat(200_000);
  const r = loadScenario(big, 'big.vpci', fakeContext());
  assert.equal(r.scenario.timeline.length, 200_000);
  assert.deepEqual(r.diagnostics, []);
  const f = formatScenario(big);
  assert.equal(f.split('\n').length, 200_002);
});
