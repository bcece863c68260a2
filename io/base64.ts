// Base64 (RFC 4648 §4) for DAP's readMemory/writeMemory `data` and the web language server's file reads, with the
// platform's atob/btoa, so the adapter needs no Node Buffer (VS Code for the
// Web runs it in a browser worker). The caller checks the alphabet first.

export function bytesToBase64(bytes: ArrayLike<number>): string {
  let bin = '';
  // in slices: String.fromCharCode takes its bytes as arguments, and argument lists are bounded
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...(Array.prototype.slice.call(bytes, i, i + 0x8000) as number[]));
  return btoa(bin);
}

export function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
