// Bytes a C program wrote as text and back (emulator/format.ts textOfBytes, textBytes): UTF-8 where it
// is valid, each other byte as itself. Checked against a decoder that asks TextDecoder about every
// character (what textOfBytes did, one call a character: 40 s and 900 MB for 17 MiB of stray bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawByteChar, textBytes, textOfBytes } from '../../emulator/format';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The reference: the longest sequence a lead byte announces, kept when TextDecoder takes it whole. */
function reference(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    let ch: string | undefined;
    try {
      if (n && i + n <= b.length) ch = strict.decode(b.subarray(i, i + n));
    } catch {
      // not a whole character
    }
    s += ch ?? rawByteChar(c);
    i += ch === undefined ? 1 : n;
  }
  return s;
}

test('textOfBytes reads every lead byte with every second byte, cut or whole, as TextDecoder does; textBytes gives the bytes back', () => {
  // Each lead byte, each second byte, then two more bytes of each kind (continuation or not), in
  // text that is not all UTF-8 (a stray 0xff first), and at the end of the input (cut short).
  for (let lead = 0; lead < 256; lead++)
    for (let second = 0; second < 256; second++)
      for (const rest of [[], [0x80], [0xbf, 0x80], [0x41, 0x80], [0x80, 0xc0]]) {
        const b = Uint8Array.of(0xff, lead, second, ...rest);
        const want = reference(b);
        assert.equal(textOfBytes(b), want, Array.from(b, (x) => x.toString(16)).join(' '));
        assert.deepEqual(textBytes(want), b);
      }
  // Characters of every length beside raw bytes, and a text that is all UTF-8 (decoded at once).
  const mixed = new Uint8Array([...new TextEncoder().encode('aé€😀'), 0x80, 0xe2, 0x82, ...new TextEncoder().encode('😀z'), 0xf0]);
  assert.equal(textOfBytes(mixed), `aé€😀${rawByteChar(0x80)}${rawByteChar(0xe2)}${rawByteChar(0x82)}😀z${rawByteChar(0xf0)}`);
  assert.deepEqual(textBytes(textOfBytes(mixed)), mixed);
  assert.equal(textOfBytes(new TextEncoder().encode('plain é')), 'plain é');
  assert.deepEqual(textBytes('plain é'), new TextEncoder().encode('plain é'));
});
