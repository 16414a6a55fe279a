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

/** One asset being received: its chunks go into the decompressor as they arrive (gunzip overlaps the streaming). */
interface Inflow {
  chunks: number;
  gzipBytes: number;
  writer: WritableStreamDefaultWriter<BufferSource>;
  output: Promise<ArrayBuffer>;
}

function startInflow(): Pick<Inflow, 'writer' | 'output'> {
  const gunzip = new DecompressionStream('gzip');
  const output = new Response(gunzip.readable).arrayBuffer();
  output.catch(() => undefined); // a corrupt stream is reported by the last chunk's await
  return { writer: gunzip.writable.getWriter(), output };
}

export class AssetReceiver {
  private readonly inflows = new Map<string, Inflow>();
  private readonly infos = new Map<string, AssetInfo>();
  private readonly dropped = new Set<string>();
  readonly done = new Map<string, Uint8Array>();

  constructor(assets: ReadonlyArray<AssetInfo>) {
    for (const a of assets) this.infos.set(a.name, a);
  }

  get expected(): number {
    return this.infos.size;
  }

  /** What was announced, in streaming order. */
  get assets(): AssetInfo[] {
    return [...this.infos.values()];
  }

  /** Stops receiving `name` (not needed here): what came of it is let go, what comes is ignored. */
  drop(name: string): void {
    if (!this.infos.has(name)) return;
    this.dropped.add(name);
    this.done.delete(name);
    this.inflows.get(name)?.writer.abort().catch(() => undefined);
    this.inflows.delete(name);
  }

  /** Adds a chunk; resolves to the asset's bytes when it was the last one, else null (always, once dropped). */
  async addAsync(name: string, index: number, data: string): Promise<Uint8Array | null> {
    if (this.dropped.has(name)) return null;
    const info = this.infos.get(name);
    if (!info || this.done.has(name)) throw new Error(`asset ${name} was not announced`);
    let inflow = this.inflows.get(name);
    const received = inflow?.chunks ?? 0;
    if (index !== received) throw new Error(`asset ${name}: chunk ${index} arrived, expected ${received}`);
    if (!inflow) {
      inflow = { chunks: 0, gzipBytes: 0, ...startInflow() };
      this.inflows.set(name, inflow);
    }
    const part = base64ToBytes(data);
    inflow.chunks++;
    inflow.gzipBytes += part.length;
    // Not awaited: the decompressor takes the chunk while the next one streams in.
    inflow.writer.write(part as BufferSource).catch(() => undefined);
    if (inflow.chunks < info.chunks) return null;
    this.inflows.delete(name);
    if (inflow.gzipBytes !== info.gzipBytes) {
      inflow.writer.abort().catch(() => undefined);
      throw new Error(`asset ${name}: ${inflow.gzipBytes} compressed bytes, expected ${info.gzipBytes}`);
    }
    let bytes: Uint8Array;
    try {
      await inflow.writer.close();
      bytes = new Uint8Array(await inflow.output);
    } catch (error) {
      if (this.dropped.has(name)) return null; // dropped while it was decompressed
      throw error;
    }
    if (this.dropped.has(name)) return null;
    if (bytes.length !== info.bytes) throw new Error(`asset ${name}: ${bytes.length} bytes, expected ${info.bytes}`);
    this.done.set(name, bytes);
    return bytes;
  }
}
