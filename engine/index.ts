/**
 * Manifold's editing engine (issue 4): model packs, projection, constrained edits with brushes,
 * candidates, interpolation and InfoGAN controls on onnxruntime-web. No DOM, Preact or Figma:
 * the same code runs in Node (CLI, tests, benchmarks) and in the panel's worker.
 * Node-only helpers (reading packs from disk) are in engine/node/, not exported here.
 */
export { Engine, type EngineOptions, type ProjectImageOptions, type ProjectImageResult, type InterpolateOptions } from './engine.js';

export type { Pack, GraphName, LatentCode, CategoricalCode, ContinuousCode } from './pack/pack-types.js';
export { PackError } from './pack/pack-error.js';
export { validatePack } from './pack/validate-pack.js';
export { loadPackAsync, type LoadedPack, type LoadPackOptions } from './pack/load-pack.js';
export { memoryPackSource, type PackSource } from './pack/pack-source.js';
export { graphContract } from './pack/graph-contract.js';

export { PackModel, type StepResult, type ExecutionProviderChange } from './runtime/pack-model.js';
export {
  chooseExecutionProviderAsync, probeExecutionProviderAsync, configureRuntime, isDeviceLostError, ADAPTER_TIMEOUT_MS,
  type ExecutionProvider, type ExecutionProviderChoice, type ExecutionProviderReason, type RuntimeOptions, type RuntimeHooks, type RunnableSession, type GpuDeviceLike,
} from './runtime/runtime.js';

export { latentLayout, clipToBox, snapCategorical, categoryOf, setCategory, type LatentLayout } from './latent/latent-layout.js';
export { applyCodeChange, hiddenCodes, readCodes, type CodeChange } from './latent/codes.js';
export { createRng, type Rng } from './latent/prng.js';

export { toFrame, frameMapping, sourceToFrame, frameToSource, planarToRgba, contactSheet, type RgbaImage, type Frame, type FrameMapping, type Fit } from './image/frame.js';
export { rasterizeStrokes, type RasterizeOptions } from './brushes/rasterize.js';
export { validateStroke, type Stroke, type Point, type Constraints } from './brushes/strokes.js';

export { projectAsync, type ProjectOptions, type ProjectProgress, type ProjectResult } from './ops/project.js';
export { EditSession, type EditOptions, type CandidateUpdate } from './ops/edit-session.js';
export { interpolateLatents, type InterpolationMode, type CategoricalMode } from './ops/interpolate.js';
export { rankCandidates } from './ops/rank.js';
export { lbfgsb, minimizeLbfgsb, type LbfgsbOptions, type LbfgsbResult } from './optim/lbfgsb.js';
export { BoxAdam } from './optim/adam.js';

export { EngineHost, type Post } from './worker/handle-request.js';
export { EngineClient, type WorkerLike, type RequestOptions } from './worker/engine-client.js';
export { installEngineWorker } from './worker/install-engine-worker.js';
export * from './worker/protocol.js';
