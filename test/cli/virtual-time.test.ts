// The CLI writes virtual time as the debugger does (formatTime: `2.300 µs`, `5.007 100 ms`, `65 s`):
// the transcript's time column, the run summary, the expectation results and their deadlines,
// `check`'s diagnostics, and nothing time-like in another form anywhere in `run` or `diff`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../adapter/cli/main';
import { capture } from './capture';
import { foreignTimes, parseTime, timesIn } from '../time-forms';

const CX3 = resolve('test/adapter/fixtures/cx3.vpci');
const HOT_PLUG = resolve('examples/hot-plug.vpci');
const dir = mkdtempSync(join(tmpdir(), 'vpci-time-'));
const TIME_COLUMN = /^( *)(\S+(?: \d{3})* (?:ns|µs|ms|s)) {2}\S/;

test('run: the transcript, the summary and the expectations write time one way', async () => {
  for (const args of [
    ['run', CX3, '--config', '--bytes'],
    ['run', HOT_PLUG],
  ]) {
    const io = capture();
    assert.equal(await main(args, io), 0, io.stderr);
    assert.deepEqual(foreignTimes(io.stdout), [], args.join(' '));
    const lines = io.stdout.split('\n');
    const events = lines.filter((l) => TIME_COLUMN.test(l));
    assert.ok(events.length > 50, `${events.length} transcript lines`);
    // One column, right-aligned, times never going back; every line with a time has it there.
    let last = -1;
    for (const l of events) {
      const [, pad, t] = TIME_COLUMN.exec(l)!;
      assert.equal(pad!.length + t!.length, 14, l);
      const ns = parseTime(t!)!;
      assert.ok(ns >= last, l);
      last = ns;
    }
    const summary = lines.find((l) => /^\d+ steps, \d+ events, virtual time /.test(l));
    assert.ok(summary, io.stdout.slice(-500));
    assert.equal(timesIn(summary).length, 1, summary);
    assert.ok(parseTime(timesIn(summary)[0]!)! >= last, `${summary}: not before the last event`);
  }
  // Expectations with a deadline, held and not: deadline and moment in the same form.
  const f = join(dir, 'deadline.vpci');
  writeFileSync(f, readFileSync(CX3, 'utf8') + 'expect nic0 attached before 100us\nexpect nic0 attached before 1500us\n');
  const io = capture();
  assert.equal(await main(['run', f, '--quiet'], io), 1);
  assert.match(io.stdout, /FAIL .*deadline\.vpci:14:1 +nic0 attached before 100 µs — .*at \d+\.\d{3} µs/);
  assert.match(io.stdout, /ok +.*deadline\.vpci:15:1 +nic0 attached before 1\.500 ms — at \d+\.\d{3} µs/);
  assert.deepEqual(foreignTimes(io.stdout), []);
});

test('check: diagnostics name times as the debugger writes them, not as the scenario spells them', async () => {
  const f = join(dir, 'order.vpci');
  writeFileSync(f, 'bus nic0 { function 0 intel-82599-vf }\nat 5000us boot\nat 2500000ns eject nic0\n');
  const io = capture();
  await main(['check', f], io);
  assert.match(io.stderr, /event at 2\.500 ms comes after one at 5 ms/);
  const messages = io.stderr.split('\n').filter((l) => /: (warning|error): /.test(l));
  assert.ok(messages.length > 0, io.stderr);
  // The source lines quoted under each diagnostic are the user's own text; the messages are ours.
  for (const m of messages) assert.deepEqual(foreignTimes(m.replace(/^.*?: (warning|error): /, '')), [], m);
});

test('diff: nothing time-like in another form', async () => {
  const io = capture();
  await main(['diff', HOT_PLUG, '--guest', 'freebsd', '--guest', 'linux'], io);
  assert.ok(io.stdout.length > 500, io.stderr);
  assert.deepEqual(foreignTimes(io.stdout), []);
});
