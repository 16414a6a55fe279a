/**
 * The build: dist/code.js (Figma main thread) and dist/ui.html (the panel, one file), plus
 * the playground's two scripts. Run with `npm run build` (tsx scripts/build.ts).
 *
 * Why it looks like this (see ../shared/DESIGN.md, "Hosting facts"):
 * - Figma may host ui.html as a `data:` URL, which Chromium refuses over ~2 MB, so ui.html
 *   holds only the panel (< 1.5 MB, checked here). The big binaries — the onnxruntime-web
 *   wasm and every model pack — are embedded in code.js, gzip + base64, and streamed to
 *   the panel by message at start-up.
 * - The main thread runs in Figma's sandbox, not a full browser engine: code.js is lowered
 *   to ES2017 (no `?.`, `??`, object spread, class fields).
 * - The panel's compute runs in a classic Blob worker (module workers from blob: URLs don't
 *   start in an opaque-origin document); its IIFE source is inlined into ui.html as a string.
 * - The panel bundle holds the engine too (the same onnxruntime-web build as the worker): where
 *   only the panel has WebGPU (`srcdoc` hosting: the Blob worker is not a secure context), the
 *   engine runs in the panel's own thread on WebGPU (ui/worker/page-engine.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { EmbeddedAsset } from '../plugin/main';
import { ORT_WASM_FILES, ortWasmAsset } from '../ui/worker/ort-assets';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CACHE = join(ROOT, 'node_modules', '.cache', 'manifold-build');

/** The wasm build with both the WebGPU and the wasm execution providers (onnxruntime-web/webgpu). */
export const ORT_WASM = ORT_WASM_FILES.gpu;
/** The plain wasm build (the wasm execution provider only): what the CPU workers run. */
export const ORT_WASM_CPU = ORT_WASM_FILES.cpu;
export const UI_HTML_LIMIT = 1.5 * 1024 * 1024;

/**
 * The panel's Content-Security-Policy (a <meta> before anything else in ui.html). Nothing
 * remote: no fetch/XHR/WebSocket (connect-src falls back to 'none'), no remote scripts,
 * styles, images, fonts, frames, forms or base URL. What the panel needs, and no more:
 * - script-src 'unsafe-inline': the panel is one inline <script> (Figma may also inject
 *   inline code/styles into the iframe, e.g. for themeColors, so a hash is not used);
 *   no 'unsafe-eval': nothing can eval or new Function() (the build never needs it);
 * - 'wasm-unsafe-eval': onnxruntime-web compiles its wasm from bytes (WebAssembly.instantiate);
 * - worker-src blob: the compute worker is a classic worker from a Blob URL (it inherits
 *   this policy, so the same rules hold inside it);
 * - style-src 'unsafe-inline': the inlined <style> and Preact's style attributes;
 * - img-src data: blob: thumbnails and candidates drawn from bytes held in memory.
 * test/browser/csp.test.ts checks that the worker and onnxruntime-web start under it in both
 * hosting modes (`data:` and `srcdoc`).
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'wasm-unsafe-eval'",
  'worker-src blob:',
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export interface BuildOptions {
  /** Extra folders searched for `<id>/pack.json` besides models/ (e.g. test fixtures). */
  packDirs?: string[];
  /** Where to write (default dist/); browser tests build their own copy with fixture packs. */
  outDir?: string;
  /** Skip embedding the ORT wasm (faster builds for tests that don't need it). */
  noWasm?: boolean;
  quiet?: boolean;
}

export interface BuildReport {
  codeBytes: number;
  uiBytes: number;
  assets: Array<{ name: string; bytes: number; gzipBytes: number }>;
}

function gzipCached(bytes: Uint8Array): Uint8Array {
  const key = createHash('sha256').update(bytes).digest('hex');
  const file = join(CACHE, `${key}.gz`);
  if (existsSync(file)) return readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, gz);
  return gz;
}

export function embed(name: string, kind: EmbeddedAsset['kind'], bytes: Uint8Array, packId?: string): EmbeddedAsset {
  const gz = gzipCached(bytes);
  return { name, kind, ...(packId ? { packId } : {}), bytes: bytes.length, gzipBytes: gz.length, chunks: 0, data: Buffer.from(gz).toString('base64') };
}

/** Every `<dir>/<id>/pack.json` and the files it names (weights and graphs). */
export function findPacks(dirs: string[]): Array<{ id: string; dir: string; files: string[] }> {
  const packs: Array<{ id: string; dir: string; files: string[] }> = [];
  for (const base of dirs) {
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base).sort()) {
      const dir = join(base, entry);
      const packFile = join(dir, 'pack.json');
      if (!statSync(dir).isDirectory() || !existsSync(packFile)) continue;
      const pack = JSON.parse(readFileSync(packFile, 'utf8')) as { id?: string; weights?: { file?: string }; graphs?: Record<string, { file?: string }> };
      const named = [pack.weights?.file, ...Object.values(pack.graphs ?? {}).map((g) => g.file)].filter((f): f is string => typeof f === 'string');
      const files = ['pack.json', ...new Set(named)];
      for (const f of files) {
        if (!existsSync(join(dir, f))) throw new Error(`${relative(ROOT, packFile)} names ${f}, which does not exist`);
      }
      packs.push({ id: pack.id ?? entry, dir, files });
    }
  }
  return packs;
}

function collectAssets(options: BuildOptions): EmbeddedAsset[] {
  const assets: EmbeddedAsset[] = [];
  const ortWasm = (file: string) => readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist', file));
  // Streamed in this order: the CPU path's wasm and the packs first, the WebGPU build's wasm last
  // (the panel starts a CPU engine without it, and drops it where there is no GPU: ui/host/needed-assets.ts).
  if (!options.noWasm) assets.push(embed(ortWasmAsset('cpu'), 'ort-wasm', ortWasm(ORT_WASM_CPU)));
  for (const pack of findPacks([join(ROOT, 'models'), ...(options.packDirs ?? [])])) {
    for (const file of pack.files) assets.push(embed(`packs/${pack.id}/${file}`, 'pack-file', readFileSync(join(pack.dir, file)), pack.id));
  }
  if (!options.noWasm) assets.push(embed(ortWasmAsset('gpu'), 'ort-wasm-webgpu', ortWasm(ORT_WASM)));
  return assets;
}

/** An esbuild plugin that resolves imports matching `filter` exactly to `file` (esbuild's alias also rewrites subpaths). */
function redirect(filter: RegExp, file: string): esbuild.Plugin {
  return { name: 'manifold-redirect', setup: (build) => build.onResolve({ filter }, () => ({ path: file })) };
}

/** An esbuild plugin that serves `manifold:<name>` imports from strings. */
function virtualModules(modules: Record<string, () => string>): esbuild.Plugin {
  return {
    name: 'manifold-virtual',
    setup(build) {
      build.onResolve({ filter: /^manifold:/ }, (args) => ({ path: args.path, namespace: 'manifold' }));
      build.onLoad({ filter: /.*/, namespace: 'manifold' }, (args) => {
        const make = modules[args.path];
        if (!make) throw new Error(`unknown virtual module ${args.path}`);
        return { contents: make(), loader: 'js' };
      });
    },
  };
}

async function bundle(entry: string, options: esbuild.BuildOptions): Promise<esbuild.OutputFile[]> {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    outdir: DIST,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    ...options,
  });
  return result.outputFiles ?? [];
}

/** Safe inside <script>: a `</script` in a string or regex would end the element. */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** How ui/worker/engine-worker.ts is bundled (the browser tests bundle it the same way). */
export function workerBundleOptions(): esbuild.BuildOptions {
  return {
    target: 'es2022',
    // onnxruntime-web's ESM build reads import.meta.url to locate its files; we hand it the
    // wasm bytes instead, but the expression must still evaluate to a hierarchical URL.
    define: { 'import.meta.url': '"https://manifold.invalid/worker.js"' },
    // The engine imports 'onnxruntime-web' (Node resolves it to the Node build); in the worker it
    // gets both browser builds, the plain one for the CPU path and the WebGPU one (ui/worker/ort-builds.ts).
    plugins: [redirect(/^onnxruntime-web$/, join(ROOT, 'ui', 'worker', 'ort-builds.ts'))],
  };
}

export async function buildAll(options: BuildOptions = {}): Promise<BuildReport> {
  const dist = options.outDir ?? DIST;
  mkdirSync(join(dist, 'playground'), { recursive: true });

  // The engine worker: a classic-worker IIFE, inlined into the panel as a string.
  const [worker] = await bundle('ui/worker/engine-worker.ts', workerBundleOptions());

  // The panel: JS + CSS inlined into one HTML file. It may host the engine itself (WebGPU only),
  // with onnxruntime-web's WebGPU build and its wasm (the worker hands over those bytes).
  const ui = await bundle('ui/main.tsx', {
    target: 'es2022',
    define: { 'import.meta.url': '"https://manifold.invalid/ui.js"' },
    alias: { 'onnxruntime-web': 'onnxruntime-web/webgpu' },
    plugins: [virtualModules({ 'manifold:engine-worker': () => `export default ${JSON.stringify(worker.text)};` })],
    loader: { '.css': 'css' },
  });
  const js = ui.find((f) => f.path.endsWith('.js'))!.text;
  const css = ui.find((f) => f.path.endsWith('.css'))?.text ?? '';
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${UI_CSP}"><meta name="viewport" content="width=device-width"><title>Manifold</title><style>${css}</style></head><body><div id="app"></div><script>${scriptSafe(js)}</script></body></html>\n`;
  const uiBytes = Buffer.byteLength(html);
  if (uiBytes >= UI_HTML_LIMIT) throw new Error(`dist/ui.html is ${uiBytes} bytes; it must stay under ${UI_HTML_LIMIT} (data: URL hosting)`);
  writeFileSync(join(dist, 'ui.html'), html);

  // The main thread, with the binaries embedded.
  const assets = collectAssets(options);
  const [code] = await bundle('plugin/code.ts', {
    target: 'es2017',
    minify: false,
    plugins: [virtualModules({ 'manifold:assets': () => `export const ASSETS = ${JSON.stringify(assets)};` })],
    banner: { js: '/* Manifold: Figma main thread. Generated by scripts/build.ts. */' },
  });
  writeFileSync(join(dist, 'code.js'), code.text);

  // The playground (not part of the plugin).
  const [page] = await bundle('playground/page.ts', { target: 'es2022', minify: false });
  writeFileSync(join(dist, 'playground', 'page.js'), page.text);
  const [hostWorker] = await bundle('playground/host-worker.ts', { target: 'es2022', minify: false });
  writeFileSync(join(dist, 'playground', 'host-worker.js'), hostWorker.text);

  const report: BuildReport = {
    codeBytes: Buffer.byteLength(code.text),
    uiBytes,
    assets: assets.map(({ name, bytes, gzipBytes }) => ({ name, bytes, gzipBytes })),
  };
  if (!options.quiet) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
    console.log(`dist/code.js  ${mb(report.codeBytes)}`);
    console.log(`dist/ui.html  ${mb(report.uiBytes)} (limit ${mb(UI_HTML_LIMIT)})`);
    for (const a of report.assets) console.log(`  embedded ${a.name}: ${mb(a.bytes)} → gzip ${mb(a.gzipBytes)}`);
    if (!report.assets.some((a) => a.name.startsWith('packs/'))) console.log('  no model packs found (models/*/pack.json)');
  }
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packDirs = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--packs' ? [resolve(a)] : []));
  // --out DIR: build elsewhere than dist/ (a before/after comparison keeps both builds: bench/preview-ab.ts)
  const out = process.argv[process.argv.indexOf('--out') + 1];
  buildAll({ packDirs, noWasm: process.argv.includes('--no-wasm'), ...(process.argv.includes('--out') && out ? { outDir: resolve(out) } : {}) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
