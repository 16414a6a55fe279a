/**
 * Malformed, unknown and oversized messages in both directions (issue 8): each is rejected
 * with an error reply naming the problem, nothing crashes, nothing is written, and the
 * receiver keeps working. Also: the main thread never sends a message the panel would reject.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../protocol/limits';
import { parsePluginToUi, parseUiToPlugin, type PluginToUi } from '../../protocol/messages';
import { applyMsg, imageLayer, makePng, record, select, started } from './helpers';

const MALFORMED_TO_PLUGIN: Array<[string, unknown, string]> = [
  ['not an object', 'apply', 'message must be an object'],
  ['null', null, 'message must be an object'],
  ['an array', [{ type: 'ready' }], 'message must be an object'],
  ['no type', { protocol: 1 }, 'message.type must be a string'],
  ['unknown type', { type: 'delete-everything' }, "unknown ui→plugin message type 'delete-everything'"],
  ['a prototype name as type', { type: '__proto__' }, 'unknown ui→plugin message type'],
  ['a plugin→ui type', { type: 'selection', selection: { kind: 'none' } }, 'unknown ui→plugin message type'],
  ['apply without results', { type: 'apply', requestId: 'r', sourceNodeId: '1:1', group: false }, 'apply.results must be an array'],
  ['apply with bytes as a plain array', { ...applyMsg('1:1'), results: [{ ...applyMsg('1:1').results[0], bytes: [137, 80, 78, 71] }] }, 'apply.results[0].bytes must be a Uint8Array'],
  ['apply with a NaN latent', applyMsg('1:1', { record: { latent: [NaN] } }), 'apply.results[0].record.latent'],
  ['apply with 33 results', applyMsg('1:1', { count: LIMITS.maxResults + 1 }), `must be an array of 1–${LIMITS.maxResults} results`],
  ['notify over 1000 characters', { type: 'notify', message: 'x'.repeat(LIMITS.maxText + 1) }, 'notify.message must be a string of at most 1000'],
  ['select without a node id', { type: 'select' }, 'select.nodeId'],
  ['cancel with an empty request id', { type: 'cancel', requestId: '' }, 'cancel.requestId'],
  ['a node id over maxId', { ...applyMsg('1'.repeat(LIMITS.maxId + 1)) }, 'apply.sourceNodeId'],
];

describe('panel → main thread', () => {
  it.each(MALFORMED_TO_PLUGIN)('%s: error reply naming the problem, nothing written, still working', async (_what, bad, message) => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4));
    await select(h, [src]);
    const before = h.figma.snapshot();
    const got = await h.send(bad, (m) => m.type === 'error');
    expect(got.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringContaining(message) });
    expect(got.find((m) => m.type === 'error')!.message).toContain('main thread rejected a message');
    // Answered under the request's id whenever it had a usable one, so the panel stops waiting.
    const id = (bad as { requestId?: unknown } | null)?.requestId;
    expect((got.find((m) => m.type === 'error') as { requestId?: string }).requestId).toBe(typeof id === 'string' && id.length > 0 ? id : undefined);
    expect(h.figma.snapshot()).toBe(before);
    const ok = await h.send(applyMsg(src.id), (m) => m.type === 'applied');
    expect(ok.some((m) => m.type === 'applied')).toBe(true);
  });

  it('an apply the validator rejects (an image 4097 px wide) is answered under its requestId', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4));
    const before = h.figma.snapshot();
    const wide = applyMsg(src.id, { requestId: 'apply-4097', width: LIMITS.maxImageSide + 1, height: 1 });
    const got = await h.send(wide, (m) => m.type === 'error');
    expect(got.find((m) => m.type === 'error')).toMatchObject({ requestId: 'apply-4097', message: expect.stringContaining('main thread rejected a message') });
    expect(h.figma.snapshot()).toBe(before);
  });

  it('oversized: an apply whose images add up to more than maxApplyBytes is refused by the validator', () => {
    const big = new Uint8Array(LIMITS.maxImageBytes); // the same 64 MB shared by five results: 320 MB in all
    big.set(makePng(4, 4));
    const msg = { ...applyMsg('1:1', { count: 5 }) };
    msg.results = msg.results.map((r) => ({ ...r, bytes: big, width: 4, height: 4 }));
    expect(() => parseUiToPlugin(msg)).toThrow(`apply.results must hold at most ${LIMITS.maxApplyBytes} image bytes in all`);
    const one = { ...msg, results: [{ ...msg.results[0], bytes: new Uint8Array(big.buffer, 0, LIMITS.maxImageBytes + 0) }] };
    expect(parseUiToPlugin(one)).toBe(one);
  });

  it('an edit record over 100 kB is refused before anything is made', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4));
    const before = h.figma.snapshot();
    const got = await h.send(applyMsg(src.id, { record: { constraints: 'x'.repeat(LIMITS.maxPluginDataBytes) } }), (m) => m.type === 'error');
    expect(got.find((m) => m.type === 'error')!.message).toContain('setPluginData allows at most 100000');
    expect(h.figma.snapshot()).toBe(before);
  });

  it('a message after the plugin closed is ignored (no reply, no write, no throw)', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4));
    const before = h.figma.snapshot();
    h.figma.closeByUser();
    const n = h.received.length;
    h.figma.deliverFromUi(applyMsg(src.id));
    h.figma.deliverFromUi({ type: 'nonsense' });
    await new Promise((r) => setTimeout(r, 30));
    expect(h.received.length).toBe(n);
    expect(h.figma.snapshot()).toBe(before);
  });
});

describe('main thread → panel', () => {
  it.each([
    ['unknown type', { type: 'run-this', code: 'alert(1)' }, "unknown plugin→ui message type 'run-this'"],
    ['a selection with bytes as a string', { type: 'selection', selection: { kind: 'image', image: { nodeId: '1', name: 'a', nodeType: 'RECTANGLE', source: 'export', bytes: 'iVBOR', mime: 'image/png', width: 1, height: 1, nodeWidth: 1, nodeHeight: 1, record: null } } }, 'selection.selection.image.bytes'],
    ['an oversized asset chunk', { type: 'asset-chunk', name: 'ort/x.wasm', index: 0, data: 'A'.repeat(LIMITS.assetChunkChars + 1) }, 'asset-chunk.data must be a string of at most'],
    ['an oversized error', { type: 'error', message: 'e'.repeat(10 * LIMITS.maxText + 1) }, 'error.message'],
    ['a selection with 51 listed layers', { type: 'selection', selection: { kind: 'multiple', count: 51, layers: Array.from({ length: 51 }, (_, i) => ({ nodeId: `${i}`, name: 'x', nodeType: 'RECTANGLE' })) } }, 'at most 50 layers'],
    ['a negative image size', { type: 'selection', selection: { kind: 'image', image: { nodeId: '1', name: 'a', nodeType: 'RECTANGLE', source: 'export', bytes: new Uint8Array(4), mime: 'image/png', width: -1, height: 1, nodeWidth: 1, nodeHeight: 1, record: null } } }, 'must have positive width'],
  ])('the panel’s validator rejects %s, naming the field', (_what, bad, message) => {
    expect(() => parsePluginToUi(bad)).toThrow(message);
  });

  describe('the panel’s bridge (ui/host/bridge.ts) answers a bad message with an error and keeps working', () => {
    const posted: unknown[] = [];
    const target = new EventTarget();
    const host = { postMessage: (m: unknown) => posted.push(m) };
    beforeAll(() => {
      vi.stubGlobal('window', target);
      vi.stubGlobal('parent', host);
    });
    afterAll(() => vi.unstubAllGlobals());
    /** A window message as the browser delivers it (Node's MessageEvent only takes a MessagePort as source). */
    const messageFrom = (source: unknown, pluginMessage: unknown) => Object.assign(new Event('message'), { data: { pluginMessage }, source });

    it('rejects, replies, then accepts a good message', async () => {
      const { connectToHost } = await import('../../ui/host/bridge');
      posted.length = 0;
      const accepted: PluginToUi[] = [];
      const rejected: string[] = [];
      connectToHost((m) => accepted.push(m), (r) => rejected.push(r));
      const deliver = (pluginMessage: unknown) => target.dispatchEvent(messageFrom(host, pluginMessage));
      deliver({ type: 'selection', selection: { kind: 'galaxy' } });
      deliver('not even an object');
      deliver({ type: 'selection', selection: { kind: 'none' } });
      expect(rejected).toHaveLength(2);
      expect(posted).toEqual([
        { pluginMessage: { type: 'error', message: expect.stringContaining('panel rejected a message: selection.selection.kind must be one of') }, pluginId: '*' },
        { pluginMessage: { type: 'error', message: expect.stringContaining('panel rejected a message: message must be an object') }, pluginId: '*' },
      ]);
      expect(accepted).toEqual([{ type: 'selection', selection: { kind: 'none' } }]);
    });

    it('ignores messages that do not come from the host window (event.source is not parent): not acted on, not answered', async () => {
      const { connectToHost } = await import('../../ui/host/bridge');
      posted.length = 0;
      const accepted: PluginToUi[] = [];
      const rejected: string[] = [];
      connectToHost((m) => accepted.push(m), (r) => rejected.push(r));
      const good = { type: 'selection', selection: { kind: 'none' } };
      for (const source of [null, target /* the panel itself */, { postMessage() {} } /* another frame or a popup */]) {
        target.dispatchEvent(messageFrom(source, good));
        target.dispatchEvent(messageFrom(source, { type: 'galaxy' }));
      }
      expect(accepted).toEqual([]);
      expect(rejected).toEqual([]);
      expect(posted).toEqual([]);
      target.dispatchEvent(messageFrom(host, good));
      expect(accepted).toEqual([good]);
    });
  });

  it('the main thread never sends what the panel would reject: a 5000-character layer name is shortened', async () => {
    const h = await started();
    const src = imageLayer(h.figma, makePng(4, 4), 'n'.repeat(5000));
    const other = imageLayer(h.figma, makePng(4, 4), 'm'.repeat(5000));
    for (const nodes of [[src], [src, other]]) {
      const sel = await select(h, nodes);
      expect(() => parsePluginToUi({ type: 'selection', selection: sel })).not.toThrow();
    }
    for (const m of h.received) expect(() => parsePluginToUi(m)).not.toThrow();
  });

  it('an outgoing message that fails validation is replaced by an error, not sent', async () => {
    const h = await started();
    // A node id over maxId characters makes the selection message invalid.
    const src = imageLayer(h.figma, makePng(4, 4), 'Odd');
    Object.defineProperty(src, 'id', { value: 'X'.repeat(LIMITS.maxId + 1) });
    const next = new Promise<PluginToUi>((resolve) => {
      const start = h.received.length;
      const timer = setInterval(() => {
        const m = h.received.slice(start).find((x) => x.type === 'error' || x.type === 'selection');
        if (m) {
          clearInterval(timer);
          resolve(m);
        }
      }, 5);
    });
    h.figma.currentPage.selection = [src];
    expect(await next).toMatchObject({ type: 'error', message: expect.stringContaining('main thread produced an invalid selection message') });
  });
});
