import { describe, expect, it } from 'vitest';
import { encodeEditRecord, validateEditRecord } from '../../protocol/edit-record';
import { makeEditRecord, readConstraints } from '../../ui/state/edit-record';
import type { PanelStroke } from '../../ui/state/panel-state';
import { EDIT_RECORD_KEY } from '../../plugin/edit-record-key';
import { PLUGIN_ID } from '../unit/helpers';

const mapping = { resolution: 64, sourceWidth: 256, sourceHeight: 256, scale: 0.25, offsetX: 0, offsetY: 0 };
const strokes: PanelStroke[] = [
  { kind: 'color', points: [[10.123456, 5.5], [20, 5.5]], width: 6, color: [255, 0, 0] },
  { kind: 'sketch', points: [[1, 1]], width: 1 },
  { kind: 'warp', from: [10, 10], to: [14, 12], radius: 4, source: new Float32Array(3 * 64 * 64).fill(0.5) },
  { kind: 'eraser', points: [[3, 3], [4, 4]], width: 3 },
];

describe('edit record', () => {
  it('is a valid record under the plugin-data limit even with a warp', () => {
    const record = makeEditRecord({ packId: 'personas64', latent: new Float32Array(80).fill(0.3), latent0: new Float32Array(80), strokes, codes: { Hair: 2 }, mapping, variant: 'final', source: { nodeId: '1:2', name: 'Ada', imageHash: 'abc' }, now: 7 });
    expect(() => validateEditRecord(record)).not.toThrow();
    expect(encodeEditRecord(record, { pluginId: PLUGIN_ID, key: EDIT_RECORD_KEY }).length).toBeLessThan(20_000);
    expect(record.source).toEqual({ nodeId: '1:2', name: 'Ada', imageHash: 'abc' });
    expect(JSON.stringify(record.constraints)).not.toContain('"source"');
  });

  it('reads back the strokes (coordinates to 0.01 px) and the codes', () => {
    const record = JSON.parse(JSON.stringify(makeEditRecord({ packId: 'p', latent: new Float32Array(2), latent0: new Float32Array(2), strokes, codes: { Smile: 0.25 }, mapping, variant: 'sequence', source: { nodeId: '1:2', name: 'A' }, frame: 3, frames: 16 })));
    const back = readConstraints(record);
    expect(back.codes).toEqual({ Smile: 0.25 });
    expect(back.strokes).toHaveLength(4);
    expect(back.strokes[0]).toEqual({ kind: 'color', points: [[10.12, 5.5], [20, 5.5]], width: 6, color: [255, 0, 0] });
    expect(back.strokes[2]).toEqual({ kind: 'warp', from: [10, 10], to: [14, 12], radius: 4 });
    expect(record.constraints).toMatchObject({ frame: 3, frames: 16, variant: 'sequence' });
  });

  it('drops malformed strokes and records from elsewhere', () => {
    const base = { v: 1 as const, packId: 'p', latent: [], latent0: [], source: { nodeId: '1', name: 'a' }, createdAt: 1 };
    expect(readConstraints({ ...base, constraints: { kind: 'roundtrip' } })).toEqual({ strokes: [], codes: {} });
    const weird = { kind: 'manifold-panel', v: 1, strokes: [{ kind: 'color', points: [[1, 'x']], width: 2, color: [1, 2, 3] }, { kind: 'color', points: [[1, 1]], width: 2, color: [1, 2, 999] }, { kind: 'laser' }, null, { kind: 'sketch', points: [[1, 2]], width: 1 }], codes: { a: 'x', b: 1 } };
    expect(readConstraints({ ...base, constraints: weird })).toEqual({ strokes: [{ kind: 'sketch', points: [[1, 2]], width: 1 }], codes: { b: 1 } });
  });
});
