// What a driver frame shows in the debugger's Locals: the C function's
// parameters (each as what it stands for — `dev` is the device, `hbus` the
// bus), then the locals its listing declares, each from the function's first
// line (`<not yet assigned>` until the code sets it), then whatever other
// working values the model keeps in the frame. The names and their readings
// come from the function's definition (its signature, its `locals`
// declarations and bindings), so the listing and the Locals view agree.
import type { CompiledFn, Locals, Program } from '../../runtime/program';
import type { BaseSoftc, GuestKernel, GuestView } from './kernel';

export interface FrameEntry {
  name: string;
  /** The value now (meaningful when `state` is 'value'). */
  value: unknown;
  /** 'unset': declared, not yet assigned; 'unmodelled': a parameter the model keeps nothing for. */
  state: 'value' | 'unset' | 'unmodelled';
  role: 'parameter' | 'local' | 'model';
  /** The model local that holds the value, when it is one (so the debugger can change it). */
  local?: string;
}

/** Builds the view of a bus a frame's names read, from plain bus data (no machine import). */
export function guestView(bus: {
  state: { sc: BaseSoftc };
  decl: { name: string; instance: string };
  revoked: boolean;
  device: (wslot: number) => string | undefined;
}): GuestView {
  return {
    sc: bus.state.sc,
    busName: bus.decl.name,
    instanceGuid: bus.decl.instance,
    revoked: bus.revoked,
    device: bus.device,
  };
}

function read(f: { value?(v: GuestView, l: never): unknown }, v: GuestView, l: Locals): unknown {
  try {
    return f.value ? f.value(v, l as never) : undefined;
  } catch {
    // A reading that needs state the bus no longer has (e.g. after detach) shows as not assigned.
    return undefined;
  }
}

/** The entries of one frame of `fn`, in the order a C debugger lists them. */
export function frameEntries(fn: CompiledFn<GuestKernel, GuestView>, locals: Locals, v: GuestView): FrameEntry[] {
  const out: FrameEntry[] = [];
  const seen = new Set<string>();
  for (const a of fn.args) {
    seen.add(a.name);
    const bound = read(a, v, locals);
    if (bound !== undefined) out.push({ name: a.name, value: bound, state: 'value', role: 'parameter' });
    else if (locals[a.name] !== undefined) out.push({ name: a.name, value: locals[a.name], state: 'value', role: 'parameter', local: a.name });
    else out.push({ name: a.name, value: undefined, state: a.value || a.out ? 'unset' : 'unmodelled', role: 'parameter' });
  }
  for (const d of fn.locals) {
    if (seen.has(d.name)) continue;
    seen.add(d.name);
    const bound = read(d, v, locals);
    if (bound !== undefined) out.push({ name: d.name, value: bound, state: 'value', role: 'local' });
    else if (locals[d.name] !== undefined) out.push({ name: d.name, value: locals[d.name], state: 'value', role: 'local', local: d.name });
    else if (d.init !== undefined) out.push({ name: d.name, value: d.init, state: 'value', role: 'local' });
    else out.push({ name: d.name, value: undefined, state: 'unset', role: 'local' });
  }
  for (const k in locals) {
    const x = locals[k];
    if (!Object.prototype.hasOwnProperty.call(locals, k) || seen.has(k) || x === undefined) continue;
    out.push({ name: k, value: x, state: 'value', role: 'model', local: k });
  }
  return out;
}

/** The entries of a frame by function name, or undefined for a function the program does not have. */
export function frameEntriesOf(program: Program<GuestKernel, GuestView>, frame: { fn: string; locals: Locals }, v: GuestView): FrameEntry[] | undefined {
  const fn = program.fns.get(frame.fn);
  return fn ? frameEntries(fn, frame.locals, v) : undefined;
}
