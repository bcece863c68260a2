// `vpci-lab run <scenario>`: runs a scenario headless to the end, prints the
// transcript, checks the scenario's expectations and exits 0 (all held),
// 1 (an expectation failed) or 2 (bad input). JSON and JUnit reports are for CI;
// `--json -` makes stdout the JSON report and nothing else.
import { EXIT, EXIT_CODES, type CliIo, type Command } from './io';
import { LoadFailure, positiveWhole, WHOLE_RULE, reportClash, reportDiagnostics, reportWritable, writeReport, xmlText } from './report-file';
import { parse, last } from './args';
import { loadArgReported, scenarioName } from './load-reported';
import { OVERRIDE_OPTIONS, OVERRIDE_USAGE, overridesFrom, quirksHelp, quirkWarnings } from './overrides';
import { transcript } from '../../emulator/machine/transcript';
import { counted, firstEight, formatTime, grouped, shown, visible } from '../../emulator/format';
import type { ExpectResult } from '../../emulator/machine/expect';
import { runToVerdict, verdictLines, verdictSummary, DEFAULT_MAX_STEPS } from '../headless';
import type { Machine } from '../../emulator/machine/machine';
import { unfiredFaults, type UnfiredFault } from '../../emulator/machine/unfired';

export const RUN_USAGE = `usage: vpci-lab run <scenario.vpci> [options]

Runs a scenario headless to its end: the transcript (every VMBus packet decoded, config-window
accesses folded into the driver step that made them), a note for each fault that never fired
(its message never reached the host), then each expectation with file:line:col, ok or FAIL, and
what happened. A scenario written - is read from standard input (named <stdin>; its dumps from
the current folder).

options:
${OVERRIDE_USAGE}  --bytes                print each VMBus packet's bytes under it
  --config               print every config-window access instead of one line per driver step
  --mmio                 print raw MMIO and BAR-memory accesses
  --quiet                print only the expectation results (and a line if --max-steps cut the run short)
  --json <file|->        write a JSON report to a file, or to stdout alone with '-' (no transcript)
  --junit <file>         write a JUnit XML report
  --max-steps <n>        stop after n steps (default ${grouped(DEFAULT_MAX_STEPS)})
  -h, --help             print this help

quirks:
${quirksHelp()}
${EXIT_CODES}`;

const OPTIONS = {
  ...OVERRIDE_OPTIONS,
  bytes: { type: 'boolean' },
  config: { type: 'boolean' },
  mmio: { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'string' },
  junit: { type: 'string' },
  'max-steps': { type: 'string' },
} as const;

/**
 * The JUnit XML report of a run (`--junit`). A run cut short by --max-steps says so: a property
 * for programs and a line of system-out for people, since its failures may only mean "not yet".
 */
export function junitReport(file: string, results: ExpectResult[], timeNs: number, stoppedAt?: number): string {
  const failures = results.filter((r) => !r.ok).length;
  const cases = results
    .map((r) => {
      const name = xmlText(`${r.what} (line ${r.line})`);
      const body = r.ok ? '' : `<failure message="${xmlText(r.detail)}">${xmlText(`${file}:${r.line}:${r.col}: expected ${r.what}; ${r.detail}`)}</failure>`;
      return `    <testcase classname="${xmlText(file)}" name="${name}" time="0">${body}</testcase>`;
    })
    .join('\n');
  const stopped =
    stoppedAt === undefined
      ? ['', '']
      : [
          `    <properties><property name="stoppedAtMaxSteps" value="${stoppedAt}"/></properties>\n`,
          `    <system-out>${xmlText(stoppedText(stoppedAt))}</system-out>\n`,
        ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xmlText(file)}" tests="${results.length}" failures="${failures}" errors="0" time="${(timeNs / 1e9).toFixed(9)}">\n${stopped[0]}${cases}${cases ? '\n' : ''}${stopped[1]}  </testsuite>\n</testsuites>\n`;
}

/** What a run stopped by --max-steps says about its expectations, in every form of its report. */
function stoppedText(maxSteps: number): string {
  return `stopped at --max-steps ${maxSteps}: the run did not reach its end, and the expectations judge only what ran`;
}

/** The JSON report of a run (`--json`). */
export function jsonReport(
  file: string,
  m: Machine,
  steps: number,
  hitMax: boolean,
  results: ExpectResult[],
  diagnostics: { severity: string; code: string; message: string; loc: { line: number; col: number } }[],
  unfired: UnfiredFault[] = unfiredFaults(m),
): unknown {
  return {
    scenario: file,
    // As a report of a scenario that could not be loaded says `loaded: false`: one field tells them apart.
    loaded: true,
    host: m.config.host,
    guest: m.config.guest,
    quirks: m.config.quirks,
    steps,
    stoppedAtMaxSteps: hitMax,
    events: m.trace.length,
    virtualTimeNs: m.now,
    ok: results.every((r) => r.ok),
    held: results.filter((r) => r.ok).length,
    expectations: results,
    unfiredFaults: unfired.map((u) => ({ line: u.item.loc.line, col: u.item.loc.col, fault: u.item.text, why: u.why })),
    diagnostics: reportDiagnostics(diagnostics),
  };
}

/**
 * `vpci-lab run ARGS`; with `bundled` (`vpci-lab start`), that scenario and ARGS its options only:
 * messages then name the command the user typed.
 */
export async function runScenario(args: string[], io: CliIo, bundled?: string): Promise<number> {
  const name = bundled === undefined ? 'run' : 'start';
  const bad = (why: string) => {
    io.err(`vpci-lab: ${name}: ${why}\n(vpci-lab ${name} --help for usage)\n`);
    return EXIT.badInput;
  };
  const r = parse(args, OPTIONS);
  if (!r.ok) return bad(r.error);
  const v = r.p.values;
  if (bundled !== undefined) {
    if (r.p.positionals.length) return bad(`takes no scenario: it runs the bundled quickstart.vpci (vpci-lab run <scenario.vpci> runs another)`);
    r.p.positionals.push(bundled);
  }
  if (r.p.positionals.length !== 1)
    return bad(
      r.p.positionals.length
        ? // Named, so an option written after `--` (which ends the options) shows up as the file it was taken for.
          `one scenario at a time (got ${r.p.positionals.length}: ${firstEight(r.p.positionals.map((p) => shown(p, "'")))}${args.includes('--') ? '; after --, every argument is a file' : ''})`
        : 'which scenario? (vpci-lab run <scenario.vpci>)',
    );
  const ov = overridesFrom(v);
  if (!ov.ok) return bad(ov.error);
  const maxText = last(v['max-steps']);
  const maxSteps = maxText === undefined ? DEFAULT_MAX_STEPS : positiveWhole(maxText);
  if (maxSteps === undefined) return bad(`--max-steps ${shown(maxText!, "'")}: ${WHOLE_RULE}`);
  const json = last(v.json);
  const junit = last(v.junit);
  if (junit === '-') return bad('--junit needs a file (only --json writes to stdout)');
  // An empty name would be taken as no report at all, silently.
  // `-` is standard input, named <stdin> in every message and report.
  const arg = r.p.positionals[0]!;
  const file = scenarioName(arg);
  // The file name as printed: a control character in it written as \xNN, as every message writes it.
  const printed = visible(file);
  const clash = reportClash(
    [
      ['--json', json],
      ['--junit', junit],
    ],
    [arg],
  );
  if (clash) return bad(clash);
  // A report that could not be written would be found missing only after the whole run.
  for (const [flag, path] of [
    ['--json', json],
    ['--junit', junit],
  ] as const)
    if (path && path !== '-') reportWritable(flag, path);
  const prefix = `vpci-lab: ${name}: `;
  const failure = new LoadFailure(file, prefix);
  const loaded = await loadArgReported(arg, failure.watching(io), prefix, ov.o);
  if (!loaded?.machine) {
    failure.diagnostics = loaded?.diagnostics ?? [];
    const text = JSON.stringify({ ...failure.json(), ok: false, held: 0, expectations: [] }, null, 2) + '\n';
    if (json === '-') io.out(text);
    else if (json) writeReport('--json', json, text);
    if (junit) writeReport('--junit', junit, failure.junit());
    return EXIT.badInput;
  }
  const m = loaded.machine;
  for (const w of quirkWarnings(name, ov.o.quirks, m.config.guest)) io.err(w + '\n');
  const run = await runToVerdict({ ...loaded, machine: m }, { maxSteps });
  const results = run.results;
  const unfired = unfiredFaults(m);
  // `--json -`: stdout carries the report alone, so a program can parse it.
  const quiet = v.quiet === true || json === '-';
  if (!quiet) {
    io.out(`vPCI Lab: ${printed} — host ${m.config.host}, guest ${m.config.guest}, ${counted(m.config.cpus, 'CPU')}\n`);
    for (const line of transcript(m, { bytes: v.bytes === true, configAccesses: v.config === true, mmio: v.mmio === true, log: run.log })) io.out(line + '\n');
    io.out(`\n${run.steps} steps, ${m.trace.length} events, virtual time ${formatTime(m.now)}${run.hitMaxSteps ? ' (stopped at --max-steps)' : ''}\n`);
  }
  if (json !== '-') {
    // --quiet prints no transcript, whose last line tells of the cut: the results must, or a FAIL
    // reads as a verdict on a finished run.
    if (quiet && run.hitMaxSteps) io.out(`${stoppedText(maxSteps)}\n`);
    // A fault whose message never came did nothing, and the transcript cannot show a nothing: said here.
    for (const u of unfired) io.out(visible(`note: ${file}:${u.item.loc.line}:${u.item.loc.col}: '${u.item.text}' never fired: ${u.why}`) + '\n');
    if (results.length) io.out(`\nexpectations:\n`);
    for (const line of verdictLines(file, results)) io.out(visible(line) + '\n');
    io.out(`${verdictSummary(results)}\n`);
  }
  if (json) {
    const text = JSON.stringify(jsonReport(file, m, run.steps, run.hitMaxSteps, results, loaded.diagnostics, unfired), null, 2) + '\n';
    if (json === '-') io.out(text);
    else writeReport('--json', json, text);
  }
  if (junit) writeReport('--junit', junit, junitReport(file, results, m.now, run.hitMaxSteps ? maxSteps : undefined));
  return results.some((x) => !x.ok) ? EXIT.failed : EXIT.ok;
}

export const runCommand: Command = { name: 'run', summary: 'run a scenario headless: transcript, expectations, exit code', usage: RUN_USAGE, run: runScenario };
