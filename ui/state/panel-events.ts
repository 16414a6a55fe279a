/**
 * What changes the panel's state (reduce.ts): the designer's intents, and the answers of the
 * main thread and the engine that the controller turns into events.
 */
import type { AssetInfo, EditRecord, SelectionState } from '../../protocol/messages';
import type { PackSummary } from '../../engine/worker/protocol';
import type { Capabilities } from '../capabilities';
import type { Rgba } from '../worker/protocol';
import type { ApplyVariant, Candidates, EngineHost, PanelStroke, Projection, Rgb, Sequence, Tool } from './panel-state';

export type PanelEvent =
  | { type: 'init'; command: string; assets: AssetInfo[] }
  | { type: 'asset-received'; name: string }
  | { type: 'assets-failed'; error: string }
  | { type: 'caps'; caps: Capabilities }
  | { type: 'selection'; selection: SelectionState }
  | { type: 'engine-loading'; packId: string }
  | { type: 'engine-ready'; pack: PackSummary; backend: string; notice?: string | null; host?: EngineHost; workers?: number }
  /** The engine moved to another backend while running (the GPU was lost: it continues on the CPU), maybe to another host. */
  | { type: 'backend-changed'; backend: string; notice: string | null; host?: EngineHost; workers?: number }
  /** Why this backend (a step timed on WebGPU and on wasm, or a software adapter passed over): for the badge's tooltip. */
  | { type: 'backend-choice'; text: string }
  | { type: 'dismiss-notice' }
  | { type: 'engine-failed'; message: string }
  | { type: 'decoded'; nodeId: string; pixels: Rgba }
  | { type: 'decode-failed'; nodeId: string; message: string }
  | { type: 'project-start' }
  /** `image`: the best image so far (the encoder's guess first), RGBA R×R. */
  | { type: 'project-progress'; done: number; total: number; pixelError?: number; image?: Uint8ClampedArray }
  /** `seconds`: how long the projection took (the next one's estimate). */
  | { type: 'projected'; projection: Projection; seconds?: number }
  | { type: 'project-failed'; message: string }
  | { type: 'restore'; record: EditRecord; projection: Projection; strokes: PanelStroke[] }
  | { type: 'relaunch-handled' }
  | { type: 'tool'; tool: Tool }
  | { type: 'color'; color: Rgb }
  | { type: 'width'; width: number }
  | { type: 'eyedropper'; on: boolean }
  | { type: 'overlay'; on: boolean }
  | { type: 'stroke'; stroke: PanelStroke }
  | { type: 'undo-stroke' }
  | { type: 'redo-stroke' }
  | { type: 'edit-start' }
  | { type: 'candidates'; candidates: Candidates; codes: Record<string, number>; z0?: Float32Array }
  /** The engine starts a new batch (a code, fix, reset): batch indices mean new candidates, so the canvas follows the best again. */
  | { type: 'new-batch' }
  /** The resumed edit's engine session is seeded again (its batch is not the one on screen). */
  | { type: 'resumed' }
  | { type: 'edit-failed'; message: string }
  | { type: 'edit-cancelled' }
  | { type: 'select-candidate'; index: number; additive?: boolean }
  | { type: 'sequence'; sequence: Sequence }
  | { type: 'sequence-failed'; message: string }
  | { type: 'frame'; frame: number | null }
  | { type: 'play'; on: boolean }
  | { type: 'tick' }
  | { type: 'code'; name: string; value: number }
  | { type: 'reset' }
  | { type: 'variant'; variant: ApplyVariant }
  /** `count`: the layers or frames it writes. */
  | { type: 'apply-start'; requestId: string; count?: number }
  | { type: 'apply-progress'; requestId: string; fraction: number }
  | { type: 'applied'; requestId: string; nodeIds: string[]; notes?: string[] }
  /** Layers the panel wrote are gone from the document (an Undo there). */
  | { type: 'results-removed'; nodeIds: string[] }
  | { type: 'apply-failed'; requestId?: string; message: string }
  | { type: 'error'; message: string }
  /** The preview of the edit for `key` (preview-target.ts), frame `frame`, is ready. */
  | { type: 'preview'; key: string; frame: number; image: Rgba }
  | { type: 'preview-failed'; key: string; message: string }
  /** The model's view on or off: `held` while its key is held, else the toggle. */
  | { type: 'model-view'; on: boolean; held?: boolean };
