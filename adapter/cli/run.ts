// `vpci-lab run <scenario>`: runs a scenario headless to the end, prints the
// transcript, checks the scenario's expectations and exits 0 (all held),
// 1 (an expectation failed) or 2 (the scenario has errors). JSON and JUnit
// reports are for CI.
import { writeFileSync } from 'node:fs';
import { registerCommand, type CliIo } from './main';
import { parseArgs, one } from './args';
import { loadReported } from './load-reported';
import { transcript, fmtTime } from '../../emulator/machine/transcript';
import { checkExpectations, type ExpectResult } from '../../emulator/machine/expect';
import type { GuestModelName } from '../../emulator/vpci/guest/quirks';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';
import { guestChoices, hostChoices, quirkChoices } from '../../emulator/scenario/catalog';

export const RUN_USAGE = `usage: vpci-lab run <scenario.vpci> [options]
  --guest <model>        override the guest model (${guestChoices()})
  --host <profile>       override the host profile (${hostChoices()})
  --quirk <name>=on|off  switch a guest quirk (repeatable):
                         ${quirkChoices(undefined, 25)}
  --bytes                print each VMBus packet's bytes under it
  --config               print every config-window access (default: summarised)
  --mmio                 print raw MMIO and BAR-memory accesses
  --quiet                print only the expectation results
  --json <file|->        write a JSON report
  --junit <file>         write a JUnit XML report
  --max-steps <n>        stop after n steps (default 5,000,000)
`;

export function parseOverrides(values: Map<string, string[]>): { ok: true; o: ConfigOverrides } | { ok: false; error: string } {
  const o: ConfigOverrides = {};
  const g = values.get('guest');
  if (g) o.guest = g[g.length - 1] as GuestModelName;
  const h = values.get('host');
  if (h) o.host = h[h.length - 1]!;
  for (const q of values.get('quirk') ?? []) {
    const m = /^([a-z0-9-]+)=(on|off)$/.exec(q);
    if (!m) return { ok: false, error: `--quirk ${q}: expected <name>=on|off` };
    (o.quirks ??= {})[m[1]!] = m[2] === 'on';
  }
  return { ok: true, o };
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function junitReport(file: string, results: ExpectResult[], timeNs: number): string {
  const failures = results.filter((r) => !r.ok).length;
  const cases = results
    .map((r) => {
      const name = xmlEscape(`${r.what} (line ${r.line})`);
      const body = r.ok ? '' : `<failure message="${xmlEscape(r.detail)}">${xmlEscape(`${file}:${r.line}:${r.col}: expected ${r.what}; ${r.detail}`)}</failure>`;
      return `    <testcase classname="${xmlEscape(file)}" name="${name}" time="0">${body}</testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xmlEscape(file)}" tests="${results.length}" failures="${failures}" errors="0" time="${(timeNs / 1e9).toFixed(9)}">\n${cases}\n  </testsuite>\n</testsuites>\n`;
}

export async function runScenario(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, { flags: ['bytes', 'config', 'mmio', 'quiet'], values: ['guest', 'host', 'quirk', 'json', 'junit', 'max-steps'] });
  if (!p.ok) {
    io.err(`vpci-lab run: ${p.error}\n${RUN_USAGE}`);
    return 2;
  }
  const a = p.args;
  if (a.positional.length !== 1) {
    io.err(RUN_USAGE);
    return 2;
  }
  const ov = parseOverrides(a.values);
  if (!ov.ok) {
    io.err(`vpci-lab run: ${ov.error}\n`);
    return 2;
  }
  const file = a.positional[0]!;
  const loaded = loadReported(file, io, 'vpci-lab run: ', ov.o);
  if (!loaded?.machine) return 2;
  const m = loaded.machine;
  const maxSteps = Number(one(a, 'max-steps') ?? 5_000_000);
  if (!Number.isInteger(maxSteps) || maxSteps <= 0) {
    io.err(`vpci-lab run: --max-steps must be a positive integer\n`);
    return 2;
  }
  const steps = m.run(maxSteps);
  const quiet = a.flags.has('quiet');
  if (!quiet) {
    io.out(`vPCI Lab: ${file} — host ${m.config.host}, guest ${m.config.guest}, ${m.config.cpus} CPU(s)\n`);
    for (const line of transcript(m, { bytes: a.flags.has('bytes'), configAccesses: a.flags.has('config'), mmio: a.flags.has('mmio') })) io.out(line + '\n');
    io.out(`\n${steps} steps, ${m.trace.length} events, virtual time ${fmtTime(m.now).trim()}${steps >= maxSteps ? ' (stopped at --max-steps)' : ''}\n`);
  }
  const results = checkExpectations(m, loaded.scenario.expectations);
  if (results.length) io.out(`\nexpectations:\n`);
  for (const r of results) io.out(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${file}:${r.line}:${r.col}  ${r.what} — ${r.detail}\n`);
  const failed = results.filter((r) => !r.ok).length;
  if (results.length) io.out(`${results.length - failed} of ${results.length} expectation(s) held\n`);
  const json = one(a, 'json');
  if (json) {
    const report = {
      scenario: file,
      host: m.config.host,
      guest: m.config.guest,
      steps,
      events: m.trace.length,
      virtualTimeNs: m.now,
      ok: failed === 0,
      expectations: results,
      diagnostics: loaded.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, line: d.loc.line, col: d.loc.col })),
    };
    const text = JSON.stringify(report, null, 2) + '\n';
    if (json === '-') io.out(text);
    else writeFileSync(json, text);
  }
  const junit = one(a, 'junit');
  if (junit) writeFileSync(junit, junitReport(file, results, m.now));
  return failed ? 1 : 0;
}

registerCommand('run', 'run a scenario headless: transcript, expectations, exit code', runScenario);
