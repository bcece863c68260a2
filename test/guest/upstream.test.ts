// Upstream links (issue 13 point 6, docs/upstream.md): every function a guest
// listing defines has a row in its guest's table — upstream, or explicitly
// ours — and the Linux facts (GPL-2.0: name, line, definition text only) are
// consistent: each definition line names its function, lines are unique per
// file, and their order within a file is the order of the definitions. The
// listing shows the link above each function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linuxProgram } from '../../emulator/vpci/guest/linux';
import { freebsdProgram } from '../../emulator/vpci/guest/freebsd';
import { upstreamRow, upstreamLink, type UpstreamRef, type UpstreamTable } from '../../emulator/vpci/guest/upstream';
import { upstreamTable, upstreamLinkFor } from '../../emulator/vpci/guest/upstream-tables';
import { LINUX_UPSTREAM } from '../../emulator/vpci/guest/linux/upstream';
import type { Program } from '../../emulator/runtime/program';
import { asMachineProgram, type GuestKernel, type GuestView } from '../../emulator/vpci/guest/kernel';

const PROGRAMS: [string, Program<GuestKernel, GuestView>][] = [
  ['linux', asMachineProgram(linuxProgram())],
  ['freebsd', asMachineProgram(freebsdProgram('freebsd'))],
  ['freebsd-2016', asMachineProgram(freebsdProgram('freebsd-2016'))],
];

// Function-driver stand-ins live in <guest>/drivers/<drv>.c and are the only rows patterns may supply.
const isStandIn = (file: string) => /\/drivers\//.test(file);

for (const [model, program] of PROGRAMS) {
  test(`${model}: every listing function has an upstream row (upstream, or explicitly ours)`, () => {
    const table = upstreamTable(model);
    assert.ok(table, `no upstream table for ${model}`);
    const missing: string[] = [];
    for (const f of program.fns.values()) {
      const row = isStandIn(f.file) ? upstreamRow(table, f.name) : table.rows[f.name];
      if (!row) missing.push(`${f.file}:${f.name}`);
      else if (!row.ref && row.ours === undefined) missing.push(`${f.name} (row says neither where nor ours)`);
      else if (isStandIn(f.file)) assert.ok(row.ours, `${f.name}: a stand-in must say it is ours`);
    }
    assert.deepEqual(missing, [], `functions without an upstream row — add them to the ${model} upstream table`);
  });

  test(`${model}: the listing names each function's upstream place above it`, () => {
    const table = upstreamTable(model)!;
    for (const f of program.fns.values()) {
      const text = program.listings.get(f.file)!.text.split('\n');
      // The header comment sits above the function's doc comment and signature.
      const above = text.slice(Math.max(0, f.line - 8), f.line - 1).join('\n');
      const link = upstreamLink(table, f.name)!;
      assert.ok(above.includes(link.label), `${f.name}: header comment with "${link.label}" missing above line ${f.line}`);
      if (link.url) assert.ok(above.includes(link.url), `${f.name}: header comment lacks ${link.url}`);
      assert.match(above, link.ours ? /\/\* ours: / : /\/\* upstream: /);
    }
  });
}

test('an unknown function or model has no upstream link; a missing row fails the coverage check', () => {
  assert.equal(upstreamLinkFor('linux', 'no_such_function'), undefined);
  assert.equal(upstreamLinkFor('no-such-guest', 'hv_pci_probe'), undefined);
  const t: UpstreamTable = { ...LINUX_UPSTREAM, rows: {}, patterns: [] };
  assert.equal(upstreamRow(t, 'hv_pci_probe'), undefined);
});

/** Every place a table cites with a line: its rows, and the rows its patterns give for the stand-in names the models use. */
function citedRefs(table: UpstreamTable): { fn: string; ref: UpstreamRef }[] {
  const refs: { fn: string; ref: UpstreamRef }[] = [];
  for (const [fn, row] of Object.entries(table.rows)) if (row.ref?.line) refs.push({ fn, ref: row.ref });
  for (const p of table.patterns ?? []) {
    for (const name of [
      'ixgbevf_attach',
      'ixgbevf_probe',
      'ixgbevf_remove',
      'mlx4_core_probe',
      'mlx5_core_remove',
      'nvme_probe',
      'i40e_remove',
      'igb_probe',
      'ixgbe_remove',
      'ixv_attach',
      'nvme_detach',
    ]) {
      const m = p.re.exec(name);
      const row = m ? p.row(m) : undefined;
      if (row?.ref?.line) refs.push({ fn: name, ref: row.ref });
    }
  }
  return refs;
}

/** The facts a table keeps are consistent: each definition line names its function and is no prototype; one line per function per file, one function per line. */
function checkFacts(model: string, table: UpstreamTable): void {
  const byPlace = new Map<string, string>();
  const perFile = new Map<string, Map<string, number>>();
  for (const { fn, ref } of citedRefs(table)) {
    const name = ref.name ?? fn;
    assert.ok(ref.line! > 0, `${model} ${fn}: no line`);
    assert.ok(ref.text, `${model} ${fn}: no definition text`);
    assert.ok(table.sha256[ref.path], `${model} ${fn}: ${ref.path} is cited at a line but its pinned hash is not recorded`);
    // The definition line holds the name followed by "(" and is not a prototype.
    assert.match(ref.text, new RegExp(`(^|[\\s*])${name.replace(/\$/g, '\\$')}\\(`), `${model} ${fn}: "${ref.text}" does not define ${name}`);
    assert.doesNotMatch(ref.text, /;\s*$/, `${model} ${fn}: "${ref.text}" is a declaration`);
    const key = `${ref.path}:${ref.line}`;
    const prev = byPlace.get(key);
    if (prev) assert.equal(prev, name, `${model}: ${key} cited for both ${prev} and ${name}`);
    byPlace.set(key, name);
    const lines = perFile.get(ref.path) ?? new Map<string, number>();
    const seen = lines.get(name);
    if (seen !== undefined) assert.equal(seen, ref.line, `${model}: ${name} cited at two lines of ${ref.path}`);
    lines.set(name, ref.line!);
    perFile.set(ref.path, lines);
  }
}

/** The functions appear in the order `order` gives (the file's own layout, read from the pinned file). */
function checkOrder(model: string, table: UpstreamTable, file: string, order: string[]): void {
  const line = (n: string) => {
    const ref = table.rows[n]?.ref;
    assert.ok(ref?.line, `${model}: ${n} has no line`);
    return ref.line;
  };
  for (let i = 1; i < order.length; i++)
    assert.ok(line(order[i - 1]!) < line(order[i]!), `${model}: ${order[i - 1]} should come before ${order[i]} in ${file}`);
}

test('Linux facts: each definition line names its function; lines unique and ordered within each file', () => {
  checkFacts('linux', LINUX_UPSTREAM);
  // Order: in pci-hyperv.c the callbacks come before the work items, which come before probe (the file's layout).
  checkOrder('linux', LINUX_UPSTREAM, 'pci-hyperv.c', [
    'wait_for_response',
    '_hv_pcifront_read_config',
    'hv_pcifront_read_config',
    'hv_int_desc_free',
    'hv_irq_unmask',
    'hv_compose_msi_msg',
    'survey_child_resources',
    'prepopulate_bars',
    'create_root_hv_pci_bus',
    'q_resource_requirements',
    'new_pcichild_device',
    'pci_devices_present_work',
    'hv_pci_start_relations_work',
    'hv_pci_devices_present',
    'hv_pci_devices_present2',
    'hv_eject_device_work',
    'hv_pci_eject_device',
    'hv_pci_onchannelcallback',
    'hv_pci_protocol_negotiation',
    'hv_pci_free_bridge_windows',
    'hv_pci_allocate_bridge_windows',
    'hv_allocate_config_window',
    'hv_free_config_window',
    'hv_pci_enter_d0',
    'hv_pci_query_relations',
    'hv_send_resources_allocated',
    'hv_send_resources_released',
    'hv_pci_probe',
    'hv_pci_bus_exit',
    'hv_pci_remove',
  ]);
});

// vmbus_pcib.c's layout, the same in 2016 and today except for the functions added since (marked).
const PCIB_ORDER = [
  'wait_for_response*',
  'hv_pci_generic_compl',
  'q_resource_requirements',
  'hv_pci_compose_compl',
  'hv_int_desc_free',
  'hv_pci_delete_device',
  'new_pcichild_device',
  'pci_rescan',
  'pci_devices_present_work',
  'hv_pci_devices_present',
  'hv_pci_devices_present2*',
  'hv_eject_device_work',
  'hv_pci_eject_device',
  'vmbus_pcib_on_channel_callback',
  'hv_pci_protocol_negotiation',
  'hv_pci_query_relations',
  'hv_pci_enter_d0',
  'hv_send_resources_allocated',
  'hv_send_resources_released',
  '_hv_pcifront_read_config',
  '_hv_pcifront_write_config',
  'vmbus_pcib_prepopulate_bars*',
  'vmbus_pcib_pre_detach',
  'vmbus_pcib_attach',
  'vmbus_pcib_detach',
  'vmbus_pcib_alloc_resource',
  'vmbus_pcib_read_config',
  'vmbus_pcib_write_config',
  'vmbus_pcib_alloc_msix',
  'vmbus_pcib_map_msi',
];

for (const model of ['freebsd', 'freebsd-2016'] as const) {
  test(`${model} facts: every vmbus_pcib.c row has its definition line, in the file's order; other files are ours`, () => {
    const table = upstreamTable(model)!;
    checkFacts(model, table);
    const pcib = 'sys/dev/hyperv/pcib/vmbus_pcib.c';
    for (const [fn, row] of Object.entries(table.rows)) {
      if (row.ours !== undefined) continue;
      assert.equal(row.ref?.path, pcib, `${model} ${fn}: an upstream row outside vmbus_pcib.c must be marked ours`);
      assert.ok(row.ref?.line && row.ref.text, `${model} ${fn}: no definition line`);
    }
    const added = model === 'freebsd-2016';
    checkOrder(
      model,
      table,
      pcib,
      PCIB_ORDER.filter((n) => !(added && n.endsWith('*'))).map((n) => n.replace('*', '')),
    );
    if (added)
      for (const n of PCIB_ORDER.filter((x) => x.endsWith('*')))
        assert.equal(table.rows[n.replace('*', '')]?.ref?.line, undefined, `${n}: not in the 2016 file`);
  });
}

test('links: Linux opens the stable tree at the line; FreeBSD the pinned freebsd-src commit; ours says what it stands for', () => {
  const probe = upstreamLinkFor('linux', 'hv_pci_probe')!;
  assert.equal(probe.ours, false);
  assert.equal(
    probe.url,
    `https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/drivers/pci/controller/pci-hyperv.c?h=v6.12.118#n${probe.line}`,
  );
  assert.equal(probe.label, `drivers/pci/controller/pci-hyperv.c:${probe.line} @ linux-stable v6.12.118`);
  const fail = upstreamLinkFor('linux', 'hv_pci_probe_fail')!;
  assert.equal(fail.ours, true);
  assert.match(
    fail.label,
    /^ours: hv_pci_probe\(\)'s error labels .*; stands for hv_pci_probe\(\) in drivers\/pci\/controller\/pci-hyperv\.c:\d+ @ linux-stable v6\.12\.118$/,
  );
  assert.equal(fail.url, probe.url);
  const stand = upstreamLinkFor('linux', 'mlx4_core_probe')!;
  assert.equal(stand.ours, true);
  assert.equal(stand.upstreamName, 'mlx4_init_one');
  assert.equal(upstreamLinkFor('linux', 'pcidev_probe')!.url, undefined);
  const attach = upstreamLinkFor('freebsd', 'vmbus_pcib_attach')!;
  assert.equal(
    attach.url,
    `https://github.com/freebsd/freebsd-src/blob/0010132dbd24b9d23a1f9c4a9961b7593438fa34/sys/dev/hyperv/pcib/vmbus_pcib.c#L${attach.line}`,
  );
  assert.equal(attach.label, `sys/dev/hyperv/pcib/vmbus_pcib.c:${attach.line} @ freebsd-src 0010132dbd24`);
  const attach2016 = upstreamLinkFor('freebsd-2016', 'vmbus_pcib_attach')!;
  assert.equal(
    attach2016.url,
    `https://github.com/freebsd/freebsd-src/blob/dd2e215ca93c9d612422bf6f4b567b1b054ee188/sys/dev/hyperv/pcib/vmbus_pcib.c#L${attach2016.line}`,
  );
  assert.notEqual(attach2016.line, attach.line, 'each FreeBSD variant cites the line in its own commit');
  assert.match(upstreamLinkFor('freebsd-2016', 'wait_for_response')!.label, /^ours: not in the 2016 vmbus_pcib\.c/);
  assert.equal(upstreamLinkFor('freebsd-2016', 'wait_for_response')!.url, undefined);
  // pci(4) is linked by file at the variant's own commit (no line: docs/upstream.md).
  assert.equal(
    upstreamLinkFor('freebsd-2016', 'pci_attach')!.url,
    'https://github.com/freebsd/freebsd-src/blob/dd2e215ca93c9d612422bf6f4b567b1b054ee188/sys/dev/pci/pci.c',
  );
  assert.match(upstreamLinkFor('freebsd', 'vmbus_pcib_attach_fail')!.label, /^ours: .*error labels.*stands for vmbus_pcib_attach\(\)/);
  assert.equal(upstreamLinkFor('freebsd', 'vmbus_pcib_attach_fail')!.url, attach.url);
  assert.match(upstreamLinkFor('freebsd', 'ixv_attach')!.label, /^ours: stand-in for ixv's attach/);
});

test('Open Upstream Source finds the link of the function holding a listing line, and none between functions', async () => {
  const { upstreamAt } = await import('../../emulator/vpci/guest/upstream');
  const p = linuxProgram();
  const f = p.fns.get('hv_pci_enter_d0')!;
  const text = p.listings.get(f.file)!.text;
  const mid = Math.floor((f.line + f.endLine) / 2);
  assert.equal(upstreamAt(text, mid)!.url, upstreamLinkFor('linux', 'hv_pci_enter_d0')!.url);
  assert.equal(upstreamAt(text, f.endLine)!.url, upstreamLinkFor('linux', 'hv_pci_enter_d0')!.url);
  assert.equal(upstreamAt(text, f.endLine + 1), undefined, 'the blank line after a function belongs to none');
  assert.equal(upstreamAt(text, 2), undefined, 'the file header belongs to no function');
  const fail = p.fns.get('hv_pci_probe_fail')!;
  assert.match(upstreamAt(text, fail.line + 2)!.label, /^ours: hv_pci_probe\(\)'s error labels/);
});
