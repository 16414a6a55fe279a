/**
 * The worker's side of the preview (issue 17): the layer decoded and scaled down to the preview's
 * size (kept per source), and the transfer's estimation per set of frames (kept per key, the last
 * few), so that a scrubbed frame or the same candidate again only renders the preview's pixels.
 */
import { areaDownscale, fitWithin, prepareTransferAsync, renderTransferAsync, strokePaint, type PreparedTransfer, type RgbaImage, type TransferOptions } from '../../engine/transfer';
import type { PanelRequest, Rgba } from './protocol';
import { backdropFrames, rgbaToPlanar } from './planar';

type PreviewRequest = Extract<PanelRequest, { type: 'preview' }>;

/** Estimations kept: the candidates a designer goes back and forth between. */
const KEPT = 4;

export interface PreviewCacheDeps {
  decodeAsync(bytes: Uint8Array, mime: string): Promise<Rgba>;
  /** The helpers' parallel estimation, where there are helpers (asked at each estimation: they may start later). */
  estimateSteps?: () => TransferOptions['estimateStepsAsync'] | undefined;
}

export class PreviewCache {
  private source: { key: string; original: RgbaImage; scaled: Map<number, RgbaImage> } | null = null;
  private readonly prepared = new Map<string, PreparedTransfer>();
  /** The layer this worker last decoded for the panel, until its first preview takes it (or another is decoded). */
  private decoded: { bytes: Uint8Array; image: Rgba } | null = null;

  constructor(private readonly deps: PreviewCacheDeps) {}

  /**
   * The panel had the selected layer decoded here already (to show and project it): its first
   * preview starts from these pixels instead of decoding the same bytes again. `image` is kept as is.
   */
  rememberDecoded(bytes: Uint8Array, image: Rgba): void {
    this.decoded = { bytes, image };
  }

  private async decodeSourceAsync(bytes: Uint8Array, mime: string): Promise<Rgba> {
    const known = this.decoded;
    this.decoded = null;
    if (known && sameBytes(known.bytes, bytes)) return known.image;
    return this.deps.decodeAsync(bytes, mime);
  }

  async renderAsync(req: PreviewRequest, signal: AbortSignal): Promise<Rgba> {
    let prepared = this.prepared.get(req.key);
    const p = req.prepare;
    if (p && (!this.source || this.source.key !== req.sourceKey)) {
      this.source = { key: req.sourceKey, original: await this.decodeSourceAsync(p.bytes, p.mime), scaled: new Map() };
    }
    const source = this.source;
    if (!source || source.key !== req.sourceKey) throw new Error(`preview: the layer ${req.sourceKey} was not sent`);
    if (!prepared) {
      if (!p) throw new Error(`preview: nothing estimated under ${req.key} (send the frames)`);
      const R = p.mapping.resolution;
      if (!Number.isInteger(p.frames) || p.frames < 2 || p.images?.length !== p.frames * R * R * 4) {
        throw new Error(`preview: expected ${p.frames} frames of ${R}×${R} RGBA, got ${p.images?.length} bytes`);
      }
      const frames = Array.from({ length: p.frames }, (_, k) => rgbaToPlanar(p.images.subarray(k * R * R * 4, (k + 1) * R * R * 4), R, p.pixelRange));
      const parallel = this.deps.estimateSteps?.();
      prepared = await prepareTransferAsync({ frames, original: source.original, mapping: p.mapping, ...strokePaint(p.strokes, R), reshaped: p.reshaped === true, colours: p.colours ?? [], coloursBefore: p.coloursBefore ?? [], colourStroke: p.colourStroke === true, backdrops: backdropFrames(p.backdrops, R, p.pixelRange) }, {
        pixelRange: p.pixelRange, signal, ...(parallel ? { estimateStepsAsync: parallel } : {}),
      });
      this.prepared.set(req.key, prepared);
      if (this.prepared.size > KEPT) this.prepared.delete(this.prepared.keys().next().value!);
    }
    if (!(Number.isInteger(req.frame) && req.frame >= 1 && req.frame <= prepared.K)) throw new RangeError(`preview: frame must be 1…${prepared.K}, got ${req.frame}`);
    const size = fitWithin(source.original.width, source.original.height, req.maxSide);
    let scaled = source.scaled.get(req.maxSide);
    if (!scaled) {
      scaled = areaDownscale(source.original, size.width, size.height);
      source.scaled.set(req.maxSide, scaled);
    }
    const [image] = await renderTransferAsync(prepared, source.original, [req.frame], { outputSize: size, scaled, signal });
    return { width: image!.width, height: image!.height, data: image!.data as Uint8ClampedArray };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
