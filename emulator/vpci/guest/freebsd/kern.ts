// The FreeBSD kernel contexts the bridge driver runs in: the VMBus channel's
// callback task (which calls vmbus_pcib_on_channel_callback when the host has
// written to the ring) and the task-queue threads (vmbus_pcib_tq, and the
// channel management queue that runs attach and eject work). Modelled on
// freebsd-src sys/dev/hyperv/vmbus/vmbus_chan.c (vmbus_chan_task) and
// sys/kern/subr_taskqueue.c (taskqueue_thread_loop); our own rendering.
import { S, T, While, fn, call, wait, type FnDef } from '../../../runtime/program';
import type { GuestKernel } from '../kernel';

type K = GuestKernel;

export function kernFunctions(): FnDef<K>[] {
  const chanTask = fn<K>({
    name: 'vmbus_chan_task',
    file: 'freebsd/vmbus_chan.c',
    doc: ['/* Runs the channel callback each time the host signals the channel. */'],
    signature: ['static void', 'vmbus_chan_task(void *xchan, int pending __unused)'],
    params: [],
    body: [
      While('for (;;) {', () => true, [
        S('wait for the host to signal the channel (interrupt);', (k) =>
          k.sc.rxPending ? undefined : wait(k.key('rx'), 'host signals the channel'),
        ),
        S('cb(chan, cbarg);  /* vmbus_pcib_on_channel_callback */', (k) => {
          k.sc.rxPending = false;
          return call('vmbus_pcib_on_channel_callback');
        }),
        T('/* re-enable the channel interrupt and check the ring once more */'),
      ]),
    ],
  });

  const tqLoop = (queue: 'taskq' | 'mgmt', file: string, name: string) =>
    fn<K>({
      name,
      file,
      doc: [`/* The ${queue === 'taskq' ? 'vmbus_pcib_tq' : 'channel management'} task queue's thread. */`],
      signature: ['static void', `${name}(void *arg)`],
      params: [],
      body: [
        While('while ((tq->tq_flags & TQ_FLAGS_ACTIVE) != 0) {', () => true, [
          S('TQ_SLEEP(tq, tq, "-");  /* until a task is queued */', (k) => {
            const q = k.sc[queue] as unknown[];
            if (q.length) return undefined;
            if (queue === 'taskq') {
              k.sc.taskqBusy = false;
              k.wake('taskq:idle');
            }
            return wait(k.key(`tq:${queue}`), `${queue} empty`);
          }),
          S('task = STAILQ_FIRST(&tq->tq_queue); STAILQ_REMOVE_HEAD(&tq->tq_queue, ta_link);', (k, l) => {
            const q = k.sc[queue] as { fn: string; args: Record<string, unknown> }[];
            l.task = q.shift();
            if (queue === 'taskq') k.sc.taskqBusy = true;
          }),
          S('task->ta_func(task->ta_context, pending);', (_k, l) => call(l.task.fn, l.task.args)),
        ]),
      ],
    });

  return [
    chanTask,
    tqLoop('taskq', 'freebsd/subr_taskqueue.c', 'taskqueue_thread_loop'),
    tqLoop('mgmt', 'freebsd/subr_taskqueue.c', 'vmbus_mgmt_taskqueue_loop'),
  ];
}
