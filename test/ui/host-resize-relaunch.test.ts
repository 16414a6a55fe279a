/**
 * What the panel asks of the host besides results: `resize` (its corner handle → figma.ui.resize,
 * clamped) and a relaunch (the result's "Edit with Manifold" button → the plugin starts again with
 * the 'edit' command and the result selected, its edit record in the selection).
 */
import { describe, expect, it } from 'vitest';
import { EmulatedFigma } from '../../dev/emulator';
import { EDIT_RECORD_KEY, RELAUNCH_COMMAND } from '../../plugin/edit-record-key';
import { startPlugin, UI_MAX, UI_MIN, UI_SIZE } from '../../plugin/main';
import type { PluginToUi } from '../../protocol/messages';
import { flush, imageLayer, makePng, record } from '../unit/helpers';

describe('panel ↔ host', () => {
  it('resizes the panel through figma.ui.resize, within limits', async () => {
    const sizes: Array<[number, number]> = [];
    const figma = new EmulatedFigma({ hooks: { resize: (w, h) => sizes.push([w, h]) } });
    startPlugin(figma.pluginApi, '<html></html>', []);
    expect(figma.uiOptions).toMatchObject(UI_SIZE);
    figma.deliverFromUi({ type: 'resize', width: 700, height: 800 });
    figma.deliverFromUi({ type: 'resize', width: 10, height: 5000 });
    await flush();
    expect(sizes).toEqual([[700, 800], [UI_MIN.width, UI_MAX.height]]);
    expect(figma.uiOptions).toMatchObject({ width: UI_MIN.width, height: UI_MAX.height });
  });

  it('relaunches with the edit command and the result (with its record) selected', async () => {
    const received: PluginToUi[] = [];
    const figma = new EmulatedFigma({ relaunchCommands: [RELAUNCH_COMMAND], hooks: { toUi: (m) => received.push(m as PluginToUi) } });
    const result = imageLayer(figma, makePng(8, 8), 'Ada · Manifold');
    result.setPluginData(EDIT_RECORD_KEY, JSON.stringify(record()));
    result.setRelaunchData({ [RELAUNCH_COMMAND]: 'Edit' });
    figma.currentPage.selection = [result];
    startPlugin(figma.pluginApi, '<html></html>', []);
    figma.relaunch(RELAUNCH_COMMAND);
    expect(figma.command).toBe(RELAUNCH_COMMAND);
    received.length = 0;
    startPlugin(figma.pluginApi, '<html>again</html>', []);
    figma.deliverFromUi({ type: 'ready', protocol: 1 });
    for (let i = 0; i < 50 && !received.some((m) => m.type === 'selection'); i++) await flush();
    expect(received.find((m) => m.type === 'init')).toMatchObject({ command: RELAUNCH_COMMAND });
    const sel = received.find((m) => m.type === 'selection') as Extract<PluginToUi, { type: 'selection' }>;
    expect(sel.selection.kind).toBe('image');
    if (sel.selection.kind === 'image') expect(sel.selection.image.record?.packId).toBe('test');
    // The old run is gone: one selection message per change, from the new run only.
    const before = received.filter((m) => m.type === 'selection').length;
    figma.currentPage.selection = [];
    for (let i = 0; i < 20; i++) await flush();
    expect(received.filter((m) => m.type === 'selection').length).toBe(before + 1);
  });
});
