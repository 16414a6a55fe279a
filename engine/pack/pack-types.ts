/** Types of a model pack's `pack.json` (docs/pack-format.md). Validated by `validatePack`. */

export type Dim = number | 'B';

export interface TensorSpec {
  dtype: 'float32';
  shape: Dim[];
}

export interface GraphSpec {
  file: string;
  sha256: string;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
}

export interface NoiseSpec {
  offset: number;
  size: number;
  range: [number, number];
}

export interface CategoricalCode {
  name: string;
  kind: 'categorical';
  offset: number;
  size: number;
  /** Display labels, one per category, shown to designers ("Short combover"). */
  labels: string[];
  /** The raw attribute values of the categories, in the same order ("shortComboverChops"); optional. */
  values?: string[];
  /** The attribute the code controls ("hair"); optional. */
  attribute?: string;
  /**
   * Categories of another categorical code under which this one is not drawn (hair colour on a bald
   * head or under a cap); optional. While hidden, the code's value says nothing about the image (a
   * projection leaves it arbitrary), so the panel shows it as not in use.
   */
  hiddenBy?: { code: string; categories: number[] };
  /** The category this code takes when a change of `hiddenBy.code` makes it shown (the hair grown on a bald head). */
  shownAs?: number;
  changes?: CodeChanges;
  /**
   * true on the code that sets the flat colour the generator paints behind the subject, its
   * `values` being those colours ("#ffffff"); at most one code. The transfer renders G(z1) with two
   * of them to tell the subject from its background on a transparent layer (engine/latent/backdrops.ts);
   * optional.
   */
  background?: boolean;
}

/**
 * What a change of a code redraws: 'shape' (a hair style, a mouth: edges move, new shapes appear)
 * or 'colour' (a hair colour, a background: the same shapes recoloured). The transfer draws a
 * shape change from the generator on an opaque layer and keeps a recolour to the layer's own shapes
 * (TransferInput `reshaped`). Optional; absent counts as 'colour'.
 */
export type CodeChanges = 'shape' | 'colour';

export interface ContinuousCode {
  name: string;
  kind: 'continuous';
  offset: number;
  range: [number, number];
  /** The attribute the code controls ("clothingColor"); optional. */
  attribute?: string;
  /** The attribute's values along the scale, low to high, spread evenly over `range` ("#eeb4a4" … "#623d36"); optional. */
  values?: string[];
  /** What the two ends are called ("Lightest", "Darkest"); optional. */
  endLabels?: [string, string];
  changes?: CodeChanges;
}

export type LatentCode = CategoricalCode | ContinuousCode;

export interface LatentSpec {
  size: number;
  noise: NoiseSpec;
  codes: LatentCode[];
}

export interface EditDefaults {
  colorWeight: number;
  edgeWeight: number;
  smoothWeight: number;
  lr: number;
  steps: number;
  candidates: number;
  jitter: number;
}

export interface ProjectDefaults {
  pixelWeight: number;
  featureWeight: number;
  iterations: number;
  starts: number;
}

export type GraphName = 'generator' | 'encoder' | 'editStep' | 'projectStep';
export const GRAPH_NAMES: readonly GraphName[] = ['generator', 'encoder', 'editStep', 'projectStep'];

export interface Attribution {
  work: string;
  creator: string;
  license: string;
  url: string;
}

export interface Pack {
  format: 1;
  id: string;
  title: string;
  resolution: number;
  channels: 3;
  pixelRange: [number, number];
  latent: LatentSpec;
  hog: { orientations: number; cellStride: number; cells: number };
  defaults: { edit: EditDefaults; project: ProjectDefaults };
  /**
   * The graphs' shared external data. `storage` 'float16' (optional; default 'float32'): the file holds
   * every 4-byte float of the data as a 2-byte half (`bytes` counts the file), and the loader widens it
   * to the float32 layout the graphs' offsets point into — half the download, fp32 compute.
   */
  weights: { file: string; bytes: number; sha256: string; storage?: 'float32' | 'float16' };
  graphs: Record<GraphName, GraphSpec>;
  /**
   * Optional: the graphs' image outputs are snapped to these flat colours — each pixel within `levels`
   * (0–255, max over RGB) of one becomes it exactly; losses and gradients are not snapped. The engine
   * runs the graphs as they are; this says what they do (docs/pack-format.md, "Output snap").
   */
  snap?: { levels: number; colours: string[] };
  license: string;
  attributions: Attribution[];
  provenance: Record<string, unknown>;
}
