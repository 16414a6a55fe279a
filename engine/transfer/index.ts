/** Edit transfer: motion + colour flow from the generated frames onto the full-resolution layer. */
export type { ChangeField, RgbaImage, TransferProgress } from './types.js';
export { fitMapping, type Fit, type FrameMapping } from './frame-mapping.js';
export { estimateStep, DEFAULT_ESTIMATE_OPTIONS, type EstimateOptions } from './estimate-step.js';
export { composeChange, identityChange } from './compose-change.js';
export { DEFAULT_FULL_RES_OPTIONS, type FullResOptions, type Outside } from './full-res-field.js';
export { renderChange } from './render-change.js';
export { transferEditAsync } from './transfer-edit.js';
export { prepareTransferAsync, type PreparedTransfer } from './prepare-transfer.js';
export { renderTransferAsync, type RenderOptions } from './render-transfer.js';
export { MAX_SIDE, type TransferInput, type TransferOptions, type TransferResult } from './transfer-input.js';
export { areaDownscale, fitWithin } from './area-downscale.js';
export { applyChange } from './apply-change.js';
export { refitColour } from './refit-colour.js';
export { strokePaint, type StrokePaint } from './stroke-paint.js';
export { DEFAULT_RECOLOUR_OPTIONS, type RecolourOptions } from './recolour.js';
