// FreeBSD's q_resource_requirements and hv_pci_compose_compl read their fields with no size check
// (freebsd-src sys/dev/hyperv/pcib/vmbus_pcib.c at 0010132dbd24 and dd2e215ca93c): from a completion cut short
// they read on into the reused receive buffer sc->rx_buf. The model reads those bytes as 0 and says so in the
// transcript; a completion of full size says nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../../emulator/vpci/protocol';
import { run, logged, completions } from './freebsd-run';

const NIC = 'bus nic0 { function 0 intel-82599-vf serial 1 }\n';

for (const guest of ['freebsd', 'freebsd-2016'] as const) {
  test(`${guest}: a CREATE_INTERRUPT completion cut to 8 bytes is read past its end, and the transcript says so`, () => {
    const body = `${NIC}at 0 fault nic0 create-interrupt truncate 8 times 1\nat 0 boot\nat 2ms driver nic0 msix 1\n`;
    const m = run({ host: 'hyperv-2016', guest }, body);
    const [c] = completions(m, MSG.PCI_CREATE_INTERRUPT_MESSAGE);
    assert.equal((c!.blob as Uint8Array).length, 24, 'descriptor and the 8 bytes left');
    const note = logged(m, /hv_pci_compose_compl read int_desc past the end of the 24-byte completion/);
    assert.ok(note, 'the note names the function, the field and the size');
    assert.match(String(note.blob), /sc->rx_buf/);
    assert.equal(logged(run({ host: 'hyperv-2016', guest }, `${NIC}at 0 boot\nat 2ms driver nic0 msix 1\n`), /past the end/), undefined);
  });

  test(`${guest}: a QUERY_RESOURCE_REQUIREMENTS completion cut to its status is read past its end, and the transcript says so`, () => {
    const m = run({ host: 'hyperv-2016', guest }, `${NIC}at 0 fault nic0 query-resource-requirements truncate 4 times 1\nat 0 boot\n`);
    assert.ok(logged(m, /q_resource_requirements read probed_bar\[\] past the end of the 24-byte completion/));
  });
}
