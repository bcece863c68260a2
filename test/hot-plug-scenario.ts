// The long reproductions the history tests and `npm run bench` share: after boot, `cycles` buses
// are offered one after the other, each driven with MSI-X, interrupted once and rescinded
// (FreeBSD on WS2022; a new bus every 5 ms of virtual time); and one bus's interrupts raised
// `count` times, every 3 µs (raisesText).

/** The scenario's text (ending in a newline). */
export function hotPlugText(cycles: number): string {
  const lines = [
    'vm {',
    '  host hyperv-2022',
    '  guest freebsd',
    '  cpus 2',
    '}',
    'bus nic0 { function 0 intel-82599-vf serial 1 }',
    'at 0 boot',
    'at 1ms driver nic0 msix 3',
  ];
  for (let i = 0; i < cycles; i++) {
    const t = 5 + 5 * i;
    lines.push(
      `at ${t}ms offer hp${i} { function 0 intel-82599-vf serial ${100 + i} }`,
      `at ${t + 1}ms driver hp${i} msix 3`,
      `at ${t + 2}ms raise hp${i} vector 0`,
      `at ${t + 3}ms rescind hp${i}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** One ConnectX-3 VF on WS2016 (FreeBSD, 3 MSI-X vectors) whose vectors are raised `count` times in turn, every 3 µs from 3 ms: a long run of small steps. */
export function raisesText(count: number): string {
  return (
    [
      'vm {',
      '  host hyperv-2016',
      '  guest freebsd',
      '  cpus 4',
      '}',
      'bus nic0 { function 0 mellanox-cx3-vf serial 1 }',
      'at 0 boot',
      'at 2ms driver nic0 msix 3',
      ...Array.from({ length: count }, (_, i) => `at ${3000 + 3 * i}us raise nic0 vector ${i % 3}`),
    ].join('\n') + '\n'
  );
}
