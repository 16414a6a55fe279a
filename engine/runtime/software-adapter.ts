/**
 * Whether a WebGPU adapter computes on the CPU: a fallback adapter (`isFallbackAdapter`, on the
 * adapter in older Chromium and on `adapter.info` since 2024) or one whose info names a software
 * rasteriser (SwiftShader in headless Chromium, llvmpipe / lavapipe under Mesa, WARP on Windows).
 * Such an adapter is far slower than onnxruntime-web's wasm (a projection took 113 s on SwiftShader
 * against ~8 s on wasm), so it is never chosen over wasm.
 */
export interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|\bwarp\b|\bcpu\b/i;

export function isSoftwareAdapter(adapter: unknown): boolean {
  const a = adapter as AdapterLike | null | undefined;
  if (!a) return false;
  if (a.isFallbackAdapter === true || a.info?.isFallbackAdapter === true) return true;
  const i = a.info;
  return !!i && SOFTWARE.test([i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' '));
}

/** "google swiftshader" — what the adapter says it is, for tooltips and logs. */
export function describeAdapter(adapter: unknown): string | undefined {
  const i = (adapter as AdapterLike | null | undefined)?.info;
  return i ? [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || undefined : undefined;
}
