// One object per capability (emulator/pci/caps/): its name is the one lspci prints, its
// registers carry the write masks the function's config space is built from, its summary is
// never empty, and its lspci lines are lspci's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLspciText } from '../../emulator/pci/lspci-import';
import { capabilityDef, lspciLines } from '../../emulator/pci/caps/index';
import { walkCapabilities, capabilityMasks } from '../../emulator/pci/capabilities';
import { createFunction, catalogIds } from '../../emulator/pci/catalog';
import { decodeLspci } from '../../emulator/pci/lspci-decode';
import { lspciRun } from '../../emulator/pci/lspci/index';
import { loadPciIds } from '../../emulator/pci/pci-ids';
import { Rng, generateSpace, idsCatalog } from './gen/config-gen';

const DIR = 'data/devices';
const dumps = readdirSync(DIR)
  .filter((f) => f.endsWith('.lspci'))
  .map((f) => {
    const r = importLspciText(readFileSync(join(DIR, f), 'latin1'));
    assert.ok(r.ok);
    return { name: f, bytes: r.devices[0]!.bytes };
  });

test('every capability in the dumps and the catalog: lspci name, a summary, and the lines lspci prints for it', () => {
  const spaces = [
    ...dumps,
    ...catalogIds().map((id) => {
      const f = createFunction(id);
      return { name: id, bytes: Uint8Array.from({ length: 4096 }, (_, i) => f.cfgRead(i, 1)) };
    }),
  ];
  let n = 0;
  for (const d of spaces) {
    const whole = decodeLspci(d.bytes, { address: '00:00.0', verbose: 3 });
    for (const e of walkCapabilities(d.bytes).capabilities) {
      const def = capabilityDef(e.id, e.extended);
      const lines = lspciLines(d.bytes, e.offset, e.extended);
      assert.ok(lines[0]!.includes(`] ${def.name}`) || lines[0]!.includes(`] ${def.name.split(' (')[0]}`), `${d.name} ${lines[0]} names ${def.name}`);
      assert.ok(whole.includes(lines.join('\n') + '\n'), `${d.name}: the capability's lines are lspci's`);
      assert.ok(def.summary(d.bytes, e.offset).trim().length > 0, `${d.name} ${def.name}: summary`);
      n++;
    }
  }
  assert.ok(n > 40, `${n} capabilities seen`);
});

test("a capability's lspci lines (the Variables view's) are those lspci prints for it within its function: the bases its header type lays out, its number, names and BAR sizes", () => {
  const idsText = readFileSync('data/pci.ids', 'utf8');
  const ids = loadPciIds(idsText);
  const cat = idsCatalog(idsText);
  const r = new Rng(0x0ca95);
  /** The block of `lines` in `text`, whole: what follows is not one of its detail lines. */
  const whole = (text: string, lines: string[]) => {
    const at = text.indexOf(lines.join('\n') + '\n');
    return at >= 0 && !text.startsWith('\t\t', at + lines.join('\n').length + 1);
  };
  let n = 0;
  for (let i = 0; i < 200; i++) {
    const g = generateSpace(r, cat);
    const [dev, func] = r.chance(0.5) ? [0, 0] : [r.int(32), r.int(8)];
    const bars = r.chance(0.3) ? [{ index: 0, size: 0x4000 }] : undefined;
    const run = lspciRun(g.bytes, { address: `00:${dev.toString(16).padStart(2, '0')}.${func}`, ids, verbose: 3, ...(bars ? { bars } : {}) });
    for (const e of walkCapabilities(g.bytes).capabilities) {
      const lines = lspciLines(g.bytes, e.offset, e.extended, { dev, func, ids, ...(bars ? { bars } : {}) });
      if (!run.text.split('\n').includes(lines[0]!)) continue; // a capability lspci does not reach
      assert.ok(whole(run.text, lines), `${g.note}: [${e.offset.toString(16)}]:\n${lines.join('\n')}`);
      n++;
    }
  }
  assert.ok(n > 500, `${n} capabilities compared`);
  // A bridge: its bus numbers and windows are no BARs to lspci (show_htype1 reads two), so an
  // Express capability there has no AtomicOpsCap line for a memory BAR it does not have.
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x12348086, true);
  dv.setUint32(4, 0x00100000, true);
  dv.setUint32(8, 0x06040000, true);
  b[0x0e] = 1;
  dv.setUint32(0x18, 0x00020100, true); // primary 0, secondary 1, subordinate 2
  b[0x34] = 0x40;
  dv.setUint32(0x40, 0x00720010, true); // PCI Express v2, PCI Express to PCI/PCI-X bridge
  const lines = lspciLines(b, 0x40, false);
  assert.ok(!lines.some((l) => l.includes('AtomicOpsCap')), lines.join('\n'));
  assert.ok(whole(lspciRun(b, { address: '00:00.0', verbose: 3 }).text, lines));
});

test('the write masks come from the capability objects and are those of the hardware', () => {
  const fn = createFunction('intel-82599-vf');
  const b = Uint8Array.from({ length: 4096 }, (_, i) => fn.cfgRead(i, 1));
  const masks = Object.fromEntries(walkCapabilities(b).capabilities.map((e) => [capabilityDef(e.id, e.extended).key, capabilityMasks(b, e)]));
  // MSI-X: Function Mask and Enable (PCI_MSIX_FLAGS_MASKALL | _ENABLE).
  assert.deepEqual(masks.msix, [{ offset: 0x72, size: 2, wmask: 0xc000 }]);
  // AER: status registers RW1C, masks and severity RW, each in the bits that name an error
  // (PCI_ERR_UNC_* 0, 4, 5, 12–31; PCI_ERR_COR_* 0, 6–8, 12–15; the rest reserved), ECRC enables
  // in the capability register.
  assert.deepEqual(
    masks.err!.map((m) => [m.offset - 0x100, m.wmask, m.w1cmask ?? 0]),
    [
      [4, 0, 0xfffff031],
      [8, 0xfffff031, 0],
      [0xc, 0xfffff031, 0],
      [0x10, 0, 0xf1c1],
      [0x14, 0xf1c1, 0],
      [0x18, 0x140, 0],
    ],
  );
  // and the function's config space holds exactly them
  assert.equal(fn.config.wmask[0x73], 0xc0);
  assert.equal(fn.config.w1cmask[0x104], 0x31);
  // Express: Device Control RW, the four error-detected bits RW1C, Link Control without its reserved bit.
  assert.deepEqual(
    masks.exp!.slice(0, 3).map((m) => [m.offset - 0xa0, m.wmask, m.w1cmask ?? 0]),
    [
      [8, 0xffff, 0],
      [0xa, 0, 0xf],
      [0x10, 0x0ffb, 0],
    ],
  );
  assert.equal(capabilityDef(0x15, true).name, 'Physical Resizable BAR');
  assert.equal(capabilityDef(0x2a, true).name, 'Extended Capability ID 0x2a');
  assert.equal(capabilityDef(0x01, false).key, 'pm');
});
