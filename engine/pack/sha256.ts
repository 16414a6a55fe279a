/** SHA-256 of `bytes` as lowercase hex, by Web Crypto (Node ≥ 20 and workers have `crypto.subtle`). */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const view = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', view));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
