import { describe, expect, it, vi } from 'vitest';
import type { Controller } from '../../ui/controller';
import { handleShortcut } from '../../ui/state/shortcuts';
import type { PanelEvent } from '../../ui/state/panel-events';
import type { PanelState } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { candidates, projectedState } from './fixtures';

function setup(state: PanelState = reduce(projectedState(), { type: 'candidates', candidates: candidates(4, [2, 0, 1, 3]), codes: {} })) {
  const events: PanelEvent[] = [];
  const controller = { undo: vi.fn(), redo: vi.fn(), fix: vi.fn(), reset: vi.fn(), play: vi.fn(), apply: vi.fn(), project: vi.fn(), selectCandidate: vi.fn() } as unknown as Controller;
  const press = (key: string, mods: { metaKey?: boolean; ctrlKey?: boolean; shiftKey?: boolean } = {}, target?: unknown) => handleShortcut({ key, ...mods, target }, state, controller, (e) => events.push(e));
  return { events, controller, press };
}

describe('keyboard shortcuts', () => {
  it('switches brushes, eyedropper, overlay and width', () => {
    const { events, press } = setup();
    for (const k of ['b', 's', 'w', 'e', 'i', 'o', '[', ']']) expect(press(k)).toBe(true);
    expect(events.map((e) => (e.type === 'tool' ? e.tool : e.type))).toEqual(['color', 'sketch', 'warp', 'eraser', 'eyedropper', 'overlay', 'width', 'width']);
  });

  it('undo / redo / apply with the modifier; play, fix, reset; candidates by number', () => {
    const { controller, press } = setup();
    press('z', { metaKey: true });
    press('z', { ctrlKey: true, shiftKey: true });
    press('Enter', { metaKey: true });
    press(' ');
    press('f');
    press('r');
    press('2');
    expect(controller.undo).toHaveBeenCalledTimes(1);
    expect(controller.redo).toHaveBeenCalledTimes(1);
    expect(controller.apply).toHaveBeenCalledTimes(1);
    expect(controller.play).toHaveBeenCalledWith(true);
    expect(controller.fix).toHaveBeenCalled();
    expect(controller.reset).toHaveBeenCalled();
    expect(controller.selectCandidate).toHaveBeenCalledWith(0, false); // the 2nd best is batch index 0
  });

  it('leaves keys alone while typing, and Space on a focused button presses the button', () => {
    const { press, events, controller } = setup();
    expect(press('b', {}, { tagName: 'INPUT', type: 'text' })).toBe(false);
    expect(press(' ', {}, { tagName: 'BUTTON' })).toBe(false);
    expect(press('b', {}, { tagName: 'INPUT', type: 'range' })).toBe(true);
    expect(events).toHaveLength(1);
    expect(controller.play).not.toHaveBeenCalled();
  });

  it('before projecting only P does something', () => {
    const s = reduce(projectedState(), { type: 'project-start' });
    const { press, controller, events } = setup(s);
    expect(press('b')).toBe(false);
    expect(press('p')).toBe(true);
    expect(controller.project).toHaveBeenCalled();
    expect(events).toEqual([]);
  });
});
