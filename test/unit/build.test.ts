/** The build's output and the manifest (npm test builds before running these). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELAUNCH_COMMAND } from '../../plugin/edit-record-key';
import { findPacks, UI_HTML_LIMIT } from '../../scripts/build';

const ROOT = join(import.meta.dirname, '..', '..');
const built = existsSync(join(ROOT, 'dist', 'code.js'));

describe('manifest.json', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
  it('asks for no network and dynamic page access', () => {
    expect(manifest).toMatchObject({ editorType: ['figma'], documentAccess: 'dynamic-page', networkAccess: { allowedDomains: ['none'] }, main: 'dist/code.js', ui: 'dist/ui.html' });
  });
  it('declares the relaunch command results use', () => {
    expect(manifest.relaunchButtons.map((b: { command: string }) => b.command)).toContain(RELAUNCH_COMMAND);
  });
});

describe.skipIf(!built)('dist/', () => {
  it('ui.html is one self-contained file under 1.5 MB', () => {
    const html = readFileSync(join(ROOT, 'dist', 'ui.html'), 'utf8');
    expect(statSync(join(ROOT, 'dist', 'ui.html')).size).toBeLessThan(UI_HTML_LIMIT);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('code.js is lowered for the Figma sandbox and embeds the runtime', () => {
    const code = readFileSync(join(ROOT, 'dist', 'code.js'), 'utf8');
    // Base64 has no '?', so any of these would be syntax the sandbox may not parse.
    expect(code).not.toMatch(/\?\.|\?\?/);
    expect(code).toContain('ort/ort-wasm-simd-threaded.asyncify.wasm');
    // The CPU path's plain build, streamed first (the WebGPU build's last: the panel may drop it).
    expect(code.indexOf('"ort/ort-wasm-simd-threaded.wasm"')).toBeGreaterThan(-1);
    expect(code.indexOf('"ort/ort-wasm-simd-threaded.wasm"')).toBeLessThan(code.indexOf('"packs/'));
    expect(code.indexOf('"packs/')).toBeLessThan(code.indexOf('"ort/ort-wasm-simd-threaded.asyncify.wasm"'));
  });
});

describe('findPacks', () => {
  it('collects pack.json and the files it names, and refuses a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packs-'));
    mkdirSync(join(dir, 'tiny'));
    writeFileSync(join(dir, 'tiny', 'pack.json'), JSON.stringify({ id: 'tiny', weights: { file: 'w.bin' }, graphs: { generator: { file: 'g.onnx' }, encoder: { file: 'g.onnx' } } }));
    writeFileSync(join(dir, 'tiny', 'w.bin'), 'w');
    writeFileSync(join(dir, 'tiny', 'g.onnx'), 'g');
    mkdirSync(join(dir, 'not-a-pack'));
    expect(findPacks([dir])).toEqual([{ id: 'tiny', dir: join(dir, 'tiny'), files: ['pack.json', 'w.bin', 'g.onnx'] }]);
    writeFileSync(join(dir, 'tiny', 'pack.json'), JSON.stringify({ id: 'tiny', weights: { file: 'missing.bin' } }));
    expect(() => findPacks([dir])).toThrow('names missing.bin, which does not exist');
  });
});
