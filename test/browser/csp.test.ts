/**
 * The panel's Content-Security-Policy (scripts/build.ts UI_CSP) in Chromium, in both ways
 * Figma may host the panel — a `data:` URL iframe and a sandboxed `srcdoc` iframe:
 * 1. a document under exactly that policy starts a classic Blob worker, onnxruntime-web
 *    compiles its wasm from bytes in it and runs the tiny pack's generator — and the same
 *    policy blocks eval, fetch to a local server and a remote image (and the server sees
 *    no request);
 * 2. the real dist/ui.html in the playground starts its worker, receives the runtime and starts
 *    the engine with no CSP violation reported — in `srcdoc` hosting with Chromium's software
 *    WebGPU adapter, the engine the panel hosts in its own thread (onnxruntime-web compiling its
 *    wasm in the panel document itself, under the same policy).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../playground/serve';
import { ORT_WASM, UI_CSP } from '../../scripts/build';
import { launchChromium } from './chromium';

const ROOT = join(import.meta.dirname, '..', '..');
const PACK = join(ROOT, 'test', 'fixtures', 'packs', 'tiny');

/** The worker: onnxruntime-web (the webgpu build, whose wasm the build embeds) running the generator; plus probes CSP must block. */
const WORKER_SOURCE = `
import * as ort from 'onnxruntime-web/webgpu';
const violations = [];
self.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
self.onmessage = async ({ data }) => {
  const out = { violations };
  try { (0, eval)('1'); out.evalBlocked = false; } catch (e) { out.evalBlocked = e instanceof EvalError; }
  try { await fetch(data.probeUrl); out.fetchBlocked = false; } catch { out.fetchBlocked = true; }
  try {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmBinary = data.wasm;
    const session = await ort.InferenceSession.create(data.graph, { executionProviders: [data.ep], externalData: [{ path: 'weights.bin', data: data.weights }] });
    const z = new Float32Array(2 * data.L).fill(0.1);
    const result = await session.run({ z: new ort.Tensor('float32', z, [2, data.L]) });
    const image = result.image;
    out.ok = true;
    out.dims = image.dims;
    out.finite = Array.from(await image.getData()).every(Number.isFinite);
  } catch (e) { out.ok = false; out.error = String(e && e.message || e); }
  // WebGPU where this document has an adapter (srcdoc on a machine with one): must not be a CSP failure.
  out.webgpu = 'absent'; out.workerSecure = self.isSecureContext;
  try {
    const adapter = self.navigator.gpu ? await self.navigator.gpu.requestAdapter() : null;
    if (self.navigator.gpu) out.webgpu = 'no-adapter';
    if (adapter) {
      const session = await ort.InferenceSession.create(data.graph2, { executionProviders: ['webgpu'], externalData: [{ path: 'weights.bin', data: data.weights2 }] });
      const r = await session.run({ z: new ort.Tensor('float32', new Float32Array(2 * data.L).fill(0.1), [2, data.L]) });
      out.webgpu = 'ran ' + r.image.dims.join('x');
    }
  } catch (e) { out.webgpu = 'error: ' + String(e && e.message || e); }
  self.postMessage(out);
};`;

/** The panel stand-in: the CSP meta first, one inline script that starts the Blob worker and relays. */
function panelHtml(workerJs: string): string {
  const script = `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
const worker = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(workerJs).replace(/<\//g, '<\\/')}], { type: 'text/javascript' })));
worker.onerror = (e) => parent.postMessage({ result: { ok: false, error: 'worker failed to start: ' + (e.message || '') } }, '*');
worker.onmessage = ({ data }) => parent.postMessage({ result: { ...data, pageViolations: violations } }, '*');
window.addEventListener('message', async ({ data }) => {
  if (!data || !data.wasm) return;
  let evalBlocked; try { eval('1'); evalBlocked = false; } catch (e) { evalBlocked = e instanceof EvalError; }
  let fetchBlocked; try { await fetch(data.probeUrl); fetchBlocked = false; } catch { fetchBlocked = true; }
  const img = new Image(); img.src = data.probeUrl + '?img';
  parent.postMessage({ page: { evalBlocked, fetchBlocked, secure: isSecureContext, gpu: 'gpu' in navigator, workerSecure: undefined, href: location.href.slice(0, 12) } }, '*');
  worker.postMessage(data, [data.wasm.buffer, data.graph.buffer, data.weights.buffer]);
});
parent.postMessage({ ready: true }, '*');`;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${UI_CSP}"><title>csp</title></head><body><script>${script}</script></body></html>`;
}

let browser: Browser;
let fileServer: Server;
let base = '';
let probeHits = 0;
let html = '';

beforeAll(async () => {
  const built = await esbuild.build({
    stdin: { contents: WORKER_SOURCE, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'error',
    define: { 'import.meta.url': '"https://manifold.invalid/worker.js"' },
  });
  html = panelHtml(built.outputFiles[0].text);
  const files: Record<string, Buffer> = {
    '/wasm': readFileSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist', ORT_WASM)),
    '/graph': readFileSync(join(PACK, 'generator.onnx')),
    '/weights': readFileSync(join(PACK, 'weights.bin')),
  };
  fileServer = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/probe') {
      probeHits++;
      res.end('reached');
      return;
    }
    if (path === '/') {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><html><body></body></html>');
      return;
    }
    const body = files[path];
    res.statusCode = body ? 200 : 404;
    res.end(body ?? 'missing');
  });
  await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => fileServer?.close(resolve));
});

const L = JSON.parse(readFileSync(join(PACK, 'pack.json'), 'utf8')).latent.size as number;

for (const hosting of ['data', 'srcdoc'] as const) {
  describe(`under the panel's CSP, hosted as ${hosting}`, () => {
    it('the Blob worker starts and onnxruntime-web (wasm) runs the generator; eval, fetch and remote images are blocked', async () => {
      probeHits = 0;
      const page = await browser.newPage();
      const consoleCsp: string[] = [];
      page.on('console', (m: ConsoleMessage) => m.text().includes('Content Security Policy') && consoleCsp.push(m.text()));
      await page.goto(base);
      const outcome = await page.evaluate(
        async ({ html, hosting, base, L }) => {
          const iframe = document.createElement('iframe');
          if (hosting === 'srcdoc') {
            iframe.setAttribute('sandbox', 'allow-scripts');
            iframe.srcdoc = html;
          } else {
            iframe.src = `data:text/html;base64,${btoa(unescape(encodeURIComponent(html)))}`;
          }
          const got: Record<string, unknown> = {};
          const done = new Promise<void>((resolve, reject) => {
            setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(got)}`)), 150_000);
            window.addEventListener('message', async ({ data }) => {
              if (data.ready) {
                const [wasm, graph, weights] = await Promise.all(['/wasm', '/graph', '/weights'].map(async (p) => new Uint8Array(await (await fetch(base + p)).arrayBuffer())));
                const [graph2, weights2] = [graph.slice(), weights.slice()];
                iframe.contentWindow!.postMessage({ wasm, graph, weights, graph2, weights2, L, ep: 'wasm', probeUrl: `${base}/probe` }, '*', [wasm.buffer, graph.buffer, weights.buffer]);
              }
              if (data.page) got.page = data.page;
              if (data.result) {
                got.result = data.result;
                resolve();
              }
            });
          });
          document.body.appendChild(iframe);
          await done;
          return got;
        },
        { html, hosting, base, L },
      );
      const { page: doc, result } = outcome as { page: Record<string, unknown>; result: Record<string, unknown> };
      console.log(`[csp ${hosting}]`, JSON.stringify({ page: doc, result: { ...result } }));
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ ok: true, dims: [2, 3, 64, 64], finite: true, evalBlocked: true, fetchBlocked: true });
      expect(doc).toMatchObject({ evalBlocked: true, fetchBlocked: true, secure: hosting === 'srcdoc' });
      expect(probeHits).toBe(0);
      expect(String(result.webgpu)).not.toMatch(/Content Security|CSP|Refused/i);
      if (hosting === 'data') expect(result.webgpu).toBe('absent'); // not a secure context
      // Only the deliberate probes were refused: nothing onnxruntime-web needed.
      for (const v of [...(result.violations as string[]), ...(result.pageViolations as string[])]) expect(v).toMatch(/^(connect-src|img-src|script-src) (http:\/\/127\.0\.0\.1|eval)/);
      for (const text of consoleCsp) expect(text).toMatch(/127\.0\.0\.1|eval|unsafe-eval/);
      await page.close();
    }, 240_000); // slow when the machine is shared with training
  });
}

describe('the real panel (dist/ui.html) under its CSP in the playground', () => {
  let playground: Server;
  let url = '';
  beforeAll(async () => {
    ({ server: playground, url } = await startServer(0));
  });
  afterAll(() => new Promise((resolve) => playground?.close(resolve)));

  for (const hosting of ['data', 'srcdoc'] as const) {
    it(`${hosting}: starts its Blob worker, receives the runtime and starts the engine, with no CSP violation`, async () => {
      const page = await browser.newPage();
      const violations: string[] = [];
      const workers: string[] = [];
      page.on('console', (m: ConsoleMessage) => m.text().includes('Content Security Policy') && violations.push(m.text()));
      page.on('worker', (w) => workers.push(w.url()));
      await page.goto(`${url}?host=${hosting}`);
      await page.waitForSelector('iframe');
      let panel = page.frames().find((f) => f !== page.mainFrame());
      for (let i = 0; !panel && i < 100; i++) {
        await page.waitForTimeout(100);
        panel = page.frames().find((f) => f !== page.mainFrame());
      }
      await panel!.waitForSelector('[data-testid=assets][data-status=ready]', { state: 'attached', timeout: 90_000 });
      expect(workers.some((w) => w.startsWith('blob:'))).toBe(true);
      await panel!.waitForSelector('[data-testid=assets][data-engine=ready]', { state: 'attached', timeout: 90_000 });
      const badge = await panel!.$eval('[data-testid=caps]', (el) => ({ backend: el.getAttribute('data-backend'), host: el.getAttribute('data-host'), webgpu: el.getAttribute('data-webgpu') }));
      console.log(`[csp ${hosting}] engine: ${JSON.stringify(badge)}`);
      // Where only the panel has a hardware adapter (srcdoc), the panel hosts the engine on WebGPU
      // (it may then move to wasm if a step timed faster there); a software one is passed over.
      if (hosting === 'srcdoc' && badge.webgpu === 'adapter') expect(badge.backend === 'webgpu' ? badge.host === 'page' : badge.host === 'worker').toBe(true);
      else expect(badge).toEqual({ backend: 'wasm', host: 'worker', webgpu: badge.webgpu });
      expect(violations).toEqual([]);
      await page.close();
    }, 240_000);
  }
});
