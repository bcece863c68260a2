// The FreeBSD kernel contexts the bridge driver runs in: the VMBus channel's
// callback task (which calls vmbus_pcib_on_channel_callback when the host has
// written to the ring) and the task-queue threads (vmbus_pcib_tq, and the
// channel management queue that runs attach and eject work). Modelled on
// freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c (vmbus_chan_task) and
// sys/kern/subr_taskqueue.c (taskqueue_thread_loop); our own rendering.
import { S, T, If, While, call as untypedCall, ret, wait } from '../../../runtime/program';
import { MGMT_TURN_KEY, type QueuedTask } from '../kernel';
import { call, fn, type D } from './protos';
import { topoLock, topoUnlock } from './pcib-common';

export function kernFunctions(): D[] {
  const chanTask = fn('vmbus_chan_task')({
    file: 'freebsd/vmbus_chan.c',
    doc: ['/* Runs the channel callback each time the host signals the channel. */'],
    signature: ['static void', 'vmbus_chan_task(void *xchan, int pending __unused)'],
    params: [],
    body: [
      While('for (;;) {', () => true, [
        S('wait for the host to signal the channel (interrupt);', (k) => (k.sc.rxPending ? undefined : wait(k.key('rx'), 'host signals the channel'))),
        S('cb(chan, cbarg);  /* vmbus_pcib_on_channel_callback */', (k) => {
          k.sc.rxPending = false;
          return call('vmbus_pcib_on_channel_callback');
        }),
        T('/* re-enable the channel interrupt and check the ring once more */'),
      ]),
    ],
  });

  const tqLoop = (queue: 'taskq' | 'mgmt', file: string, name: 'taskqueue_thread_loop' | 'vmbus_mgmt_taskqueue_loop') =>
    fn(name)<{ task: QueuedTask }>({
      file,
      doc: [`/* The ${queue === 'taskq' ? 'vmbus_pcib_tq' : 'channel management'} task queue's thread. */`],
      signature: ['static void', `${name}(void *arg)`],
      params: [],
      body: [
        While('while ((tq->tq_flags & TQ_FLAGS_ACTIVE) != 0) {', () => true, [
          S('TQ_SLEEP(tq, tq, "-");  /* until a task is queued */', (k, l) => {
            // The management queue is vmbus_devtq, one thread ("vmbusdev") for every channel of the guest
            // (freebsd-src sys/dev/hyperv/vmbus/vmbus.c vmbus_scan, vmbus_chan.c vmbus_chan_msgproc_choffer):
            // the task that has just returned hands the turn on (registry.ts sharedMgmt).
            const last = l.task as QueuedTask | undefined; // none before the first task
            if (queue === 'mgmt' && last?.ticket !== undefined) {
              k.mgmtDone(last.ticket);
              delete last.ticket;
            }
            if (k.sc[queue].length) return undefined;
            if (queue === 'taskq') {
              k.sc.taskqBusy = false;
              k.wake('taskq:idle');
            }
            return wait(k.key(`tq:${queue}`), `${queue} empty`);
          }),
          S('task = STAILQ_FIRST(&tq->tq_queue); STAILQ_REMOVE_HEAD(&tq->tq_queue, ta_link);', (k, l) => {
            // Another bus's task runs on the one vmbusdev thread: this bus's waits its turn.
            if (queue === 'mgmt' && !k.mgmtTurn(k.sc[queue][0]!.ticket)) return wait(MGMT_TURN_KEY, "vmbusdev: another channel's task runs");
            l.task = k.sc[queue].shift()!;
            if (queue === 'taskq') k.sc.taskqBusy = true;
          }),
          // The queued task's function and arguments were checked when it was queued (enqueue).
          S('task->ta_func(task->ta_context, pending);', (_k, l) => untypedCall(l.task.fn, l.task.args)),
        ]),
      ],
    });

  // The newbus path that detaches the bridge, with the state check device_detach() makes: on a rescind
  // vmbus_delete_child() (sys/dev/hyperv/vmbus/vmbus.c) takes the bus topology lock (Giant) and deletes
  // the child; device_detach() (sys/kern/subr_bus.c) runs DEVICE_DETACH only for an attached device.
  const deviceDetach = fn('device_detach')<{ error: number }>({
    file: 'freebsd/subr_bus.c',
    doc: [
      '/*',
      ' * Stand-in for the newbus path that detaches the bridge: vmbus_delete_child()',
      ' * (or devctl detach) holds the bus topology lock across device_detach(),',
      ' * which calls the driver only for an attached device.',
      ' */',
    ],
    signature: ['int', 'device_detach(device_t dev)'],
    params: [],
    args: { dev: (v) => `${v.busName}: vmbus_pcib (${v.instanceGuid})` },
    body: [
      S("bus_topo_lock();  /* Giant; the caller's: vmbus_delete_child() */", (k) => topoLock(k)),
      If('if (dev->state != DS_ATTACHED) {', (k) => !k.sc.hbus || k.sc.hbus.state !== 'hv_pcibus_installed', [
        S('bus_topo_unlock();', (k) => topoUnlock(k)),
        S('return (0);', () => ret(0)),
      ]),
      S('error = DEVICE_DETACH(dev);  /* vmbus_pcib_detach */', () => call('vmbus_pcib_detach', {}, 'error')),
      S('bus_topo_unlock();', (k) => topoUnlock(k)),
      S('return (error);', (_k, l) => ret(l.error)),
    ],
  });

  return [
    deviceDetach,
    chanTask,
    tqLoop('taskq', 'freebsd/subr_taskqueue.c', 'taskqueue_thread_loop'),
    tqLoop('mgmt', 'freebsd/subr_taskqueue.c', 'vmbus_mgmt_taskqueue_loop'),
  ];
}
