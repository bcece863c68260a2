// Fuzz of the guest side's completion parser (issue 3): whole machines
// (scenario → loadScenarioFile → Machine) whose host corrupts its replies by
// seed-chosen `fault <bus> <message> flip <offset> <xor>` / `truncate <n>` /
// `status` faults, for every guest model in the registry and every host
// profile. machine.run() must never throw; it must go idle within a step
// budget or, if a guest polls forever for a reply it cannot use (as the real
// driver would), keep virtual time moving (counted as `spinning`); a slice of
// steps with time standing still is a livelock. The trace must hold no
// "internal" error.
import { resolve } from 'node:path';
import { loadScenarioFile } from '../adapter/load';
import { HOST_PROFILES } from '../emulator/vpci/host/profiles';
import { GUEST_MODELS } from '../emulator/vpci/guest/models';
import { Ev } from '../emulator/vpci/events';
import { rng, type Rng, type FuzzRun, type FuzzFailure } from './rng';

/** Every guest model (emulator/vpci/guest/models.ts). */
export const GUESTS = GUEST_MODELS.map((m) => m.name);
/** Requests whose replies the fault corrupts (the host answers these with completions or messages). */
const MESSAGES = [
  'PCI_QUERY_PROTOCOL_VERSION',
  'PCI_QUERY_BUS_RELATIONS',
  'PCI_BUS_D0ENTRY',
  'PCI_QUERY_RESOURCE_REQUIREMENTS',
  'PCI_RESOURCES_ASSIGNED',
  'PCI_RESOURCES_ASSIGNED2',
  'PCI_CREATE_INTERRUPT_MESSAGE',
  'PCI_CREATE_INTERRUPT_MESSAGE2',
  'PCI_CREATE_INTERRUPT_MESSAGE3',
  'PCI_DELETE_INTERRUPT_MESSAGE',
  'PCI_RESOURCES_RELEASED',
  'PCI_BUS_D0EXIT',
];
const DEVICES = ['mellanox-cx3-vf', 'intel-82599-vf', 'samsung-pm174x-nvme', 'nvidia-tu102'];
/** Steps per slice: a slice in which virtual time does not move is a livelock (every guest statement costs time). */
export const SLICE_STEPS = 100_000;
/**
 * Steps after which a machine whose time still moves counts as `spinning`, not failed: a guest that
 * polls forever for a reply the host corrupted, as the real driver would (e.g. Linux
 * hv_compose_msi_msg busy-polls for a CREATE_INTERRUPT completion that hv_pci_onchannelcallback
 * dropped as shorter than struct pci_response: linux drivers/pci/controller/pci-hyperv.c). An
 * unfaulted attach is a few thousand steps.
 */
export const STEP_BUDGET = 1_000_000;

function faultAction(r: Rng): string {
  switch (r.int(5)) {
    case 0:
    case 1:
      return `flip ${r.int(r.chance(0.8) ? 48 : 400)} 0x${(1 + r.int(255)).toString(16)}`;
    case 2:
    case 3:
      return `truncate ${r.int(r.chance(0.8) ? 40 : 300)}`;
    default:
      return `status ${r.pick(['STATUS_BAD_DATA', 'STATUS_UNSUCCESSFUL', '0xC0000001', '0', '0x103'])}`;
  }
}

/** A small scenario: one or two buses, a driver attach, interrupts, sometimes an eject, and 1–4 reply faults. */
export function guestScenario(r: Rng): string {
  const guest = r.pick(GUESTS);
  const host = r.pick(HOST_PROFILES).name;
  const buses = 1 + r.int(2);
  const out = ['vm {', `  host ${host}`, `  guest ${guest}`, `  cpus ${1 + r.int(8)}`, '}'];
  for (let b = 0; b < buses; b++) out.push(`bus nic${b} { function 0 ${r.pick(DEVICES)} serial ${b + 1} }`);
  const events: [number, string][] = [];
  for (let k = 1 + r.int(4); k > 0; k--) {
    const t = r.chance(0.7) ? 0 : r.int(3000); // most before boot, so negotiation replies are hit too

    events.push([t, `fault nic${r.int(buses)} ${r.pick(MESSAGES)} ${faultAction(r)}${r.chance(0.5) ? ` times ${1 + r.int(3)}` : ''}`]);
  }
  events.push([0, 'boot']);
  for (let b = 0; b < buses; b++) {
    events.push([2000 + r.int(2000), `driver nic${b} msix ${1 + r.int(4)}`]);
    if (r.chance(0.5)) events.push([5000 + r.int(2000), `raise nic${b} vector 0`]);
    if (r.chance(0.2)) events.push([8000 + r.int(2000), `eject nic${b}`]);
  }
  events.sort((a, b) => a[0] - b[0]); // stable: faults at 0 stay before boot
  for (const [t, e] of events) out.push(`at ${t}us ${e}`);
  return out.join('\n') + '\n';
}

/** Runs `iterations` faulted machines from `seed`. Units: machine steps. */
export function fuzzGuest(seed: number, iterations: number): FuzzRun {
  const failures: FuzzFailure[] = [];
  const file = resolve('fuzz/guest-fuzz.vpci'); // never written: the text is passed in
  let steps = 0;
  let faults = 0;
  let replies = 0;
  let spinning = 0;
  let spinExample = '';
  for (let it = 0; it < iterations && !failures.length; it++) {
    const s = (seed + it * 0x9e3779b1) >>> 0;
    const text = guestScenario(rng(s));
    const fail = (message: string) => failures.push({ target: 'guest', seed, iteration: it, message, reproducer: `iteration seed ${s}; scenario:\n${text}` });
    try {
      const l = loadScenarioFile(file, {}, text);
      if (!l.machine) {
        fail(`generated scenario did not load: ${l.errors.map((e) => `${e.loc.line}:${e.loc.col} ${e.message}`).join('; ')}`);
        break;
      }
      const m = l.machine;
      let ran = 0;
      let livelock = false;
      while (ran < STEP_BUDGET && m.peek().kind !== 'idle') {
        const t0 = m.now;
        const n = m.run(SLICE_STEPS);
        ran += n;
        if (n === SLICE_STEPS && m.now === t0) livelock = true;
        if (livelock) break;
      }
      steps += ran;
      if (livelock) {
        fail(`livelock: ${SLICE_STEPS} steps without virtual time moving (at ${m.now} ns)`);
        break;
      }
      if (m.peek().kind !== 'idle') {
        spinning++;
        spinExample ||= `iteration seed ${s}: still polling at ${(m.now / 1e9).toFixed(3)} s virtual after ${ran} steps`;
      }
      for (let i = 0; i < m.trace.length; i++) {
        if (m.trace.kindAt(i) === Ev.Fault) faults++;
        if (m.trace.kindAt(i) === Ev.PacketToGuest) replies++;
        if (m.trace.kindAt(i) === Ev.Error && /internal|TypeError|RangeError|undefined/.test(String(m.trace.get(i).blob))) {
          fail(`trace error: ${String(m.trace.get(i).blob)}`);
          break;
        }
      }
    } catch (e) {
      fail(`threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  return {
    iterations,
    units: steps,
    unitName: 'steps',
    failures,
    counts: { faults, replies, spinning },
    ...(spinExample ? { note: `a guest polls forever for a corrupted reply (as the real driver would): ${spinExample}` } : {}),
  };
}
