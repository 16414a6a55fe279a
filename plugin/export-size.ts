/** Export settings for a layer that has no image fill: PNG, at most 4096 px a side. */
import { LIMITS } from '../protocol/limits';
import type { ExportSettingsImage } from './host';

/** Exports at `preferredScale` (2: crisp edges for vectors and text) unless that exceeds the limit. */
export function exportSettingsFor(width: number, height: number, preferredScale = 2, maxSide: number = LIMITS.maxImageSide): ExportSettingsImage {
  if (!(width > 0 && height > 0)) throw new RangeError(`layer size must be positive, got ${width}×${height}`);
  const scale = Math.min(preferredScale, maxSide / Math.max(width, height));
  return { format: 'PNG', constraint: { type: 'SCALE', value: scale } };
}

/** The pixel size Figma produces for a SCALE export (rounded, at least 1 px). */
export function exportedSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
