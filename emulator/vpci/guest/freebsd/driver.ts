// Function-driver stand-ins: what ixv(4), mlx4(4), nvme(4)… do with the device
// that matters to vPCI — enable bus mastering, activate their BARs (which turns
// on memory decoding and makes the host map the BARs), allocate MSI-X (or MSI)
// vectors, have each one mapped through the bridge (CREATE_INTERRUPT) and
// programmed into the device, and undo it all on detach. One copy per driver
// name, so stack frames read `ixv_attach`, `mlx4_attach`… as on a real system.
import { S, T, If, For, ret } from '../../../runtime/program';
import { pciChild } from './pci';
import { call, driverFn, type D } from './protos';
import type { K } from './softc';

/** What pci_alloc_msi[x] hands a driver: an error, and the IRQs it got. */
interface MsiAlloc {
  error: number;
  irqs: number[];
}

/** The driver's attach returns: newbus leaves DS_ATTACHING (softc.ts, attaching), whatever the result. */
function attachDone(k: K, wslot: number, rc: number): ReturnType<typeof ret> {
  const c = pciChild(k, wslot);
  if (c) c.attaching = false;
  return ret(rc);
}

export function driverFunctions(drv: string): D[] {
  const file = `freebsd/drivers/${drv}.c`;
  const attach = driverFn(`${drv}_attach` as const)<{
    s: number;
    f: number;
    mode: 'msix' | 'msi' | 'none';
    want: number;
    bars: number[];
    bi: number;
    res: number | null;
    count: number;
    msix: MsiAlloc;
    msi: MsiAlloc;
    i: number;
    err: number;
  }>({
    file,
    doc: [`/* Stand-in for the ${drv} driver's attach routine: the steps that touch PCI and vPCI. */`],
    signature: ['static int', `${drv}_attach(device_t dev)`],
    params: ['wslot'],
    body: [
      S('pci_enable_busmaster(dev);', (k, l) => {
        const c = pciChild(k, l.wslot)!;
        // newbus marks the device DS_ATTACHING until DEVICE_ATTACH returns (softc.ts, attaching).
        c.attaching = true;
        l.s = c.slot;
        l.f = c.func;
        const req = k.driverRequest(l.wslot) ?? { mode: 'none', vectors: 0 };
        l.mode = req.mode;
        l.want = req.vectors;
        l.bars = c.bars.filter((b) => b.type === 'mem').map((b) => b.bar);
        return call('pci_enable_busmaster', { s: l.s, f: l.f });
      }),
      For(
        'for (each memory BAR) {',
        (_k, l) => {
          l.bi = 0;
        },
        (_k, l) => l.bi < l.bars.length,
        (_k, l) => {
          l.bi++;
        },
        [
          S('rid = PCIR_BAR(i); sc->mem[i] = bus_alloc_resource_any(dev, SYS_RES_MEMORY, &rid, RF_ACTIVE);', (_k, l) =>
            call('pci_alloc_resource', { wslot: l.wslot, bar: l.bars[l.bi]! }, 'res'),
          ),
          If('if (sc->mem[i] == NULL)', (_k, l) => l.res === null, [
            S('device_printf(dev, "Unable to allocate bus resource: memory\\n"); return (ENXIO);', (k, l) => {
              k.log(`${drv}: Unable to allocate bus resource: memory`);
              return attachDone(k, l.wslot, 6);
            }),
          ]),
        ],
      ),
      If('if (use MSI-X) {', (_k, l) => l.mode === 'msix', [
        S('msgs = pci_msix_count(dev); want = min(msgs, requested);', (_k, l) => {
          l.count = l.want;
        }),
        S('error = pci_alloc_msix(dev, &want);', (_k, l) => call('pci_alloc_msix', { wslot: l.wslot, count: l.count }, 'msix')),
        If('if (error) {', (_k, l) => l.msix.error !== 0, [
          S('device_printf(dev, "MSI-X allocation failed\\n"); return (ENXIO);', (k, l) => {
            k.log(`${drv}: MSI-X allocation failed`);
            return attachDone(k, l.wslot, 6);
          }),
        ]),
        For(
          'for (i = 0; i < want; i++) {',
          (_k, l) => {
            l.i = 0;
          },
          (_k, l) => l.i < l.msix.irqs.length,
          (_k, l) => {
            l.i++;
          },
          [
            S('rid = i + 1; res = bus_alloc_resource_any(dev, SYS_RES_IRQ, &rid, RF_SHAREABLE | RF_ACTIVE);'),
            S(`error = bus_setup_intr(dev, res, INTR_TYPE_NET | INTR_MPSAFE, NULL, ${drv}_msix_que, que, &que->tag);`, (_k, l) =>
              call('pci_setup_intr', { wslot: l.wslot, index: l.i }, 'err'),
            ),
            If('if (error) {', (_k, l) => l.err !== 0, [
              S('device_printf(dev, "Failed to register QUE handler"); return (error);', (k, l) => {
                k.log(`${drv}: Failed to register QUE handler (error ${l.err})`);
                return attachDone(k, l.wslot, l.err);
              }),
            ]),
          ],
        ),
      ]),
      If('if (use MSI) {', (_k, l) => l.mode === 'msi', [
        S('want = requested; error = pci_alloc_msi(dev, &want);', (_k, l) => call('pci_alloc_msi', { wslot: l.wslot, count: l.want }, 'msi')),
        If('if (error) {', (_k, l) => l.msi.error !== 0, [
          S('device_printf(dev, "MSI allocation failed\\n"); return (ENXIO);', (k, l) => {
            k.log(`${drv}: MSI allocation failed`);
            return attachDone(k, l.wslot, 6);
          }),
        ]),
        S(`error = bus_setup_intr(dev, res, INTR_TYPE_MISC | INTR_MPSAFE, NULL, ${drv}_intr, sc, &sc->tag);`, (_k, l) =>
          call('pci_setup_intr_msi', { wslot: l.wslot }, 'err'),
        ),
        If('if (error)', (_k, l) => l.err !== 0, [S('return (error);', (k, l) => attachDone(k, l.wslot, l.err))]),
      ]),
      T(),
      S('device_printf(dev, "attached\\n");', (k, l) => {
        const c = pciChild(k, l.wslot);
        if (c) c.attached = true;
        k.log(`${drv}${l.wslot}: attached${l.mode === 'none' ? '' : `, ${l.mode} vectors ${l.mode === 'msix' ? l.msix.irqs.length : l.msi.irqs.length}`}`);
      }),
      S('return (0);', (k, l) => attachDone(k, l.wslot, 0)),
    ],
  });

  const detach = driverFn(`${drv}_detach` as const)<{ vecs: number[]; i: number }>({
    file,
    signature: ['static int', `${drv}_detach(device_t dev)`],
    params: ['wslot'],
    body: [
      For(
        'for (each vector with a handler) {',
        (k, l) => {
          // The handlers the attach set up: one per mapped MSI-X vector, one for an MSI block (pci_setup_intr_msi).
          const c = pciChild(k, l.wslot);
          const mapped = (c?.irqs ?? []).filter((x) => x.mapped).map((x) => x.index);
          l.vecs = c?.msix_enabled ? mapped : mapped.slice(0, 1);
          l.i = 0;
        },
        (_k, l) => l.i < l.vecs.length,
        (_k, l) => {
          l.i++;
        },
        [S('bus_teardown_intr(dev, res, tag);', (_k, l) => call('pci_teardown_intr', { wslot: l.wslot, index: l.vecs[l.i]! }))],
      ),
      S('pci_release_msi(dev);', (_k, l) => call('pci_release_msi', { wslot: l.wslot })),
      S('bus_release_resource(dev, SYS_RES_MEMORY, rid, sc->mem[i]);  /* for each BAR */', (k, l) => {
        const c = pciChild(k, l.wslot);
        if (c) {
          for (const b of c.bars) b.active = false;
          c.attached = false;
        }
        k.log(`${drv}${l.wslot}: detached`);
      }),
      S('return (0);', () => ret(0)),
    ],
  });
  return [attach, detach];
}
