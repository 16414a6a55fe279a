/**
 * Issue 16 in Chromium: the walk a first-time designer takes through the playground (srcdoc
 * hosting, the engine on wasm in the worker), checking each item that was seen on screen:
 * the edit survives Undo and selection changes (1), the canvas says which candidate it shows and
 * that strokes still apply after a code (2), status lines tell the truth (3–5), display labels
 * (6), no console errors (7), the candidates are seen above the footer and the panel fills its
 * window (8), new results are brought into view as figma.viewport.scrollAndZoomIntoView does (9),
 * tool names on hover and focus (10), and the candidates' status (11).
 */
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawOnCanvas, hasRealPack, panelFrame, scene, startEnv, stopEnv, undo, waitForLayers, type Env } from './panel-helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv('manifold-first-time', { webgpu: false });
}, 300_000);
afterAll(() => stopEnv(env));

/** Where a layer of the emulated document is on screen, and the playground canvas's visible box. */
async function onScreen(page: Page, id: string) {
  return page.evaluate((layerId) => {
    const el = document.querySelector(`.layer[data-id="${layerId}"]`)!.getBoundingClientRect();
    const view = document.getElementById('canvas')!.getBoundingClientRect();
    return { el: { left: el.left, top: el.top, right: el.right, bottom: el.bottom }, view: { left: view.left, top: view.top, right: view.right, bottom: view.bottom }, zoom: Number(document.getElementById('world')!.dataset.zoom) };
  }, id);
}
const inside = (r: Awaited<ReturnType<typeof onScreen>>) => r.el.left >= r.view.left - 1 && r.el.right <= r.view.right + 1 && r.el.top >= r.view.top - 1 && r.el.bottom <= r.view.bottom + 1;

describe('the panel as a first-time designer meets it (issue 16)', () => {
  let page: Page;
  let panel: Frame;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await page.goto(`${env.url}?host=srcdoc`);
    panel = await panelFrame(page);
    await panel.waitForSelector('[data-testid=assets][data-engine=ready]', { timeout: 180_000 });
  }, 200_000);

  it('walks select → project → paint → code → apply → undo → select again, and each item holds', async () => {
    const before = await scene(page);
    const ada = before.layers.find((l) => l.name === 'Ada')!;
    const zoom0 = (await onScreen(page, ada.id)).zoom;

    // 5. Before anything was measured, no estimate beside Project.
    await page.click('.layer[data-name="Ada"]');
    await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 60_000 });
    expect(await panel.textContent('[data-testid=project-hint]')).not.toMatch(/About|minute/);
    // 9. A click selects; the view stays where it is.
    expect((await onScreen(page, ada.id)).zoom).toBe(zoom0);

    // 3. While projecting, the figure is the distance so far.
    await panel.click('[data-testid=project]');
    const progress = await panel.waitForSelector('[data-testid=project-progress-error]', { timeout: 60_000 }).then((el) => el.textContent()).catch(() => null);
    if (progress !== null) expect(progress).toMatch(/^\d+\.\d% off so far…$/);
    await panel.waitForSelector('[data-testid=edit-canvas]', { timeout: 240_000 });
    // 8. The panel is its window's height; only its middle scrolls.
    const frameBox = await panel.evaluate(() => ({ inner: innerHeight, doc: document.documentElement.scrollHeight, panel: document.querySelector('.panel')!.getBoundingClientRect().height }));
    expect(frameBox.panel).toBe(frameBox.inner);
    expect(frameBox.doc).toBe(frameBox.inner);

    // 10. Each brush tool names itself, with its key, on hover and on keyboard focus.
    await panel.hover('[data-testid=tool-warp]');
    await panel.waitForSelector('#tip-warp', { state: 'visible' });
    expect(await panel.textContent('#tip-warp')).toBe('Warp W');
    await panel.hover('header h1');
    await panel.waitForSelector('#tip-warp', { state: 'hidden' });
    await panel.focus('[data-testid=tool-color]');
    await page.keyboard.press('Tab');
    await panel.waitForSelector('#tip-sketch', { state: 'visible' });
    expect(await panel.textContent('#tip-sketch')).toBe('Sketch S');

    // 6. Display labels, not attribute identifiers.
    if (hasRealPack) {
      const chips = await panel.locator('[data-testid=code-chips] .chip').allTextContents();
      expect(chips).toContain('Short combover');
      for (const c of chips) expect(c).not.toMatch(/[a-z][A-Z]|·/);
    }

    // A red stroke over the hair: final candidates, the grid seen above the footer (8), its status (11).
    await panel.locator('[data-testid=colour]').fill('#ff0000');
    await drawOnCanvas(page, panel, [[0.36, 0.17], [0.5, 0.14], [0.64, 0.17]]);
    await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 240_000 });
    await page.waitForTimeout(300);
    const layout = await panel.evaluate(() => {
      const grid = document.querySelector('[data-testid=candidates]')!.getBoundingClientRect();
      const footer = document.querySelector('footer')!.getBoundingClientRect();
      const main = document.querySelector('main')!.getBoundingClientRect();
      return { gridTop: grid.top, gridBottom: grid.bottom, footerTop: footer.top, mainTop: main.top };
    });
    expect(layout.gridBottom).toBeLessThanOrEqual(layout.footerTop);
    expect(layout.gridTop).toBeGreaterThanOrEqual(layout.mainTop);
    expect(await panel.textContent('[data-testid=candidates-status]')).toMatch(/most different first|little freedom/);
    // 2. The canvas names the image it shows; with strokes, a line says they still apply after a code.
    expect(await panel.textContent('[data-testid=canvas-caption]')).toBe('Candidate 1 (best)');
    await panel.waitForSelector('[data-testid=codes-with-strokes]');
    await panel.locator('[data-testid=candidate]').nth(1).click();
    // the caption follows on the panel's next render
    await panel.waitForFunction(() => document.querySelector('[data-testid=canvas-caption]')?.textContent === 'Candidate 2', null, { timeout: 10_000 });
    const slider = panel.locator('[data-testid=code-slider]').first();
    await slider.fill('0.96');
    await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 240_000 });
    // A new batch around the moved code: the canvas follows its best candidate again.
    await panel.waitForFunction(() => document.querySelector('[data-testid=canvas-caption]')?.textContent === 'Candidate 1 (best)', null, { timeout: 30_000 });

    // 4. What Apply will do is said in the future tense, before anything is added.
    await panel.selectOption('[data-testid=variant]', 'sequence');
    await panel.waitForFunction(() => /^Apply will add one frame/.test(document.querySelector('[data-testid=status]')?.textContent ?? ''), null, { timeout: 10_000 });
    await panel.selectOption('[data-testid=variant]', 'final');
    await panel.click('[data-testid=apply]');
    await panel.waitForSelector('[data-testid=status][data-status=done], [data-testid=status][data-status=failed]', { timeout: 240_000 });
    expect(await panel.textContent('[data-testid=status]')).toMatch(/^Added 1 layer beside the original/);
    const after = await waitForLayers(page, before.layers.length + 1);
    const result = after.layers.find((l) => !before.layers.some((b) => b.id === l.id))!;
    // 9. The new layer is brought into view, as figma.viewport.scrollAndZoomIntoView does.
    await page.waitForFunction((id) => document.querySelector(`.layer[data-id="${id}"]`) !== null, result.id);
    expect(inside(await onScreen(page, result.id))).toBe(true);
    expect((await onScreen(page, result.id)).zoom).toBe(1); // one 256 px layer: no need to zoom out

    // 1. Undo in the document: the panel says what was undone and keeps the edit.
    await undo(page);
    await waitForLayers(page, before.layers.length);
    await panel.waitForSelector('[data-testid=undone]', { timeout: 30_000 });
    expect(await panel.textContent('[data-testid=undone]')).toBe('Undo removed the result layer made from “Ada”. Its edit is kept: select “Ada” to go on, or Apply again.');
    // Another layer, then Ada again: the edit is there at once (no Project), with its stroke and candidates.
    await page.click('.layer[data-name="Grace"]');
    await panel.waitForSelector('[data-testid=project]:not([disabled])', { timeout: 60_000 });
    // 5. Now measured: the estimate is this machine's.
    expect(await panel.textContent('[data-testid=project-hint]')).toMatch(/About \d+ s here \(the last projection took \d+\.\d s\)\./);
    await page.click('.layer[data-name="Ada"]');
    await panel.waitForSelector('[data-testid=edit-canvas][data-strokes="1"]', { timeout: 5_000 });
    expect(await panel.$('[data-testid=project]')).toBeNull();
    await panel.waitForSelector('[data-testid=candidates][data-final=true]', { timeout: 5_000 });

    // 7. No page error, and nothing on the console as an error.
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 900_000);
});
