// The verdict inside a debug session: what the Debug Console prints when a
// run reaches its end (every expectation with file:line, ok/FAIL and detail,
// then "N of M expectations held"), the `vpci/verdict` event the editor's
// Test Explorer and Problems read, the summary a noDebug launch prints, and
// where *Debug at Cause* stops. Nothing here knows DAP; the session sends it.
import { basename } from 'node:path';
import type { Machine } from '../emulator/machine/machine';
import type { ExpectResult } from '../emulator/machine/expect';
import { Ev } from '../emulator/vpci/events';
import { versionText } from '../emulator/vpci/protocol';
import { counted, formatTime, grouped } from '../emulator/format';
import { SCENARIO_THREAD, type StopInfo, type VpciRuntime } from './runtime';
import type { VerdictBody, VerdictItem } from './protocol';
import { verdictSummary } from './headless';

export function verdictItems(results: ExpectResult[]): VerdictItem[] {
  return results.map((r) => ({
    line: r.line,
    col: r.col,
    ok: r.ok,
    ...(r.text !== undefined ? { text: r.text } : {}),
    what: r.what,
    detail: r.detail,
    ...(r.expected !== undefined ? { expected: r.expected } : {}),
    ...(r.actual !== undefined ? { actual: r.actual } : {}),
    ...(r.cause ? { cause: { event: r.cause.event, time: r.cause.time, text: r.cause.text } } : {}),
  }));
}

export function verdictBody(file: string, m: Machine, results: ExpectResult[], steps: number, cutAt?: number): VerdictBody {
  return {
    scenario: file,
    results: verdictItems(results),
    held: results.filter((r) => r.ok).length,
    total: results.length,
    steps,
    virtualTimeNs: m.now,
    ...(cutAt !== undefined ? { stoppedAtMaxSteps: cutAt } : {}),
  };
}

/** How a verdict judged where the step limit stopped a run says so: the run had not finished. */
export function cutText(maxSteps: number): string {
  return `judged where the step limit of ${grouped(maxSteps)} steps stopped the run, not at its end`;
}

/**
 * The Debug Console's verdict: a heading, one line per expectation, then the outcome in a word with
 * the count and the first failure, in the console's error colour when anything failed. Each line
 * names the file by its base name: the output event carries the whole path as its source, which
 * VS Code shows as a link beside the line (the full path in the text wrapped every line).
 */
export function verdictConsole(file: string, results: ExpectResult[], cutAt?: number): { text: string; line?: number; failed?: boolean }[] {
  const name = basename(file);
  const out: { text: string; line?: number; failed?: boolean }[] = [{ text: `Expectations of ${name}:\n` }];
  for (const r of results)
    out.push({ text: `  ${r.ok ? 'ok  ' : 'FAIL'}  ${name}:${r.line}:${r.col}  ${r.what} — ${r.detail}\n`, line: r.line, failed: !r.ok });
  const first = results.find((r) => !r.ok);
  const cut = cutAt !== undefined ? ` (${cutText(cutAt)})` : '';
  if (!results.length) out.push({ text: `${verdictSummary(results)}${cut}\n` });
  else if (!first) out.push({ text: `PASS${cut}: ${verdictSummary(results)}\n` });
  else
    out.push({
      text: `FAIL${cut}: ${verdictSummary(results)}; first failure at line ${first.line}: ${first.what} — ${first.detail}\n`,
      line: first.line,
      failed: true,
    });
  return out;
}

/** What a noDebug run prints before its verdict: the run in a few lines, one per bus. */
export function runSummary(file: string, m: Machine, steps: number, hitMax: boolean): string {
  const t = m.trace;
  const msgs = new Map<number, number>();
  const errs = new Map<number, number>();
  for (let i = t.base; i < t.length; i++) {
    const k = t.kindAt(i);
    if (k === Ev.PacketToHost || k === Ev.PacketToGuest) msgs.set(t.busAt(i), (msgs.get(t.busAt(i)) ?? 0) + 1);
    else if (k === Ev.Error) errs.set(t.busAt(i), (errs.get(t.busAt(i)) ?? 0) + 1);
  }
  const how = hitMax ? `up to the step limit (${grouped(steps)} steps): it had not finished` : 'to the end';
  const lines = [`vPCI Lab: ran ${basename(file)} ${how} — host ${m.config.host}, guest ${m.config.guest}, ${counted(m.config.cpus, 'CPU')}`];
  lines.push(`  ${steps} steps, ${t.length} events, virtual time ${formatTime(m.now)}${hitMax ? ' (stopped at the step limit)' : ''}`);
  for (const b of m.buses) {
    const v = m.model.protocolVersion(b.state.sc);
    const e = errs.get(b.index) ?? 0;
    lines.push(
      `  ${b.decl.name}: ${m.model.busStatus(b.state.sc)}, channel ${b.channel.state}, protocol ${v ? versionText(v) : 'not negotiated'}, ${counted(msgs.get(b.index) ?? 0, 'VMBus message')}${e ? `, ${counted(e, 'protocol error')}` : ''}`,
    );
  }
  lines.push(`  (the whole transcript: vpci-lab run ${basename(file)}; the messages: vPCI: Show Message Sequence in a debug session)`);
  return lines.join('\n') + '\n';
}

/**
 * Moves the runtime to where an expectation was decided and says how to stop there. A guest's
 * deciding access or send (or, for a host reply, the guest request it answers) stops *before*
 * that statement runs, the guest frame on it — as a line breakpoint there would; an event the host
 * or the timeline made stops just after it. `label` names the expectation ("expect nic0 version
 * 1.1"). Returns why not when the run recorded no such moment or history no longer reaches it.
 */
export function goToCause(rt: VpciRuntime, r: ExpectResult, label: string): StopInfo | string {
  const c = r.cause;
  if (!c) return `${label}: no event in the run decided it (${r.detail})`;
  const guestStep = (ev: number): number => {
    const p = rt.h.stepOfEvent(ev);
    if (p < 0) return -1;
    const tid = rt.h.threadAt(p);
    const t = rt.m.threads.find((x) => x.id === tid);
    return t && t.role !== 'host' && t.role !== 'timeline' ? p : -1;
  };
  const p = rt.h.stepOfEvent(c.event);
  if (p < 0) return `${label}: the moment that decided it (${formatTime(c.time)}) is further back than the step-back history reaches`;
  const description = `${label}: ${c.text}`;
  const reason = r.ok ? 'goto' : 'exception';
  const g = guestStep(c.event) >= 0 ? p : c.origin !== undefined ? guestStep(c.origin) : -1;
  if (g >= 0) {
    rt.h.goTo(g);
    return { reason, threadId: rt.h.threadAt(g), description, text: description, verbatim: true };
  }
  rt.h.goTo(p + 1);
  const tid = rt.h.threadAt(p);
  return { reason, threadId: tid && rt.m.threads.some((x) => x.id === tid) ? tid : SCENARIO_THREAD, description, text: description, verbatim: true };
}
