// What a driver frame shows (emulator/vpci/guest/frame.ts): the listing's
// declarations and the Locals view are one definition, and every parameter of
// a bridge-driver function reads as what it stands for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGuestModel } from '../../emulator/vpci/guest/registry';
import { frameEntries } from '../../emulator/vpci/guest/frame';
import { DECLARATION, declaredNames } from '../../emulator/runtime/c-decl';
import type { GuestView } from '../../emulator/vpci/guest/kernel';

const MODELS = ['freebsd', 'freebsd-2016', 'linux'] as const;
const BRIDGE = new Set(['freebsd/vmbus_pcib.c', 'linux/pci-hyperv.c']);

function view(model: (typeof MODELS)[number]): GuestView {
  const m = loadGuestModel(model);
  return { sc: m.newSoftc(), busName: 'bus0', instanceGuid: '11111111-2222-3333-4444-555555555555', revoked: false, device: (w) => `bus0/${w}: test device` };
}

test('every parameter of every bridge-driver function has a reading (none shows <not modelled>)', () => {
  for (const model of MODELS) {
    const p = loadGuestModel(model).program;
    const missing: string[] = [];
    for (const f of p.fns.values()) {
      if (!BRIDGE.has(f.file)) continue;
      for (const a of f.args) if (!a.value && !a.out && !f.params.includes(a.name)) missing.push(`${f.name}(${a.name})`);
    }
    assert.deepEqual(missing, [], model);
  }
});

test('the declaration lines of a listing are exactly the declared locals the frame shows, in order', () => {
  for (const model of MODELS) {
    const p = loadGuestModel(model).program;
    for (const f of p.fns.values()) {
      const lines = p.listings.get(f.file)!.text.split('\n');
      // Every declaration in the function's listing (top-of-body lines and initialised declarations that are steps).
      const decls: string[] = [];
      for (let i = lines.indexOf('{', f.line - 1) + 1; i < f.endLine; i++) {
        const t = lines[i]!.trim();
        if (DECLARATION.test(t)) decls.push(t);
      }
      assert.deepEqual(
        f.locals.map((d) => d.name),
        [...new Set(decls.flatMap(declaredNames))],
        `${model} ${f.name}`,
      );
      // At the function's first line (empty frame) each declared name is listed, after the parameters.
      const e = frameEntries(f, {}, view(model));
      assert.deepEqual(
        e.filter((x) => x.role === 'local').map((x) => x.name),
        f.locals.map((d) => d.name).filter((n) => !f.args.some((a) => a.name === n)),
      );
      for (const x of e.filter((y) => y.role === 'local')) {
        const init = f.locals.find((d) => d.name === x.name)!.init;
        assert.ok(
          // eslint-disable-next-line @typescript-eslint/unbound-method -- only asks whether the declaration has a reader
          x.state === 'unset' || init !== undefined || f.locals.find((d) => d.name === x.name)!.value,
          `${model} ${f.name} ${x.name} shows a value before the code sets it`,
        );
      }
    }
  }
});

test('a declared local shows its constant initializer from the first line, then the value the code gives it', () => {
  const p = loadGuestModel('freebsd').program;
  const f = p.fns.get('vmbus_pcib_attach')!;
  const v = view('freebsd');
  const at = (locals: Record<string, unknown>) =>
    Object.fromEntries(frameEntries(f, locals, v).map((e) => [e.name, e.state === 'value' ? e.value : `<${e.state}>`]));
  assert.deepEqual(at({}), {
    dev: 'bus0: Hyper-V PCI Express Pass Through (vmbus_pcib, 11111111-2222-3333-4444-555555555555)',
    pci_ring_size: 16384,
    hbus: '<unset>',
    rid: 0,
    ret: '<unset>',
  });
  assert.equal(at({ ret: 92 }).ret, 92);
});
