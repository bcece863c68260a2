// Every name in a scenario's syntax tree, classified: bus declarations and bus
// references (for definition, references, highlights and rename), devices,
// profiles, guest models, quirks, messages. Hover, semantic tokens and
// go-to-definition all read this one index.
import type { Loc, Scenario, BusDecl, Name, SlotRef } from '../emulator/scenario/ast';
import { EVENTS, eventRef } from '../emulator/scenario/events';

export type NameKind =
  | 'bus-decl'
  | 'bus-ref'
  /** A `function D.F` declaration's slot; name is `bus/D.F`. */
  | 'fn-decl'
  /** An explicit `bus/D.F` target's slot; name is `bus/D.F`. */
  | 'fn-ref'
  /** A target without a slot (`nic0` = `nic0/0.0`); loc is the bus name's. Never returned by nameAt. */
  | 'fn-ref-implicit'
  | 'device'
  | 'profile'
  | 'guest'
  | 'quirk'
  | 'message'
  | 'mmio';

export interface NameOccurrence {
  kind: NameKind;
  name: string;
  loc: Loc;
}

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- the guards below keep name collection total even on a tree the AST types call complete; the language server must not fail a keystroke over one */
/** Occurrences in source order. Tolerates partial trees from a parse with errors. */
export function collectNames(s: Scenario): NameOccurrence[] {
  const out: NameOccurrence[] = [];
  const push = (kind: NameKind, name: string | undefined, loc: Loc | undefined): void => {
    if (name && loc) out.push({ kind, name, loc });
  };
  const bus = (b: BusDecl): void => {
    push('bus-decl', b.name?.name, b.name?.loc);
    for (const f of b.functions ?? []) {
      if (f.slot) push('fn-decl', `${b.name?.name}/${f.slot.device}.${f.slot.fn}`, f.slot.loc);
      if (f.source?.kind === 'catalog') push('device', f.source.id?.name, f.source.id?.loc);
    }
  };
  const ref = (r: { bus: Name; slot?: SlotRef | undefined } | undefined): void => {
    push('bus-ref', r?.bus?.name, r?.bus?.loc);
    if (!r?.bus) return;
    if (r.slot) push('fn-ref', `${r.bus.name}/${r.slot.device}.${r.slot.fn}`, r.slot.loc);
    else push('fn-ref-implicit', `${r.bus.name}/0.0`, r.bus.loc);
  };

  push('profile', s.vm?.host?.name, s.vm?.host?.loc);
  push('guest', s.vm?.guest?.name, s.vm?.guest?.loc);
  for (const q of s.vm?.quirks ?? []) push('quirk', q.name?.name, q.name?.loc);
  for (const b of s.buses ?? []) bus(b);
  for (const e of s.timeline ?? []) {
    // What an event declares (a bus, a plugged function, a message); then the bus and slot it acts on.
    if (e.kind === 'offer') {
      bus(e.bus);
      continue;
    }
    if (e.kind === 'plug') {
      push('bus-ref', e.bus?.name, e.bus?.loc);
      if (e.fn?.slot) push('fn-decl', `${e.bus?.name}/${e.fn.slot.device}.${e.fn.slot.fn}`, e.fn.slot.loc);
      if (e.fn?.source?.kind === 'catalog') push('device', e.fn.source.id?.name, e.fn.source.id?.loc);
      continue;
    }
    if (e.kind === 'fault') push('message', e.fault?.message?.name, e.fault?.message?.loc);
    const r = eventRef(e);
    if (r && EVENTS[e.kind].target === 'function') ref(r);
    else push('bus-ref', r?.bus?.name, r?.bus?.loc);
  }
  for (const x of s.expectations ?? []) {
    switch (x.kind) {
      case 'state':
      case 'version':
        push('bus-ref', x.bus?.name, x.bus?.loc);
        break;
      case 'msix':
      case 'interrupt':
        ref(x.target);
        break;
      case 'message':
        push('message', x.message?.name, x.message?.loc);
        push('bus-ref', x.bus?.name, x.bus?.loc);
        break;
      case 'no-errors':
        break;
    }
  }
  out.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  return out;
}
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** The occurrence whose range holds 1-based (line, col), if any. */
export function nameAt(names: readonly NameOccurrence[], line: number, col: number): NameOccurrence | undefined {
  for (const n of names) {
    if (n.kind === 'fn-ref-implicit') continue;
    if (n.loc.line === line && col >= n.loc.col && col <= n.loc.endCol) return n;
  }
  return undefined;
}

/** Bus names a scenario declares (static buses and offered ones), in order, unique. */
export function busNames(names: readonly NameOccurrence[]): string[] {
  return [...new Set(names.filter((n) => n.kind === 'bus-decl').map((n) => n.name))];
}
