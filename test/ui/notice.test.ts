/**
 * The engine's notice in the panel (ui/components/notice.tsx): what the component draws for the
 * store's `notice` and that its dismiss button clears it. Drawn as Preact's virtual nodes (no
 * DOM here); the browser test (test/browser/panel-states.test.ts) shows it for real.
 */
import type { VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { Notice } from '../../ui/components/notice';
import { backendNotice } from '../../ui/friendly-error';
import { reduce } from '../../ui/state/reduce';
import { createStore } from '../../ui/state/store';
import { projectedState } from './fixtures';

type Props = Record<string, unknown> & { children?: unknown };

/** Every element of a virtual tree, depth first (function components are not expanded: there are none inside). */
function nodes(node: unknown): VNode<Props>[] {
  if (Array.isArray(node)) return node.flatMap(nodes);
  if (!node || typeof node !== 'object' || !('type' in node)) return [];
  const v = node as VNode<Props>;
  return [v, ...nodes(v.props.children)];
}

function text(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(text).join('');
  if (!node || typeof node !== 'object' || !('props' in node)) return '';
  return text((node as VNode<Props>).props.children);
}

const draw = (notice: string | null, onDismiss = () => {}) => nodes(Notice({ notice, onDismiss }));

describe('the engine notice', () => {
  it('is a status live region that is always there, empty without a notice', () => {
    const [region, ...inside] = draw(null);
    expect(region.props).toMatchObject({ role: 'status', 'aria-live': 'polite' });
    expect(inside).toEqual([]);
  });

  it('shows the notice with a labelled dismiss button that clears it in the store', () => {
    const store = createStore(reduce(projectedState(), { type: 'backend-changed', backend: 'wasm', notice: backendNotice('device-lost') }));
    const notice = store.get().notice;
    expect(notice).toBe('The GPU stopped responding; continuing on the CPU (slower).');
    const all = draw(notice, () => store.dispatch({ type: 'dismiss-notice' }));
    expect(all[0].props.role).toBe('status');
    const bar = all.find((n) => n.props['data-testid'] === 'notice')!;
    expect(text(bar)).toBe(notice);
    const button = all.find((n) => n.type === 'button')!;
    expect(button.props['aria-label']).toBe('Dismiss this notice');
    (button.props.onClick as () => void)();
    expect(store.get().notice).toBeNull();
    expect(draw(store.get().notice)).toHaveLength(1); // the empty region only
  });

  it('also shows the adapter time-out notice', () => {
    const notice = backendNotice('adapter-timeout');
    expect(text(draw(notice).find((n) => n.props['data-testid'] === 'notice'))).toBe(notice);
  });
});
