// Seeded dumps of several devices with PCI-to-PCI and CardBus bridges, for `lspci -t` / `-P`
// against real lspci: mostly consistent trees (each bridge's secondary..subordinate holds the
// buses behind it), with some bus numbers garbled (a wrong primary, a subordinate below the
// secondary, a secondary out of range), non-bridge classes with a bridge header, functions on
// buses no bridge leads to, several domains, and the devices written in any order.
import { Rng } from './config-gen';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

interface Made {
  domain: number;
  bus: number;
  dev: number;
  func: number;
  bytes: Uint8Array;
}

/** The dump's text (lspci -xxx style: 64 bytes per device). */
export function treeDumpText(r: Rng): string {
  const devs: Made[] = [];
  const make = (domain: number, bus: number, dev: number, func: number, kind: 'bridge' | 'cardbus' | 'odd' | 'ep'): Uint8Array => {
    const b = new Uint8Array(64);
    const vendor = r.pick([0x8086, 0x10de, 0x15b3, 0x1234, 0x144d]);
    b[0] = vendor & 0xff;
    b[1] = vendor >> 8;
    b[2] = r.int(256);
    b[3] = r.int(256);
    if (kind === 'bridge') [b[0x0a], b[0x0b], b[0x0e]] = [0x04, 0x06, r.chance(0.25) ? 0x81 : 0x01];
    else if (kind === 'cardbus') [b[0x0a], b[0x0b], b[0x0e]] = [0x07, 0x06, 0x02];
    // A bridge header on a function whose class is not a bridge's: lspci does not take it as one.
    else if (kind === 'odd') [b[0x0a], b[0x0b], b[0x0e]] = [0x00, 0x02, 0x01];
    else [b[0x0a], b[0x0b]] = [r.pick([0x00, 0x08]), r.pick([0x02, 0x01, 0x03, 0x0c])];
    devs.push({ domain, bus, dev, func, bytes: b });
    return b;
  };
  const domains = r.chance(0.3) ? [0, 1 + r.int(3)] : [0];
  for (const domain of domains) {
    let next = 1;
    const grow = (bus: number, depth: number): void => {
      const used = new Set<number>();
      const n = 1 + r.int(4);
      for (let i = 0; i < n; i++) {
        let dev = r.int(32);
        while (used.has(dev)) dev = r.int(32);
        used.add(dev);
        const fns = r.chance(0.75) ? 1 : 2 + r.int(3);
        for (let func = 0; func < fns; func++) {
          const roll = r.int(10);
          if (depth < 3 && roll < 3 && next < 250) {
            const secondary = next++;
            const b = make(domain, bus, dev, func, r.chance(0.85) ? 'bridge' : 'cardbus');
            b[0x18] = r.chance(0.9) ? bus : r.int(256);
            b[0x19] = secondary;
            grow(secondary, depth + 1);
            b[0x1a] = r.chance(0.85) ? next - 1 : r.int(256);
            if (r.chance(0.1)) b[0x19] = r.int(256);
          } else if (roll === 3 && r.chance(0.3)) {
            const b = make(domain, bus, dev, func, 'odd');
            [b[0x18], b[0x19], b[0x1a]] = [bus, r.int(256), r.int(256)];
          } else make(domain, bus, dev, func, 'ep');
        }
      }
    };
    grow(0, 0);
    if (r.chance(0.3)) make(domain, 0x40 + r.int(100), r.int(32), 0, 'ep');
  }
  // Any order in the file: lspci sorts them.
  for (let i = devs.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [devs[i], devs[j]] = [devs[j]!, devs[i]!];
  }
  return devs
    .map((d) => {
      const lines = [`${d.domain ? `${d.domain.toString(16).padStart(4, '0')}:` : ''}${hex2(d.bus)}:${hex2(d.dev)}.${d.func} title`];
      for (let o = 0; o < 64; o += 16) lines.push(`${hex2(o)}: ${Array.from(d.bytes.subarray(o, o + 16), hex2).join(' ')}`);
      return lines.join('\n') + '\n';
    })
    .join('\n');
}
