// Writes dist/pci.ids.index.json, the index the debug adapter reads data/pci.ids by, in pieces
// (adapter/pci-ids-file.ts). Run by esbuild.config.mjs at every build, so the index describes the
// data/pci.ids the bundles ship with; the adapter still checks it against the file before use.
import { readFileSync, writeFileSync } from 'node:fs';
import { PCI_IDS_INDEX, pciIdsIndexOf } from '../adapter/pci-ids-file';

writeFileSync(`dist/${PCI_IDS_INDEX}`, JSON.stringify(pciIdsIndexOf(readFileSync('data/pci.ids'))));
