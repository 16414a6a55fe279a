/**
 * Safety (issue 8): no network in the manifest, a Content-Security-Policy in ui.html that
 * forbids remote loads and eval, no eval of anything in the main thread or panel sources,
 * and nothing written to the file but result layers and their plugin data.
 * (test/browser/csp.test.ts checks the policy in Chromium, in both hosting modes.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDIT_RECORD_KEY } from '../../plugin/edit-record-key';
import { UI_CSP } from '../../scripts/build';
import type { PluginToUi } from '../../protocol/messages';
import { applyMsg, imageLayer, makePng, select, started } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const built = existsSync(join(ROOT, 'dist', 'ui.html'));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(f) ? [path] : [];
  });
}

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));
}

describe('manifest', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  it('allows no network access at all, and asks for nothing else', () => {
    expect(manifest.networkAccess).toEqual({ allowedDomains: ['none'] });
    expect(manifest.permissions ?? []).toEqual([]);
    expect(manifest.enableProposedApi ?? false).toBe(false);
  });
});

describe('the Content-Security-Policy of ui.html', () => {
  const csp = directives(UI_CSP);
  it('forbids every remote load: default none, no host or scheme sources except data:/blob: for images and blob: for the worker', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.has('connect-src')).toBe(false); // falls back to 'none': no fetch, XHR, WebSocket, EventSource
    for (const [name, values] of csp) {
      for (const v of values) expect(v, `${name} ${v}`).not.toMatch(/^(https?:|wss?:|\*|'self'|'unsafe-eval'|'strict-dynamic'|http)/);
    }
    expect(csp.get('script-src')).toEqual(["'unsafe-inline'", "'wasm-unsafe-eval'"]);
    expect(csp.get('worker-src')).toEqual(['blob:']);
    expect(csp.get('img-src')).toEqual(['data:', 'blob:']);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it.skipIf(!built)('is the first thing in the built ui.html head, before any script or style', () => {
    const html = readFileSync(join(ROOT, 'dist', 'ui.html'), 'utf8');
    const meta = `<meta http-equiv="Content-Security-Policy" content="${UI_CSP}">`;
    const at = html.indexOf(meta);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(html.indexOf('<style'));
    expect(at).toBeLessThan(html.indexOf('<script'));
    expect(html.match(/Content-Security-Policy/g)).toHaveLength(1);
  });
});

describe('no eval of anything that came in a message', () => {
  it('the main thread, protocol and panel sources never eval, build functions from strings, or write HTML', () => {
    const files = ['plugin', 'protocol', 'ui'].flatMap(sources);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*['"`]|setTimeout\s*\(\s*['"`]|setInterval\s*\(\s*['"`]|innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|importScripts\s*\(/);
    }
  });

  it('the main thread touches no storage or network API: plugin data on result layers is all it writes', () => {
    for (const file of sources('plugin')) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/clientStorage|setSharedPluginData|fetch\s*\(|XMLHttpRequest|WebSocket|figma\.root|setPluginData\s*\((?!EDIT_RECORD_KEY|key: string)/);
    }
  });

  it.skipIf(!built)('the built main thread (dist/code.js) has no eval, new Function, fetch or storage calls', () => {
    const code = readFileSync(join(ROOT, 'dist', 'code.js'), 'utf8');
    expect(code).not.toMatch(/\beval\s*\(|new Function\s*\(|\bfetch\s*\(|XMLHttpRequest|clientStorage|setSharedPluginData/);
  });
});

describe('nothing is written but result layers and their plugin data', () => {
  it('a whole session — selections of every kind, applies, failed and cancelled applies, bad messages, close — changes only that', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(16, 16), 'Photo', 64, 64);
    const frame = h.figma.createFrame();
    frame.resize(300, 200);
    frame.x = 400;
    const vec = h.figma.createVector();
    frame.appendChild(vec);
    const original = JSON.parse(h.figma.snapshot());
    const resultIds: string[] = [];
    const answers = (got: PluginToUi[]) => got.filter((m) => m.type === 'applied').forEach((m) => resultIds.push(...(m as { nodeIds: string[] }).nodeIds));

    await select(h, [src, vec]);
    await select(h, [vec]);
    await select(h, [frame]);
    await select(h, [src]);
    answers(await h.send(applyMsg(src.id), (m) => m.type === 'applied'));
    answers(await h.send(applyMsg(vec.id, { count: 3, group: true, requestId: 'r2' }), (m) => m.type === 'applied'));
    await h.send(applyMsg(src.id, { bytes: new Uint8Array(8), requestId: 'r3' }), (m) => m.type === 'error');
    h.figma.injectFault('setPluginData', 2);
    await h.send(applyMsg(src.id, { count: 2, requestId: 'r4' }), (m) => m.type === 'error');
    await h.send({ type: 'cancel', requestId: 'r9' }, (m) => m.type === 'error');
    await h.send({ type: 'notify', message: 'hello' });
    await h.send({ type: 'bogus' }, (m) => m.type === 'error');
    h.figma.closeByUser();

    type N = { id: string; pluginData: Record<string, string>; children?: N[] };
    const now = JSON.parse(h.figma.snapshot()) as Array<{ selection: string[]; children: N[] }>;
    const results: N[] = [];
    const strip = (nodes: N[]): N[] =>
      nodes.filter((n) => (resultIds.includes(n.id) ? (results.push(n), false) : true)).map((n) => (n.children ? { ...n, children: strip(n.children) } : n));
    const rest = now.map((p) => ({ ...p, selection: [], children: strip(p.children) }));
    expect(JSON.stringify(rest)).toBe(JSON.stringify(original.map((p: object) => ({ ...p, selection: [] }))));
    expect(results.length).toBe(2);
    const leaves = (n: N): N[] => (n.children ? n.children.flatMap(leaves) : [n]);
    for (const r of results.flatMap(leaves)) expect(Object.keys(r.pluginData)).toEqual([EDIT_RECORD_KEY]);
  });
});
