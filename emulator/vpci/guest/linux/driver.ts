// Function-driver stand-ins for Linux: what ixgbevf, mlx4_core, nvme… do with
// the device that matters to vPCI — pci_enable_device, pci_set_master,
// pci_alloc_irq_vectors (MSI-X or MSI), request_irq per vector (which maps it
// through hv_compose_msi_msg and retargets it in hv_irq_unmask), and undo it
// all in remove. One copy per driver name so stack frames read ixgbevf_probe…
// `<drv>_attach` is the driver core's entry (really_probe -> pci_device_probe
// -> local_pci_probe), named so the machine can start it for every model.
import { S, T, If, For, ret } from '../../../runtime/program';
import { pciDev } from './state';
import { call, callDriver, driverFn, type D } from './protos';

export function driverFunctions(drv: string): D[] {
  const file = `linux/drivers/${drv}.c`;
  const attach = driverFn(`${drv}_attach` as const)<{ rc: number }>({
    file,
    doc: ['/* The driver core binding this driver: really_probe() -> pci_device_probe() -> local_pci_probe(). */'],
    signature: ['static int', `${drv}_attach(struct pci_dev *pci_dev)  /* local_pci_probe */`],
    params: ['wslot'],
    body: [
      S(`rc = pci_drv->probe(pci_dev, ddi->id);  /* ${drv}_probe */`, (k, l) => {
        // The driver core holds the device lock while the driver probes (torvalds/linux
        // drivers/base/dd.c __driver_attach / __device_attach): a removal waits (pci.ts,
        // pci_stop_and_remove_bus_device). Here from the first statement of the binding, wherever
        // it was started (a driver event, or pci_bus_add_device).
        const p = pciDev(k, l.wslot);
        if (p) p.probing = true;
        return callDriver(`${drv}_probe`, { wslot: l.wslot }, 'rc');
      }),
      If('if (rc) {', (_k, l) => l.rc !== 0, [
        S(`pci_warn(pci_dev, "probe with driver ${drv} failed with error %d\\n", rc);`, (k, l) =>
          k.log(`${drv} ${l.wslot}: probe with driver ${drv} failed with error ${l.rc}`),
        ),
      ]),
      S('return rc;', (k, l) => {
        // The probe is over: the driver core drops the device lock (a removal waiting for it goes on).
        const p = pciDev(k, l.wslot);
        if (p) p.probing = false;
        k.wake(`device_lock:${l.wslot}`);
        return ret(l.rc);
      }),
    ],
  });

  const probe = driverFn(`${drv}_probe` as const)<{ mode: 'msix' | 'msi' | 'none'; want: number; err: number; nvec: number; i: number }>({
    file,
    doc: [`/* Stand-in for ${drv}'s probe: the steps that touch PCI and vPCI. */`],
    signature: ['static int', `${drv}_probe(struct pci_dev *pdev, const struct pci_device_id *ent)`],
    params: ['wslot'],
    body: [
      S('err = pci_enable_device(pdev);', (k, l) => {
        const req = k.driverRequest(l.wslot) ?? { mode: 'none', vectors: 0 };
        l.mode = req.mode;
        l.want = req.vectors;
        return call('pci_enable_device', { wslot: l.wslot }, 'err');
      }),
      If('if (err) {', (_k, l) => l.err !== 0, [S('return err;', (_k, l) => ret(l.err))]),
      S('pci_set_master(pdev);', (_k, l) => call('pci_set_master', { wslot: l.wslot })),
      If('if (use MSI-X) {', (_k, l) => l.mode === 'msix', [
        S('nvec = pci_alloc_irq_vectors(pdev, 1, want, PCI_IRQ_MSIX);', (_k, l) =>
          call('pci_alloc_irq_vectors', { wslot: l.wslot, max: l.want, kind: 'msix' }, 'nvec'),
        ),
        If('if (nvec < 0) {', (_k, l) => l.nvec < 0, [
          S('dev_err(&pdev->dev, "Unable to allocate MSI-X interrupts\\n"); return nvec;', (k, l) => {
            k.log(`${drv} ${l.wslot}: Unable to allocate MSI-X interrupts`);
            return ret(l.nvec);
          }),
        ]),
      ]),
      If('if (use MSI) {', (_k, l) => l.mode === 'msi', [
        S('nvec = pci_alloc_irq_vectors(pdev, 1, want, PCI_IRQ_MSI);', (_k, l) =>
          call('pci_alloc_irq_vectors', { wslot: l.wslot, max: l.want, kind: 'msi' }, 'nvec'),
        ),
        If('if (nvec < 0) {', (_k, l) => l.nvec < 0, [
          S('dev_err(&pdev->dev, "Unable to allocate MSI interrupts\\n"); return nvec;', (k, l) => {
            k.log(`${drv} ${l.wslot}: Unable to allocate MSI interrupts`);
            return ret(l.nvec);
          }),
        ]),
      ]),
      If('if (vectors allocated) {', (_k, l) => l.mode !== 'none', [
        For(
          'for (i = 0; i < nvec; i++) {',
          (_k, l) => {
            l.i = 0;
          },
          (_k, l) => l.i < l.nvec,
          (_k, l) => {
            l.i++;
          },
          [
            S(`err = request_irq(pci_irq_vector(pdev, i), ${drv}_msix_clean_rings, 0, q_vector->name, q_vector);`, (_k, l) =>
              call('request_irq', { wslot: l.wslot, index: l.i }, 'err'),
            ),
            If('if (err) {', (_k, l) => l.err !== 0, [
              S('dev_err(&pdev->dev, "request_irq failed, Error: %d\\n", err); return err;', (k, l) => {
                k.log(`${drv} ${l.wslot}: request_irq failed, Error: ${l.err}`);
                return ret(l.err);
              }),
            ]),
          ],
        ),
      ]),
      T(),
      S('dev_info(&pdev->dev, "attached\\n");', (k, l) => {
        const p = pciDev(k, l.wslot);
        if (p) p.attached = true;
        k.log(`${drv} ${l.wslot}: attached${l.mode === 'none' ? '' : `, ${l.mode} vectors ${l.nvec}`}`);
      }),
      S('return 0;', () => ret(0)),
    ],
  });

  const remove = driverFn(`${drv}_remove` as const)<{ i: number; n: number }>({
    file,
    signature: ['static void', `${drv}_remove(struct pci_dev *pdev)`],
    params: ['wslot'],
    body: [
      For(
        'for (i = 0; i < nvec; i++) {',
        (k, l) => {
          l.i = 0;
          l.n = pciDev(k, l.wslot)?.irqs.length ?? 0;
        },
        (_k, l) => l.i < l.n,
        (_k, l) => {
          l.i++;
        },
        [S('free_irq(pci_irq_vector(pdev, i), q_vector);', (_k, l) => call('free_irq', { wslot: l.wslot, index: l.i }))],
      ),
      If('if (nvec) {', (_k, l) => l.n > 0, [S('pci_free_irq_vectors(pdev);', (_k, l) => call('pci_free_irq_vectors', { wslot: l.wslot }))]),
      S('pci_disable_device(pdev);', (_k, l) => call('pci_disable_device', { wslot: l.wslot })),
      S('dev_info(&pdev->dev, "removed\\n");', (k, l) => {
        const p = pciDev(k, l.wslot);
        if (p) p.attached = false;
        k.log(`${drv} ${l.wslot}: removed`);
      }),
      S('return;', () => ret()),
    ],
  });
  return [attach, probe, remove];
}
