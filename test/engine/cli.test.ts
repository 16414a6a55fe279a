import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hidersFirst, runCli } from '../../cli/main.js';
import { readImageAsync, writePngAsync } from '../../cli/image-io.js';
import { PACK_DIR } from './pack-dir.js';
import type { CategoricalCode } from '../../engine/pack/pack-types.js';

function capture() {
  const lines: string[] = [], errs: string[] = [];
  return { out: { log: (s: string) => lines.push(s), err: (s: string) => errs.push(s) }, lines, errs };
}

describe('manifold CLI', () => {
  it('--help documents every command and exits 0', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.out)).toBe(0);
    for (const s of ['manifold project', 'manifold edit', '--color X,Y,RADIUS,#RRGGBB', '--sketch FILE', '--frames-out DIR', '--seed N']) expect(c.lines.join('\n')).toContain(s);
  });

  it('rejects unknown options and bad values with a clear message', async () => {
    const c = capture();
    expect(await runCli(['edit', 'x.png', '--colour', '1'], c.out)).toBe(2);
    expect(c.errs[0]).toContain("Unknown option '--colour'");
    const d = capture();
    expect(await runCli(['info', '--pack', 'nowhere'], d.out)).toBe(1);
    expect(d.errs[0]).toContain('no pack at');
  });

  it('runs the whole flow: project, edit with strokes, sheet, frames (deterministic per seed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-cli-'));
    const pack = PACK_DIR;
    const w = 90, h = 60, data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([(i * 7) % 255, 120, 200, 255], i * 4);
    const input = join(dir, 'in.png');
    await writePngAsync(input, { width: w, height: h, data });
    const sketch = new Uint8ClampedArray(w * h * 4).fill(255);
    for (let x = 10; x < 80; x++) sketch.set([0, 0, 0, 255], (30 * w + x) * 4);
    await writePngAsync(join(dir, 'sketch.png'), { width: w, height: h, data: sketch });
    const run = async (out: string) => {
      const c = capture();
      const rc = await runCli(['edit', input, '--pack', pack, '--iterations', '3', '--starts', '2', '--steps', '4', '--seed', '7',
        '--color', '45,30,8,#c03020', '--sketch', join(dir, 'sketch.png'), '--warp', '20,20,60,40,8', '--erase', '5,5,3',
        '--frames', '4', '--frames-out', join(dir, `${out}-frames`), '-o', join(dir, `${out}.png`), '--json'], c.out);
      expect(c.errs).toEqual([]);
      expect(rc).toBe(0);
      return JSON.parse(c.lines.join('\n'));
    };
    const a = await run('a'), b = await run('b');
    expect(a.strokes).toBe(4);
    expect(a.candidates.bestLoss).toBe(b.candidates.bestLoss);
    const outImg = await readImageAsync(join(dir, 'a.png'));
    expect([outImg.width, outImg.height]).toEqual([64, 64]);
    expect(existsSync(join(dir, 'a-candidates.png'))).toBe(true);
    expect(readdirSync(join(dir, 'a-frames')).sort()).toEqual(['frame-00.png', 'frame-01.png', 'frame-02.png', 'frame-03.png']);
    const c = capture();
    expect(await runCli(['project', input, '--pack', pack, '--iterations', '2', '-o', join(dir, 'p.png'), '--latent-out', join(dir, 'z.json')], c.out)).toBe(0);
    expect(c.lines.some((l) => l.startsWith('pixelError:'))).toBe(true);
  });

  it('--code: a code that hides another is set first, so a colour named with a new hair style is the one drawn', () => {
    const categorical: CategoricalCode[] = [
      { name: 'Hair style', kind: 'categorical', offset: 0, size: 3, labels: ['Bald', 'Long', 'Cap'] },
      { name: 'Hair colour', kind: 'categorical', offset: 3, size: 2, labels: ['White', 'Red'], hiddenBy: { code: 'Hair style', categories: [0, 2] }, shownAs: 0 },
    ];
    const changes = [{ code: 'Hair colour', category: 1 }, { code: 'Skin', set: 1 }, { code: 'Hair style', category: 1 }];
    expect(hidersFirst(changes, { categorical }).map((c) => c.code)).toEqual(['Hair style', 'Hair colour', 'Skin']);
    expect(hidersFirst(changes, { categorical: [] })).toEqual(changes);
  });

  it('a --code edit carries the code change: the frames run from the projection to the coded latent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-cli-code-'));
    const w = 64, h = 64, data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([(i * 13) % 255, 90, 160, 255], i * 4);
    const input = join(dir, 'in.png');
    await writePngAsync(input, { width: w, height: h, data });
    const c = capture();
    const rc = await runCli(['edit', input, '--pack', PACK_DIR, '--iterations', '2', '--starts', '1', '--steps', '2', '--code', 'Category=2',
      '--frames', '3', '--frames-out', join(dir, 'frames'), '--project-out', join(dir, 'proj.png'), '-o', join(dir, 'out.png'),
      '--full-res', join(dir, 'full.png'), '--json'], c.out);
    expect(c.errs).toEqual([]);
    expect(rc).toBe(0);
    const px = async (f: string) => (await readImageAsync(join(dir, f))).data;
    const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;
    const proj = await px('proj.png'), first = await px('frames/frame-00.png'), last = await px('frames/frame-02.png');
    expect(diff(first, proj)).toBeLessThan(1);          // the first frame is the projection, before the code moved
    expect(diff(last, proj)).toBeGreaterThan(1);        // the last one shows the code's change
    expect(diff(await px('full.png'), data)).toBeGreaterThan(0.5);   // and the transfer carries it onto the layer
  });
});
