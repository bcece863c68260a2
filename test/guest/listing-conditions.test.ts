// The C text of every condition in the bridge drivers' listings and the
// TypeScript condition the model runs are written twice; this test ties them.
// It runs every example under every guest model × host profile with the
// quirks at their defaults (the real drivers), records each condition the
// model evaluates together with the frame's state, evaluates the listing's C
// text on that state (test/guest/c-expr.ts), and fails on any disagreement —
// or on a condition whose C names it cannot read (the reading belongs in the
// environment below, so no condition escapes the check unnoticed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../adapter/load';
import { loadGuestModel } from '../../emulator/vpci/guest/registry';
import { frameEntries } from '../../emulator/vpci/guest/frame';
import { complView, rd32, rds32, type GuestKernel, type GuestView } from '../../emulator/vpci/guest/kernel';
import { QUIRKS, type GuestModelName } from '../../emulator/vpci/guest/quirks';
import { HOST_PROFILES } from '../../emulator/vpci/host/profiles';
import type { CompiledFn, Locals } from '../../emulator/runtime/program';
import { conditionAt, evaluate, truthy, Unresolved, UNREAD, type Env } from './c-expr';

const BRIDGE = new Set(['freebsd/vmbus_pcib.c', 'linux/pci-hyperv.c']);
const files = [
  ...readdirSync('examples')
    .filter((f) => f.endsWith('.vpci'))
    .map((f) => join('examples', f)),
  ...readdirSync('examples/quirks')
    .filter((f) => f.endsWith('.vpci'))
    .map((f) => join('examples/quirks', f)),
];

const STATUS_REVISION_MISMATCH = 0xc0000059 | 0;
const COMMON: Record<string, unknown> = {
  NULL: null,
  true: true,
  false: false,
  STATUS_REVISION_MISMATCH,
  PCI_PROTOCOL_VERSION_1_1: 0x10001,
  PCI_PROTOCOL_VERSION_1_2: 0x10002,
  PCI_PROTOCOL_VERSION_1_3: 0x10003,
  PCI_PROTOCOL_VERSION_1_4: 0x10004,
  CFG_PAGE_SIZE: 0x1000,
  PCI_BUS_RELATIONS: 0x42490000,
  PCI_EJECT: 0x4249000b,
  PCI_INVALIDATE_BLOCK: 0x42490012,
  PCI_BUS_RELATIONS2: 0x42490019,
  // The models' errno values (kernel.ts / linux/hv-common.ts).
  ENOBUFS: 55,
  HZ: 1000,
};
const CONSTANTS: Record<'freebsd' | 'linux', Record<string, unknown>> = {
  freebsd: {
    ...COMMON,
    PCIR_COMMAND: 0x04,
    PCIR_REVID: 0x08,
    PCIR_CACHELNSZ: 0x0c,
    PCIR_SUBVEND_0: 0x2c,
    PCIR_BIOS: 0x30,
    PCIR_CAP_PTR: 0x34,
    PCIR_INTLINE: 0x3c,
    PCIR_INTPIN: 0x3d,
    MAX_NUM_BARS: 6,
    PCIM_BAR_MEM_64: 4,
    SYS_RES_IOPORT: 'io',
    SYS_RES_MEMORY: 'mem',
    VMBUS_CHANPKT_TYPE_INBAND: 6,
    VMBUS_CHANPKT_TYPE_COMP: 11,
  },
  linux: {
    ...COMMON,
    PCI_COMMAND: 0x04,
    PCI_CLASS_REVISION: 0x08,
    PCI_CACHE_LINE_SIZE: 0x0c,
    PCI_SUBSYSTEM_VENDOR_ID: 0x2c,
    HVPCI_DOM_INVALID: 0, // pci-hyperv.c
    PCI_ROM_ADDRESS: 0x30,
    PCI_CAPABILITY_LIST: 0x34,
    PCI_INTERRUPT_LINE: 0x3c,
    PCI_INTERRUPT_PIN: 0x3d,
    PCI_MIN_GNT: 0x3e,
    VM_PKT_DATA_INBAND: 6,
    VM_PKT_COMP: 11,
    VMBUS_RQST_ERROR: null,
  },
};

/** The driver structs' sizes the conditions use (vmbus_pcib.c / pci-hyperv.c layouts). */
const SIZEOF: Record<string, number> = {
  'struct pci_response': 20,
  'struct pci_func_desc': 20,
  'struct pci_func_desc2': 28,
  '* bus_rel': 24,
  '* bus_rel2': 24,
  '* dev_message': 24,
  '* inval': 32,
  '* int_resp': 40,
  '* q_res_req': 44,
};

type Os = 'freebsd' | 'linux';

function child(v: GuestView, w: unknown): unknown {
  if (w === null) return null;
  if (typeof w !== 'number') return undefined;
  const h = v.sc.hbus as { children: { desc: { wslot: number } }[] } | null;
  const c = h?.children.find((x) => x.desc.wslot === w);
  return c ? { ...c, hbus: h } : { wslot: w, hbus: h };
}

/** Names whose model value is a win_slot standing for a pointer (0 is a valid slot, not NULL). */
const POINTERS = new Set(['hpdev', 'pdev', 'dinfo']);

function envFor(os: Os, fn: CompiledFn<GuestKernel, GuestView>, k: GuestKernel, l: Locals, v: GuestView): Env {
  const pkt = l.pkt instanceof Uint8Array ? l.pkt : undefined;
  const count = () => (pkt ? rd32(pkt, 20) : undefined);
  const comps = v.sc as unknown as { comps: Record<string, { done: boolean; status: number }> };
  const aliases: Record<string, () => unknown> = {
    // the received packet, as the callbacks cast it
    pkt: () => (typeof l.type === 'number' ? { cph_type: l.type } : pkt),
    desc: () => (fn.name === 'hv_pci_onchannelcallback' ? { type: l.type } : l.desc),
    new_msg: () => ({ message_type: { type: l.msgtype } }),
    new_message: () => ({ message_type: { type: l.msgtype } }),
    bus_rel: () => ({ device_count: count() }),
    bus_rel2: () => ({ device_count: count() }),
    device_count: count,
    dev_msg: () => ({ wslot: { val: count() } }),
    dev_message: () => ({ wslot: { slot: count() } }),
    relations: () => ({ device_count: l.count }),
    dr: () => (fn.name.startsWith('hv_pci_devices_present') ? { device_count: l.count } : l.dr),
    resp: () => (l.resp instanceof Uint8Array ? { status: rds32(l.resp, 16) } : undefined),
    // FreeBSD map_msi and Linux compose: their stack completion
    comp: () =>
      typeof l.comp === 'string' && comps.comps[l.comp]
        ? { comp_pkt: complView(comps.comps[l.comp]) }
        : typeof l.c === 'string'
          ? comps.comps[l.c]
          : comps.comps.survey
            ? { done: comps.comps.survey.done ? 1 : 0 }
            : undefined,
    comp_pkt: () =>
      fn.name === 'hv_pci_bus_exit'
        ? complView(comps.comps.d0exit)
        : fn.name === 'hv_send_resources_allocated'
          ? complView(comps.comps[`ra${String(l.wslot)}`])
          : undefined,
    hid: () => (typeof l.old === 'number' ? (l.old >= 0 ? { irq: l.irq } : null) : l.hid),
    bar_no: () => l.bar,
    bar_val: () => (typeof l.bar_val === 'number' ? l.bar_val >>> 0 : undefined),
    hdev: () => ({ channel: { rescind: v.revoked } }),
    // every function of both drivers reaches the bus's state as `hbus` (a parameter, or sc->hbus / hv_get_drvdata)
    hbus: () => v.sc.hbus ?? undefined,
    channel: () => ({ onchannel_callback: v.revoked || (v.sc.hbus as { state: string } | null)?.state === 'closed' ? null : 'hv_pci_onchannelcallback' }),
    msi_desc: () => {
      const p: unknown = v.sc.pci.children.find((x) => x.wslot === l.wslot);
      const irqs = p && typeof p === 'object' && 'irqs' in p && Array.isArray(p.irqs) ? (p.irqs as { irq: number }[]) : [];
      return { irq: irqs[0]?.irq };
    },
  };
  if (fn.name === 'vmbus_pcib_prepopulate_bars' && Array.isArray(l.list)) aliases.hpdev = () => child(v, (l.list as number[])[l.ci as number]);
  const entries = new Map(
    frameEntries(fn, l, v)
      .filter((e) => e.state === 'value')
      .map((e) => [e.name, e.value]),
  );
  return {
    name(id) {
      if (POINTERS.has(id) && !(fn.name === 'vmbus_pcib_prepopulate_bars' && id === 'hpdev') && (typeof l[id] === 'number' || l[id] === null))
        return child(v, l[id]);
      const a = aliases[id]?.();
      if (a !== undefined) return a;
      if (entries.has(id)) return entries.get(id);
      if (l[id] !== undefined) return l[id];
      if (id in CONSTANTS[os]) return CONSTANTS[os][id];
      if (/^hv_pcibus_\w+$/.test(id)) return id;
      throw new Unresolved(id);
    },
    call(f, args, raw) {
      if (f === 'vmbus_chan_is_revoked') return v.revoked;
      if (f === 'struct_size') return 24 + (raw[0] === 'bus_rel2' ? 28 : 20) * Number(args[2]);
      if (args.includes(UNREAD)) throw new Unresolved(`${f}(${raw.join(', ')})`);
      switch (f) {
        case 'TAILQ_EMPTY':
          if (!Array.isArray(args[0])) throw new Unresolved(`TAILQ_EMPTY(${raw[0]})`);
          return args[0].length === 0;
        case 'list_empty':
          if (raw[0]?.replace(/\s/g, '') === '&removed') return (l.ri as number) >= (l.removed as unknown[]).length;
          throw new Unresolved(`list_empty(${raw[0]})`);
        case 'get_pcichild_wslot': {
          const h = v.sc.hbus as { children: { desc: { wslot: number } }[] } | null;
          return h?.children.find((x) => x.desc.wslot === args[1]) ?? null;
        }
        case 'cmpxchg':
          return args[0];
        case 'wait_for_completion_timeout':
        case 'try_wait_for_completion': {
          const c = args[0] as { done?: unknown } | undefined;
          if (!c || typeof c !== 'object' || !('done' in c)) throw new Unresolved(`${f}(${raw[0]})`);
          return truthy(c.done);
        }
        case 'unlikely':
          return args[0];
        case 'hv_result_success':
          return args[0] === 0;
      }
      throw new Unresolved(`${f}()`);
    },
    sizeof(text) {
      const n = SIZEOF[text.trim()];
      if (n === undefined) throw new Unresolved(`sizeof(${text})`);
      return n;
    },
    offsetof(type) {
      if (/struct pci_bus_relations2? /.test(`${type} `)) return 24;
      throw new Unresolved(`offsetof(${type})`);
    },
  };
}

interface Row {
  where: string;
  text: string;
  checked: number;
  skipped?: string;
  disagree: string[];
  unresolved: Set<string>;
}

function instrument(model: GuestModelName, rows: Map<string, Row>, _current: { k?: GuestKernel; v?: () => GuestView }): void {
  const os: Os = model === 'linux' ? 'linux' : 'freebsd';
  const prog = loadGuestModel(model).program;
  for (const fn of prog.fns.values()) {
    if (!BRIDGE.has(fn.file)) continue;
    const lines = prog.listings.get(fn.file)!.text.split('\n');
    for (const ins of fn.code) {
      if (ins.op !== 'test') continue;
      const cond = ins.cond as (k: GuestKernel, l: Locals) => boolean;
      const text = lines[ins.line - 1]!.trim();
      const key = `${model} ${fn.file}:${ins.line}`;
      const c = conditionAt(lines, ins.line);
      (ins as { cond: unknown }).cond = (k: GuestKernel, l: Locals) => {
        const r = cond(k, l);
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { where: `${key} (${fn.name})`, text, checked: 0, disagree: [], unresolved: new Set() }));
        if ('skip' in c) {
          row.skipped = c.skip;
          return r;
        }
        const view: GuestView = {
          sc: k.sc,
          busName: k.busName,
          instanceGuid: k.instanceGuid,
          revoked: k.isRevoked(),
          device: (w) => `${k.busName}/${w}`,
        };
        try {
          const cv = truthy(evaluate(c.expr, envFor(os, fn, k, l, view)));
          row.checked++;
          if (cv !== r && row.disagree.length < 3)
            row.disagree.push(
              `C says ${cv}, the model ${r} (locals ${JSON.stringify(l, (_k, x) => (typeof x === 'bigint' ? String(x) : x instanceof Uint8Array ? `${x.length} bytes` : x))})`,
            );
        } catch (e) {
          if (e instanceof Unresolved) row.unresolved.add(e.what);
          else throw e;
        }
        return r;
      };
    }
  }
}

const rows = new Map<string, Row>();
for (const model of ['freebsd', 'freebsd-2016', 'linux'] as const) instrument(model, rows, {});

test('the C evaluator reads conditions as C does', () => {
  const env: Env = {
    name: (id) =>
      (
        ({ ret: 0, hbus: { state: 'hv_pcibus_installed', children: [] }, x: 5, NULL: null, hv_pcibus_installed: 'hv_pcibus_installed' }) as Record<
          string,
          unknown
        >
      )[id] ??
      (() => {
        throw new Unresolved(id);
      })(),
    call: (f, a) =>
      f === 'TAILQ_EMPTY'
        ? (a[0] as unknown[]).length === 0
        : (() => {
            throw new Unresolved(f);
          })(),
    sizeof: () => 20,
    offsetof: () => 24,
  };
  assert.equal(truthy(evaluate('ret', env)), false);
  assert.equal(truthy(evaluate('!ret', env)), true);
  assert.equal(truthy(evaluate('hbus->state == hv_pcibus_installed && x > 4', env)), true);
  assert.equal(truthy(evaluate('TAILQ_EMPTY(&hbus->children)', env)), true);
  assert.equal(evaluate('x * 2 + sizeof(struct pci_response)', env), 30);
  assert.equal(truthy(evaluate('x || nosuch', env)), true, '|| stops at a true left side');
  assert.throws(() => evaluate('nosuch > 1', env), Unresolved);
  const lines = [
    '\tswitch (hbus->protocol_version) {',
    '\tcase PCI_PROTOCOL_VERSION_1_2: case PCI_PROTOCOL_VERSION_1_3:',
    '\tfor (i = 0; i < n; i++) {',
    '\t} while (a || b);',
    'free_res:',
  ];
  assert.deepEqual(conditionAt(lines, 2), {
    expr: '(hbus->protocol_version) == PCI_PROTOCOL_VERSION_1_2 || (hbus->protocol_version) == PCI_PROTOCOL_VERSION_1_3',
  });
  assert.deepEqual(conditionAt(lines, 3), { expr: 'i < n' });
  assert.deepEqual(conditionAt(lines, 4), { expr: 'a || b' });
  assert.ok('skip' in conditionAt(lines, 5));
});

test('every listing condition of the bridge drivers agrees with the model on every state the examples reach', (t) => {
  const allOn = Object.fromEntries(QUIRKS.map((q) => [q.name, true]));
  for (const file of files) {
    for (const guest of ['freebsd', 'freebsd-2016', 'linux'] as const) {
      for (const host of HOST_PROFILES.map((h) => h.name)) {
        const l = loadScenarioFile(file, { guest, host, quirks: allOn });
        assert.ok(l.machine, `${file} as ${guest} on ${host}`);
        l.machine.run();
      }
    }
  }
  const disagreements = [...rows.values()].filter((r) => r.disagree.length).map((r) => `${r.where}: ${r.text}\n    ${r.disagree.join('\n    ')}`);
  assert.deepEqual(disagreements, [], 'the C text and the model disagree');
  const unreadable = [...rows.values()].filter((r) => r.unresolved.size).map((r) => `${r.where}: ${r.text} — cannot read ${[...r.unresolved].join(', ')}`);
  assert.deepEqual(unreadable, [], 'a listing condition the check cannot read');
  const checked = [...rows.values()].filter((r) => r.checked > 0);
  const skipped = [...rows.values()].filter((r) => r.skipped);
  // Every condition that is not C (a label, a comment, an iterator in words) says so in the listing.
  for (const r of skipped) assert.ok(!/^if \(|^while \(|^for \(.*;.*;/.test(r.text), `${r.where}: '${r.text}' looks like C but was skipped (${r.skipped})`);
  t.diagnostic(
    `${checked.length} listing conditions checked on ${checked.reduce((n, r) => n + r.checked, 0)} states; ${skipped.length} are not C (labels, comments, iterators in words)`,
  );
  assert.ok(checked.length >= 150, `${checked.length} conditions checked`);
});
