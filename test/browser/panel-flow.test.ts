/**
 * The whole flow of the panel in Chromium, in both ways Figma may host it (`data:` URL and
 * sandboxed `srcdoc`): select an avatar → Project → paint a red stroke over the hair →
 * candidates update → pick one → Apply → a new layer with the change appears in the emulated
 * document → Apply the whole sequence → one new frame holding its frames side by side →
 * relaunch the first result ("Edit with Manifold") and the edit comes back → undo removes both.
 * Runs on the real default pack when models/personas64-v2 exists, else on the fixture pack
 * (random weights: its images are noise, so the colour of the change is only checked on the real pack).
 */
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEQUENCE_GAP } from '../../plugin/placement';
import { drawOnCanvas, hasRealPack, layerPixels, meanAbsDiff, panelFrame, redness, REAL_PACK, relaunch, scene, shootPanel, SHOTS, startEnv, stopEnv, undo, waitForLayers, type Env } from './panel-helpers';

let env: Env;
beforeAll(async () => {
  // No WebGPU adapter: the engine runs on wasm in the worker in both hostings, as on a machine
  // without a GPU. (With Chromium's software adapter a `srcdoc` panel would host it on SwiftShader,
  // minutes per projection; test/browser/page-engine.test.ts covers that path.)
  env = await startEnv('manifold-panel-flow', { webgpu: false });
}, 300_000);
afterAll(() => stopEnv(env));

const PACK = hasRealPack ? REAL_PACK : 'tiny';
/**
 * The hair of the sample avatars: a band across the top of the head (fractions of the frame). It
 * starts on the hair, which the stroke recolours (Ada's hair begins at 0.19; a stroke starting
 * above it, on the background, would mean the background).
 */
const HAIR_STROKE: Array<[number, number]> = [[0.36, 0.25], [0.45, 0.22], [0.55, 0.22], [0.64, 0.25]];

for (const hosting of ['data', 'srcdoc'] as const) {
  describe(`panel flow, UI hosted as ${hosting}, pack ${PACK}`, () => {
    let page: Page;
    let panel: Frame;
    const errors: string[] = [];
    const shots = hosting === 'srcdoc'; // one set of screenshots is enough

    beforeAll(async () => {
      page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${env.url}?host=${hosting}`);
      panel = await panelFrame(page);
    });

    it('starts the engine on the streamed pack and says where it runs', async () => {
      await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 180_000 });
      const badge = await panel.waitForSelector('[data-testid=caps][data-backend]');
      const backend = await badge.getAttribute('data-backend');
      expect(['wasm', 'webgpu']).toContain(backend);
      expect(await badge.textContent()).toBe(backend === 'webgpu' ? 'WebGPU' : 'CPU');
      if (hosting === 'data') expect(backend).toBe('wasm'); // not a secure context: no WebGPU
      await panel.waitForSelector('[data-testid=selection][data-kind=none]');
      if (shots) await shootPanel(page, 'empty');
    }, 200_000);

    it('walks the whole flow: project, paint red over the hair, pick, apply, apply the sequence, relaunch, undo', async () => {
      // 1. select the avatar
      const before = await scene(page);
      const ada = before.layers.find((l) => l.name === 'Ada')!;
      await page.click('.layer[data-name="Ada"]');
      await panel.waitForSelector(`[data-testid=selection][data-kind=image][data-node-id="${ada.id}"]`);
      await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 60_000 });
      if (shots) await shootPanel(page, 'selected');

      // 2. project, with progress, then the reconstruction beside the source with its error
      await panel.click('[data-testid=project]');
      if (shots) {
        await panel.waitForSelector('[role=progressbar]', { timeout: 30_000 }).then(() => shootPanel(page, 'projecting', ['light'])).catch(() => undefined);
      }
      await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 240_000 });
      const error = Number(await panel.getAttribute('[data-testid=projection-error]', 'data-error'));
      expect(error).toBeGreaterThan(0);
      if (hasRealPack) expect(error).toBeLessThan(0.1); // an RMS error under ~16% of the range
      if (shots) await shootPanel(page, 'projected');

      // 3. a red stroke over the hair
      await panel.locator('[data-testid=colour]').fill('#ff0000');
      await panel.waitForSelector('[data-testid=tool-color][aria-pressed=true]');
      await drawOnCanvas(page, panel, HAIR_STROKE);
      await panel.waitForSelector('[data-testid=edit-canvas][data-strokes="1"]');

      // 4. candidates update live, then settle
      const steps: number[] = [];
      await panel.waitForFunction(() => document.querySelector('[data-testid=candidates]') !== null, undefined, { timeout: 120_000 });
      for (let i = 0; i < 600; i++) {
        const grid = await panel.$('[data-testid=candidates]');
        const step = Number(await grid?.getAttribute('data-step'));
        if (steps[steps.length - 1] !== step) steps.push(step);
        if ((await grid?.getAttribute('data-final')) === 'true') break;
        await page.waitForTimeout(100);
      }
      expect(await panel.getAttribute('[data-testid=candidates]', 'data-final')).toBe('true');
      expect(steps.length).toBeGreaterThan(1); // it was redrawn while optimising
      const count = Number(await panel.getAttribute('[data-testid=candidates]', 'data-count'));
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(16);
      await panel.waitForSelector('[data-testid=sequence][data-ready=true]', { timeout: 60_000 });
      // The canvas shows the layer, then the preview of Apply once it is made (issue 17).
      await panel.waitForSelector('[data-testid=edit-canvas][data-view=preview][data-updating=false]', { timeout: 120_000 });
      if (shots) {
        await panel.locator('[data-testid=candidates]').scrollIntoViewIfNeeded();
        await shootPanel(page, 'candidates');
      }

      // 5. pick one (the second best when there is one) and play its sequence
      const pick = panel.locator('[data-testid=candidate]').nth(count > 1 ? 1 : 0);
      await pick.click();
      await panel.waitForFunction((i) => document.querySelectorAll('[data-testid=candidate]')[i]?.getAttribute('aria-pressed') === 'true', count > 1 ? 1 : 0);
      await panel.waitForSelector('[data-testid=sequence][data-ready=true]', { timeout: 60_000 });
      await panel.click('[data-testid=play]');
      await panel.waitForSelector('[data-testid=sequence][data-frame="15"]', { timeout: 30_000 });
      // The slider names its frames as Apply names the layers: Frame 00 (the start) … Frame 15.
      expect(await panel.textContent('[data-testid=frame-label]')).toBe('15 / 15');
      expect(await panel.getAttribute('[data-testid=frame]', 'aria-valuetext')).toBe('Frame 15 / 15');
      if (shots) {
        await panel.locator('[data-testid=frame]').fill('7');
        await panel.waitForSelector('.canvas-status:has-text("Frame 07 / 15")');
        await panel.waitForSelector('[data-testid=edit-canvas][data-preview-frame="7"][data-updating=false]', { timeout: 60_000 });
        expect(await panel.textContent('[data-testid=frame-label]')).toBe('07 / 15');
        await shootPanel(page, 'sequence');
      }

      // 6. apply: a new layer beside the source, carrying the change
      await panel.click('[data-testid=apply]');
      await panel.waitForSelector('[data-testid=status][data-status=done]', { timeout: 240_000 });
      const after = await waitForLayers(page, before.layers.length + 1);
      const result = after.layers.find((l) => !before.layers.some((b) => b.id === l.id))!;
      expect(result.name).toBe('Ada · Manifold');
      expect(result.isResult).toBe(true);
      expect(result.relaunch).toEqual(['edit']);
      expect(result.x).toBeGreaterThanOrEqual(ada.x + ada.width);
      expect(after.selection).toEqual([result.id]);
      const [src, out] = await Promise.all([layerPixels(page, ada.id), layerPixels(page, result.id)]);
      expect([out.width, out.height]).toEqual([src.width, src.height]);
      expect(meanAbsDiff(src, out)).toBeGreaterThan(0.1); // something changed
      if (hasRealPack) {
        // The hair got redder. (The rest may change too: the candidate is a new image of the
        // model, and the transfer carries its whole change G(z0) → G(z1) over.)
        const delta = redness(out, 0.38, 0.2, 0.62, 0.3) - redness(src, 0.38, 0.2, 0.62, 0.3);
        const changed = changedShare(src, out);
        console.log(`[${hosting}] hair redness +${delta.toFixed(1)}, mean change ${meanAbsDiff(src, out).toFixed(1)}/255, ${(100 * changed).toFixed(1)} % of the layer changed`);
        expect(delta).toBeGreaterThan(5);
        // only the part under the stroke's start (the hair, ~7 % of Ada) is recoloured, not the background
        expect(changed).toBeLessThan(0.2);
      } else {
        console.log(`[${hosting}] colour of the change not checked: models/${REAL_PACK} is not there yet (the fixture pack's images are noise)`);
      }
      await panel.waitForSelector(`[data-testid=selection][data-node-id="${result.id}"]`);
      if (shots) await shootPanel(page, 'applied');

      // 6b. apply the whole sequence: ONE new frame beside the source, its 16 frames side by side (Frame 00 the original)
      await panel.selectOption('[data-testid=variant]', 'sequence');
      await panel.waitForSelector('[data-testid=apply]:not([disabled])');
      // the panel re-renders after the variant change: wait for the label (up to 10 s), then check it
      await panel.waitForFunction(() => document.querySelector('[data-testid=apply]')?.textContent === 'Apply 16', null, { timeout: 10_000 }).catch(() => undefined);
      expect(await panel.textContent('[data-testid=apply]')).toBe('Apply 16');
      await panel.click('[data-testid=apply]');
      const withSequence = await waitForLayers(page, before.layers.length + 2);
      const strip = withSequence.layers.find((l) => !after.layers.some((b) => b.id === l.id))!;
      expect(strip).toMatchObject({ type: 'FRAME', name: 'Ada · Manifold sequence (16 frames)', isResult: true, relaunch: ['edit'], y: ada.y, height: ada.height });
      expect(strip.width).toBe(16 * ada.width + 15 * SEQUENCE_GAP);
      expect(strip.x).toBeGreaterThanOrEqual(result.x + result.width);
      expect(withSequence.selection).toEqual([strip.id]);
      await panel.waitForSelector('[data-testid=status][data-status=done]:has-text("one frame holding its 16 frames")', { timeout: 240_000 });
      // The first frame of the sequence is the original layer, the last one the final result.
      const stripPixels = await layerPixels(page, strip.id);
      const firstFrame = { data: [] as number[] }, lastFrame = { data: [] as number[] };
      for (let y = 0; y < out.height; y++) {
        const first = y * stripPixels.width * 4, last = (y * stripPixels.width + stripPixels.width - out.width) * 4;
        firstFrame.data.push(...stripPixels.data.slice(first, first + out.width * 4));
        lastFrame.data.push(...stripPixels.data.slice(last, last + out.width * 4));
      }
      expect(meanAbsDiff(firstFrame, src)).toBeLessThan(1);
      expect(meanAbsDiff(lastFrame, out)).toBeLessThan(1);
      if (shots) {
        await shootPanel(page, 'sequence-applied');
        // The document, with the new frame beside the source and the first result.
        await page.setViewportSize({ width: 1800, height: 900 });
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        await page.screenshot({ path: join(SHOTS, 'playground-sequence-applied.png') });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      await panel.selectOption('[data-testid=variant]', 'final');
      // Back to the first result, to relaunch from it.
      await page.evaluate(() => (window as unknown as { playground: { select(name: string): void } }).playground.select('Ada · Manifold'));
      await page.waitForFunction((id) => (window as unknown as { playground: { scene(): { selection: string[] } } }).playground.scene().selection[0] === id, result.id);
      await panel.waitForSelector(`[data-testid=selection][data-node-id="${result.id}"]`);

      // 7. relaunch from the result ("Edit with Manifold"): the edit comes back
      const oldPanel = panel;
      await relaunch(page);
      panel = await panelFrame(page, oldPanel);
      await panel.waitForSelector('[data-testid=restored]', { timeout: 240_000 });
      await panel.waitForSelector('[data-testid=edit-canvas][data-strokes="1"]');
      expect(await panel.locator('[data-testid=edit-canvas] svg path').first().getAttribute('stroke')).toBe('#ff0000');
      // The restored stroke's colour is a recent colour again.
      expect(await panel.locator('[aria-label="Recent colours"] .swatch').evaluateAll((els) => els.map((el) => el.getAttribute('title')))).toEqual(['#ff0000']);
      await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 120_000 });
      if (shots) await shootPanel(page, 'relaunched');

      // 8. undo in the document removes the sequence frame, then the result, and leaves the source as it was
      await undo(page);
      await waitForLayers(page, before.layers.length + 1);
      await undo(page);
      const undone = await waitForLayers(page, before.layers.length);
      expect(undone.layers.map((l) => l.id)).toEqual(before.layers.map((l) => l.id));
      expect(meanAbsDiff(src, await layerPixels(page, ada.id))).toBe(0);
      expect(errors).toEqual([]);
    }, 900_000);
  });
}

/** Share of the pixels that differ in any channel. */
function changedShare(a: { data: number[] }, b: { data: number[] }): number {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2] || a.data[i + 3] !== b.data[i + 3]) n++;
  return n / (a.data.length / 4);
}
