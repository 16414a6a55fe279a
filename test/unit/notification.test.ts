/** figma.notify's 100 characters: what the plugin shows there. */
import { describe, expect, it } from 'vitest';
import { fitNotification, notificationWithMore } from '../../plugin/notification';

describe('notifications', () => {
  it('keeps short text as it is and cuts long text at a word boundary within 100 characters', () => {
    expect(fitNotification('Added “Ada · Manifold”.')).toBe('Added “Ada · Manifold”.');
    const long = 'Added “Ada · edited again”. “Ada” changed while you were editing; the result is based on the version you started from.';
    expect(long.length).toBe(118); // the example
    const cut = fitNotification(long);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toBe('Added “Ada · edited again”. “Ada” changed while you were editing; the result is based on the…');
    expect(fitNotification('x'.repeat(300))).toBe(`${'x'.repeat(99)}…`); // no space: cut at the limit
  });

  it('points to the panel when there is more, still within 100 characters', () => {
    expect(notificationWithMore('Added “Ada · Manifold”.', true)).toBe('Added “Ada · Manifold”. More in the Manifold panel.');
    expect(notificationWithMore('Added “Ada · Manifold”.', false)).toBe('Added “Ada · Manifold”.');
    const name = 'A very long layer name '.repeat(8);
    const text = notificationWithMore(`Added “${name}”.`, true);
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.endsWith('… More in the Manifold panel.')).toBe(true);
  });
});
