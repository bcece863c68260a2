// What pci(4) writes when a FreeBSD driver sets up MSI-X or MSI behind vmbus_pcib, checked access by access against
// freebsd-src sys/dev/pci/pci.c (pci_alloc_msix_method, pci_mask_msix, pci_unmask_msix, pci_setup_intr; the tree
// at 0010132dbd24 for `freebsd`, dd2e215ca93c for `freebsd-2016`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, accesses, capAt } from './freebsd-run';

const CREATE_INTERRUPT3 = 0x4249001b;
const PCIR_COMMAND = 0x04;
const PCIM_CMD_INTxDIS = 0x0400;

const msixScenario = 'bus nic0 { function 0 intel-82599-vf serial 1 }\nat 0 boot\nat 2ms driver nic0 msix 1\n';

test('freebsd: pci_alloc_msix masks every entry of the table, writing each back, then writes the cached control word with Enable', () => {
  const m = run({ host: 'hyperv-2022' }, msixScenario);
  const cap = capAt(m, 0x11);
  const ctrlAtBoot = m.buses[0]!.functions.get(0)!.cfgRead(cap + 2, 2) & ~0x8000;
  const size = (ctrlAtBoot & 0x7ff) + 1;
  assert.equal(size, 3, 'the 82599 VF has 3 MSI-X entries; the driver asks for 1');
  const acc = accesses(m).map((x) => x.s);
  const first = acc.indexOf('bar3 r c 1');
  assert.ok(first > 0, acc.join('\n'));
  // Entries 0..2 (vector control at 16 * i + 12): read, then the write pci_mask_msix always does at 0010132dbd24;
  // then Message Control as pci_read_cap cached it, with MSI-X Enable, no read of the register first.
  assert.deepEqual(acc.slice(first, first + 8), [
    'bar3 r c 1',
    'bar3 w c 1',
    'bar3 r 1c 1',
    'bar3 w 1c 1',
    'bar3 r 2c 1',
    'bar3 w 2c 1',
    `cfg w ${(cap + 2).toString(16)} ${(ctrlAtBoot | 0x8000).toString(16)}`,
    `pkt ${CREATE_INTERRUPT3.toString(16)}`,
  ]);
});

test('freebsd-2016: pci_mask_msix writes an entry only when its mask bit is clear, and masks every entry of the table', () => {
  const m = run({ host: 'hyperv-2016', guest: 'freebsd-2016' }, msixScenario);
  const acc = accesses(m).map((x) => x.s);
  const first = acc.indexOf('bar3 r c 1');
  assert.ok(first > 0, acc.join('\n'));
  assert.deepEqual(acc.slice(first, first + 3), ['bar3 r c 1', 'bar3 r 1c 1', 'bar3 r 2c 1']);
});

for (const [what, guest, host, body] of [
  ['MSI-X', 'freebsd', 'hyperv-2022', msixScenario],
  ['MSI-X', 'freebsd-2016', 'hyperv-2016', msixScenario],
  ['MSI', 'freebsd', 'hyperv-2022', 'bus gpu0 { function 0 nvidia-tu102 }\nat 0 boot\nat 2ms driver gpu0 msi 1\n'],
] as const) {
  test(`${guest}: pci_setup_intr for ${what} ends by setting Interrupt Disable in the Command register (read, then write)`, () => {
    const m = run({ host, guest }, body);
    const f = m.buses[0]!.functions.get(0)!;
    assert.equal(f.cfgRead(PCIR_COMMAND, 2) & PCIM_CMD_INTxDIS, PCIM_CMD_INTxDIS, 'the device ends with DisINTx+');
    const acc = accesses(m);
    const create = acc.findIndex((x) => ['pkt 42490014', 'pkt 42490017', 'pkt 4249001b'].includes(x.s));
    assert.ok(create > 0);
    const after = acc.slice(create + 1).filter((x) => x.s.startsWith('cfg '));
    // The first config accesses after the mapping: for MSI the capability's address and data, then Enable; then
    // pci_set_command_bit's read and write of the Command register.
    const cmd = after.findIndex((x) => x.s.startsWith('cfg r 4 '));
    assert.ok(cmd >= 0, after.map((x) => x.s).join('\n'));
    const before = after[cmd]!.e.c >>> 0;
    assert.equal(after[cmd + 1]!.s, `cfg w 4 ${(before | PCIM_CMD_INTxDIS).toString(16)}`);
    assert.ok(
      after.slice(0, cmd).every((x) => !x.s.startsWith('cfg w 4 ')),
      'nothing else writes Command between the mapping and the set',
    );
  });
}
