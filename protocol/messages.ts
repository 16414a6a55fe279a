/**
 * The one message protocol between the main thread (plugin/) and the panel (ui/).
 * Declared once; both receivers run the matching parser on every message and answer a
 * malformed, unknown or oversized message with an `error` message (never a crash).
 */
import { check, isBytes, isFiniteNumber, isInt, isPlainObject, isString, ProtocolError } from './check';
import { validateEditRecord, type EditRecord } from './edit-record';
export type { EditRecord } from './edit-record';
import { LIMITS } from './limits';

export const PROTOCOL_VERSION = 1;

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif';
export type ScaleMode = 'FILL' | 'FIT' | 'CROP' | 'TILE';

/** One binary streamed from code.js to the UI at start-up (gzip, then base64, in chunks). */
export interface AssetInfo {
  /** 'ort/<file>.wasm' or 'packs/<packId>/<file>'. */
  name: string;
  /** ort-wasm: the CPU path's onnxruntime-web wasm; ort-wasm-webgpu: the WebGPU build's (needed only with a GPU). */
  kind: 'ort-wasm' | 'ort-wasm-webgpu' | 'pack-file';
  packId?: string;
  /** Size after decompression. */
  bytes: number;
  gzipBytes: number;
  chunks: number;
}

/** How an image fill sits in its layer: enough to map a result back exactly. */
export interface FillInfo {
  scaleMode: ScaleMode;
  /** 2×3 affine (CROP mode), as Figma gives it. */
  imageTransform?: number[][];
  scalingFactor?: number;
  rotation?: number;
  /** True when the fill has colour filters (exposure, contrast, …) the bytes don't show. */
  hasFilters: boolean;
}

export interface SelectedImage {
  nodeId: string;
  name: string;
  nodeType: string;
  /** 'image-fill': the original file bytes; 'export': the layer rendered as PNG. */
  source: 'image-fill' | 'export';
  bytes: Uint8Array;
  mime: ImageMime;
  /** Pixel size of `bytes`. */
  width: number;
  height: number;
  /** Size of the layer on the canvas. */
  nodeWidth: number;
  nodeHeight: number;
  fill?: FillInfo;
  /** Present when the layer is a Manifold result that can be edited further. */
  record: EditRecord | null;
  /**
   * A fingerprint of what the layer looked like when it was read (type, size, rotation,
   * fills, effects). Send it back as `apply.sourceRevision`: the main thread tells the user
   * when the layer changed while they were editing.
   */
  revision?: string;
  /** Figma's hash of the image fill's original bytes ('image-fill' only): put it in the edit record. */
  imageHash?: string;
  /** The export scale ('export' only): less than 2 when the layer was scaled down to fit 4096 px. */
  exportScale?: number;
  /** What the user must be told about how the layer was read (scaled down, effects, fallbacks). Show them. */
  notes?: string[];
}

/** A layer named in a `multiple` selection, top-most first. */
export interface ListedLayer {
  nodeId: string;
  name: string;
  nodeType: string;
}

export type SelectionState =
  | { kind: 'none' }
  /** Nothing is read; `layers` lists them so the panel can offer a choice (send `select`). */
  | { kind: 'multiple'; count: number; layers?: ListedLayer[] }
  | { kind: 'unsupported'; nodeId: string; name: string; reason: string; nodeType?: string }
  | { kind: 'image'; image: SelectedImage };

export interface ResultImage {
  name: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  record: EditRecord;
}

export type PluginToUi =
  | { type: 'init'; protocol: number; command: string; assets: AssetInfo[] }
  | { type: 'asset-chunk'; name: string; index: number; data: string }
  | { type: 'selection'; selection: SelectionState }
  /** `notes`: what the user should know beyond “added” (the notification has only its first sentence). */
  | { type: 'applied'; requestId: string; nodeIds: string[]; notes?: string[] }
  /** Layers this run of the plugin wrote that are gone from the document (an Undo there); sent before the selection that follows. */
  | { type: 'removed'; nodeIds: string[] }
  /** Carries the `requestId` of the apply or cancel it answers whenever that message had one. */
  | { type: 'error'; requestId?: string; message: string };

/**
 * How an apply's results are laid out. Absent: `group` decides (one group, or separate layers).
 * 'frame': one new frame beside the source holding the results side by side, in order, sized
 * to fit (a sequence: one frame per step, ready for prototyping); the frame carries the last
 * result's edit record.
 */
export type ApplyLayout = 'frame';
export const APPLY_LAYOUTS: readonly ApplyLayout[] = ['frame'];

export type UiToPlugin =
  | { type: 'ready'; protocol: number }
  | { type: 'apply'; requestId: string; sourceNodeId: string; results: ResultImage[]; group: boolean; layout?: ApplyLayout; sourceRevision?: string }
  /** Withdraws an apply not yet written; answered with an `error` naming the request either way. */
  | { type: 'cancel'; requestId: string }
  /** Makes this layer (one of a `multiple` selection) the only selected one. */
  | { type: 'select'; nodeId: string }
  /** Figma shows 100 characters of it: the panel shows the whole message itself. */
  | { type: 'notify'; message: string; error?: boolean }
  /** The panel asks for a new size (its resize handle); the main thread clamps and calls figma.ui.resize. */
  | { type: 'resize'; width: number; height: number }
  | { type: 'error'; message: string }
  | { type: 'close' };

export type Message<U, T> = Extract<U, { type: T }>;

const ID = LIMITS.maxId;
const MIMES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif'];
const SCALE_MODES: readonly string[] = ['FILL', 'FIT', 'CROP', 'TILE'];

function side(v: unknown): v is number {
  return isFiniteNumber(v) && v > 0 && v <= 1e6;
}

function assetInfo(v: unknown, path: string): void {
  check(isPlainObject(v), path, 'must be an object');
  check(isString(v.name, ID) && v.name.length > 0, `${path}.name`, 'must be a short string');
  check(v.kind === 'ort-wasm' || v.kind === 'ort-wasm-webgpu' || v.kind === 'pack-file', `${path}.kind`, "must be 'ort-wasm', 'ort-wasm-webgpu' or 'pack-file'");
  check(v.packId === undefined || isString(v.packId, ID), `${path}.packId`, 'must be a short string');
  check(isInt(v.bytes, 0, 2 ** 31) && isInt(v.gzipBytes, 0, 2 ** 31) && isInt(v.chunks, 0, 1e5), path, 'must have integer bytes, gzipBytes, chunks');
}

function fillInfo(v: unknown, path: string): void {
  check(isPlainObject(v), path, 'must be an object');
  check(typeof v.scaleMode === 'string' && SCALE_MODES.includes(v.scaleMode), `${path}.scaleMode`, `must be one of ${SCALE_MODES.join(', ')}`);
  const t = v.imageTransform;
  check(t === undefined || (Array.isArray(t) && t.length === 2 && t.every((row) => Array.isArray(row) && row.length === 3 && row.every(isFiniteNumber))), `${path}.imageTransform`, 'must be a 2×3 matrix');
  check(v.scalingFactor === undefined || isFiniteNumber(v.scalingFactor), `${path}.scalingFactor`, 'must be a number');
  check(v.rotation === undefined || isFiniteNumber(v.rotation), `${path}.rotation`, 'must be a number');
  check(typeof v.hasFilters === 'boolean', `${path}.hasFilters`, 'must be a boolean');
}

function selectedImage(v: unknown, path: string): void {
  check(isPlainObject(v), path, 'must be an object');
  check(isString(v.nodeId, ID) && isString(v.name, LIMITS.maxText) && isString(v.nodeType, ID), path, 'must have string nodeId, name, nodeType');
  check(v.source === 'image-fill' || v.source === 'export', `${path}.source`, "must be 'image-fill' or 'export'");
  check(isBytes(v.bytes, LIMITS.maxImageBytes), `${path}.bytes`, `must be a Uint8Array of at most ${LIMITS.maxImageBytes} bytes`);
  check(typeof v.mime === 'string' && MIMES.includes(v.mime), `${path}.mime`, `must be one of ${MIMES.join(', ')}`);
  check(side(v.width) && side(v.height) && side(v.nodeWidth) && side(v.nodeHeight), path, 'must have positive width, height, nodeWidth, nodeHeight');
  if (v.fill !== undefined) fillInfo(v.fill, `${path}.fill`);
  if (v.record !== null) validateEditRecord(v.record, `${path}.record`);
  check(v.revision === undefined || isString(v.revision, LIMITS.maxText), `${path}.revision`, 'must be a string');
  check(v.imageHash === undefined || isString(v.imageHash, ID), `${path}.imageHash`, 'must be a string');
  check(v.exportScale === undefined || (isFiniteNumber(v.exportScale) && v.exportScale > 0), `${path}.exportScale`, 'must be a positive number');
  check(v.notes === undefined || (Array.isArray(v.notes) && v.notes.length <= 20 && v.notes.every((n) => isString(n, LIMITS.maxText))), `${path}.notes`, 'must be an array of at most 20 strings');
}

function listedLayers(v: unknown, path: string): void {
  check(Array.isArray(v) && v.length <= LIMITS.maxListedLayers, path, `must be an array of at most ${LIMITS.maxListedLayers} layers`);
  (v as unknown[]).forEach((l, i) => check(isPlainObject(l) && isString(l.nodeId, ID) && isString(l.name, LIMITS.maxText) && isString(l.nodeType, ID), `${path}[${i}]`, 'must be { nodeId, name, nodeType } strings'));
}

function selectionState(v: unknown, path: string): void {
  check(isPlainObject(v), path, 'must be an object');
  switch (v.kind) {
    case 'none':
      return;
    case 'multiple':
      check(isInt(v.count, 2, 1e9), `${path}.count`, 'must be an integer ≥ 2');
      if (v.layers !== undefined) listedLayers(v.layers, `${path}.layers`);
      return;
    case 'unsupported':
      check(v.nodeType === undefined || isString(v.nodeType, ID), `${path}.nodeType`, 'must be a string');
      return check(isString(v.nodeId, ID) && isString(v.name, LIMITS.maxText) && isString(v.reason, LIMITS.maxText), path, 'must have string nodeId, name, reason');
    case 'image':
      return selectedImage(v.image, `${path}.image`);
    default:
      throw new ProtocolError(`${path}.kind must be one of none, multiple, unsupported, image`);
  }
}

function resultImage(v: unknown, path: string): void {
  check(isPlainObject(v), path, 'must be an object');
  check(isString(v.name, LIMITS.maxText) && v.name.length > 0, `${path}.name`, `must be a string of 1–${LIMITS.maxText} characters`);
  check(isBytes(v.bytes, LIMITS.maxImageBytes), `${path}.bytes`, `must be a Uint8Array of at most ${LIMITS.maxImageBytes} bytes`);
  check(isInt(v.width, 1, LIMITS.maxImageSide) && isInt(v.height, 1, LIMITS.maxImageSide), path, `must have integer width and height in 1–${LIMITS.maxImageSide}`);
  validateEditRecord(v.record, `${path}.record`);
}

type Validators = Record<string, (m: Record<string, unknown>) => void>;

const toUi: Validators = {
  init: (m) => {
    check(isInt(m.protocol, 0, 1e6), 'init.protocol', 'must be an integer');
    check(isString(m.command, ID), 'init.command', 'must be a string');
    check(Array.isArray(m.assets) && m.assets.length <= 1000, 'init.assets', 'must be an array');
    (m.assets as unknown[]).forEach((a, i) => assetInfo(a, `init.assets[${i}]`));
  },
  'asset-chunk': (m) => {
    check(isString(m.name, ID), 'asset-chunk.name', 'must be a short string');
    check(isInt(m.index, 0, 1e5), 'asset-chunk.index', 'must be an integer ≥ 0');
    check(isString(m.data, LIMITS.assetChunkChars), 'asset-chunk.data', `must be a string of at most ${LIMITS.assetChunkChars} characters`);
  },
  selection: (m) => selectionState(m.selection, 'selection.selection'),
  applied: (m) => {
    check(isString(m.requestId, ID), 'applied.requestId', 'must be a string');
    check(Array.isArray(m.nodeIds) && m.nodeIds.every((id) => isString(id, ID)), 'applied.nodeIds', 'must be an array of strings');
    check(m.notes === undefined || (Array.isArray(m.notes) && m.notes.length <= 10 && m.notes.every((n) => isString(n, LIMITS.maxText))), 'applied.notes', 'must be an array of at most 10 strings');
  },
  removed: (m) => {
    check(Array.isArray(m.nodeIds) && m.nodeIds.length <= 1000 && m.nodeIds.every((id) => isString(id, ID)), 'removed.nodeIds', 'must be an array of strings');
  },
  error: (m) => {
    check(m.requestId === undefined || isString(m.requestId, ID), 'error.requestId', 'must be a string');
    check(isString(m.message, 10 * LIMITS.maxText), 'error.message', 'must be a string');
  },
};

const toPlugin: Validators = {
  ready: (m) => check(isInt(m.protocol, 0, 1e6), 'ready.protocol', 'must be an integer'),
  apply: (m) => {
    check(isString(m.requestId, ID) && m.requestId.length > 0, 'apply.requestId', 'must be a non-empty string');
    check(isString(m.sourceNodeId, ID), 'apply.sourceNodeId', 'must be a string');
    check(typeof m.group === 'boolean', 'apply.group', 'must be a boolean');
    check(m.layout === undefined || (typeof m.layout === 'string' && (APPLY_LAYOUTS as readonly string[]).includes(m.layout)), 'apply.layout', `must be absent or one of ${APPLY_LAYOUTS.join(', ')}`);
    check(Array.isArray(m.results) && m.results.length >= 1 && m.results.length <= LIMITS.maxResults, 'apply.results', `must be an array of 1–${LIMITS.maxResults} results`);
    (m.results as unknown[]).forEach((r, i) => resultImage(r, `apply.results[${i}]`));
    const total = (m.results as ResultImage[]).reduce((n, r) => n + r.bytes.byteLength, 0);
    check(total <= LIMITS.maxApplyBytes, 'apply.results', `must hold at most ${LIMITS.maxApplyBytes} image bytes in all, got ${total}`);
    check(m.sourceRevision === undefined || isString(m.sourceRevision, LIMITS.maxText), 'apply.sourceRevision', 'must be a string');
  },
  cancel: (m) => check(isString(m.requestId, ID) && m.requestId.length > 0, 'cancel.requestId', 'must be a non-empty string'),
  select: (m) => check(isString(m.nodeId, ID) && m.nodeId.length > 0, 'select.nodeId', 'must be a non-empty string'),
  notify: (m) => {
    check(isString(m.message, LIMITS.maxText), 'notify.message', `must be a string of at most ${LIMITS.maxText} characters`);
    check(m.error === undefined || typeof m.error === 'boolean', 'notify.error', 'must be a boolean');
  },
  resize: (m) => check(isInt(m.width, 1, 1e4) && isInt(m.height, 1, 1e4), 'resize', 'must have integer width and height in 1–10000'),
  error: (m) => check(isString(m.message, 10 * LIMITS.maxText), 'error.message', 'must be a string'),
  close: () => undefined,
};

function parse<T>(validators: Validators, direction: string, value: unknown): T {
  check(isPlainObject(value), 'message', 'must be an object');
  const type = value.type;
  check(typeof type === 'string', 'message.type', 'must be a string');
  const validate = Object.prototype.hasOwnProperty.call(validators, type) ? validators[type] : undefined;
  if (!validate) throw new ProtocolError(`unknown ${direction} message type '${type.slice(0, 40)}'`);
  try {
    validate(value);
  } catch (error) {
    // Structured clone only makes plain data, but a validator must never fail any other way
    // (e.g. an object whose prototype is not Object's, made in-process): still a rejection.
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`${type.slice(0, 40)} message is malformed (${error instanceof Error ? error.message : String(error)})`);
  }
  return value as T;
}

/** Validates a message arriving in the UI; throws ProtocolError naming the bad field. */
export function parsePluginToUi(value: unknown): PluginToUi {
  return parse<PluginToUi>(toUi, 'plugin→ui', value);
}

/** Validates a message arriving in the main thread; throws ProtocolError naming the bad field. */
export function parseUiToPlugin(value: unknown): UiToPlugin {
  return parse<UiToPlugin>(toPlugin, 'ui→plugin', value);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
