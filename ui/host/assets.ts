/**
 * Reassembles the binaries streamed from code.js: base64 chunks → gzip bytes → the
 * original bytes (DecompressionStream, which also checks gzip's CRC), held in memory.
 */
import type { AssetInfo } from '../../protocol/messages';

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export async function gunzipAsync(gz: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([gz as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class AssetReceiver {
  private readonly parts = new Map<string, Uint8Array[]>();
  private readonly infos = new Map<string, AssetInfo>();
  readonly done = new Map<string, Uint8Array>();

  constructor(assets: ReadonlyArray<AssetInfo>) {
    for (const a of assets) {
      this.infos.set(a.name, a);
      this.parts.set(a.name, []);
    }
  }

  get expected(): number {
    return this.infos.size;
  }

  /** Adds a chunk; resolves to the asset's bytes when it was the last one, else null. */
  async addAsync(name: string, index: number, data: string): Promise<Uint8Array | null> {
    const info = this.infos.get(name);
    const parts = this.parts.get(name);
    if (!info || !parts) throw new Error(`asset ${name} was not announced`);
    if (index !== parts.length) throw new Error(`asset ${name}: chunk ${index} arrived, expected ${parts.length}`);
    parts.push(base64ToBytes(data));
    if (parts.length < info.chunks) return null;
    const gz = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      gz.set(p, offset);
      offset += p.length;
    }
    this.parts.delete(name);
    if (gz.length !== info.gzipBytes) throw new Error(`asset ${name}: ${gz.length} compressed bytes, expected ${info.gzipBytes}`);
    const bytes = await gunzipAsync(gz);
    if (bytes.length !== info.bytes) throw new Error(`asset ${name}: ${bytes.length} bytes, expected ${info.bytes}`);
    this.done.set(name, bytes);
    return bytes;
  }
}
