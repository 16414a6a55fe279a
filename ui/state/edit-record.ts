/**
 * What the panel stores in a result's edit record (`constraints` is ours) and how it reads
 * it back on relaunch. Plain JSON, far below setPluginData's 100 kB: a warp's grabbed
 * patch is not stored (the engine grabs it again from the restored result).
 */
import type { EditRecord } from '../../protocol/edit-record';
import type { FrameMapping } from '../../engine/image/frame';
import type { ApplyVariant, PanelStroke } from './panel-state';

export interface PanelConstraints {
  kind: 'manifold-panel';
  v: 1;
  strokes: PanelStroke[];
  codes: Record<string, number>;
  /** How the source sat in the frame when it was projected. */
  mapping: FrameMapping;
  variant: ApplyVariant;
  /** Which frame of the sequence this layer is (sequence results), else the last. */
  frame?: number;
  frames?: number;
}

const round = (v: number) => Math.round(v * 100) / 100;

/** A stroke as JSON: coordinates to 0.01 frame px, no grabbed patch. */
export function strokeToJson(s: PanelStroke): PanelStroke {
  switch (s.kind) {
    case 'warp':
      return { kind: 'warp', from: [round(s.from[0]), round(s.from[1])], to: [round(s.to[0]), round(s.to[1])], radius: round(s.radius) };
    case 'color':
      return { kind: 'color', points: s.points.map(([x, y]) => [round(x), round(y)]), width: round(s.width), color: [...s.color] };
    default:
      return { kind: s.kind, points: s.points.map(([x, y]) => [round(x), round(y)]), width: round(s.width) };
  }
}

export interface RecordInput {
  packId: string;
  latent: Float32Array;
  latent0: Float32Array;
  strokes: PanelStroke[];
  codes: Record<string, number>;
  mapping: FrameMapping;
  variant: ApplyVariant;
  source: EditRecord['source'];
  frame?: number;
  frames?: number;
  now?: number;
}

export function makeEditRecord(input: RecordInput): EditRecord {
  const constraints: PanelConstraints = {
    kind: 'manifold-panel', v: 1, strokes: input.strokes.map(strokeToJson), codes: { ...input.codes }, mapping: { ...input.mapping }, variant: input.variant,
    ...(input.frame !== undefined ? { frame: input.frame, frames: input.frames } : {}),
  };
  return {
    v: 1, packId: input.packId, latent: Array.from(input.latent, (v) => Math.fround(v)), latent0: Array.from(input.latent0, (v) => Math.fround(v)),
    constraints, source: { ...input.source }, createdAt: input.now ?? Date.now(),
  };
}

function isPoint(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The strokes of a record, dropping anything malformed (a record may come from an older panel). */
export function readConstraints(record: EditRecord): { strokes: PanelStroke[]; codes: Record<string, number> } {
  const c = record.constraints as Partial<PanelConstraints> | null;
  if (!c || typeof c !== 'object' || c.kind !== 'manifold-panel') return { strokes: [], codes: {} };
  const strokes: PanelStroke[] = [];
  for (const s of Array.isArray(c.strokes) ? c.strokes : []) {
    if (!s || typeof s !== 'object') continue;
    if (s.kind === 'warp' && isPoint(s.from) && isPoint(s.to) && s.radius > 0) strokes.push({ kind: 'warp', from: s.from, to: s.to, radius: s.radius });
    else if ((s.kind === 'color' || s.kind === 'sketch' || s.kind === 'eraser') && Array.isArray(s.points) && s.points.length > 0 && s.points.every(isPoint) && s.width > 0) {
      if (s.kind === 'color') {
        if (Array.isArray(s.color) && s.color.length === 3 && s.color.every((v) => v >= 0 && v <= 255)) strokes.push({ kind: 'color', points: s.points, width: s.width, color: s.color });
      } else strokes.push({ kind: s.kind, points: s.points, width: s.width });
    }
  }
  const codes: Record<string, number> = {};
  if (c.codes && typeof c.codes === 'object') for (const [k, v] of Object.entries(c.codes)) if (typeof v === 'number' && Number.isFinite(v)) codes[k] = v;
  return { strokes, codes };
}
