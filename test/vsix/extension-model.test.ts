// The extension's VS Code-free parts: topology rows from a `vpci/topology`
// answer, which function a command targets, the hex dump and the webview page
// (CSP with a nonce, no remote resources, theme colours only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenOf, functionTarget, type TopologyNode } from '../../extension/topology-model';
import { fieldLine, sequenceHtml } from '../../extension/sequence-webview';
import { type TopologyResponse } from '../../adapter/protocol';
import { sizeText, hex, hexDump, bytesOfHex } from '../../emulator/format';

const topo: TopologyResponse = {
  time: 5_007_100,
  buses: [
    {
      name: 'nic0',
      index: 0,
      instance: '7b3e…',
      state: 'attached',
      channel: 'open',
      version: '1.1',
      functions: [
        {
          wslot: 0,
          slot: '00:00.0',
          title: 'Intel 82599 VF',
          vendorId: 0x8086,
          deviceId: 0x10ed,
          vanished: false,
          memoryReference: 'cfg/nic1/0',
          bars: [
            { index: 0, kind: 'mem64', size: 16384, address: 0xfe000000, decoding: true, prefetchable: false },
            { index: 3, kind: 'mem64', size: 16384, address: 0, decoding: false, prefetchable: false },
            {
              index: 2,
              kind: 'mem64',
              size: 16384,
              address: 0xffffc000,
              decoding: false,
              prefetchable: false,
              state: 'sizing',
              readback: 0xffffc00c,
              sizingHalf: 'low',
            },
            {
              index: 4,
              kind: 'mem64',
              size: 16384,
              address: 0xffffffff00000000,
              decoding: false,
              prefetchable: false,
              state: 'sizing',
              readback: 0xffffffff,
              sizingHalf: 'high',
            },
            { index: 5, kind: 'mem32', size: 4096, address: 0, decoding: false, prefetchable: false, state: 'unassigned' },
            { index: 6, kind: 'rom', size: 65536, address: 0xfff00000, decoding: false, prefetchable: false, state: 'assigned' },
          ],
          interrupts: [{ index: 0, address: 0xfee00000, data: 0x4021, masked: false, cpu: 1, vector: 33 }],
        },
      ],
    },
  ],
};

test('topology rows: bus → function → BARs and interrupts', () => {
  const buses = childrenOf(topo);
  assert.equal(buses.length, 1);
  assert.equal(buses[0]!.kind, 'bus');
  const fns = childrenOf(topo, buses[0]);
  assert.equal(fns.length, 1);
  const groups = childrenOf(topo, fns[0]) as Extract<TopologyNode, { kind: 'group' }>[];
  assert.deepEqual(
    groups.map((g) => g.group),
    ['bars', 'interrupts'],
  );
  const bars = childrenOf(topo, groups[0]) as Extract<TopologyNode, { kind: 'leaf' }>[];
  assert.deepEqual(
    bars.map((b) => [b.label, b.description]),
    [
      // As lspci -v names each region (lspci.c show_bases, show_rom).
      ['BAR0', 'Memory at fe000000 (64-bit, non-prefetchable) [size=16K]'],
      ['BAR3', 'Memory at <unassigned> (64-bit, non-prefetchable) [disabled] [size=16K]'],
      // While a driver sizes a BAR its registers read back the size mask: not an address.
      ['BAR2', 'Memory (64-bit, non-prefetchable), sizing (reads back mask 0xffffc00c) [disabled] [size=16K]'],
      ['BAR4', 'Memory (64-bit, non-prefetchable), sizing (upper half reads back mask 0xffffffff) [disabled] [size=16K]'],
      ['BAR5', 'Memory at <unassigned> (32-bit, non-prefetchable) [disabled] [size=4K]'],
      ['ROM', 'Expansion ROM at fff00000 [disabled] [size=64K]'],
    ],
  );
  const irq = childrenOf(topo, groups[1]) as Extract<TopologyNode, { kind: 'leaf' }>[];
  assert.equal(irq[0]!.description, 'addr 0xfee00000 data 0x4021 cpu 1 vec 33');
  assert.deepEqual(childrenOf(undefined), []);
  assert.deepEqual(childrenOf(topo, bars[0]), []);
});

test('a command targets the function of a tree row or of a Variables entry', () => {
  const fn = childrenOf(topo, childrenOf(topo)[0])[0];
  assert.deepEqual(functionTarget(fn), { bus: 'nic0', wslot: 0 });
  assert.deepEqual(functionTarget({ container: {}, variable: { name: 'BAR0', evaluateName: 'nic0.BAR0' } }), { bus: 'nic0', wslot: 0 });
  assert.deepEqual(functionTarget({ variable: { name: 'BAR0', evaluateName: 'nvme-0/01.2.BAR0' } }), { bus: 'nvme-0', wslot: 0x41 });
  assert.deepEqual(functionTarget({ variable: { name: 'version', evaluateName: 'nic1' } }), { bus: 'nic1', wslot: 0 });
  // The adapter names device 16 function 1 nic0/16.1, as a scenario does (it was read as lspci's hex: device 22).
  assert.deepEqual(functionTarget({ variable: { name: 'BAR0', evaluateName: 'nic0/16.1.BAR0' } }), { bus: 'nic0', wslot: 16 | (1 << 5) });
  assert.equal(functionTarget({ variable: { name: 'BAR0' } }), undefined);
  // The MSI-X table and its entries name the function as msix()'s argument.
  assert.deepEqual(functionTarget({ variable: { name: 'MSI-X table', evaluateName: 'msix(nic0)' } }), { bus: 'nic0', wslot: 0 });
  assert.deepEqual(functionTarget({ variable: { name: '[1]', evaluateName: 'msix("nvme-0/01.2")[1]' } }), { bus: 'nvme-0', wslot: 0x41 });
  assert.equal(functionTarget({ variable: { name: 'x', evaluateName: 'msix(1)' } }), undefined);
  assert.equal(functionTarget(undefined), undefined);
  // A row without an evaluateName: its memory reference, or its container's (a row, or the Device scope).
  assert.deepEqual(functionTarget({ container: { name: 'Device nvme-0/01.2: Samsung', variablesReference: 3 }, variable: { name: 'Identity' } }), {
    bus: 'nvme-0',
    wslot: 0x41,
  });
  assert.deepEqual(functionTarget({ container: { name: 'Config space', memoryReference: 'cfg/nic1/65' }, variable: { name: '0x010' } }), {
    bus: 'nic1',
    wslot: 65,
  });
  assert.deepEqual(functionTarget({ container: { name: 'BARs', evaluateName: 'nic0.bars' }, variable: { name: 'x' } }), { bus: 'nic0', wslot: 0 });
  assert.equal(functionTarget({ container: { name: 'Interrupts' }, variable: { name: 'x' } }), undefined);
  assert.equal(functionTarget('nic0'), undefined);
});

test('sizes and hex print as lspci does', () => {
  assert.equal(sizeText(16384), '16K');
  assert.equal(sizeText(0x100000), '1M');
  assert.equal(sizeText(0x1800), '6K');
  assert.equal(sizeText(100), '100');
  assert.equal(sizeText(100, true), '100 B');
  assert.equal(hex(0x10ed, 4), '0x10ed');
  assert.equal(hex(0xfe000000n), '0xfe000000');
});

test('hex dump: offset, 16 bytes, ASCII; tolerant of separators and odd input', () => {
  const d = hexDump(bytesOfHex('01 00 42 00 41 42 43 44 00 00 00 00 00 00 00 00 ff'), { ascii: true });
  assert.equal(d, '0000:  01 00 42 00 41 42 43 44 00 00 00 00 00 00 00 00  ..B.ABCD........\n0010:  ff                                               .');
  assert.equal(hexDump(bytesOfHex('')), '');
  assert.equal(hexDump(bytesOfHex('zz')), '');
});

test('the sequence page: nonce-only scripts, no remote resources, theme colours', () => {
  const html = sequenceHtml('vscode-webview://abc', 'N0nce');
  assert.match(html, /script-src 'nonce-N0nce'/);
  assert.match(html, /default-src 'none'/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.match(html, /<script nonce="N0nce">/);
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /#[0-9a-f]{6}\b/i, 'colours come from --vscode-* variables');
  assert.match(html, /var\(--vscode-errorForeground\)/);
  // the page script is valid JavaScript once serialised
  const body = /<script nonce="N0nce">([\s\S]*)<\/script>/.exec(html)![1]!;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiles the page script (never runs it) to prove it parses
  assert.doesNotThrow(() => new Function(body));
});

test('the page script is typed, not through any, and every webview nonce comes from a crypto source', () => {
  const src = readFileSync('extension/sequence-webview.ts', 'utf8');
  const code = src.split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l));
  assert.deepEqual(
    code.filter((l) => /(:\s*any\b|\bas any\b|<any>|\bany\[\])/.test(l)),
    [],
  );
  assert.ok(src.includes('function sequencePage('), 'the page script is in this file');
  const sites: string[] = [];
  const sources = readdirSync('extension')
    .filter((x) => x.endsWith('.ts'))
    .map((x) => readFileSync(join('extension', x), 'utf8'));
  for (const f of readdirSync('extension')
    .filter((x) => x.endsWith('.ts'))
    .map((x) => join('extension', x))) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /Math\.random/, `${f}: Math.random is no source for a nonce`);
    for (const m of text.matchAll(/webview\.html = sequenceHtml\([^,]+,\s*([^,)]+(?:\([^)]*\))?[^,)]*)/g)) {
      const arg = m[1]!.trim();
      // an identifier: the expression it was assigned
      let value = /^\w+$/.test(arg) ? (new RegExp(`const ${arg} = (.+);`).exec(text)?.[1] ?? arg) : arg;
      // a call of a helper: its body, wherever in extension/ it is defined
      const helper = /^(\w+)\(\)?$/.exec(value)?.[1];
      if (helper) value = sources.map((t) => new RegExp(`function ${helper}\\(\\)[^{]*\\{([^}]*)\\}`).exec(t)?.[1]).find((b) => b !== undefined) ?? value;
      assert.match(value, /\b(randomBytes|getRandomValues|randomUUID)\(/, `${f}: nonce ${arg} = ${value}`);
      sites.push(f);
    }
  }
  assert.ok(sites.length >= 2, `webview pages found in ${sites.join(', ')}`);
});

test('decoded packet fields print as offset, name, size and text', () => {
  assert.equal(
    fieldLine({ name: 'protocol_version', offset: 4, size: 4, value: 65537, text: '0x00010001 (1.1)' }),
    '+0x04  protocol_version (4) = 0x00010001 (1.1)',
  );
  assert.equal(fieldLine({ name: 'reserved', value: 0 }), 'reserved = 0');
  assert.equal(fieldLine('type = 0x42490001'), 'type = 0x42490001');
  assert.equal(fieldLine({ x: 1 }), '{"x":1}');
  assert.equal(fieldLine(null), 'null');
});
