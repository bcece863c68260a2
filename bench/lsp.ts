// Language server: re-diagnosis of a 2,000-line scenario after a one-character
// edit (issue 5: under 50 ms). Measures the server's pure core, analyze()
// (lex + parse + check + LSP conversion + name index), on alternating texts so
// nothing can be cached; the floor is lexing the same text alone.
import { figure } from './harness';
import { analyze } from '../language/analyze';
import { tokenize } from '../emulator/scenario/lexer';

/** A valid scenario of exactly `lines` lines: buses, a timeline and expectations. */
export function bigScenario(lines = 2000): string {
  const out: string[] = ['# bench: a large scenario', 'vm {', '  host hyperv-2022', '  guest linux', '  cpus 8', '}'];
  const devices = ['intel-82599-vf', 'mellanox-cx3-vf', 'samsung-pm174x-nvme'];
  const buses = 150;
  for (let b = 0; b < buses; b++) out.push(`bus nic${b} {`, `  function 0 ${devices[b % devices.length]} serial ${b + 1}`, '}');
  out.push('at 0 boot');
  let t = 1;
  let b = 0;
  while (out.length < lines - 1) {
    const bus = `nic${b % buses}`;
    switch (b % 3) {
      case 0:
        out.push(`at ${t}us driver ${bus} msix 2`);
        break;
      case 1:
        out.push(`at ${t}us raise ${bus} vector 1`);
        break;
      default:
        out.push(`expect ${bus} attached`);
    }
    b++;
    t++;
  }
  out.push('expect no errors');
  return out.join('\n') + '\n';
}

const text = bigScenario(2000);
// Two texts one character apart (a digit in the middle of the file changes).
const mid = text.indexOf('vector 1', text.length >> 1);
const edited = text.slice(0, mid + 7) + '0' + text.slice(mid + 8);
const texts = [text, edited];

figure({
  name: 'LSP re-diagnose 2,000-line scenario after a 1-char edit',
  floorName: 'tokenize the same text',
  unit: 'analyses',
  kind: 'latency',
  run: (n) => {
    let k = 0;
    for (let i = 0; i < n; i++) k += analyze(texts[i & 1]!, 'file:///bench/big.vpci').diagnostics.length;
    if (k < 0) throw new Error('unreachable');
    return n;
  },
  floor: (n) => {
    let k = 0;
    for (let i = 0; i < n; i++) k += tokenize(texts[i & 1]!).length;
    if (k < 0) throw new Error('unreachable');
    return n;
  },
  budget: { text: 'under 50 ms per re-diagnosis (issue 5)', ok: (r) => r.nsPerUnit < 50e6 },
});
