// Meaning checks on a parsed scenario: every name resolves (with "did you
// mean"), buses and slots are unique, BAR sizes are powers of two, dump files
// exist and parse, events name buses that exist at that time, the timeline is
// in order, and the host accepts one of the guest's protocol versions. Fills in
// the values parsing could not know (message and status numbers). Never throws.
import {
  MAX_BUSES,
  MAX_DIAGNOSTICS,
  MAX_FUNCTIONS,
  shortQuotes,
  visibleText,
  vmCpus,
  type BusDecl,
  type Diagnostic,
  type Expectation,
  type FnRef,
  type FunctionDeclAst,
  type Loc,
  type MessageRef,
  type Name,
  type Scenario,
  type Severity,
  type TimelineEvent,
} from './ast';
import type { FaultAction } from '../vpci/host/faults';
import type { ScenarioContext } from './context';
import type { DumpProblem } from './dump-check';
import { versionText } from './context';
import { statusByName, statusInStyle, suggestions } from './names';
import { HOST_TO_GUEST_MESSAGES, OTHER_VERSIONS, VERSIONS, bareMessageName, messageByName, wslotDecode } from '../vpci/protocol';
import { DEFAULT_GUEST_MODEL } from '../vpci/guest/models';
import { DEFAULT_HOST_PROFILE } from '../vpci/host/profiles';
import { isPowerOfTwo, powerOfTwoProblem } from '../pci/bars';
import { counted, formatTime, grouped } from '../format';
import { EVENTS, eventRef, type EventKind, type EventRow } from './events';

/** What the parser saw that the tree has no field for. */
export interface ParseExtras {
  /** `status NAME` actions whose number the checker fills in. */
  statusNames: { action: FaultAction; name: string; loc: Loc }[];
  /** Every `vm { … }` block, in order. */
  vmDecls: Loc[];
  /**
   * What statements that failed to parse were declaring or doing, so the checker does not report
   * what only follows from their absence (every reference to a bus whose line has a syntax error
   * being an unknown bus): one mistake, one diagnostic.
   */
  broken?: BrokenStatements;
}

/** Statements with a syntax error, as far as the parser read them (ParseExtras.broken). */
export interface BrokenStatements {
  /** Buses (`bus` or `offer`) whose declaration failed after their name. */
  buses: string[];
  /** A `bus` or `offer` failed before a name was read: any bus may be the one it declares. */
  unnamedBus: boolean;
  /** Functions (in a bus block or a `plug`) that failed: `bus/wslot`, or `bus/*` when the slot was not read. */
  functions: string[];
  /** The event words of `at` statements that failed ('' when the event was not read). */
  events: string[];
  /** The vm settings that failed (`host`, `guest`, `cpus`, …). */
  settings: string[];
  /** The lines of expectations kept though their statement failed (`expect nic0 attached befor 1ms`): what they meant is not known. */
  expectationLines?: number[];
}

/**
 * Messages a guest sends in one version of a family only: CREATE_INTERRUPT v1 under
 * 1.1, v2 under 1.2–1.3, v3 under 1.4+ (torvalds/linux drivers/pci/controller/pci-hyperv.c
 * hv_compose_msi_msg), RESOURCES_ASSIGNED under 1.1 and ASSIGNED2 from 1.2
 * (pci-hyperv.c hv_send_resources_allocated; freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c
 * does the same for its 1.1 and 1.4). `to` is exclusive.
 */
const VERSIONED: readonly { value: number; from: number; to: number; family: string }[] = [
  { value: 0x42490014, from: 0x10001, to: 0x10002, family: 'create-interrupt' },
  { value: 0x42490017, from: 0x10002, to: 0x10004, family: 'create-interrupt' },
  { value: 0x4249001b, from: 0x10004, to: Infinity, family: 'create-interrupt' },
  { value: 0x42490010, from: 0x10001, to: 0x10002, family: 'resources-assigned' },
  { value: 0x42490016, from: 0x10002, to: Infinity, family: 'resources-assigned' },
];
/** FreeBSD's quirk of a BUS_RELATIONS2 that also ejects (quirks.ts). */
const FALL = 'relations2-falls-into-eject';

/**
 * A relative dump path written with '\' between its folders, with '/' instead; undefined for a path
 * without one, or an absolute Windows path ('C:\…', '\\server\…'), which names no file elsewhere however written.
 */
function slashedPath(path: string): string | undefined {
  if (!path.includes('\\') || /^([A-Za-z]:|[\\/])/.test(path)) return undefined;
  return path.replace(/\\/g, '/');
}

/** A run's --host / --guest in place of the file's (the CLI's overrides): the checks that depend on them judge what will run. */
export interface CheckOverrides {
  host?: string;
  guest?: string;
  /** --quirk NAME=on|off: over the file's `quirk` lines. */
  quirks?: Record<string, boolean>;
}

export function checkScenario(sc: Scenario, ctx: ScenarioContext, extras?: ParseExtras, _file = '', overrides: CheckOverrides = {}): Diagnostic[] {
  // Buses and functions counted against MAX_BUSES and MAX_FUNCTIONS (countFunction, checkBuses).
  let buses = 0;
  let functions = 0;
  const out: Diagnostic[] = [];
  /** Problems past MAX_DIAGNOSTICS: counted, not kept (the first of them is where the count is said). */
  let dropped = 0;
  let droppedErrors = 0;
  let firstDropped: Loc | undefined;
  const add = (severity: Severity, loc: Loc, code: string, message: string, related?: Diagnostic['related'], hints?: string[]): void => {
    if (out.length >= MAX_DIAGNOSTICS) {
      dropped++;
      if (severity === 'error') droppedErrors++;
      firstDropped ??= loc;
      return;
    }
    // A path, a dump's line or a name the message quotes may hold characters a client shows as nothing.
    const d: Diagnostic = { severity, loc, code, message: visibleText(shortQuotes(message)) };
    if (related) d.related = { ...related, message: visibleText(related.message) };
    if (hints?.length) d.suggestions = hints;
    out.push(d);
  };
  /** `unknown host profile 'x'; did you mean 'y'?`, or with no near miss, what there is (`listed`: a short closed set, or what else to write). */
  const unknown = (code: string, what: string, n: Name, candidates: readonly string[], listed?: string): void => {
    const hints = suggestions(n.name, candidates);
    const tail = hints[0] ? `; did you mean '${hints[0]}'?` : listed ? ` (${listed})` : '';
    add('error', n.loc, code, `unknown ${what} '${n.name}'${tail}`, undefined, hints);
  };
  /**
   * The vectors a first `driver … msix N` or `msi N` enables on a catalog device, as the guest models do
   * (they ask for N and get what the capability offers): N, or the device's MSI-X table size or MSI
   * vectors when N is more (`vectors-beyond-device`, with that count as the fix), or 0 when the device
   * lacks the capability, where the driver's probe fails (`interrupts-unsupported`, with the kind it has
   * as the fix). A dump's capabilities are not looked at.
   */
  const deviceVectors = (e: TimelineEvent & { kind: 'driver' }, source: FunctionDeclAst['source'] | undefined): number => {
    if (e.mode === 'none' || source?.kind !== 'catalog') return e.vectors;
    const id = source.id.name;
    const has = ctx.deviceInterrupts?.(id);
    if (!has) return e.vectors;
    const kind = e.mode === 'msix' ? 'MSI-X' : 'MSI';
    const n = has[e.mode];
    const where = e.vectorsLoc ?? e.loc;
    if (n === 0) {
      const other = e.mode === 'msix' ? 'msi' : 'msix';
      const alt = has[other] ? `${other} ${Math.min(e.vectors, has[other])}` : undefined;
      add(
        'warning',
        where,
        'interrupts-unsupported',
        `${id} has no ${kind} capability, so its driver's probe fails and enables no vector${alt ? `; it has ${other === 'msix' ? 'MSI-X' : 'MSI'}: '${alt}'` : ''}`,
        undefined,
        alt ? [alt] : undefined,
      );
      return 0;
    }
    if (e.vectors > n) {
      add('warning', where, 'vectors-beyond-device', `${id} has ${counted(n, `${kind} vector`)}: the driver enables ${n}, not ${e.vectors}`, undefined, [
        `${e.mode} ${n}`,
      ]);
      return n;
    }
    return e.vectors;
  };
  /** Versions both the host and the guest support (undefined when either is unknown). */
  let common: number[] | undefined;
  /** The version the guest will negotiate with the host, if both are known and agree on one. */
  let negotiated: number | undefined;
  let guestName: string | undefined;
  /** The host profile in effect (declared or the default), if known. */
  let hostInfo: ScenarioContext['hostProfiles'][number] | undefined;
  const cpus = vmCpus(sc.vm);
  const plugged = pluggedSlots();
  /** The memory each dump function's BARs decode, as checkFunction found it (for checkBarWindows). */
  const dumpSpace = new Map<FunctionDeclAst, { low: number; high: number }>();
  const broken: BrokenStatements = extras?.broken ?? { buses: [], unnamedBus: false, functions: [], events: [], settings: [] };
  /** Whether a statement with a syntax error may have been event `kind` (its absence explains a warning). */
  const brokenEvent = (kind: string): boolean => broken.events.includes(kind) || broken.events.includes('');
  try {
    checkVm();
    const busIndex = checkBuses();
    checkTimeline(busIndex);
    checkBarWindows();
    checkExpectations(busIndex);
    checkNotEmpty();
  } catch (e) {
    // A checker bug must not take the editor down; report it as a diagnostic.
    out.push({ severity: 'error', loc: { line: 1, col: 1, endLine: 1, endCol: 1 }, code: 'internal-error', message: `checker failed: ${String(e)}` });
  }
  if (firstDropped) {
    // One diagnostic says what was not kept, as severe as the worst of it (warnings alone still let the scenario run).
    const n = (k: number): string => grouped(k);
    const count = (k: number, one: string, many: string): string => `${n(k)} ${k === 1 ? one : many}`;
    const what = `${count(dropped, 'more problem', 'more problems')}${droppedErrors ? ` (${count(droppedErrors, 'error', 'errors')})` : ''}`;
    const kept = `(at most ${n(MAX_DIAGNOSTICS)} are kept)`;
    const message = dropped === 1 ? `${what} is not listed ${kept}: it is here` : `${what} are not listed ${kept}; the first of them is here`;
    out.push({ severity: droppedErrors ? 'error' : 'warning', loc: firstDropped, code: 'too-many-problems', message });
  }
  return out;

  /** A scenario with nothing in it runs nothing and checks nothing: say so rather than pass in silence. */
  function checkNotEmpty(): void {
    // The parser leaves the vm block's range empty (1:1–1:1) when there is none.
    const hasVm = sc.vm.loc.endLine > sc.vm.loc.line || sc.vm.loc.endCol > sc.vm.loc.col;
    if (hasVm || sc.buses.length || sc.timeline.length || sc.expectations.length) return;
    add(
      'warning',
      { line: 1, col: 1, endLine: 1, endCol: 1 },
      'empty-scenario',
      'the scenario is empty: no vm, no bus, no event and no expectation, so a run does nothing and checks nothing',
    );
  }

  /**
   * A guest whose bridge driver puts 32-bit BARs below 4 GiB and 64-bit BARs above (splitBarWindows),
   * in a vm whose `mmio` lines (they replace both default ranges) leave one side out: every bus with a
   * function (catalog or dump) that has such BARs fails to attach. One warning, on the first `mmio` line.
   */
  function checkBarWindows(): void {
    const g = ctx.guestModels.find((m) => m.name === guestName);
    const mmio = sc.vm.mmio;
    if (!g?.splitBarWindows || !mmio.length || broken.settings.includes('mmio')) return;
    const FOUR_GIB = 2 ** 32;
    const low = mmio.some((r) => r.base < FOUR_GIB);
    const high = mmio.some((r) => r.base + r.size > FOUR_GIB);
    if (low && high) return;
    const fns: [string, FunctionDeclAst][] = [
      ...sc.buses.flatMap((b) => b.functions.map((f): [string, FunctionDeclAst] => [b.name.name, f])),
      ...sc.timeline.flatMap((e): [string, FunctionDeclAst][] =>
        e.kind === 'offer' ? e.bus.functions.map((f): [string, FunctionDeclAst] => [e.bus.name.name, f]) : e.kind === 'plug' ? [[e.bus.name, e.fn]] : [],
      ),
    ];
    const lacking = new Map<string, string>();
    for (const [bus, f] of fns) {
      if (lacking.has(bus)) continue;
      const space = f.source.kind === 'catalog' ? ctx.deviceBarSpace?.(f.source.id.name) : dumpSpace.get(f);
      if (space && ((!high && space.high) || (!low && space.low))) lacking.set(bus, f.source.kind === 'catalog' ? f.source.id.name : f.source.path);
    }
    if (!lacking.size) return;
    const side = high ? 'low' : 'high';
    const shown = [...lacking].slice(0, 4).map(([b, id]) => `${b} (${id})`);
    const more = lacking.size > shown.length ? ` and ${lacking.size - shown.length} more` : '';
    add(
      'warning',
      mmio[0]!.loc,
      'bar-window-missing',
      `guest ${g.name} needs an MMIO range ${high ? 'below' : 'above'} 4 GiB for ${high ? '32' : '64'}-bit BARs, and the mmio lines give none: ${shown.join(', ')}${more} will fail to attach; add 'mmio ${side}'`,
    );
  }

  function checkVm(): void {
    const vm = sc.vm;
    const host = vm.host ? ctx.hostProfiles.find((p) => p.name === vm.host!.name) : undefined;
    if (vm.host && host && vm.hostSpaced)
      add('error', vm.host.loc, 'unexpected-token', `a host profile name is one word; did you mean '${host.name}'?`, undefined, [host.name]);
    if (vm.host && !host)
      unknown(
        'unknown-profile',
        'host profile',
        vm.host,
        ctx.hostProfiles.map((p) => p.name),
        `expected ${ctx.hostProfiles.map((p) => p.name).join(', ')}`,
      );
    const guest = vm.guest ? ctx.guestModels.find((g) => g.name === vm.guest!.name) : undefined;
    if (vm.guest && !guest)
      unknown(
        'unknown-guest',
        'guest model',
        vm.guest,
        ctx.guestModels.map((g) => g.name),
        `expected ${ctx.guestModels.map((g) => g.name).join(', ')}`,
      );
    // What the machine runs with: an override, else the file's, else the defaults (machine/scenario-config.ts).
    // A `host` or `guest` line with a syntax error names one we do not know: not the default either.
    const h =
      overrides.host !== undefined
        ? ctx.hostProfiles.find((p) => p.name === overrides.host)
        : (host ?? (vm.host || broken.settings.includes('host') ? undefined : ctx.hostProfiles.find((p) => p.name === DEFAULT_HOST_PROFILE)));
    const g =
      overrides.guest !== undefined
        ? ctx.guestModels.find((m) => m.name === overrides.guest)
        : (guest ?? (vm.guest || broken.settings.includes('guest') ? undefined : ctx.guestModels.find((m) => m.name === DEFAULT_GUEST_MODEL)));
    hostInfo = h;
    guestName = g?.name;
    if (h && g) {
      common = g.versions.filter((v) => h.versions.includes(v));
      // The guest offers its versions in order and keeps the first the host accepts.
      negotiated = g.versions.find((v) => h.versions.includes(v));
    }
    if (h && g && !g.versions.some((v) => h.versions.includes(v))) {
      add(
        'warning',
        vm.host?.loc ?? vm.guest?.loc ?? vm.loc,
        'no-common-version',
        `host ${h.name} accepts ${h.versions.map(versionText).join(', ')} but guest ${g.name} offers only ${g.versions.map(versionText).join(', ')}: version negotiation will fail`,
      );
    }
    const seenQ = new Map<string, Loc>();
    for (const q of vm.quirks) {
      const info = ctx.quirks.find((x) => x.name === q.name.name);
      if (!info)
        unknown(
          'unknown-quirk',
          'quirk',
          q.name,
          ctx.quirks.map((x) => x.name),
          `expected ${ctx.quirks.map((x) => x.name).join(', ')}`,
        );
      else if (g && !info.models.includes(g.name))
        add(
          'warning',
          q.name.loc,
          'quirk-not-applicable',
          `quirk '${q.name.name}' does not exist in guest ${g.name} (only ${info.models.join(', ')}); the switch has no effect`,
        );
      const prev = seenQ.get(q.name.name);
      if (prev) add('warning', q.loc, 'duplicate-quirk', `quirk '${q.name.name}' is set twice; the last one wins`, { message: 'first set here', loc: prev });
      else seenQ.set(q.name.name, q.loc);
    }
    for (let i = 0; i < vm.mmio.length; i++) {
      const m = vm.mmio[i]!;
      for (let j = 0; j < i; j++) {
        const o = vm.mmio[j]!;
        if (o.name === m.name)
          add('error', m.loc, 'duplicate-mmio', `MMIO range '${m.name}' is declared twice`, { message: 'first declared here', loc: o.loc });
        else if (m.base < o.base + o.size && o.base < m.base + m.size)
          add('error', m.loc, 'mmio-overlap', `MMIO range '${m.name}' overlaps '${o.name}'`, { message: `'${o.name}' is here`, loc: o.loc });
      }
    }
  }

  function checkBus(b: BusDecl): void {
    const slots = new Map<number, Loc>();
    for (const f of b.functions) {
      const prev = slots.get(f.slot.wslot);
      if (prev !== undefined)
        add('error', f.slot.loc, 'slot-conflict', `bus ${b.name.name} already has a function at ${slotText(f.slot.wslot)}`, {
          message: 'first declared here',
          loc: prev,
        });
      else slots.set(f.slot.wslot, f.slot.loc);
      checkFunction(f);
    }
    if (b.functions.length === 0) add('warning', b.name.loc, 'empty-bus', `bus ${b.name.name} has no functions`);
    // A quirk that garbles relations past their first entry (plugFails.quirk) fails a bus offered with two functions
    // as it does a plug: said at the second in slot order (vsp.ts lists them so), once.
    const sorted = [...b.functions].sort((x, y) => x.slot.wslot - y.slot.wslot);
    const second = sorted[1];
    if (second && !hostInfo?.slotZeroOnly) plugFails(second.loc, true, false);
    const n = new Set(b.functions.map((f) => f.slot.wslot)).size;
    const hit = b.functions.find((f) => f.slot.wslot === n);
    if (
      hit &&
      fallsIntoEject(
        sorted.map((f) => f.slot.wslot),
        n,
      )
    )
      fallWarning(hit.loc, n, 'this function');
  }

  /**
   * relations2-falls-into-eject (quirks.ts): a BUS_RELATIONS2 (1.2 and later) listing `n` functions also ejects the child
   * at wslot n among those the guest knew as it came (`known`, in slot order: the first relations' own set, a later
   * one's the set before it, as the run does); with descriptor-stride on only the first in slot order kept its slot,
   * and with drop-empty-relations on an empty list is dropped first (pcib-hotplug.ts). Whether one is ejected.
   */
  function fallsIntoEject(known: readonly number[], n: number): boolean {
    if (hostInfo?.slotZeroOnly || (negotiated ?? 0) < 0x10002 || !quirkOn(FALL) || !known.includes(n)) return false;
    return !(n === 0 && quirkOn('drop-empty-relations')) && (!quirkOn('descriptor-stride') || n === known[0]);
  }
  /** A bus's slots in slot order (the order relations list them in). */
  function inOrder(slots: ReadonlySet<number>): number[] {
    return [...slots].sort((x, y) => x - y);
  }
  /** The warning of a function fallsIntoEject ejects (`who`), at the bus's function or at the plug or unplug whose relations do it. */
  function fallWarning(loc: Loc, n: number, who: string): void {
    const why = `BUS_RELATIONS2 lists ${counted(n, 'function')} and falls through into PCI_EJECT for slot ${slotText(n)}`;
    add('warning', loc, 'plug-fails', `guest ${guestName}: ${why}, so ${who} is ejected; 'quirk ${FALL} off' fixes it`);
  }

  /** Whether quirk `q` is on in the run: the guest has it and --quirk, else the file's last line for it, does not turn it off (quirks.ts: each is on by default). */
  function quirkOn(q: string): boolean {
    if (!ctx.quirks.find((x) => x.name === q)?.models.includes(guestName ?? '')) return false;
    return (overrides.quirks?.[q] ?? sc.vm.quirks.filter((x) => x.name.name === q).at(-1)?.on) !== false;
  }

  /** GuestModelRow.plugFails at `loc`, for a function that relations list after another (`more`), by a `plug` or not. */
  function plugFails(loc: Loc, more: boolean, plug: boolean): void {
    const f = ctx.guestModels.find((m) => m.name === guestName)?.plugFails;
    const q = f?.quirk;
    if (f && (q ? quirkOn(q) && more : plug)) add('warning', loc, 'plug-fails', `guest ${guestName}: ${f.why}${q ? `; 'quirk ${q} off' fixes it` : ''}`);
  }

  /** One function's slot and source (inside a bus block or a `plug` event). */
  function checkFunction(f: FunctionDeclAst): void {
    if (f.slot.wslot !== 0 && hostInfo?.slotZeroOnly)
      add(
        'warning',
        f.slot.loc,
        'slot-unsupported',
        `host ${hostInfo.name} serves only slot 0; requests for ${slotText(f.slot.wslot)} fail with STATUS_BAD_DATA`,
      );
    if (f.source.kind === 'catalog') {
      const id = f.source.id;
      if (!ctx.devices.some((d) => d.id === id.name) && /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/.test(id.name)) {
        // PCI ids where the catalog id goes: the catalog devices with those ids (their detail starts with `[vvvv:dddd]`).
        const ids = id.name.toLowerCase();
        const hits = ctx.devices.filter((d) => d.detail.startsWith(`[${ids}]`)).map((d) => d.id);
        const said = `unknown device '${id.name}': a function names a catalog device by its id, not by its PCI ids`;
        if (hits.length) add('error', id.loc, 'unknown-device', `${said}; ${ids} is ${hits.join(' or ')}`, undefined, hits);
        else add('error', id.loc, 'unknown-device', `${said}, and no catalog device has ${ids}; a device of your own is dump "FILE"`);
      } else if (!ctx.devices.some((d) => d.id === id.name))
        unknown(
          'unknown-device',
          'device',
          id,
          ctx.devices.map((d) => d.id),
          `the catalog has ${ctx.devices.map((d) => d.id).join(', ')}; a device of your own is dump "FILE"`,
        );
    } else {
      const src = f.source;
      for (const bar of src.bars) {
        const odd = powerOfTwoProblem(bar.size);
        if (odd) add('error', bar.loc, 'bar-size', `${bar.index === 'rom' ? 'ROM' : `BAR ${bar.index}`} ${odd}`);
      }
      const text = ctx.readFile(src.path);
      // A relative path written with Windows' separator ('devices\gpu.lspci') is found on Windows only: elsewhere a
      // '\' is part of a file name. Where it is missing, the message says so, and the path with '/' is the fix (ours).
      const missing = text === undefined || (typeof text !== 'string' && text.code === 'dump-missing');
      const slashed = missing ? slashedPath(src.path) : undefined;
      const hint = slashed ? `; folders are separated by '/', which every system reads ('\\' only Windows): did you mean '${slashed}'?` : '';
      const fix = slashed ? [`"${slashed.replace(/"/g, '\\"')}"`] : undefined;
      if (text === undefined) add('error', src.pathLoc, 'dump-missing', `cannot read dump file '${src.path}'${hint}`, undefined, fix);
      else if (typeof text !== 'string') add('error', src.pathLoc, text.code, text.message + hint, undefined, fix);
      else if (ctx.checkDump) {
        let r: DumpProblem | null;
        // BAR sizes are checked against the dump only once each size is a power of two.
        const sizesOk = src.bars.every((b) => isPowerOfTwo(b.size));
        try {
          const space = { low: 0, high: 0 };
          r = ctx.checkDump(text, src.select, sizesOk ? src.bars : undefined, space);
          if (sizesOk && (!r || r.warning)) dumpSpace.set(f, space);
        } catch (e) {
          r = { message: String(e) };
        }
        for (let p: DumpProblem | null | undefined = r; p; p = p.also) {
          const q = p;
          if (q.absent) add(q.warning ? 'warning' : 'error', src.pathLoc, 'dump-no-device', `${src.path}: ${q.message}`);
          else if (q.warning) add('warning', src.pathLoc, 'dump-several-devices', `${src.path}: ${q.message}`);
          else if (q.bar !== undefined) {
            const clause = src.bars.find((b) => b.index === q.bar);
            add('error', clause?.loc ?? src.pathLoc, 'bar-layout', `${src.path}: ${q.message}`);
          } else if (q.select && src.selectLoc) add('error', src.selectLoc, 'dump-unparsable', `${src.path}: ${q.message}`);
          else add('error', src.pathLoc, 'dump-unparsable', `${src.path}${q.line !== undefined ? `:${q.line}` : ''}: ${q.message}`);
        }
      }
    }
  }

  /** Slots some `plug` event fills, by bus name: references to them are valid (whether in time is checked on the timeline). */
  function pluggedSlots(): Map<string, Set<number>> {
    const m = new Map<string, Set<number>>();
    for (const e of sc.timeline) {
      if (e.kind !== 'plug') continue;
      const set = m.get(e.bus.name) ?? new Set<number>();
      set.add(e.fn.slot.wslot);
      m.set(e.bus.name, set);
    }
    return m;
  }

  /** Counts a function (declared, offered or plugged); the one past MAX_FUNCTIONS is an error. */
  function countFunction(loc: Loc): void {
    if (++functions === MAX_FUNCTIONS + 1)
      add('error', loc, 'too-many-functions', `a scenario has at most ${grouped(MAX_FUNCTIONS)} PCI functions (ours: a bound on memory); this is one more`);
  }

  function checkBuses(): Map<string, { bus: BusDecl; offerAt?: number }> {
    const index = new Map<string, { bus: BusDecl; offerAt?: number }>();
    const guids = new Map<string, Loc>();
    const declare = (b: BusDecl, offerAt?: number): void => {
      if (++buses === MAX_BUSES + 1)
        add('error', b.name.loc, 'too-many-buses', `a scenario has at most ${grouped(MAX_BUSES)} buses (ours: a bound on memory); this is one more`);
      for (const f of b.functions) countFunction(f.slot.loc);
      const prev = index.get(b.name.name);
      if (prev) add('error', b.name.loc, 'duplicate-bus', `bus ${b.name.name} is declared twice`, { message: 'first declared here', loc: prev.bus.name.loc });
      else index.set(b.name.name, offerAt === undefined ? { bus: b } : { bus: b, offerAt });
      if (b.instance) {
        const g = guids.get(b.instance.guid);
        if (g) add('error', b.instance.loc, 'duplicate-instance', `instance ${b.instance.guid} is used by two buses`, { message: 'first used here', loc: g });
        else guids.set(b.instance.guid, b.instance.loc);
      }
      checkBus(b);
    };
    for (const b of sc.buses) declare(b);
    for (const e of sc.timeline) if (e.kind === 'offer') declare(e.bus, e.time);
    return index;
  }

  function msgName(v: number): string {
    return ctx.messages.find((x) => x.value === v)?.aliases[0] ?? `0x${v.toString(16)}`;
  }

  /** The message of the same family the guest does send in this VM, spelled the way `written` is (for a quick fix). */
  function sentInstead(value: number, written: string): string[] {
    const e = VERSIONED.find((x) => x.value === value);
    const sib = e && negotiated !== undefined ? VERSIONED.find((x) => x.family === e.family && negotiated! >= x.from && negotiated! < x.to) : undefined;
    const m = sib && ctx.messages.find((x) => x.value === sib.value);
    if (!m) return [];
    if (/^[0-9]/.test(written)) return [`0x${m.value.toString(16)}`];
    return [/^[A-Z0-9_]+$/.test(written) ? m.name : (m.aliases[0] ?? m.name)];
  }

  /** Why the guest never sends this message in this VM, or undefined when it may. */
  function neverSent(value: number): string | undefined {
    const e = VERSIONED.find((x) => x.value === value);
    if (!e || negotiated === undefined || !hostInfo) return undefined;
    if (negotiated >= e.from && negotiated < e.to) return undefined;
    const sib = VERSIONED.find((x) => x.family === e.family && negotiated! >= x.from && negotiated! < x.to);
    return `host ${hostInfo.name} and guest ${guestName} negotiate ${versionText(negotiated)}, so the guest sends ${sib ? msgName(sib.value) : 'another version'}, never ${msgName(value)}`;
  }

  function resolveMessage(m: MessageRef): void {
    if (/^[0-9]/.test(m.name)) {
      const hit = ctx.messages.find((x) => x.value === m.value);
      if (!hit) add('warning', m.loc, 'unknown-message', `0x${m.value.toString(16)} is not a known vPCI message`);
      return;
    }
    const value = messageByName(m.name);
    const hit = value !== undefined ? ctx.messages.find((x) => x.value === value) : undefined;
    if (hit) {
      m.value = hit.value;
      return;
    }
    // The protocol name without PCI_ too (BUS_D0ENTRY, as the checker takes it), so an upper-case name written
    // without the prefix is offered in its own spelling, not the kebab one; each message once, in the spelling ranked first.
    const cands = ctx.messages.flatMap((x) => [x.name, bareMessageName(x.name), ...x.aliases]);
    const byValue = new Map(ctx.messages.flatMap((x) => [x.name, bareMessageName(x.name), ...x.aliases].map((n) => [n, x.value] as const)));
    const hints: string[] = [];
    for (const h of suggestions(m.name, cands, cands.length)) if (hints.length < 3 && !hints.some((x) => byValue.get(x) === byValue.get(h))) hints.push(h);
    add('error', m.loc, 'unknown-message', `unknown message '${m.name}'${hints[0] ? `; did you mean '${hints[0]}'?` : ''}`, undefined, hints);
  }

  /** `1` or `1.2`: a win_slot as the scenario writes a slot (device, and the function when it is not 0). */
  function slotText(w: number): string {
    const { device, fn } = wslotDecode(w);
    return fn ? `${device}.${fn}` : `${device}`;
  }

  /** Every slot a bus ever has a function at: declared in its block, or plugged by some event. */
  function slotsOf(b: BusDecl): number[] {
    const all = new Set(b.functions.map((f) => f.slot.wslot));
    for (const w of plugged.get(b.name.name) ?? []) all.add(w);
    return [...all].sort((x, y) => x - y);
  }

  /**
   * The bus of a reference, and for a function target (`fn`) whether the bus ever has the function it
   * names: `nic0/1` names slot 1, and `nic0` slot 0 (docs: a target without /SLOT means slot 0), so
   * both are checked alike. `slotOk` is false when the slot is unknown (the error is reported here).
   */
  function checkRef(
    index: Map<string, { bus: BusDecl; offerAt?: number }>,
    bus: Name,
    slot: FnRef['slot'],
    fn: boolean,
  ): { bus: BusDecl; offerAt?: number; slotOk: boolean } | undefined {
    const b = index.get(bus.name);
    if (!b) {
      // A bus whose declaration has a syntax error is not unknown to every line that names it.
      if (!broken.unnamedBus && !broken.buses.includes(bus.name)) unknown('unknown-bus', 'bus', bus, [...index.keys()]);
      return undefined;
    }
    if (!fn) return { ...b, slotOk: true };
    const wslot = slot ? slot.wslot : 0;
    const slots = slotsOf(b.bus);
    if (slots.includes(wslot)) return { ...b, slotOk: true };
    // Nor is the slot of a function whose line has one.
    if (broken.functions.includes(`${bus.name}/${wslot}`) || broken.functions.includes(`${bus.name}/*`)) return { ...b, slotOk: false };
    const its = slots.length ? `its functions: ${slots.map(slotText).join(', ')}` : 'it has no functions';
    // Quick fix: name a slot the bus has (the implied one gets a slot written after the bus name).
    const hints = slot ? slots.map(slotText) : slots.map((w) => `${bus.name}/${slotText(w)}`);
    if (slot) add('error', slot.loc, 'unknown-slot', `bus ${bus.name} has no function at ${slotText(slot.wslot)}; ${its}`, undefined, hints);
    else add('error', bus.loc, 'unknown-slot', `${bus.name} has no function at slot 0 (a target without /SLOT means slot 0); ${its}`, undefined, hints);
    return { ...b, slotOk: false };
  }

  function checkTimeline(index: Map<string, { bus: BusDecl; offerAt?: number }>): void {
    let prevTime = -1;
    let prevLoc: Loc | undefined;
    for (const e of sc.timeline) {
      if (e.time < prevTime && prevLoc)
        add(
          'warning',
          e.loc,
          'timeline-order',
          `event at ${formatTime(e.time)} comes after one at ${formatTime(prevTime)}; events run in time order, not file order`,
          {
            message: 'the later event',
            loc: prevLoc,
          },
        );
      if (e.time >= prevTime) {
        prevTime = e.time;
        prevLoc = e.loc;
      }
    }
    const order = sc.timeline.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i);
    const gone = new Map<string, { time: number; loc: Loc }>();
    /**
     * Buses with an `eject` on a host that sends PCI_EJECT: the host rescinds the whole channel once the
     * guest completes the eject, or when it gives up waiting (protocol.md §7.2; vsp.ts ejectionComplete),
     * so a later event on the bus may find it gone. When is up to the guest, hence a warning.
     */
    const ejected = new Map<string, { time: number; loc: Loc; named: string }>();
    const goneSlot = new Map<string, { time: number; loc: Loc; eject: boolean }>();
    const drivers = new Map<string, number>();
    /**
     * The `no-driver` warning of each function, and how many later raises of it came before a driver
     * too: one mistake (no driver event), one warning, on its first raise (ours: 10,000 raises were 10,000 warnings).
     */
    const noDriver = new Map<string, { d?: Diagnostic; more: number; named: string }>();
    /** The `plug` of each function a host that takes no plug never added (relationsUpdates false, vsp.ts addFunction), by bus/slot. */
    const ignoredPlug = new Map<string, Loc>();
    /** The source of each function a `plug` added, by bus/slot (a declared one's is in its bus). */
    const pluggedSource = new Map<string, FunctionDeclAst['source']>();
    /** The `driver` event of each function (since it was last plugged), for a second one's warning. */
    const driverEvents = new Map<string, { time: number; loc: Loc }>();
    /** Slots holding a function at the current event's time, by bus (declared ones, plus plugged, minus unplugged). */
    const present = new Map<string, Set<number>>();
    // Boot-time buses start at the first `boot` (machine.ts runTimeline), the first in run order (time,
    // then file order: scenario-config.ts sorts stably); without one they never do.
    const firstBoot = order.find((x) => x.e.kind === 'boot')?.e;
    if (!firstBoot && !brokenEvent('boot')) {
      const idle = [...index.values()].filter((b) => b.offerAt === undefined);
      if (idle.length)
        add(
          'warning',
          idle[0]!.bus.name.loc,
          'no-boot',
          `the timeline has no 'boot': the guest never starts, so bus ${idle[0]!.bus.name.name}${idle.length > 1 ? ` (and ${idle.length - 1} more declared at boot)` : ''} is never attached (add 'at 0 boot')`,
        );
    }
    let booted = false;
    /** A `driver` event so far named a bus or slot that is not there (reported): which function it meant is not known. */
    let strayDriver = false;
    /** Buses whose `offer` has run. */
    const offered = new Set<string>();
    /** bus-not-yet: `bus` is offered (`when`, at `at`, by the statement at `by`) after event `e` runs; at the same time, events run in file order. */
    const notYet = (e: TimelineEvent, bus: Name, when: string, at: number, by: { message: string; loc: Loc }): void =>
      add(
        'error',
        bus.loc,
        'bus-not-yet',
        e.time === at
          ? `bus ${bus.name} is offered ${when}at ${formatTime(at)} too, later in the file (events at the same time run in file order); it does not exist yet`
          : `bus ${bus.name} is offered ${when}at ${formatTime(at)}; it does not exist at ${formatTime(e.time)}`,
        by,
      );
    for (const { e } of order) {
      if (e.kind === 'boot' && booted && firstBoot)
        add('warning', e.loc, 'boot-again', `the guest boots once, at ${formatTime(firstBoot.time)}; this 'boot' does nothing (there is no reboot)`, {
          message: 'the guest boots here',
          loc: firstBoot.loc,
        });
      if (e.kind === 'boot') booted = true;
      if (e.kind === 'offer') offered.add(e.bus.name.name);
      if (e.kind === 'fault') {
        resolveMessage(e.fault.message);
        const v = e.fault.message.value;
        if (HOST_TO_GUEST_MESSAGES.includes(v))
          add('warning', e.fault.message.loc, 'fault-never-matches', `${msgName(v)} is sent by the host; a fault applies to messages the guest sends`);
        else {
          const why = neverSent(v);
          if (why)
            add('warning', e.fault.message.loc, 'fault-never-matches', `${why}: this fault never fires`, undefined, sentInstead(v, e.fault.message.name));
        }
      }
      const row = EVENTS[e.kind] as EventRow<EventKind>;
      if (e.kind === 'plug') {
        checkFunction(e.fn);
        countFunction(e.fn.slot.loc);
      }
      const ref = eventRef(e);
      if (!ref) continue;
      const bus = ref.bus;
      const slot = ref.slot;
      // A function target without /SLOT names slot 0 (docs: target := NAME ['/' SLOT]); bus targets name no function.
      const fnTarget = row.target === 'function';
      const b = checkRef(index, bus, slot, fnTarget);
      // A driver event naming a bus or slot there is none (an error of its own) may be the one a `raise` relies on: no `no-driver` for it.
      if (e.kind === 'driver' && (!b || !b.slotOk)) strayDriver = true;
      if (!b) continue;
      if (b.offerAt !== undefined && !offered.has(bus.name)) {
        notYet(e, bus, '', b.offerAt, { message: 'offered here', loc: b.bus.loc });
        continue;
      }
      // A bus declared with `bus` is offered at the first boot: before it the channel is not there to
      // rescind, detach or eject on, nor a guest to load a driver. A fault is the exception: the host
      // holds the bus from the start and answers the guest's first messages with it.
      if (b.offerAt === undefined && firstBoot && !booted && e.kind !== 'fault') {
        notYet(e, bus, 'when the guest boots ', firstBoot.time, { message: 'the guest boots here', loc: firstBoot.loc });
        continue;
      }
      const g = gone.get(bus.name);
      const wslot = e.kind === 'plug' ? e.fn.slot.wslot : slot ? slot.wslot : 0;
      const sk = `${bus.name}/${wslot}`;
      // The function as the scenario names it: nic0/1.2, or nic0 for the slot 0 a target without /SLOT means.
      const named = slot ? `${bus.name}/${slotText(slot.wslot)}` : bus.name;
      const gs = goneSlot.get(sk);
      let here = present.get(bus.name);
      if (!here) present.set(bus.name, (here = new Set(b.bus.functions.map((f) => f.slot.wslot))));
      const ej = ejected.get(bus.name);
      // An event on the ejected function itself is bus-gone below; one on the rest of the bus is this warning.
      if (!g && ej && !(fnTarget && b.slotOk && gs))
        add(
          'warning',
          bus.loc,
          'bus-ejected',
          `the host rescinds bus ${bus.name} once the guest completes 'eject ${ej.named}' at ${formatTime(ej.time)}; at ${formatTime(e.time)} it may be gone, and then this event does nothing`,
          { message: 'ejected here', loc: ej.loc },
        );
      const ignored = fnTarget && b.slotOk && !here.has(wslot) ? ignoredPlug.get(sk) : undefined;
      if (g) add('error', bus.loc, 'bus-gone', `bus ${bus.name} no longer exists at ${formatTime(e.time)}`, { message: 'removed here', loc: g.loc });
      else if (ignored) {
        // The host never added the function (vsp.ts addFunction), so nothing here reaches it: the run notes the event and goes on.
        add('warning', e.loc, 'plug-unsupported', `host ${hostInfo?.name ?? ''} never added ${named} (its plug does nothing): this event does nothing`, {
          message: 'plugged here',
          loc: ignored,
        });
        continue;
      } else if (e.kind === 'plug') {
        const at = slotText(e.fn.slot.wslot);
        if (here.has(wslot)) add('error', e.fn.slot.loc, 'slot-conflict', `bus ${bus.name} already has a function at ${at} at ${formatTime(e.time)}`);
        // GuestModelRow.plugFails; a host that serves only slot 0 is plug-unsupported below.
        if (!hostInfo?.slotZeroOnly) plugFails(e.loc, here.size > +here.has(wslot), true);
        // The relations the plug has the host send list one function more.
        const more = here.size + 1;
        if (!here.has(wslot) && hostInfo?.relationsUpdates !== false && fallsIntoEject(inOrder(here), more))
          fallWarning(e.loc, more, `function ${bus.name}/${slotText(more)}`);
        if (hostInfo?.relationsUpdates === false) ignoredPlug.set(sk, e.loc);
        else here.add(wslot);
        pluggedSource.set(sk, e.fn.source);
        goneSlot.delete(sk);
        // A function plugged at the slot is probed anew (with the last request: its driver stays loaded).
        driverEvents.delete(sk);
        if (hostInfo?.slotZeroOnly)
          add(
            'warning',
            e.loc,
            'plug-unsupported',
            `host ${hostInfo.name} serves one function per bus, at slot 0, and never sends a relations update for a new one`,
          );
      } else if (fnTarget && b.slotOk && gs)
        // An ejected function leaves when the guest answers, which may not have happened yet: said as that.
        add(
          'error',
          slot?.loc ?? bus.loc,
          'bus-gone',
          `${slot ? `function ${named}` : `the function at slot 0 of ${named}`} ${gs.eject ? `is ejected at ${formatTime(gs.time)}, and leaves once the guest sends PCI_EJECTION_COMPLETE` : `no longer exists at ${formatTime(e.time)}`}`,
          { message: gs.eject ? 'ejected here' : 'removed here', loc: gs.loc },
        );
      else if (fnTarget && b.slotOk && !here.has(wslot) && plugged.get(bus.name)?.has(wslot))
        add(
          'error',
          slot?.loc ?? bus.loc,
          'fn-not-yet',
          slot
            ? `bus ${bus.name} has no function at ${slotText(slot.wslot)} at ${formatTime(e.time)}; it is plugged later`
            : `${bus.name} has no function at slot 0 at ${formatTime(e.time)} (a target without /SLOT means slot 0); it is plugged later`,
        );
      if (e.kind === 'driver') {
        if (e.mode === 'msi' && !isPowerOfTwo(e.vectors))
          add('error', e.vectorsLoc ?? e.loc, 'msi-count', `MSI can enable only a power of two of vectors (1, 2, 4, 8, 16 or 32), not ${e.vectors}`);
        const first = driverEvents.get(sk);
        // The machine (bus.ts driverLoaded) probes a function once: a later request reaches it only if it comes
        // before the probe, so the vectors the first one enables are the ones `raise` is checked against.
        if (first)
          add(
            'warning',
            e.loc,
            'driver-again',
            `the driver of ${named} is already loaded at ${formatTime(first.time)} (line ${first.loc.line}); once it has probed the function, this event changes nothing for it`,
            { message: 'loaded here', loc: first.loc },
          );
        else {
          driverEvents.set(sk, { time: e.time, loc: e.loc });
          drivers.set(sk, deviceVectors(e, pluggedSource.get(sk) ?? b.bus.functions.find((f) => f.slot.wslot === wslot)?.source));
        }
      }
      if (e.kind === 'eject' && hostInfo?.supportsEject === false)
        add('warning', e.loc, 'eject-unsupported', `host ${hostInfo.name} cannot eject a function (it revokes the channel instead); consider 'rescind'`);
      // A raise on a function or bus already gone is that error alone: no `no-driver` for it besides.
      if (e.kind === 'raise' && !g && !(b.slotOk && gs)) {
        const n = drivers.get(sk);
        if (n === undefined) {
          const said = noDriver.get(sk);
          if (said) said.more++;
          else if (!brokenEvent('driver') && !strayDriver) {
            const before = out.length;
            add('warning', e.loc, 'no-driver', `no 'driver' event enables interrupts on ${named} before ${formatTime(e.time)}; the vector is never programmed`);
            noDriver.set(sk, { d: out.length > before ? out.at(-1) : undefined, more: 0, named });
          }
        } else if (e.vector >= n)
          add(
            'warning',
            e.vectorLoc ?? e.loc,
            'vector-out-of-range',
            `the driver enabled ${counted(n, 'vector')} on ${named}; vector ${e.vector} is not one of them`,
          );
      }
      if (row.removes === 'bus') gone.set(bus.name, { time: e.time, loc: e.loc });
      // Every eject ends with the channel rescinded: at once on a host that cannot send PCI_EJECT (OpenVMM
      // revokes the channel, vsp.ts ejectInner), else once the guest answers (warned above for later events).
      // Where a live bus's functions cannot change, an unplug revokes the channel (vsp.ts removeFunction).
      if (e.kind === 'unplug' && !g && hostInfo?.relationsUpdates === false) {
        add(
          'warning',
          e.loc,
          'plug-unsupported',
          `host ${hostInfo.name} sends no relations update: it revokes the channel of bus ${bus.name} instead, as 'rescind ${bus.name}' would`,
        );
        gone.set(bus.name, { time: e.time, loc: e.loc });
      }
      // An eject naming no function (unknown-slot, said above) starts no ejection: no bus-ejected after it.
      if (e.kind === 'eject' && !g && b.slotOk) {
        if (hostInfo?.supportsEject === false) gone.set(bus.name, { time: e.time, loc: e.loc });
        else if (!ejected.has(bus.name)) ejected.set(bus.name, { time: e.time, loc: e.loc, named });
      }
      // A second removal of a function already gone (an error above) leaves the first as the one later errors point at.
      if (row.removes === 'function' && !gs && !g) goneSlot.set(sk, { time: e.time, loc: e.loc, eject: e.kind === 'eject' });
      // The relations an unplug has the host send list one function fewer.
      const fewer = here.size - 1;
      if (e.kind === 'unplug' && !g && !gs && b.slotOk && here.has(wslot) && hostInfo?.relationsUpdates !== false && fallsIntoEject(inOrder(here), fewer))
        fallWarning(e.loc, fewer, `function ${bus.name}/${slotText(fewer)}`);
      // An ejected function leaves the bus once the guest completes the eject; a vanished one still holds its slot.
      if (row.removes === 'function' && !row.keepsSlot) here.delete(wslot);
    }
    for (const { d, more, named } of noDriver.values())
      if (d && more) d.message += ` (the same for the ${more === 1 ? 'later raise' : `${grouped(more)} later raises`} on ${named})`;
    for (const s of extras?.statusNames ?? []) {
      // Any case, '-' or '_', with or without the STATUS_ prefix: bad-data, BAD_DATA, status_bad_data, STATUS_BAD_DATA.
      const hit = statusByName(ctx.statuses, s.name);
      if (hit && s.action.kind === 'status') s.action.status = hit.value;
      else {
        // Offered in the spelling written (bad-dta → bad-data, BAD_DTA → BAD_DATA), as a message's are.
        const hints = suggestions(
          s.name.replace(/^STATUS[-_]/i, ''),
          ctx.statuses.map((x) => x.name.replace(/^STATUS_/, '')),
        ).map((h) => statusInStyle(`STATUS_${h}`, s.name));
        const tail = hints[0] ? `; did you mean '${hints[0]}'?` : ` (a number, or ${ctx.statuses.map((x) => x.name).join(', ')})`;
        add('error', s.loc, 'unknown-status', `unknown status '${s.name}'${tail}`, undefined, hints);
      }
    }
  }

  /**
   * What an expectation checks, as a key two equivalent ones share: the message's number however it
   * is named (PCI_QUERY_BUS_RELATIONS, query-bus-relations, 0x42490001), its clauses in any order,
   * slot 0 whether written or implied, durations in ns (as parsed), and `no message` as count 0,
   * which is what it checks (a count after `no` changes nothing). An unknown message keys on its name.
   */
  function meaning(x: Exclude<Expectation, { kind: 'no-errors' }>): string {
    switch (x.kind) {
      case 'state':
        return JSON.stringify([x.kind, x.bus.name, x.state, x.before ?? null]);
      case 'version':
        return JSON.stringify([x.kind, x.bus.name, x.version]);
      case 'msix':
        return JSON.stringify([x.kind, x.target.bus.name, x.target.slot?.wslot ?? 0, x.count]);
      case 'interrupt':
        return JSON.stringify([x.kind, x.target.bus.name, x.target.slot?.wslot ?? 0, x.vector, x.outcome, x.cpu ?? null]);
      case 'message': {
        const m = x.message;
        const known = /^[0-9]/.test(m.name) || m.value !== 0;
        return JSON.stringify([x.kind, known ? m.value >>> 0 : m.name, x.bus?.name ?? null, x.negate ? 0 : (x.count ?? null), x.before ?? null]);
      }
    }
  }

  function checkExpectations(index: Map<string, { bus: BusDecl; offerAt?: number }>): void {
    let noErrors: Loc | undefined;
    /** Each expectation's meaning (its fields, not where it is written) → where it first is. */
    const seen = new Map<string, Loc>();
    for (const x of sc.expectations) {
      // The message's number first: the key is what the expectation means, not how it is spelled.
      if (x.kind === 'message') resolveMessage(x.message);
      // One read only up to its error is no duplicate of another, nor another of it (one mistake, one diagnostic).
      if (x.kind !== 'no-errors' && !broken.expectationLines?.includes(x.loc.line)) {
        const key = meaning(x);
        const first = seen.get(key);
        if (first)
          add('warning', x.loc, 'duplicate-expectation', `this expectation is given twice (first on line ${first.line})`, {
            message: 'first here',
            loc: first,
          });
        else seen.set(key, x.loc);
      }
      switch (x.kind) {
        case 'state':
          checkRef(index, x.bus, undefined, false);
          break;
        case 'version':
          checkRef(index, x.bus, undefined, false);
          if (common && !common.includes(x.version)) {
            // A number no vPCI protocol has (1.17 for 1.1 mistyped) says so, not only that this host and guest miss it.
            const known = [...VERSIONS, ...OTHER_VERSIONS].map((v) => v.value).sort((a, b) => a - b);
            const what = known.includes(x.version)
              ? `version ${versionText(x.version)} cannot be negotiated`
              : `${versionText(x.version)} is not a vPCI protocol version (they are ${versionText(known[0]!)} to ${versionText(known[known.length - 1]!)}), so it cannot be negotiated`;
            add(
              'warning',
              x.versionLoc ?? x.loc,
              'version-unreachable',
              `${what}: host and guest ${common.length ? `share only ${common.map(versionText).join(', ')}` : 'share no version'}`,
            );
          }
          break;
        case 'msix':
          checkRef(index, x.target.bus, x.target.slot, true);
          break;
        case 'interrupt': {
          checkRef(index, x.target.bus, x.target.slot, true);
          // A device signals an interrupt only at a `raise` (machine.ts; the Debug Console's raise aside): without one
          // the expectation fails 'never delivered' (ours: said before the run, unless a raise line failed to parse).
          const wslot = x.target.slot?.wslot ?? 0;
          const raised = sc.timeline.some(
            (e) => e.kind === 'raise' && e.target.bus.name === x.target.bus.name && (e.target.slot?.wslot ?? 0) === wslot && e.vector === x.vector,
          );
          if (!raised && !brokenEvent('raise') && index.has(x.target.bus.name)) {
            const target = x.target.slot ? `${x.target.bus.name}/${x.target.slot.device}.${x.target.slot.fn}` : x.target.bus.name;
            add(
              'warning',
              x.loc,
              'vector-never-raised',
              `no event raises vector ${x.vector} on ${target}: a device signals an interrupt only at a 'raise' event (at TIME raise ${target} vector ${x.vector})`,
            );
          }
          if (x.cpu !== undefined && x.cpu >= cpus && (sc.vm.cpus || !broken.settings.includes('cpus')))
            add('error', x.cpuLoc ?? x.loc, 'no-such-cpu', `the VM has ${counted(cpus, 'CPU')} (0..${cpus - 1}); there is no cpu ${x.cpu}`);
          break;
        }
        case 'message':
          if (!x.negate && (x.count === undefined || x.count > 0)) {
            const why = neverSent(x.message.value);
            if (why) add('warning', x.message.loc, 'message-never-sent', why, undefined, sentInstead(x.message.value, x.message.name));
          }
          if (x.bus) checkRef(index, x.bus, undefined, false);
          if (x.negate && x.count !== undefined)
            add('warning', x.loc, 'negated-count', "'expect no message … count N' is contradictory; 'no' already means count 0");
          break;
        case 'no-errors':
          if (noErrors) add('warning', x.loc, 'duplicate-expectation', "'expect no errors' is given twice", { message: 'first here', loc: noErrors });
          noErrors = x.loc;
          break;
      }
    }
  }
}

/**
 * A scenario's syntax errors and the checker's diagnostics together, in position order (loadScenario,
 * checkStaged): without what a syntax error makes untrue (an empty scenario, an empty bus).
 */
export function withSyntaxErrors(syntax: readonly Diagnostic[], checked: Diagnostic[], sc: Scenario): Diagnostic[] {
  // A file that is all syntax errors is not "empty": its errors say what is wrong.
  if (syntax.some((d) => d.severity === 'error')) {
    checked = checked.filter((d) => d.code !== 'empty-scenario');
    // Nor is a bus whose block holds a syntax error "empty": the function its error is about did not parse.
    const errorLines = new Set(syntax.filter((d) => d.severity === 'error').map((d) => d.loc.line));
    const buses = [...sc.buses, ...sc.timeline.flatMap((e) => (e.kind === 'offer' ? [e.bus] : []))];
    const broken = new Set<string>();
    for (const b of buses) {
      for (let l = b.loc.line; l <= b.loc.endLine; l++) {
        if (!errorLines.has(l)) continue;
        broken.add(`${b.name.loc.line}:${b.name.loc.col}`);
        break;
      }
    }
    if (broken.size) checked = checked.filter((d) => d.code !== 'empty-bus' || !broken.has(`${d.loc.line}:${d.loc.col}`));
  }
  const diagnostics = [...syntax, ...checked];
  diagnostics.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  return diagnostics;
}
