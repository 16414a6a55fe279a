/** What the engine sends its shards of a run's constant inputs (engine/worker/sent-inputs.ts). */
import { describe, expect, it } from 'vitest';
import { SentInputs } from '../../engine/worker/sent-inputs.js';

const t = (values: number[], dims = [values.length]) => ({ data: Float32Array.from(values), dims });

describe('SentInputs', () => {
  it('sends a constant input once, then names it as held; split inputs go every time', () => {
    const sent = new SentInputs();
    const mask = t([0, 1, 1, 0]);
    const first = sent.plan({ z: t([1, 2]), mask }, ['mask']);
    expect(Object.keys(first.feeds).sort()).toEqual(['mask', 'z']);
    expect(first).toMatchObject({ keep: ['mask'], held: [] });
    const second = sent.plan({ z: t([3, 4]), mask }, ['mask']);
    expect(Object.keys(second.feeds)).toEqual(['z']);
    expect(second).toMatchObject({ keep: [], held: ['mask'] });
  });

  it('sends it again when its values change, even in the same array, or its shape; -0 is not 0', () => {
    const sent = new SentInputs();
    const mask = t([0, 1, 1, 0]);
    sent.plan({ mask }, ['mask']);
    mask.data[2] = 0.5; // refilled in place for a new stroke
    expect(sent.plan({ mask }, ['mask']).keep).toEqual(['mask']);
    expect(sent.plan({ mask }, ['mask']).held).toEqual(['mask']);
    expect(sent.plan({ mask: { data: mask.data, dims: [2, 2] } }, ['mask']).keep).toEqual(['mask']);
    expect(sent.plan({ w: t([0]) }, ['w']).keep).toEqual(['w']);
    expect(sent.plan({ w: t([-0]) }, ['w']).keep).toEqual(['w']);
  });

  it('holds nothing once cleared', () => {
    const sent = new SentInputs();
    const mask = t([1, 2]);
    sent.plan({ mask }, ['mask']);
    sent.clear();
    expect(sent.plan({ mask }, ['mask']).keep).toEqual(['mask']);
  });
});
