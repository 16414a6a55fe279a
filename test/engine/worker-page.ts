/**
 * A page for running the engine as the panel runs it, in headless Chromium: a worker bundle (a
 * classic Blob worker built with onnxruntime-web's WebGPU build, as the panel ships it), the ORT
 * wasm and the test pack's files, served from http://127.0.0.1 (a secure context: WebGPU allowed
 * where Chromium has an adapter). The page script fetches them and starts its workers itself.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser/chromium.js';
import { PACK_DIR } from './pack-dir.js';

const ORT_WASM = 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm';
/** The plain build (no WebGPU): what the panel's CPU workers run, at /ort-cpu.wasm. */
const ORT_WASM_CPU = 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
export const PACK_FILES = ['pack.json', 'weights.bin', 'generator.onnx', 'encoder.onnx', 'edit_step.onnx', 'project_step.onnx'];

/** Fetches the pack (`packFiles`), the wasm (`wasmBinary`) and a Blob URL of the worker (`url`) inside the page script. */
export const PAGE_PRELUDE = `
  const get = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
  const packFiles = {};
  for (const n of ${JSON.stringify(PACK_FILES)}) packFiles[n] = await get('/pack/' + n);
  const wasmBinary = await get('/ort.wasm');
  const url = URL.createObjectURL(new Blob([await (await fetch('/worker.js')).text()], { type: 'text/javascript' }));
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;`;

export interface WorkerPage { browser: Browser; url: string; close(): Promise<void> }

export async function startWorkerPageAsync(build: esbuild.BuildOptions): Promise<WorkerPage> {
  const bundle = await esbuild.build({
    bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022',
    alias: { 'onnxruntime-web': 'onnxruntime-web/webgpu' },
    ...build,
  });
  const files = new Map<string, Uint8Array>([['/worker.js', bundle.outputFiles![0]!.contents], ['/ort.wasm', readFileSync(ORT_WASM)], ['/ort-cpu.wasm', readFileSync(ORT_WASM_CPU)]]);
  for (const f of PACK_FILES) files.set('/pack/' + f, readFileSync(join(PACK_DIR, f)));
  const server: Server = createServer((req, res) => {
    if (req.url === '/') { res.setHeader('content-type', 'text/html'); res.end('<!doctype html><title>engine</title>'); return; }
    const body = files.get(req.url ?? '');
    res.statusCode = body ? 200 : 404;
    res.end(body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await launchChromium();
  return { browser, url: `http://127.0.0.1:${port}/`, close: async () => { await browser.close(); server.close(); } };
}
