// The Locals scope of a guest driver frame, as Variables nodes: the C
// function's parameters (each as the device or structure it stands for), the
// locals its listing declares (from the function's first line, `<not yet
// assigned>` until set), then the model's other working values. The entries
// come from the guest layer (emulator/vpci/guest/frame.ts), so the view and
// the listing's declarations are one definition.
import type { Machine } from '../emulator/machine/machine';
import type { ThreadState } from '../emulator/runtime/threads';
import { frameEntriesOf, guestView, type FrameEntry } from '../emulator/vpci/guest/frame';
import { valueNode, type VarNode } from './vars';

export const NOT_ASSIGNED = '<not yet assigned>';

/**
 * The key under which driverFrameValues lists the names Locals shows without a value (a declared
 * local not yet assigned, a parameter not modelled), each with why: an expression naming one says
 * so instead of "unknown name". A symbol, so no name lookup, listing or JSON ever sees it.
 */
export const UNAVAILABLE = Symbol('unavailable');
export const NOT_MODELLED = '<not modelled>';

export interface FrameLocalsEnv {
  m: Machine;
  /** How the debugger names the function at a slot of a bus (e.g. "bus0/01.0: Intel 82599 VF"). */
  device(bus: number, wslot: number): string | undefined;
  hex: boolean;
  /** A Variables node for a number or boolean the model keeps in the frame (settable). */
  settable(name: string, local: string, value: unknown, owner: Record<string, unknown>): VarNode;
}

/** The entries of frame `index` of guest thread `t` (emulator/vpci/guest/frame.ts), or undefined when it is not a driver frame. */
function entriesOf(env: Pick<FrameLocalsEnv, 'm' | 'device'>, t: ThreadState, index: number): FrameEntry[] | undefined {
  const frame = t.frames[index];
  const bus = env.m.buses[t.bus];
  if (!frame || !bus) return undefined;
  const view = guestView({
    state: bus.state,
    decl: bus.decl,
    revoked: bus.channel.state === 'rescinded',
    device: (w) => (bus.functions.has(w) ? env.device(bus.index, w) : undefined),
  });
  return frameEntriesOf(env.m.model.program, frame, view);
}

/** The Locals nodes of frame `index` of guest thread `t`, or undefined when it is not a driver frame. */
export function driverFrameLocals(env: FrameLocalsEnv, t: ThreadState, index: number): VarNode[] | undefined {
  const frame = t.frames[index];
  return frame && entriesOf(env, t, index)?.map((e) => entryNode(env, e, frame.locals));
}

/**
 * The names a driver frame's Locals shows that have a value now, with it (a C parameter as what it
 * stands for, a declared local once assigned): what an expression evaluated in the frame reads, so
 * hovering or watching a name in Locals gives what Locals shows.
 */
export function driverFrameValues(env: Pick<FrameLocalsEnv, 'm' | 'device'>, t: ThreadState, index: number): Record<string, unknown> | undefined {
  const entries = entriesOf(env, t, index);
  if (!entries) return undefined;
  const out: Record<string, unknown> = {};
  const why: Record<string, string> = {};
  for (const e of entries) {
    if (e.state === 'value') out[e.name] = e.value;
    else why[e.name] = e.state === 'unset' ? 'not yet assigned' : 'not modelled';
  }
  return Object.assign(out, { [UNAVAILABLE]: why });
}

function entryNode(env: FrameLocalsEnv, e: FrameEntry, owner: Record<string, unknown>): VarNode {
  if (e.state === 'unset') return { name: e.name, value: NOT_ASSIGNED, readOnly: true };
  if (e.state === 'unmodelled') return { name: e.name, value: NOT_MODELLED, readOnly: true };
  if (e.local !== undefined) return env.settable(e.name, e.local, e.value, owner);
  const n = valueNode(e.name, e.value, env.hex, e.name);
  if (typeof e.value === 'string') n.value = e.value;
  n.readOnly = true;
  return n;
}
