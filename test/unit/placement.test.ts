import { describe, expect, it } from 'vitest';
import { exportedSize, exportSettingsFor } from '../../plugin/export-size';
import { placeBeside, RESULT_GAP, resultSize } from '../../plugin/placement';

describe('placeBeside', () => {
  const source = { x: 10, y: 20, width: 100, height: 50 };

  it('puts results in a row to the right, top-aligned', () => {
    const boxes = placeBeside(source, [{ width: 100, height: 50 }, { width: 80, height: 40 }], []);
    expect(boxes).toEqual([
      { x: 10 + 100 + RESULT_GAP, y: 20, width: 100, height: 50 },
      { x: 10 + 100 + RESULT_GAP + 100 + RESULT_GAP, y: 20, width: 80, height: 40 },
    ]);
  });

  it('skips past layers already there', () => {
    const wall = { x: 140, y: 0, width: 60, height: 200 };
    const next = { x: 220, y: 30, width: 30, height: 10 };
    const [box] = placeBeside(source, [{ width: 100, height: 50 }], [wall, next]);
    expect(box.x).toBe(250 + RESULT_GAP);
  });

  it('ignores layers on other rows', () => {
    const [box] = placeBeside(source, [{ width: 100, height: 50 }], [{ x: 140, y: 500, width: 60, height: 60 }]);
    expect(box.x).toBe(134);
  });
});

describe('resultSize', () => {
  it('keeps the source width and the image aspect', () => {
    expect(resultSize(200, 64, 32)).toEqual({ width: 200, height: 100 });
  });
});

describe('exportSettingsFor', () => {
  it('exports at 2× when that fits', () => {
    expect(exportSettingsFor(200, 100)).toEqual({ format: 'PNG', constraint: { type: 'SCALE', value: 2 } });
  });

  it('stays within 4096 px a side', () => {
    for (const [w, h] of [[5000, 300], [300, 9000], [4096, 4096], [2049, 10], [12345.6, 7]]) {
      const settings = exportSettingsFor(w, h);
      const size = exportedSize(w, h, settings.constraint!.value);
      expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(4096);
    }
  });

  it('refuses an empty layer', () => {
    expect(() => exportSettingsFor(0, 10)).toThrow('layer size must be positive');
  });
});
