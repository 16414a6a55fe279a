/**
 * The transfer's input for an edit the frames cache holds (frames-cache.ts), as bench:edits gave it
 * when it ran, for rescore.ts and crop-edit.ts. Hints an older cache did not record are derived
 * from the default pack's codes, as the panel derives them (engine/latent/codes.ts codeEditHints).
 */
import { readFileSync } from 'node:fs';
import { loadFrames, type CachedEntry } from './frames-cache.js';
import { hexColour } from '../../engine/latent/codes.js';
import type { LatentCode, Pack } from '../../engine/pack/pack-types.js';
import { strokePaint, type RgbaImage, type TransferInput } from '../../engine/transfer/index.js';

let codesRead: LatentCode[] | null = null;
const packCodes = (): LatentCode[] => (codesRead ??= (JSON.parse(readFileSync('models/personas64-v2/pack.json', 'utf8')) as Pack).latent.codes);

/** The edit's code (named in its kind, "code · Background · opaque": the bench's attribute names differ from the pack's). */
const ownCode = (e: CachedEntry, codes: readonly LatentCode[]): LatentCode | undefined => codes.find((c) => c.name === e.kind.split(' · ')[1]);

/** Frames saved before `reshaped` was recorded: a code edit of an attribute whose code changes shapes. */
function reshapedOf(e: CachedEntry, codes: readonly LatentCode[]): boolean {
  return e.reshaped ?? (!e.strokes && codes.some((c) => c.attribute === e.attribute && c.changes === 'shape'));
}

/** …the colours a colour code's new value names (the edit's value, and what the truth also sets: brown hair grown on a bald head). */
function coloursOf(e: CachedEntry, codes: readonly LatentCode[]): number[][] {
  if (e.colours || e.strokes) return e.colours ?? [];
  const own = ownCode(e, codes);
  const named = [...(own ? [[own, e.value] as const] : []), ...Object.entries(e.also ?? {}).map(([a, v]) => [codes.find((c) => c.attribute === a), v] as const)];
  return named.flatMap(([c, v]) => { const colour = c?.changes === 'colour' ? hexColour(v) : null; return colour ? [colour] : []; });
}

/** …whether it only set a colour code (frames saved before `colourStroke` was recorded). */
function colourStrokeOf(e: CachedEntry, codes: readonly LatentCode[]): boolean {
  if (e.colourStroke !== undefined || e.strokes) return e.colourStroke === true;
  return !reshapedOf(e, codes) && ownCode(e, codes)?.changes === 'colour';
}

/** Parts of the input to leave out, to measure what they bring. */
export interface Without { backdrops?: boolean }

/** The transfer's input for cached edit `e` on `original` (its strokes too: crop-edit.ts once drew a stroke edit without them). */
export function cachedInput(dir: string, e: CachedEntry, original: RgbaImage, without: Without = {}): TransferInput {
  const codes = packCodes(), { frames, backdrops } = loadFrames(dir, e);
  return {
    frames, original, mapping: e.mapping, ...strokePaint(e.strokes ?? [], e.mapping.resolution),
    reshaped: reshapedOf(e, codes), colours: coloursOf(e, codes), coloursBefore: e.coloursBefore ?? [], colourStroke: colourStrokeOf(e, codes),
    backdrops: without.backdrops ? null : backdrops,
  };
}
