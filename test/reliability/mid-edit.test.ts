/**
 * Things that change while the user edits (issue 8, third group) and cancelling at any
 * moment. The apply message names its source, so what is selected now never decides where
 * a result goes; the document is written in one step after the source is looked up.
 */
import { describe, expect, it } from 'vitest';
import type { EmuSceneNode } from '../../dev/emulator';
import { RESULT_GAP } from '../../plugin/placement';
import type { PluginToUi, SelectedImage } from '../../protocol/messages';
import { applyMsg, flush, imageLayer, isAnswer, makePng, select, started } from './helpers';

type H = Awaited<ReturnType<typeof started>>;

async function resultOf(h: H, got: PluginToUi[], requestId = 'req-1'): Promise<EmuSceneNode> {
  const answer = got.find(isAnswer(requestId));
  expect(answer?.type).toBe('applied');
  return (await h.figma.getNodeByIdAsync((answer as { nodeIds: string[] }).nodeIds[0])) as EmuSceneNode;
}

function lastApplied(h: Awaited<ReturnType<typeof started>>): Extract<PluginToUi, { type: 'applied' }> {
  return h.received.filter((m): m is Extract<PluginToUi, { type: 'applied' }> => m.type === 'applied').at(-1)!;
}

/** The panel has the note in full (the applied reply); the notification, within 100 characters, points to it. */
function expectTold(h: Awaited<ReturnType<typeof started>>, note: string): void {
  expect(lastApplied(h).notes?.join(' ')).toContain(note);
  const shown = h.figma.notifications.at(-1)!;
  expect(shown.message).toMatch(/^Added .* More in the Manifold panel\.$/);
  expect(shown.message.length).toBeLessThanOrEqual(100);
  expect(shown.cut).toBeUndefined();
}

describe('the source changes while editing', () => {
  it('deleted: the result is still added, on the current page in view, and the user is told', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Gone');
    await select(h, [src]);
    src.remove();
    h.figma.resetHistory();
    h.figma.viewportCenter = { x: 500, y: 300 };
    const result = await resultOf(h, await h.send(applyMsg(src.id, { width: 32, height: 24 }), isAnswer()));
    expect(result.parent).toBe(h.figma.currentPage);
    expect([result.x + result.width / 2, result.y + result.height / 2]).toEqual([500, 300]);
    expectTold(h, '“src” was deleted while you were editing, so the result was placed in view');
    expect(h.figma.undoDepth).toBe(1);
  });

  it('moved to another frame: the result goes beside it where it is now', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Mover', 64, 48);
    await select(h, [src]);
    const frame = h.figma.createFrame();
    frame.resize(800, 600);
    frame.x = 1000;
    frame.appendChild(src);
    src.x = 100;
    src.y = 40;
    const result = await resultOf(h, await h.send(applyMsg(src.id), isAnswer()));
    expect(result.parent).toBe(frame);
    expect([result.x, result.y]).toEqual([100 + 64 + RESULT_GAP, 40]);
  });

  it('changed (fill replaced): the result is still added, based on what was edited, and the user is told', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Changing');
    const sel = (await select(h, [src])) as { image: SelectedImage };
    const revision = sel.image.revision!;
    // Unchanged: no warning.
    await h.send(applyMsg(src.id, { sourceRevision: revision }), isAnswer());
    expect(lastApplied(h).notes).toBeUndefined();
    expect(h.figma.notifications.at(-1)?.message).toBe('Added “result 1”.');
    src.fills = [{ type: 'IMAGE', imageHash: h.figma.createImage(makePng(8, 8, 5)).hash, scaleMode: 'FILL' }];
    const result = await resultOf(h, await h.send(applyMsg(src.id, { sourceRevision: revision, requestId: 'req-2' }), isAnswer('req-2')), 'req-2');
    expect(result.name).toBe('result 1');
    expectTold(h, '“Changing” changed while you were editing; the result is based on the version you started from');
  });

  it('the selection changes: the result still goes beside the layer that was edited', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8), 'Edited', 64, 48);
    const other = imageLayer(h.figma, makePng(8, 8, 3), 'Other', 64, 48);
    other.y = 500;
    await select(h, [src]);
    const sel = await select(h, [other]); // the panel is told; the edit keeps its source
    expect((sel as { image: SelectedImage }).image.nodeId).toBe(other.id);
    const result = await resultOf(h, await h.send(applyMsg(src.id), isAnswer()));
    expect([result.x, result.y]).toEqual([src.x + 64 + RESULT_GAP, src.y]);
    expect(h.figma.currentPage.selection).toEqual([result]);
  });

  it('the page changes: the panel gets the new page’s selection; the result goes on the source’s page, and the user is told where', async () => {
    const h = await started();
    const page1 = h.figma.currentPage;
    const src = imageLayer(h.figma, makePng(8, 8), 'On page 1', 64, 48);
    await select(h, [src]);
    const page2 = h.figma.createPage();
    page2.name = 'Page 2';
    const next = h.nextSelection();
    await h.figma.setCurrentPageAsync(page2);
    expect((await next).selection).toEqual({ kind: 'none' });
    const page2Before = JSON.stringify(JSON.parse(h.figma.snapshot())[1]);
    const result = await resultOf(h, await h.send(applyMsg(src.id), isAnswer()));
    expect(result.parent).toBe(page1);
    expect(page1.selection).toEqual([result]);
    expect(JSON.stringify(JSON.parse(h.figma.snapshot())[1])).toBe(page2Before);
    expectTold(h, 'The result is on page “Page 1”');
    expect(h.figma.viewportTarget).toEqual([]); // no scrolling to another page
  });
});

describe('the panel is closed', () => {
  it('closed mid-apply (before the write): nothing is added, nothing is sent, nothing throws', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8));
    h.figma.resetHistory();
    const before = h.figma.snapshot();
    const sent = h.received.length;
    h.figma.deliverFromUi(applyMsg(src.id));
    h.figma.closeByUser();
    for (let i = 0; i < 10; i++) await flush();
    expect(h.figma.snapshot()).toBe(before);
    expect(h.figma.undoDepth).toBe(0);
    expect(h.received.length).toBe(sent);
  });

  it('closed after the write: the result stays, as one undo step', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(8, 8));
    h.figma.resetHistory();
    const before = h.figma.snapshot();
    await h.send(applyMsg(src.id), isAnswer());
    h.figma.closeByUser();
    expect(h.figma.currentPage.children).toHaveLength(2);
    expect(h.figma.undo()).toBe(true);
    expect(h.figma.snapshot()).toBe(before.replace(/"selection":\[[^\]]*\]/, `"selection":[]`));
  });
});

describe('cancel at any moment', () => {
  it('cancel before or after an apply never half-writes: either the whole result (one undo step) or exactly the document as it was', async () => {
    for (const delayMs of [0, 1, 2, 4, 8, 16, 30]) {
      const h = await started();
      const src = imageLayer(h.figma, makePng(8, 8));
      h.figma.resetHistory();
      // A slow source lookup, so the cancel can land before, during or after it.
      const lookup = h.figma.getNodeByIdAsync.bind(h.figma);
      h.figma.getNodeByIdAsync = (id: string) => new Promise((resolve) => setTimeout(() => resolve(lookup(id)), 10));
      const before = h.figma.snapshot();
      const answered = h.send(applyMsg(src.id, { count: 3, group: true }), isAnswer());
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      h.figma.deliverFromUi({ type: 'cancel', requestId: 'req-1' });
      const answer = (await answered).find(isAnswer())!;
      if (answer.type === 'applied') {
        expect(h.figma.undoDepth).toBe(1);
        expect(h.figma.undo()).toBe(true);
        expect(h.figma.snapshot()).toBe(before.replace(/"selection":\[[^\]]*\]/, `"selection":[]`));
      } else {
        expect(answer).toMatchObject({ type: 'error', message: 'Cancelled: nothing was added.' });
        expect(h.figma.snapshot()).toBe(before);
        expect(h.figma.undoDepth).toBe(0);
        expect(h.figma.notifications.some((n) => n.options.error)).toBe(false);
      }
      if (delayMs === 0) expect(answer.type).toBe('error');
      if (delayMs === 30) expect(answer.type).toBe('applied');
    }
  });

  it('cancel of a request that is not waiting says so and changes nothing', async () => {
    const h = await started();
    imageLayer(h.figma, makePng(8, 8));
    const before = h.figma.snapshot();
    const got = await h.send({ type: 'cancel', requestId: 'nope' }, (m) => m.type === 'error');
    expect(got.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringContaining('not waiting to be written') });
    expect(h.figma.snapshot()).toBe(before);
  });
});
