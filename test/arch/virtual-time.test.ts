// Virtual time has one writer, emulator/format.ts formatTime (`5.007 100 ms`). The surfaces that
// show it (CLI, Variables, Call Stack, Debug Console, hovers, the sequence view, verdicts) are
// checked on their real output in test/adapter/virtual-time.test.ts, test/cli/virtual-time.test.ts
// and test/language/lsp.test.ts; this test keeps a new surface from growing its own writer: no
// `${ns} ns`, no `(ns / 1e6).toFixed(…)`, no local fmtTime in the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { importGraph } from './imports';
import { formatTime } from '../../emulator/format';

/** Where numbers with time units are not virtual time written for people. */
const OUTSIDE = [
  'emulator/format.ts', // the one writer
  'emulator/pci/lspci/', // lspci's own texts (latencies, PTM granularity), byte for byte as pciutils prints them
  'emulator/vpci/guest/', // the drivers' C listings (wait_for_completion_timeout(…, 10 * HZ))
];
/** Numbers of time that a machine reads, in the unit its format fixes. */
const MACHINE_FORMATS: Record<string, RegExp> = {
  'adapter/cli/run.ts': /time="\$\{\(timeNs \/ 1e9\)\.toFixed\(9\)\}"/, // JUnit's time attribute: seconds
  'extension/testing.ts': /const duration = virtualNs \/ 1e6;/, // TestRun durations: a number of ms that VS Code formats
};

const HAND_WRITTEN = [
  /\$\{[^}]*\}\s?(?:ns|us|µs|ms|s)\b/, // `${t} ns`, `${ms}ms`
  /\/\s?1e[369]\b/, // ns / 1e6
  /\/\s?1_?000(?:_?000){0,2}\b.*toFixed/, // ns / 1000 … toFixed
  /\b(?:fmtTime|fmtNs|formatDuration|fmtDuration|timeText)\s*\(/, // a local writer
];

function code(f: string): string[] {
  // Comments say what they like; the code is what prints.
  return readFileSync(f, 'utf8')
    .split('\n')
    .map((l) => (/^\s*(\/\/|\*|\/\*)/.test(l) ? '' : l.replace(/\s\/\/\s.*$/, '')));
}

test('virtual time is written by formatTime only: no other writer in the code', () => {
  const files = [...importGraph().files.keys()].filter((f) => !OUTSIDE.some((o) => f === o || f.startsWith(o)));
  assert.ok(files.length > 100, `${files.length} files`);
  const found: string[] = [];
  for (const f of files) {
    code(f).forEach((l, i) => {
      if (!HAND_WRITTEN.some((r) => r.test(l))) return;
      if (MACHINE_FORMATS[f]?.test(l)) return;
      found.push(`${f}:${i + 1}: ${l.trim()}`);
    });
  }
  assert.deepEqual(found, []);
  // The machine formats listed are still there (a stale exception would hide nothing and prove nothing).
  for (const [f, r] of Object.entries(MACHINE_FORMATS))
    assert.ok(
      code(f).some((l) => r.test(l)),
      `${f} no longer has ${r}`,
    );
});

test('the patterns catch the writers this round removed', () => {
  const old = [
    'return `${ms.toFixed(6).padStart(13)} ms`;',
    "{ name: 'virtual time', value: `${m.now} ns` },",
    'return ns >= 1e6 ? `${(ns / 1e6).toFixed(3)} ms` : `${(ns / 1e3).toFixed(1)} us`;',
    'all.push(mk(0, `scenario: timeline done (now ${formatDuration(m.now)})`));',
    'const head = `${fmtTime(e.time)}  ${busName.padEnd(8)}`;',
  ];
  for (const l of old)
    assert.ok(
      HAND_WRITTEN.some((r) => r.test(l)),
      l,
    );
  assert.ok(!HAND_WRITTEN.some((r) => r.test("{ name: 'virtual time', value: formatTime(m.now) },")));
});

test('formatTime: the one form, exact to the nanosecond, in the largest unit not above it', () => {
  const cases: [number, string][] = [
    [0, '0 ns'],
    [999, '999 ns'],
    [1000, '1 µs'],
    [2300, '2.300 µs'],
    [5_007_100, '5.007 100 ms'],
    [20_000_000, '20 ms'],
    [65_000_000_000, '65 s'],
    [1_000_000_001, '1.000 000 001 s'],
  ];
  for (const [ns, text] of cases) assert.equal(formatTime(ns), text);
});
