/**
 * Property-based tests of the message decoder (protocol/messages.ts) and of the main
 * thread's handler behind it: random and mutated messages never crash, are either accepted
 * or rejected with a ProtocolError/error reply, and never write to the document — except a
 * valid apply, which adds only its result layers. Bounded runs (a few hundred).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmulatedFigma } from '../../dev/emulator';
import { RELAUNCH_COMMAND } from '../../plugin/edit-record-key';
import { startPlugin } from '../../plugin/main';
import { ProtocolError } from '../../protocol/check';
import { parsePluginToUi, parseUiToPlugin, type PluginToUi } from '../../protocol/messages';
import { imageLayer, makePng, record } from '../unit/helpers';

const PNG = makePng(6, 4);

const validUiToPlugin = fc.oneof(
  fc.constant({ type: 'ready', protocol: 1 }),
  fc.record({ type: fc.constant('notify'), message: fc.string({ maxLength: 50 }), error: fc.boolean() }),
  fc.record({ type: fc.constant('error'), message: fc.string({ maxLength: 50 }) }),
  fc.record({ type: fc.constant('cancel'), requestId: fc.string({ minLength: 1, maxLength: 10 }) }),
  fc.record({ type: fc.constant('select'), nodeId: fc.string({ minLength: 1, maxLength: 10 }) }),
  fc.record({
    type: fc.constant('apply'),
    requestId: fc.string({ minLength: 1, maxLength: 10 }),
    sourceNodeId: fc.constantFrom('0:1', '0:2', '9:9', ''),
    group: fc.boolean(),
    layout: fc.constantFrom(undefined, 'frame'),
    results: fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), bytes: fc.constant(PNG), width: fc.constant(6), height: fc.constant(4), record: fc.constant(record()) }), { minLength: 1, maxLength: 3 }),
  }),
);

const validPluginToUi = fc.oneof(
  fc.record({ type: fc.constant('init'), protocol: fc.nat(5), command: fc.string({ maxLength: 10 }), assets: fc.constant([]) }),
  fc.record({ type: fc.constant('asset-chunk'), name: fc.string({ minLength: 1, maxLength: 20 }), index: fc.nat(100), data: fc.base64String({ maxLength: 100 }) }),
  fc.record({ type: fc.constant('selection'), selection: fc.oneof(fc.constant({ kind: 'none' }), fc.record({ kind: fc.constant('multiple'), count: fc.integer({ min: 2, max: 9 }) })) }),
  fc.record({ type: fc.constant('applied'), requestId: fc.string({ maxLength: 10 }), nodeIds: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('error'), message: fc.string({ maxLength: 50 }) }),
);

type Json = Record<string, unknown> | unknown[];

/** A copy of `value` with one random change deep inside: a key removed, a value replaced, a key added. */
function mutated(value: Json, rng: () => number, replacement: unknown): unknown {
  const copy = structuredClone(value) as Json;
  const containers: Json[] = [];
  (function collect(v: unknown) {
    if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      containers.push(v as Json);
      Object.values(v).forEach(collect);
    }
  })(copy);
  const target = containers[Math.floor(rng() * containers.length)];
  const keys = Object.keys(target);
  const key = keys[Math.floor(rng() * keys.length)];
  const op = Math.floor(rng() * 3);
  if (op === 0 && key !== undefined) delete (target as Record<string, unknown>)[key];
  else if (op === 1 && key !== undefined) (target as Record<string, unknown>)[key] = replacement;
  else (target as Record<string, unknown>)[['__proto__', 'constructor', 'type', 'extra', '0'][Math.floor(rng() * 5)]] = replacement;
  return copy;
}

const mutation = (valid: fc.Arbitrary<unknown>) =>
  fc.tuple(valid, fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true, withNullPrototype: true })).map(([v, seed, replacement]) => {
    let s = seed;
    const rng = () => (s = (s * 48271) % 2147483647) / 2147483647; // Park–Miller: in (0, 1)
    return mutated(v as Json, rng, replacement);
  });

function decodesOrRejects(parse: (v: unknown) => unknown, value: unknown): void {
  try {
    expect(parse(value)).toBe(value);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

describe('the message decoder', () => {
  it('accepts every valid message, both directions', () => {
    fc.assert(fc.property(validUiToPlugin, (m) => void expect(parseUiToPlugin(m)).toBe(m)), { numRuns: 200 });
    fc.assert(fc.property(validPluginToUi, (m) => void expect(parsePluginToUi(m)).toBe(m)), { numRuns: 200 });
  });

  it('random values: accepted or a ProtocolError, never another exception, both directions', () => {
    const anything = fc.anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true });
    fc.assert(fc.property(anything, (v) => decodesOrRejects(parseUiToPlugin, v)), { numRuns: 300 });
    fc.assert(fc.property(anything, (v) => decodesOrRejects(parsePluginToUi, v)), { numRuns: 300 });
  });

  it('mutated valid messages: accepted or a ProtocolError, never another exception, both directions', () => {
    fc.assert(fc.property(mutation(validUiToPlugin), (v) => decodesOrRejects(parseUiToPlugin, v)), { numRuns: 300 });
    fc.assert(fc.property(mutation(validPluginToUi), (v) => decodesOrRejects(parsePluginToUi, v)), { numRuns: 300 });
  });
});

describe('the main thread behind the decoder', () => {
  /** Delivers `message` to a fresh plugin on a small document; returns what it answered and the document before/after. */
  async function deliver(message: unknown) {
    const received: PluginToUi[] = [];
    const figma = new EmulatedFigma({ relaunchCommands: [RELAUNCH_COMMAND], hooks: { toUi: (m) => received.push(m as PluginToUi) } });
    const a = imageLayer(figma, makePng(4, 4), 'A'); // 0:1
    imageLayer(figma, makePng(4, 4, 1), 'B'); // 0:2
    figma.currentPage.selection = [a];
    figma.resetHistory();
    startPlugin(figma.pluginApi, '<html></html>', []);
    const before = figma.snapshot();
    let thrown: unknown = null;
    try {
      figma.deliverFromUi(message);
    } catch (error) {
      thrown = error;
    }
    for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
    return { received, before, after: figma.snapshot(), thrown, figma };
  }

  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (e) => unhandled.push(e));

  it('random and mutated messages never throw, always get an answer when invalid, and write nothing unless they are a valid apply', async () => {
    const messages = fc.oneof(
      fc.anything({ withTypedArray: true, withNullPrototype: true }),
      mutation(validUiToPlugin),
      validUiToPlugin,
    );
    await fc.assert(
      fc.asyncProperty(messages, async (message) => {
        let valid = true;
        try {
          parseUiToPlugin(structuredClone(message));
        } catch {
          valid = false;
        }
        const { received, before, after, thrown, figma } = await deliver(message);
        expect(thrown).toBeNull();
        for (const m of received) expect(() => parsePluginToUi(m)).not.toThrow();
        if (!valid) {
          expect(received.some((m) => m.type === 'error' && m.message.startsWith('main thread rejected a message'))).toBe(true);
          expect(after).toBe(before);
          return;
        }
        const applied = received.find((m) => m.type === 'applied') as { nodeIds: string[] } | undefined;
        if (!applied) {
          expect(after.replace(/"selection":\[[^\]]*\]/g, '')).toBe(before.replace(/"selection":\[[^\]]*\]/g, ''));
          return;
        }
        // A valid apply: undoing its one step gives back the document exactly (bar the selection).
        expect(figma.undoDepth).toBe(1);
        figma.undo();
        expect(figma.snapshot().replace(/"selection":\[[^\]]*\]/g, '')).toBe(before.replace(/"selection":\[[^\]]*\]/g, ''));
      }),
      { numRuns: 250 },
    );
    expect(unhandled).toEqual([]);
  });
});
