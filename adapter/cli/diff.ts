// `vpci-lab diff`: runs a scenario twice — two guests, two hosts, a quirk on and
// off, or two scenario files — and prints the two message sequences aligned
// side by side, the first divergence named on the first line. Exit 0 when the
// sequences are the same, 1 when they differ, 2 on bad input.
import { basename } from 'node:path';
import { counted, grouped, shown, visible } from '../../emulator/format';
import { LoadFailure, positiveWhole, WHOLE_RULE, reportClash, reportWritable, writeReport } from './report-file';
import { EXIT, type CliIo, type Command } from './io';
import { parse, last } from './args';
import { checkGuest, checkHost, parseQuirk, quirksHelp, quirkWarnings, GUEST_NAMES, HOST_NAMES } from './overrides';
import { loadArgReported, scenarioName } from './load-reported';
import { runToVerdict, DEFAULT_MAX_STEPS } from '../headless';
import { diffRuns, type DiffRow, type RunDiff, type SeqMessage } from '../../emulator/machine/diff';
import type { ConfigOverrides } from '../../emulator/machine/scenario-config';
import type { GuestModelName } from '../../emulator/vpci/guest/quirks';
import type { Machine } from '../../emulator/machine/machine';
import type { Loaded } from '../load';

export const DIFF_USAGE = `usage: vpci-lab diff <scenario.vpci> [<other.vpci>] [--guest A --guest B] [--host A --host B] [--quirk name=on --quirk name=off] [options]

Runs a scenario twice and prints the two VMBus message sequences side by side, aligned per bus
by message type, slot and order (a longest-common-subsequence alignment, so one extra message
shifts nothing after it). Each row is the same (=), changed (~, with the fields that differ),
only left (<) or only right (>). The first line names the first divergence. A bus whose guest
driver ends the two runs in different states (attached, failed, …) is named too: on the first
line when the messages are all the same (the exit code still follows the messages), else on a
line 'ends: …' after the two run lines. A scenario written - is read from standard input
(named <stdin>; its dumps from the current folder).

What differs between the two runs (with none, a run is compared with itself: a check that it is
deterministic):
  --guest A --guest B          two guest models (${GUEST_NAMES})
  --host A --host B            two host profiles (${HOST_NAMES})
  --quirk N=on --quirk N=off   a quirk given twice varies; given once it applies to both runs
  a second scenario file       the two files, each with its own vm block
A --guest or --host given once applies to both runs.

options:
  --differences      print only the rows that differ (the same ones are counted)
  --json <file|->    write the comparison as JSON to a file, or to stdout alone with '-'
  --max-steps <n>    stop each run after n steps (default ${grouped(DEFAULT_MAX_STEPS)})
  -h, --help         print this help

quirks:
${quirksHelp()}
exit codes:
  0  the two message sequences are the same
  1  they differ
  2  bad input: a scenario error (printed as file:line:col), an unreadable file or a wrong option
  74 the --json report file cannot be written (found before the runs start)
`;

const OPTIONS = {
  guest: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
  quirk: { type: 'string', multiple: true },
  differences: { type: 'boolean' },
  json: { type: 'string' },
  'max-steps': { type: 'string' },
} as const;

interface Side {
  /** The scenario as written on the command line (`-` for standard input). */
  arg: string;
  /** The scenario as messages name it (<stdin> for standard input). */
  file: string;
  overrides: ConfigOverrides;
  label: string;
}

/** The two runs a command line asks for, or why it cannot. */
export function sidesOf(
  files: string[],
  v: { guest?: string[]; host?: string[]; quirk?: string[] },
): { ok: true; sides: [Side, Side] } | { ok: false; error: string } {
  if (files.length < 1 || files.length > 2)
    return {
      ok: false,
      error: files.length ? `one or two scenario files (got ${files.length})` : 'which scenario? (vpci-lab diff <scenario.vpci> --guest A --guest B)',
    };
  const o: [ConfigOverrides, ConfigOverrides] = [{}, {}];
  const parts: [string[], string[]] = [[], []];
  const pair = (k: 'guest' | 'host', check: (n: string) => string | undefined): string | undefined => {
    const list = v[k] ?? [];
    if (list.length > 2) return `--${k} given ${list.length} times: diff compares two runs`;
    for (const n of list) {
      const e = check(n);
      if (e) return e;
    }
    if (!list.length) return undefined;
    const [a, b] = [list[0]!, list[list.length - 1]!];
    if (k === 'guest') [o[0].guest, o[1].guest] = [a as GuestModelName, b as GuestModelName];
    else [o[0].host, o[1].host] = [a, b];
    if (list.length === 2) {
      parts[0].push(a);
      parts[1].push(b);
    }
    return undefined;
  };
  const eg = pair('guest', checkGuest) ?? pair('host', checkHost);
  if (eg) return { ok: false, error: eg };
  const quirks = new Map<string, boolean[]>();
  for (const q of v.quirk ?? []) {
    const r = parseQuirk(q);
    if (!r.ok) return r;
    quirks.set(r.name, [...(quirks.get(r.name) ?? []), r.on]);
  }
  for (const [name, ons] of quirks) {
    if (ons.length > 2) return { ok: false, error: `--quirk ${shown(name)} given ${ons.length} times: diff compares two runs` };
    const [a, b] = [ons[0]!, ons[ons.length - 1]!];
    (o[0].quirks ??= {})[name] = a;
    (o[1].quirks ??= {})[name] = b;
    if (ons.length === 2) {
      parts[0].push(`${name}=${a ? 'on' : 'off'}`);
      parts[1].push(`${name}=${b ? 'on' : 'off'}`);
    }
  }
  const [aa, ab] = [files[0]!, files[files.length - 1]!];
  const [fa, fb] = [scenarioName(aa), scenarioName(ab)];
  if (files.length === 2) {
    const [na, nb] = basename(fa) === basename(fb) ? [fa, fb] : [basename(fa), basename(fb)];
    parts[0].unshift(na);
    parts[1].unshift(nb);
  }
  let labels = [parts[0].join(' ') || 'left', parts[1].join(' ') || 'right'];
  if (labels[0] === labels[1]) labels = [`${labels[0]} (1)`, `${labels[1]} (2)`];
  return {
    ok: true,
    sides: [
      { arg: aa, file: fa, overrides: o[0], label: labels[0]! },
      { arg: ab, file: fb, overrides: o[1], label: labels[1]! },
    ],
  };
}

const W = 56;

function cell(x: SeqMessage | undefined): string {
  if (!x) return '';
  const arrow = x.dir === 'toHost' ? 'G→H' : 'H→G';
  const text = x.completion ? `${arrow} ${x.request} completion: ${x.summary}` : `${arrow} ${x.name}${x.summary ? ` ${x.summary}` : ''}`;
  return text.length > W ? text.slice(0, W - 1) + '…' : text;
}

const MARK: Record<DiffRow['kind'], string> = { same: '=', changed: '~', left: '<', right: '>' };

/**
 * The buses whose guest bridge driver ends the two runs in different states (attached, failed, …): the
 * same messages can end differently when the guests treat them differently (a quirk that drops a short
 * completion leaves the bus attaching where the driver without it fails), and the message rows alone
 * would not show it. Buses of one run only are the rows' business.
 */
export function endStates(runs: { m: Machine }[]): { bus: string; left: string; right: string }[] {
  const [a, b] = [runs[0]!.m, runs[1]!.m];
  const out: { bus: string; left: string; right: string }[] = [];
  for (const x of a.buses) {
    const y = b.buses.find((z) => z.decl.name === x.decl.name);
    if (!y) continue;
    const [l, r] = [a.model.busStatus(x.state.sc), b.model.busStatus(y.state.sc)];
    if (l !== r) out.push({ bus: x.decl.name, left: l, right: r });
  }
  return out;
}

/** The report `vpci-lab diff` prints. */
export function diffReport(d: RunDiff, runs: { side: Side; m: Machine; steps: number }[], differencesOnly: boolean): string[] {
  const [L, R] = d.labels;
  const out: string[] = [];
  const msgs = d.counts.same + d.counts.changed;
  const ends = endStates(runs);
  const endText = ends.map((e) => `${e.bus} ends ${e.left} (${L}) vs ${e.right} (${R})`).join(', ');
  out.push(
    d.first
      ? `first divergence: ${d.first.text}`
      : `no divergence: both runs exchange the same ${counted(msgs, 'message')} on ${counted(d.buses.length, 'bus', 'buses')}${ends.length ? `, yet the guests end differently: ${endText}` : ''}`,
  );
  for (const [k, r] of runs.entries()) {
    const m = r.m;
    out.push(
      `${k === 0 ? 'left: ' : 'right:'} ${d.labels[k]} — ${r.side.file}, host ${m.config.host}, guest ${m.config.guest}${
        Object.keys(r.side.overrides.quirks ?? {}).length
          ? `, ${Object.entries(r.side.overrides.quirks!)
              .map(([n, on]) => `${n}=${on ? 'on' : 'off'}`)
              .join(' ')}`
          : ''
      } (${r.steps} steps)`,
    );
  }
  if (d.first && ends.length) out.push(`ends: ${endText}`);
  for (const b of d.buses) {
    out.push('');
    out.push(`${b.bus}: ${b.counts.same} same, ${b.counts.changed} changed, ${b.counts.left} only ${L}, ${b.counts.right} only ${R}`);
    out.push(`   ${L.slice(0, W).padEnd(W)} │ ${R.slice(0, W)}`);
    let hidden = 0;
    const flushHidden = () => {
      if (hidden) out.push(`=  (${hidden} same)`);
      hidden = 0;
    };
    for (const r of b.rows) {
      if (differencesOnly && r.kind === 'same') {
        hidden++;
        continue;
      }
      flushHidden();
      out.push(`${MARK[r.kind]}  ${cell(r.left).padEnd(W)} │ ${cell(r.right)}`);
      for (const c of r.changes ?? []) out.push(`     ${c.name}: ${c.left} → ${c.right}`);
    }
    flushHidden();
  }
  return out;
}

/** The comparison as JSON (`--json`): bytes and field lists are left out, rows keep their order. */
export function diffJson(d: RunDiff, runs: { side: Side; m: Machine; steps: number; hitMaxSteps?: boolean }[]): unknown {
  const msg = (x: SeqMessage | undefined) =>
    x && {
      seq: x.seq,
      event: x.event,
      timeNs: x.time,
      dir: x.dir,
      name: x.name,
      ...(x.slot !== undefined ? { slot: x.slot } : {}),
      ...(x.status !== undefined ? { status: x.status } : {}),
      summary: x.summary,
      ordinal: x.ordinal,
    };
  return {
    same: d.same,
    firstDivergence: d.first ? { bus: d.first.bus, row: d.first.row, text: d.first.text } : null,
    counts: d.counts,
    endStates: endStates(runs),
    left: side(runs[0]!),
    right: side(runs[1]!),
    buses: d.buses.map((b) => ({
      bus: b.bus,
      counts: b.counts,
      rows: b.rows.map((r) => ({
        kind: r.kind,
        ...(r.left ? { left: msg(r.left) } : {}),
        ...(r.right ? { right: msg(r.right) } : {}),
        ...(r.changes ? { changes: r.changes } : {}),
      })),
    })),
  };
  function side(r: { side: Side; m: Machine; steps: number; hitMaxSteps?: boolean }) {
    return {
      label: r.side.label,
      scenario: r.side.file,
      host: r.m.config.host,
      guest: r.m.config.guest,
      quirks: r.m.config.quirks,
      steps: r.steps,
      // As run --json says it: a comparison of runs cut short covers only what ran, which stderr
      // alone told, and a program reading the report could not.
      stoppedAtMaxSteps: r.hitMaxSteps === true,
    };
  }
}

export async function diffCommandRun(args: string[], io: CliIo): Promise<number> {
  const bad = (why: string) => {
    io.err(`vpci-lab: diff: ${why}\n(vpci-lab diff --help for usage)\n`);
    return EXIT.badInput;
  };
  const r = parse(args, OPTIONS);
  if (!r.ok) return bad(r.error);
  const v = r.p.values;
  const s = sidesOf(r.p.positionals, v);
  if (!s.ok) return bad(s.error);
  const maxText = last(v['max-steps']);
  const maxSteps = maxText === undefined ? DEFAULT_MAX_STEPS : positiveWhole(maxText);
  if (maxSteps === undefined) return bad(`--max-steps ${shown(maxText!, "'")}: ${WHOLE_RULE}`);
  const json = last(v.json);
  // An empty name would be taken as no report at all, silently.
  const clash = reportClash([['--json', json]], [s.sides[0].arg, s.sides[1].arg]);
  if (clash) return bad(clash);
  if (json && json !== '-') reportWritable('--json', json);
  // Both scenarios are loaded (and checked) before either runs: a second file that is missing or
  // broken is found at once, not after the first run.
  const loads: (Loaded & { machine: Machine })[] = [];
  const warned = new Set<string>();
  for (const side of s.sides) {
    const failure = new LoadFailure(side.file, 'vpci-lab: diff: ');
    const loaded = await loadArgReported(side.arg, failure.watching(io), failure.prefix, side.overrides);
    if (!loaded?.machine) {
      if (json) {
        failure.diagnostics = loaded?.diagnostics ?? [];
        const text = JSON.stringify({ side: side.label, ...failure.json(), same: false }, null, 2) + '\n';
        if (json === '-') io.out(text);
        else writeReport('--json', json, text);
      }
      return EXIT.badInput;
    }
    // Said once for both runs when both have that guest (a quirk on in one and off in the other).
    for (const w of quirkWarnings('diff', side.overrides.quirks, loaded.machine.config.guest)) {
      if (!warned.has(w)) io.err(w + '\n');
      warned.add(w);
    }
    loads.push({ ...loaded, machine: loaded.machine });
  }
  const runs: { side: Side; m: Machine; steps: number; hitMaxSteps: boolean }[] = [];
  for (const [i, side] of s.sides.entries()) {
    const loaded = loads[i]!;
    const m = loaded.machine;
    const run = await runToVerdict(loaded, { maxSteps });
    if (run.hitMaxSteps) io.err(`vpci-lab: diff: ${shown(side.label)}: stopped at --max-steps ${maxSteps}; the comparison covers what ran\n`);
    runs.push({ side, m, steps: run.steps, hitMaxSteps: run.hitMaxSteps });
  }
  const d = diffRuns(runs[0]!.m, runs[1]!.m, [s.sides[0].label, s.sides[1].label]);
  // visible(): a control character in a file name (and so in a label) is written as \xNN, as in every message.
  if (json !== '-') for (const line of diffReport(d, runs, v.differences === true)) io.out(visible(line) + '\n');
  if (json) {
    const text = JSON.stringify(diffJson(d, runs), null, 2) + '\n';
    if (json === '-') io.out(text);
    else writeReport('--json', json, text);
  }
  return d.same ? EXIT.ok : EXIT.failed;
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'run a scenario twice (two guests, hosts, quirk settings or files) and compare the message sequences',
  usage: DIFF_USAGE,
  run: diffCommandRun,
};
