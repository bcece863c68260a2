// The valid scenario the scenario and LSP fuzzers mutate: every construct of the
// language once (vm options, a dump, every event kind, faults, expectations).
export function seedScenario(dump: string): string {
  return `# fuzz seed
vm {
  host hyperv-2016
  guest freebsd
  cpus 4
  mmio low 0xF8000000 size 104M
  quirk short-packet-drop off
}
bus nic0 {
  instance 3c2d7b4a-0001-4f00-8000-000000000001
  function 0 intel-82599-vf serial 1 numa 0
}
bus gpu0 { function 0 dump "${dump}" select 01:00.0 bar 0 16M rom 512K }
at 0      boot
at 2ms    driver nic0 msix 3
at 3ms    raise nic0/0.0 vector 0
at 5ms    eject nic0
at 6ms    offer nvme0 { function 0 samsung-pm174x-nvme }
at 7ms    fault nic0 create-interrupt status STATUS_BAD_DATA times 1
at 8ms    rescind nvme0
expect nic0 ejected before 65s
expect nic0 version 1.1
expect nic0 vector 0 delivered cpu 1
expect message PCI_EJECTION_COMPLETE on nic0 count 1 before 1s
expect no message resources-released
expect no errors
`;
}
