/**
 * "Nothing lost" (issue 8): the source is never modified, each apply is one undo step, a
 * failure at any point of an apply inserts nothing (faults injected into every document
 * operation the write uses), and the edit record on a result is enough to reproduce it.
 */
import { describe, expect, it } from 'vitest';
import type { EmuSceneNode } from '../../dev/emulator';
import { Engine } from '../../engine/engine';
import { fsPackSource } from '../../engine/node/fs-pack-source';
import { EDIT_RECORD_KEY } from '../../plugin/edit-record-key';
import { decodeEditRecord } from '../../protocol/edit-record';
import type { SelectedImage } from '../../protocol/messages';
import { applyMsg, imageLayer, isAnswer, makePng, record, select, started } from './helpers';

/** The snapshot of one node (and its subtree) by id. */
function subtree(snapshot: string, id: string): string {
  type N = { id: string; children?: N[] };
  const find = (nodes: N[]): N | undefined => nodes.map((n) => (n.id === id ? n : find(n.children ?? []))).find(Boolean);
  return JSON.stringify(find((JSON.parse(snapshot) as N[]).flatMap((p) => p.children ?? [])) ?? null);
}

const noSelection = (snapshot: string) => snapshot.replace(/"selection":\[[^\]]*\]/g, '"selection":[]');

/** A scene with an image layer inside a frame, and a vector beside it. */
async function scene() {
  const h = await started();
  const frame = h.figma.createFrame();
  frame.resize(600, 400);
  const src = imageLayer(h.figma, makePng(16, 12), 'Source', 64, 48);
  frame.appendChild(src);
  src.x = 20;
  src.y = 30;
  const vector = h.figma.createVector();
  vector.x = 700;
  h.figma.resetHistory();
  return { h, frame, src, vector };
}

describe('a failure at any step of an apply inserts nothing', () => {
  const BEFORE_COMMIT = ['createImage', 'createRectangle', 'name', 'resize', 'fills', 'setPluginData', 'setRelaunchData', 'insertChild', 'x', 'y', 'group', 'commitUndo'];
  for (const op of BEFORE_COMMIT) {
    // group and commitUndo run once per apply; the others once per result (3 here), so fail the first and the last.
    for (const nth of op === 'group' || op === 'commitUndo' ? [1] : op === 'createRectangle' || op === 'createImage' ? [1, 3] : [1, 2]) {
      it(`${op} fails (call ${nth}): error reply, error notification, the document exactly as it was`, async () => {
        const { h, src } = await scene();
        const before = h.figma.snapshot();
        h.figma.injectFault(op, nth);
        const got = await h.send(applyMsg(src.id, { count: 3, group: true }), isAnswer());
        expect(got.find(isAnswer())).toMatchObject({ type: 'error', requestId: 'req-1', message: `injected fault: ${op}` });
        expect(h.figma.notifications.at(-1)).toMatchObject({ message: expect.stringContaining('could not add the result'), options: { error: true } });
        expect(h.figma.snapshot()).toBe(before);
        // Whatever the failed attempt left in the undo history is a no-op: undoing it changes nothing.
        h.figma.undo();
        expect(h.figma.snapshot()).toBe(before);
        // And the plugin carries on: the same apply now works and undoes cleanly.
        const again = await h.send(applyMsg(src.id, { count: 3, group: true, requestId: 'req-2' }), isAnswer('req-2'));
        expect(again.find(isAnswer('req-2'))?.type).toBe('applied');
        h.figma.undo();
        expect(noSelection(h.figma.snapshot())).toBe(noSelection(before));
      });
    }
  }

  for (const op of ['scrollAndZoomIntoView', 'notify']) {
    it(`${op} fails after the write is committed: the result stays, one undo step`, async () => {
      const { h, src } = await scene();
      const before = h.figma.snapshot();
      h.figma.injectFault(op);
      const got = await h.send(applyMsg(src.id), isAnswer());
      expect(got.find(isAnswer())?.type).toBe('applied');
      expect(h.figma.undoDepth).toBe(1);
      h.figma.undo();
      expect(noSelection(h.figma.snapshot())).toBe(noSelection(before));
    });
  }

  it('a result that is not a complete image (truncated PNG) is refused before anything is made', async () => {
    const { h, src } = await scene();
    const before = h.figma.snapshot();
    const png = makePng(32, 24, 9);
    const msg = applyMsg(src.id, { count: 2 });
    msg.results[1] = { ...msg.results[1], bytes: png.subarray(0, png.length - 30) };
    const got = await h.send(msg, isAnswer());
    expect(got.find(isAnswer())).toMatchObject({ type: 'error', message: 'result 2 (“result 2”): The image file is incomplete (truncated).' });
    expect(h.figma.snapshot()).toBe(before);
    expect(h.figma.undoDepth).toBe(0);
  });

  it('a result whose declared size differs from its image is refused before anything is made', async () => {
    const { h, src } = await scene();
    const before = h.figma.snapshot();
    const got = await h.send(applyMsg(src.id, { bytes: makePng(10, 10), width: 32, height: 24 }), isAnswer());
    expect(got.find(isAnswer())).toMatchObject({ type: 'error', message: expect.stringContaining('says 32×24 px but its image is 10×10') });
    expect(h.figma.snapshot()).toBe(before);
  });
});

describe('the source is never modified; each apply is one undo step', () => {
  it('three applies (image fill, grouped, exported source) leave every existing layer byte-identical; three undos restore the file', async () => {
    const { h, src, vector } = await scene();
    const before = h.figma.snapshot();
    const existing = () => [src, vector].map((n) => subtree(h.figma.snapshot(), n.id)).join('\n');
    const existingBefore = existing();
    const bytesBefore = await h.figma.getImageByHash((src.fills[0] as { imageHash: string }).imageHash)!.getBytesAsync();
    await h.send(applyMsg(src.id), isAnswer());
    await h.send(applyMsg(src.id, { count: 4, group: true, requestId: 'r2' }), isAnswer('r2'));
    await h.send(applyMsg(vector.id, { requestId: 'r3' }), isAnswer('r3'));
    expect(existing()).toBe(existingBefore);
    expect(await h.figma.getImageByHash((src.fills[0] as { imageHash: string }).imageHash)!.getBytesAsync()).toEqual(bytesBefore);
    expect(h.figma.undoDepth).toBe(3);
    for (let i = 0; i < 3; i++) h.figma.undo();
    expect(noSelection(h.figma.snapshot())).toBe(noSelection(before));
  });

  it('reading the selection, rejected messages and failed applies write nothing at all', async () => {
    const { h, src } = await scene();
    await select(h, [src]);
    const before = h.figma.snapshot();
    for (const bad of [{ type: 'apply' }, { type: 'nope' }, applyMsg(src.id, { bytes: new Uint8Array([1, 2, 3]) })]) {
      await h.send(bad, (m) => m.type === 'error');
    }
    expect(h.figma.snapshot()).toBe(before);
    expect(h.figma.undoDepth).toBe(0);
  });
});

describe('the edit record is enough to reproduce a result', () => {
  it('round-trips exactly through plugin data and comes back with the layer when it is selected again', async () => {
    const { h, src } = await scene();
    const sel = (await select(h, [src])) as { image: SelectedImage };
    const latent = Array.from(Float32Array.from([0.123456789, -0.987654321, 1e-7, 0.5, -1, 1, 0.333333343267, 2 ** -20]));
    const rec = record({
      packId: 'tiny',
      latent,
      latent0: latent.map((v) => v / 2),
      constraints: { strokes: [{ kind: 'color', points: [[1.5, 2.25]], width: 6, color: [200, 40, 40] }], codes: { 'Code 1': 0.4 }, candidate: 3, frames: 16 },
      source: { nodeId: src.id, name: src.name, imageHash: sel.image.imageHash, revision: sel.image.revision },
      packSha256: 'a'.repeat(64),
      seed: 12345,
      engine: 'manifold 0.1.0',
    });
    const got = await h.send(applyMsg(src.id, { record: rec }), isAnswer());
    const id = (got.find(isAnswer()) as { nodeIds: string[] }).nodeIds[0];
    const result = (await h.figma.getNodeByIdAsync(id)) as EmuSceneNode;
    expect(decodeEditRecord(result.getPluginData(EDIT_RECORD_KEY))).toEqual(rec);
    const again = (await select(h, [result])) as { image: SelectedImage };
    expect(again.image.record).toEqual(rec);
    // The source pixels it was made from are still in the file under the recorded hash.
    expect(await h.figma.getImageByHash(rec.source.imageHash!)!.getBytesAsync()).toEqual(sel.image.bytes);
  });

  it('the recorded latent renders bit-identically through the engine (tiny pack)', async () => {
    const engine = await Engine.createAsync(fsPackSource('test/fixtures/packs/tiny'), { executionProvider: 'wasm' });
    const L = engine.model.L;
    const z = Float32Array.from({ length: L }, (_, i) => Math.sin(i * 1.7) * 0.8);
    const stored = decodeEditRecord(JSON.stringify(record({ latent: Array.from(z), latent0: Array.from(z) })))!;
    const a = await engine.renderAsync(z);
    const b = await engine.renderAsync(Float32Array.from(stored.latent));
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });
});
