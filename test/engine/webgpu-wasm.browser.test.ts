/**
 * Issue 4: "In headless Chromium the WebGPU path (software adapter) and the wasm path give the same
 * candidates within 1e-3." The engine runs as the panel runs it: bundled as a classic Blob worker
 * (installEngineWorker), onnxruntime-web's WebGPU build with its wasm bytes passed in, the pack
 * files sent by message. Skipped where there is no Chromium.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../browser/chromium.js';
import { PAGE_PRELUDE, startWorkerPageAsync, type WorkerPage } from './worker-page.js';


/** Runs in the page (a string, so no transpiler helpers leak in): one worker per EP, the same edit. */
const PAGE_SCRIPT = `(async () => {
${PAGE_PRELUDE}
  const out = { adapter: !!adapter };
  for (const ep of ['wasm', 'webgpu']) {
    if (ep === 'webgpu' && !adapter) continue;
    const w = new Worker(url);
    let id = 0;
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
    const ready = await req({ type: 'init', packFiles, wasmBinary, executionProvider: ep, numThreads: 1, edit: { seed: 1, steps: 4, candidates: 4 } });
    if (ready.type !== 'ready') { out[ep] = { error: ready.message }; w.terminate(); continue; }
    const L = ready.pack.latent.size;
    const z = new Float32Array(L);
    for (let i = 0; i < L; i++) z[i] = 0.4 * Math.sin(1.7 * i);
    for (const c of ready.pack.latent.codes) if (c.kind === 'categorical') for (let j = 0; j < c.size; j++) z[c.offset + j] = j === 1 ? 1 : 0;
    await req({ type: 'start-editing', z });
    const u = await req({ type: 'edit', strokes: [
      { kind: 'color', points: [[20, 20], [44, 30]], width: 8, color: [200, 60, 40] },
      { kind: 'sketch', points: [[10, 50], [54, 50]], width: 2 },
    ] });
    out[ep] = u.type === 'candidates'
      ? { ep: ready.executionProvider, z: Array.from(u.z), loss: Array.from(u.loss), images: Array.from(u.images) }
      : { error: u.message };
    w.terminate();
  }
  return out;
})()`;

describe.skipIf(!existsSync(CHROMIUM_PATH))('engine in a Chromium worker: WebGPU vs wasm', () => {
  let env: WorkerPage;
  beforeAll(async () => {
    env = await startWorkerPageAsync({ entryPoints: ['engine/worker/install-engine-worker.ts'],
      globalName: 'ManifoldEngineWorker', footer: { js: 'ManifoldEngineWorker.installEngineWorker(self);' }, });
  }, 120_000);
  afterAll(async () => { await env?.close(); });

  it('gives the same candidates within 1e-3', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.url);
    const out = (await page.evaluate(PAGE_SCRIPT)) as Record<string, { ep?: string; z?: number[]; loss?: number[]; images?: number[]; error?: string }> & { adapter: boolean };
    expect(out.wasm?.error).toBeUndefined();
    expect(out.wasm?.ep).toBe('wasm');
    if (!out.adapter) { console.warn('no WebGPU adapter in this Chromium: only the wasm path ran'); return; }
    expect(out.webgpu?.error).toBeUndefined();
    expect(out.webgpu?.ep).toBe('webgpu');
    const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    const dz = maxDiff(out.wasm!.z!, out.webgpu!.z!), dl = maxDiff(out.wasm!.loss!, out.webgpu!.loss!), di = maxDiff(out.wasm!.images!, out.webgpu!.images!);
    console.log(`[browser] WebGPU vs wasm after 4 Adam steps, 4 candidates: max |Δz| ${dz.toExponential(2)}, max |Δloss| ${dl.toExponential(2)}, max |Δpixel| ${di} / 255`);
    expect(dz).toBeLessThan(1e-3);
    expect(dl).toBeLessThan(1e-3 * Math.max(1, ...out.wasm!.loss!));
    expect(di).toBeLessThanOrEqual(1);
  }, 300_000);
});
