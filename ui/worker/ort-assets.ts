/**
 * The two onnxruntime-web wasm builds the plugin ships, by the names they stream under. The CPU
 * workers run the plain build (14.2 MB: half the code of the WebGPU one for V8 to compile and tier
 * up, same kernels); only WebGPU needs the asyncify build (26.8 MB, WebGPU + wasm EPs).
 */
export const ORT_WASM_FILES = { cpu: 'ort-wasm-simd-threaded.wasm', gpu: 'ort-wasm-simd-threaded.asyncify.wasm' } as const;

export type OrtBuild = keyof typeof ORT_WASM_FILES;

/** The streamed asset name of a build's wasm. */
export const ortWasmAsset = (build: OrtBuild): string => `ort/${ORT_WASM_FILES[build]}`;
