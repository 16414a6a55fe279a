/**
 * One edit step (B = 8, 1 worker, wasm EP) in headless Chromium on onnxruntime-web's two wasm builds:
 * the plain one (what the panel's CPU workers run now) and the asyncify one (WebGPU + wasm). Each
 * rep is a fresh Chromium and worker: the steps right after the sessions are made (cold: V8 still
 * compiling and tiering up), then the median of 15 steps after them (warm). Interleaved by rep.
 *
 *   npx tsx bench/step-builds.ts [reps]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium } from '../test/browser/chromium.js';
import { median } from './peer.js';

const PACK = 'models/personas64-v2';
const FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];
const BUILDS = { plain: ['onnxruntime-web/wasm', 'ort-wasm-simd-threaded.wasm'], asyncify: ['onnxruntime-web/webgpu', 'ort-wasm-simd-threaded.asyncify.wasm'] } as const;
const reps = Number(process.argv[2] ?? 3);

const files = new Map<string, Uint8Array>();
for (const [name, [ort, wasm]] of Object.entries(BUILDS)) {
  const b = await esbuild.build({
    entryPoints: ['engine/worker/install-engine-worker.ts'], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022',
    alias: { 'onnxruntime-web': ort }, define: { 'import.meta.url': '"https://manifold.invalid/w.js"' },
    globalName: 'W', footer: { js: 'W.installEngineWorker(self);' },
  });
  files.set(`/${name}.js`, b.outputFiles[0]!.contents);
  files.set(`/${name}.wasm`, readFileSync(join('node_modules/onnxruntime-web/dist', wasm)));
}
for (const f of FILES) files.set(`/pack/${f}`, readFileSync(join(PACK, f)));
const server = createServer((req, res) => {
  if (req.url === '/') { res.setHeader('content-type', 'text/html'); res.end('<!doctype html><title>steps</title>'); return; }
  const body = files.get(req.url ?? '');
  res.statusCode = body ? 200 : 404;
  res.end(body ?? '');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

const script = (build: string) => `(async () => {
  const get = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
  const packFiles = {};
  for (const n of ${JSON.stringify(FILES)}) packFiles[n] = await get('/pack/' + n);
  const wasmBinary = await get('/${build}.wasm');
  const w = new Worker(URL.createObjectURL(new Blob([await (await fetch('/${build}.js')).text()], { type: 'text/javascript' })));
  let id = 0;
  const req = (body) => new Promise((resolve) => {
    const my = ++id;
    const on = (e) => { if (e.data.id !== my) return; w.removeEventListener('message', on); resolve(e.data); };
    w.addEventListener('message', on);
    w.postMessage({ ...body, id: my });
  });
  const t0 = performance.now();
  const ready = await req({ type: 'init', packFiles, wasmBinary, executionProvider: 'wasm', numThreads: 1 });
  if (ready.type !== 'ready') return { error: ready.message };
  const initMs = performance.now() - t0;
  const cold = [];
  for (let i = 0; i < 10; i++) cold.push((await req({ type: 'time-step', candidates: 8, repeats: 1 })).ms);
  const warm = (await req({ type: 'time-step', candidates: 8, repeats: 15 })).ms;
  w.terminate();
  return { initMs, cold, warm };
})()`;

const out: Record<string, Array<{ initMs: number; cold: number[]; warm: number }>> = { plain: [], asyncify: [] };
try {
  for (let r = 0; r < reps; r++) {
    for (const build of r % 2 ? ['asyncify', 'plain'] : ['plain', 'asyncify']) {
      const browser = await launchChromium({ webgpu: false });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        const res = (await page.evaluate(script(build))) as { initMs: number; cold: number[]; warm: number; error?: string };
        if (res.error) throw new Error(res.error);
        out[build]!.push(res);
        console.log(`${build}: init ${res.initMs.toFixed(0)} ms; first 10 steps ${res.cold.map((m) => m.toFixed(0)).join(' ')} ms; then median ${res.warm.toFixed(1)} ms`);
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  server.close();
}
const m = (b: string, f: (x: { initMs: number; cold: number[]; warm: number }) => number) => median(out[b]!.map(f));
console.log('| B = 8, 1 worker | plain | asyncify | plain / asyncify |\n|---|---|---|---|');
for (const [label, f] of [
  ['init (sessions made)', (x: { initMs: number }) => x.initMs],
  ['first step', (x: { cold: number[] }) => x.cold[0]!],
  ['first 10 steps, sum', (x: { cold: number[] }) => x.cold.reduce((a, b) => a + b, 0)],
  ['warm step (median of 15)', (x: { warm: number }) => x.warm],
] as const) {
  const p = m('plain', f as never), a = m('asyncify', f as never);
  console.log(`| ${label} | ${p.toFixed(1)} ms | ${a.toFixed(1)} ms | ${(p / a).toFixed(2)} |`);
}
