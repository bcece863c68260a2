// A small, fixed context for scenario tests: independent of the catalog and
// profiles as they evolve.
import type { ScenarioContext } from '../../emulator/scenario/context';
import { checkLspciText } from '../../emulator/scenario/dump-check';

// IDs 8086:10ed at 0 (a dump of zero IDs is the dump-no-device warning), zeros after.
export const GOOD_DUMP = [
  '01:00.0 Ethernet controller: test',
  ...Array.from({ length: 4 }, (_, r) => `${(r * 16).toString(16).padStart(2, '0')}: ${r ? '00 00 00 00' : '86 80 ed 10'} ${Array(12).fill('00').join(' ')}`),
].join('\n');

export function fakeContext(files: Record<string, string> = {}): ScenarioContext {
  return {
    readFile: (p) => files[p],
    devices: [
      { id: 'intel-82599-vf', title: 'Intel 82599 VF', detail: '' },
      { id: 'mellanox-cx3-vf', title: 'ConnectX-3 VF', detail: '' },
      { id: 'samsung-pm174x-nvme', title: 'PM174x', detail: '' },
    ],
    hostProfiles: [
      { name: 'hyperv-2016', title: '', versions: [0x10001] },
      { name: 'openvmm', title: '', versions: [0x10002, 0x10003, 0x10004] },
    ],
    guestModels: [
      { name: 'freebsd', title: '', versions: [0x10004, 0x10001] },
      { name: 'freebsd-2016', title: '', versions: [0x10001] },
    ],
    quirks: [{ name: 'short-packet-drop', models: ['freebsd', 'freebsd-2016'], summary: '' }],
    messages: [
      { name: 'PCI_EJECTION_COMPLETE', value: 0x4249000f, aliases: ['ejection-complete'] },
      { name: 'PCI_CREATE_INTERRUPT_MESSAGE', value: 0x42490014, aliases: ['create-interrupt'] },
      { name: 'PCI_CREATE_INTERRUPT_MESSAGE2', value: 0x42490017, aliases: ['create-interrupt2'] },
    ],
    statuses: [{ name: 'STATUS_BAD_DATA', value: 0xc000090b }],
    checkDump: checkLspciText,
  };
}
