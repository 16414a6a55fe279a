/**
 * Issue 8, "WebGPU device lost in the middle of an edit", in headless Chromium with a real (software)
 * WebGPU device: the engine runs as in the panel (a classic Blob worker, onnxruntime-web's WebGPU
 * build, pack files by message); mid-edit the worker destroys the GPUDevice. The edit request must
 * still end with its final candidates, computed on wasm, close to the same edit on wasm throughout;
 * an `execution-provider` notice (id 0) says so; the next edit runs too. Skipped where there is no
 * Chromium, and passes with a warning where Chromium has no WebGPU adapter.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../browser/chromium.js';
import { PAGE_PRELUDE, startWorkerPageAsync, type WorkerPage } from './worker-page.js';


const PAGE_SCRIPT = `(async () => {
${PAGE_PRELUDE}
  const out = { adapter: !!adapter };
  if (!adapter) return out;
  const strokes = [
    { kind: 'color', points: [[20, 20], [44, 30]], width: 8, color: [200, 60, 40] },
    { kind: 'sketch', points: [[10, 50], [54, 50]], width: 2 },
  ];
  const edit = { seed: 1, steps: 30, candidates: 4, streamIntervalMs: 0 };
  for (const ep of ['wasm', 'webgpu']) {
    const w = new Worker(url);
    const notices = [];
    let id = 0, destroyAt = ep === 'webgpu' ? 3 : -1, destroyed = null;
    w.addEventListener('message', (e) => {
      if (e.data.type === 'execution-provider') notices.push(e.data);
      if ('destroyed' in e.data) destroyed = e.data.destroyed;
      if (e.data.type === 'candidates' && !e.data.final && e.data.step === destroyAt) { destroyAt = -1; w.postMessage({ destroyGpu: true }); }
    });
    const req = (body) => new Promise((resolve) => {
      const my = ++id;
      const on = (e) => {
        if (e.data.id !== my || e.data.type === 'progress' || (e.data.type === 'candidates' && !e.data.final)) return;
        w.removeEventListener('message', on);
        resolve(e.data);
      };
      w.addEventListener('message', on);
      w.postMessage({ ...body, id: my });
    });
    const ready = await req({ type: 'init', packFiles, wasmBinary, executionProvider: ep, numThreads: 1, edit });
    if (ready.type !== 'ready') { out[ep] = { error: ready.message }; w.terminate(); continue; }
    const L = ready.pack.latent.size;
    const z = new Float32Array(L);
    for (let i = 0; i < L; i++) z[i] = 0.4 * Math.sin(1.7 * i);
    for (const c of ready.pack.latent.codes) if (c.kind === 'categorical') for (let j = 0; j < c.size; j++) z[c.offset + j] = j === 1 ? 1 : 0;
    await req({ type: 'start-editing', z });
    const t0 = performance.now();
    const u = await req({ type: 'edit', strokes });
    const ms = performance.now() - t0;
    const again = await req({ type: 'edit', strokes: strokes.slice(0, 1) });
    out[ep] = {
      ep: ready.executionProvider, destroyed, notices, ms,
      final: u.type === 'candidates' ? { step: u.step, z: Array.from(u.z), loss: Array.from(u.loss) } : { error: u.message },
      again: again.type === 'candidates' ? again.final : again.message,
    };
    w.terminate();
  }
  return out;
})()`;

describe.skipIf(!existsSync(CHROMIUM_PATH))('engine in a Chromium worker: the WebGPU device is destroyed mid-edit', () => {
  let env: WorkerPage;
  beforeAll(async () => {
    env = await startWorkerPageAsync({ entryPoints: ['test/engine/gpu-lost-worker.ts'], });
  }, 120_000);
  afterAll(async () => { await env?.close(); });

  it('the edit finishes on wasm, close to the same edit on wasm throughout, and the client is told', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.url);
    type Run = { ep?: string; destroyed?: boolean | null; notices?: Array<Record<string, unknown>>; ms?: number; final?: { step?: number; z?: number[]; loss?: number[]; error?: string }; again?: unknown; error?: string };
    const out = (await page.evaluate(PAGE_SCRIPT)) as { adapter: boolean; wasm?: Run; webgpu?: Run };
    if (!out.adapter) { console.warn('no WebGPU adapter in this Chromium: nothing to lose'); return; }
    expect(out.wasm?.final?.error).toBeUndefined();
    const gpu = out.webgpu!;
    expect(gpu.error).toBeUndefined();
    expect(gpu.ep).toBe('webgpu');
    expect(gpu.destroyed).toBe(true);
    expect(gpu.final?.error).toBeUndefined();
    expect(gpu.final?.step).toBe(30);
    expect(gpu.notices).toEqual([{ type: 'execution-provider', id: 0, executionProvider: 'wasm', previous: 'webgpu', reason: { code: 'device-lost', message: expect.any(String) } }]);
    expect(gpu.again).toBe(true);
    const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    const dz = maxDiff(gpu.final!.z!, out.wasm!.final!.z!);
    console.log(`[browser] device destroyed at step 3 of 30: finished on wasm in ${Math.round(gpu.ms!)} ms (wasm throughout: ${Math.round(out.wasm!.ms!)} ms); max |Δz| vs wasm ${dz.toExponential(2)}; reason: ${String(gpu.notices![0]!.reason && (gpu.notices![0]!.reason as { message: string }).message)}`);
    expect(dz).toBeLessThan(1e-3);
  }, 120_000);
});
