// A scenario that names its buses and functions every way the language can, for the
// tests of rename and highlights: declared by `bus` and `offer`, a function by
// `function` and `plug`, referenced by events and expectations as `NAME`,
// `NAME/D` and `NAME/D.F`, a bus named like a keyword, and a comment and a string
// that hold a bus's name as text.
import assert from 'node:assert/strict';

// `boot` names a bus here too: the event keyword `at 0 boot` must not be renamed with it.
export const NAMED = `vm {
  host hyperv-2022
  guest linux
}
bus nic0 {
  function 0 intel-82599-vf serial 1
  function 1 intel-82599-vf serial 2
}
bus boot { function 0 intel-82599-vf serial 3 } # boot: nic0's twin
at 0 boot
at 2ms driver nic0 msix 3
at 3ms driver nic0/1 msix 3
at 4ms raise nic0 vector 0
at 5ms fault nic0 create-interrupt3 status 0xC000090B times 1
at 6ms offer nic2 { function 0 dump "missing.lspci" }
at 7ms plug nic0 function 2 intel-82599-vf serial 4
at 8ms eject nic0/1.0
expect nic0 attached
expect nic0/0.0 msix 3
expect message PCI_EJECTION_COMPLETE on nic0 count 1
expect boot attached
`;

/** The 0-based position of the `nth` `needle` in `text`, `offset` characters into it. */
export function pos(text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `'${needle}' not in text`);
  const head = text.slice(0, i + offset);
  return { line: head.split('\n').length - 1, character: head.length - head.lastIndexOf('\n') - 1 };
}
