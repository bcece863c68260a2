// The Linux kernel contexts pci-hyperv runs in: the channel's callback
// tasklet (vmbus_on_event, which calls hv_pci_onchannelcallback and which
// tasklet_disable() can hold off), the bus's ordered workqueue hbus->wq
// (pci_devices_present_work, hv_eject_device_work) and the VMBus driver core's
// work queue that runs probe and remove. Modelled on torvalds/linux
// drivers/hv/connection.c (vmbus_on_event), kernel/softirq.c (tasklets) and
// kernel/workqueue.c (worker_thread / process_one_work); our own rendering.
import { S, T, If, While, call as untypedCall, ret, wait } from '../../../runtime/program';
import type { QueuedTask } from '../kernel';
import { call, fn, type D } from './protos';

export function kernFunctions(): D[] {
  const onEvent = fn('vmbus_on_event')({
    file: 'linux/connection.c',
    doc: ["/* The channel's callback tasklet: runs the driver's onchannel_callback when the host signals. */"],
    signature: ['void', 'vmbus_on_event(unsigned long data)'],
    params: [],
    body: [
      While('for (;;) {', () => true, [
        S('wait for the host to signal the channel (and for the tasklet to be enabled);', (k) => {
          if (k.sc.tasklet_disabled > 0) return wait(k.key('tasklet'), 'tasklet disabled');
          return k.sc.rxPending ? undefined : wait(k.key('rx'), 'host signals the channel');
        }),
        S('channel->onchannel_callback(channel->channel_callback_context);  /* hv_pci_onchannelcallback */', (k) => {
          k.sc.rxPending = false;
          k.sc.tasklet_running = true;
          return call('hv_pci_onchannelcallback');
        }),
        S('/* tasklet done */', (k) => {
          k.sc.tasklet_running = false;
          k.wake('tasklet:idle');
        }),
        T('/* hv_begin_read / hv_end_read: check the ring once more */'),
      ]),
    ],
  });

  const worker = (queue: 'taskq' | 'mgmt', name: 'worker_thread' | 'vmbus_device_work', what: string) =>
    fn(name)<{ work: QueuedTask }>({
      file: 'linux/workqueue.c',
      doc: [`/* ${what} */`],
      signature: ['static int', `${name}(void *__worker)`],
      params: [],
      body: [
        While('for (;;) {', () => true, [
          S('if (list_empty(&pool->worklist)) schedule();  /* sleep until work is queued */', (k) => {
            if (k.sc[queue].length) return undefined;
            if (queue === 'taskq') {
              k.sc.taskqBusy = false;
              k.wake('taskq:idle');
            }
            return wait(k.key(`tq:${queue}`), `${queue === 'taskq' ? 'hbus->wq' : 'vmbus work queue'} empty`);
          }),
          S('work = list_first_entry(&pool->worklist, struct work_struct, entry);', (k, l) => {
            l.work = k.sc[queue].shift()!;
            if (queue === 'taskq') k.sc.taskqBusy = true;
          }),
          // The queued work's function and arguments were checked when it was queued (enqueue).
          S('process_one_work(worker, work);  /* work->func(work) */', (_k, l) => untypedCall(l.work.fn, l.work.args)),
        ]),
      ],
    });

  // The VMBus driver core's remove (drivers/hv/vmbus_drv.c @ v6.12.118): the driver's remove runs
  // only when a driver is bound, i.e. its probe succeeded.
  const vmbusRemove = fn('vmbus_remove')({
    file: 'linux/vmbus_drv.c',
    doc: ["/* vmbus_remove() - Remove a vmbus device (rescind or unbind): the bound driver's remove. */"],
    signature: ['static void', 'vmbus_remove(struct device *child_device)'],
    params: [],
    args: { child_device: (v) => `${v.instanceGuid} (${v.busName})` },
    body: [
      If('if (child_device->driver) {', (k) => !!k.sc.hbus && k.sc.hbus.state !== 'failed' && k.sc.hbus.state !== 'detached', [
        S('drv = drv_to_hv_drv(child_device->driver);'),
        If('if (drv->remove)', () => true, [S('drv->remove(dev);  /* hv_pci_remove */', () => call('hv_pci_remove'))]),
      ]),
      S('return;', () => ret()),
    ],
  });

  return [
    vmbusRemove,
    onEvent,
    worker('taskq', 'worker_thread', 'hbus->wq: the ordered workqueue "hv_pci_<domain>" (one worker).'),
    worker('mgmt', 'vmbus_device_work', "The VMBus driver core's queue: vmbus_probe -> hv_pci_probe, vmbus_remove -> hv_pci_remove."),
  ];
}
