// Machine.step() makes its pick in place (emulator/machine/machine.ts); Machine.peek() makes the
// same choice through pickNext (emulator/runtime/scheduler.ts), and the runtime's breakpoints that
// stand before a step read peek(). The two must never disagree: at every step of every shipped
// example, of a hot-plug run (offers and ejects) and of one with delayed replies (timers and
// timeouts), what peek() says will run is what step() then runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { hotPlugText } from '../hot-plug-scenario';
import type { Machine } from '../../emulator/machine/machine';

/** Steps of each kind over all runs, and guest threads run because their timeout came. */
const seen = new Map<string, number>();

function agree(m: Machine, name: string): number {
  let steps = 0;
  for (;;) {
    const p = m.peek();
    const timelineIndex = m.state.timelineIndex;
    const timer = p.kind === 'timer' ? p.timer : undefined;
    const info = m.step();
    const where = `${name}, step ${steps}`;
    assert.equal(info.kind, p.kind, where);
    if (p.kind === 'idle') return steps;
    seen.set(p.kind, (seen.get(p.kind) ?? 0) + 1);
    if (p.kind === 'thread' && p.timedOut) seen.set('timed out', (seen.get('timed out') ?? 0) + 1);
    if (p.kind === 'thread') assert.equal(info.thread, p.thread, where);
    if (p.kind === 'timeline') assert.equal(info.timeline, m.config.timeline[timelineIndex], where);
    if (timer) assert.ok(!m.state.sched.timers.includes(timer), `${where}: the timer peek() named was the one taken`);
    steps++;
    assert.ok(steps < 2_000_000, `${name}: runs to its end`);
  }
}

test('peek() names what step() runs next, at every step of the shipped examples and a hot-plug run', () => {
  const files = readdirSync('examples')
    .filter((f) => f.endsWith('.vpci'))
    .map((f) => join('examples', f));
  assert.ok(files.length >= 5, files.join(', '));
  const kinds = new Set<string>();
  for (const f of files) {
    const l = loadScenarioFile(f);
    if (!l.machine) continue;
    assert.ok(agree(l.machine, f) > 100, `${f} ran`);
    for (const t of l.machine.state.sched.threads) kinds.add(t.role);
  }
  const hp = loadScenarioFile('test/machine/peek-hot-plug.vpci', {}, hotPlugText(5));
  assert.ok(hp.machine, hp.errors.map((e) => e.message).join('; '));
  assert.ok(agree(hp.machine, 'hot-plug 5') > 1000);
  // Timers and timeouts: the host holds back the CREATE_INTERRUPT2 completions (a timer each), and
  // Linux's hv_compose_msi_msg polls for them with udelay(100) (a wait that times out).
  const slow = [
    'vm { host hyperv-2019',
    '  guest linux }',
    'bus nic0 { function 0 intel-82599-vf serial 1 }',
    'at 0    boot',
    'at 1ms  fault nic0 create-interrupt2 delay 2ms',
    'at 2ms  driver nic0 msix 2',
    '',
  ].join('\n');
  const d = loadScenarioFile('test/machine/peek-delay.vpci', {}, slow);
  assert.ok(d.machine, d.errors.map((e) => e.message).join('; '));
  agree(d.machine, 'delayed interrupt completions');
  assert.ok(kinds.has('host') && kinds.size > 1, [...kinds].join(', '));
  for (const k of ['timeline', 'timer', 'thread', 'timed out']) assert.ok(seen.get(k), `a step of kind ${k} was compared (${JSON.stringify([...seen])})`);
});
