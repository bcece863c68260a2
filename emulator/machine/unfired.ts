// The scenario's faults that never fired: a fault waits for a guest message on its bus, and when
// none comes (the guest negotiated another version and sends another message, the driver never
// gets that far, the bus was gone) the run shows nothing of it. The CLI lists these after the run
// so that a fault is not silently ignored (ours: a report, not a behaviour of any host).
import { Ev } from '../vpci/events';
import { messageLabel } from '../vpci/protocol';
import { formatTime } from '../format';
import type { Machine, TimelineItem } from './machine';

export interface UnfiredFault {
  /** The `fault` timeline item (its line, column and text). */
  item: TimelineItem & { kind: 'fault' };
  /** Why, in words: "the host got no PCI_RESET_DEVICE on nic0 from 1 ms on". */
  why: string;
}

/**
 * The faults that ran (the run reached their time) and never fired: no fault record on their bus for
 * their message at or after their time. With several faults on one message, a fault counts as fired
 * when any of them fired after it was added (never a false "never fired").
 */
export function unfiredFaults(m: Machine): UnfiredFault[] {
  const out: UnfiredFault[] = [];
  const t = m.trace;
  /** The time of the last fault record of each bus and message ("bus/type"): one pass over the trace. */
  const last = new Map<string, number>();
  for (let i = t.base; i < t.length; i++) if (t.kindAt(i) === Ev.Fault) last.set(`${t.busAt(i)}/${t.aAt(i) >>> 0}`, t.timeAt(i));
  const ran = m.config.timeline.slice(0, m.state.timelineIndex);
  for (const item of ran) {
    if (item.kind !== 'fault') continue;
    const f = item.fault;
    const bus = m.buses.findIndex((b) => b.decl.name === f.bus.name);
    const type = f.message.value >>> 0;
    if ((last.get(`${bus}/${type}`) ?? -1) >= item.time) continue;
    const name = messageLabel(type);
    out.push({ item, why: `the host got no ${name} on ${f.bus.name} from ${formatTime(item.time)} on` });
  }
  return out;
}
