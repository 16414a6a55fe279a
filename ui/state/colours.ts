/**
 * Brush colours: RGB triples to paint with, #rrggbb strings in the recent list (what the
 * colour input speaks).
 */
import { MAX_RECENT_COLOURS, type PanelStroke, type Rgb } from './panel-state';

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Recent colours seeded from restored strokes: their colours, the last stroke's first, then those already there; no repeats, at most MAX_RECENT_COLOURS. */
export function withRestoredColours(recent: string[], strokes: PanelStroke[]): string[] {
  const painted = strokes.flatMap((s) => (s.kind === 'color' ? [toHex(s.color)] : [])).reverse();
  return [...new Set([...painted, ...recent])].slice(0, MAX_RECENT_COLOURS);
}
