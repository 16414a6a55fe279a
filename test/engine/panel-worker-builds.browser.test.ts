/**
 * The panel's compute worker as built (ui/worker/engine-worker.ts, bundled as scripts/build.ts does:
 * both onnxruntime-web builds, ui/worker/ort-builds.ts) in headless Chromium, with both wasm files
 * streamed to it: an engine on wasm runs the plain build and shares its batches with a helper worker
 * (which runs the plain build too); after it is disposed, an engine asked for WebGPU (the software
 * adapter, in this secure context) runs the WebGPU build on its asyncify wasm in the same worker.
 * The same edit gives the same candidates on both. Skipped where there is no Chromium.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../browser/chromium.js';
import { workerBundleOptions } from '../../scripts/build.js';
import { ortWasmAsset } from '../../ui/worker/ort-assets.js';
import { PAGE_PRELUDE, startWorkerPageAsync, type WorkerPage } from './worker-page.js';

const PAGE_SCRIPT = `(async () => {
${PAGE_PRELUDE}
  const cpuWasm = await get('/ort-cpu.wasm');
  const w = new Worker(url), helper = new Worker(url);
  const channel = new MessageChannel();
  helper.postMessage({ ch: 'shard-host', port: channel.port1 }, [channel.port1]);
  w.postMessage({ ch: 'shards', ports: [channel.port2] }, [channel.port2]);
  let id = 0;
  const req = (ch, body) => new Promise((resolve) => {
    const my = ++id;
    const on = (e) => {
      const m = e.data.msg;
      if (e.data.ch !== ch || m.id !== my || m.type === 'progress' || (m.type === 'candidates' && !m.final)) return;
      w.removeEventListener('message', on);
      resolve(m);
    };
    w.addEventListener('message', on);
    w.postMessage({ ch, msg: { ...body, id: my } });
  });
  const assets = { ${JSON.stringify(ortWasmAsset('cpu'))}: cpuWasm, ${JSON.stringify(ortWasmAsset('gpu'))}: wasmBinary };
  for (const [n, b] of Object.entries(packFiles)) assets['packs/t/' + n] = b;
  await req('panel', { type: 'assets', assets });
  const out = { adapter: !!adapter };
  for (const ep of ['wasm', 'webgpu']) {
    if (ep === 'webgpu' && !adapter) continue;
    const ready = await req('engine', { type: 'init', packId: 't', packFiles: {}, executionProvider: ep, numThreads: 1, edit: { seed: 1, steps: 4, candidates: 4 } });
    if (ready.type !== 'ready') { out[ep] = { error: ready.message }; continue; }
    const L = ready.pack.latent.size;
    const z = new Float32Array(L);
    for (let i = 0; i < L; i++) z[i] = 0.4 * Math.sin(1.7 * i);
    for (const c of ready.pack.latent.codes) if (c.kind === 'categorical') for (let j = 0; j < c.size; j++) z[c.offset + j] = j === 1 ? 1 : 0;
    await req('engine', { type: 'start-editing', z });
    const u = await req('engine', { type: 'edit', strokes: [{ kind: 'color', points: [[20, 20], [44, 30]], width: 8, color: [200, 60, 40] }] });
    out[ep] = u.type === 'candidates' ? { ep: ready.executionProvider, workers: ready.workers, z: Array.from(u.z), loss: Array.from(u.loss) } : { error: u.message };
    await req('engine', { type: 'dispose' });
  }
  w.terminate();
  helper.terminate();
  return out;
})()`;

describe.skipIf(!existsSync(CHROMIUM_PATH))("the panel's worker: the plain wasm build on the CPU, the WebGPU build on WebGPU", () => {
  let env: WorkerPage;
  beforeAll(async () => {
    env = await startWorkerPageAsync({ entryPoints: ['ui/worker/engine-worker.ts'], ...workerBundleOptions(), alias: {} });
  }, 120_000);
  afterAll(async () => { await env?.close(); });

  it('runs each engine on its build, the wasm one shared with a helper, with the same candidates', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.url);
    const out = (await page.evaluate(PAGE_SCRIPT)) as Record<string, { ep?: string; workers?: number; z?: number[]; loss?: number[]; error?: string }> & { adapter: boolean };
    expect(out.wasm?.error).toBeUndefined();
    expect(out.wasm).toMatchObject({ ep: 'wasm', workers: 2 });
    if (!out.adapter) { console.warn('no WebGPU adapter in this Chromium: only the wasm path ran'); return; }
    expect(out.webgpu?.error).toBeUndefined();
    expect(out.webgpu).toMatchObject({ ep: 'webgpu', workers: 1 });
    const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    console.log(`[browser] the panel's worker: wasm (plain build, ${out.wasm!.workers} workers) vs WebGPU (asyncify build): max |Δz| ${maxDiff(out.wasm!.z!, out.webgpu!.z!).toExponential(2)}`);
    expect(maxDiff(out.wasm!.z!, out.webgpu!.z!)).toBeLessThan(1e-3);
    expect(maxDiff(out.wasm!.loss!, out.webgpu!.loss!)).toBeLessThan(1e-3 * Math.max(1, ...out.wasm!.loss!));
  }, 300_000);
});
