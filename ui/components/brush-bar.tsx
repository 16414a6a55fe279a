/** Tools, colour (picker, recent swatches, eyedropper from the source), width, undo/redo, overlay. */
import { fromHex, toHex } from '../state/colours';
import type { PanelEvent } from '../state/panel-events';
import { WIDTH_RANGE, type PanelState, type Tool } from '../state/panel-state';
import type { Controller } from '../controller';
import { BrushIcon, EraserIcon, EyedropperIcon, EyeIcon, RedoIcon, SketchIcon, UndoIcon, WarpIcon } from './icons';

/** `name`: shown on hover and focus with the key; `label`: what a screen reader says. */
export const TOOLS: Array<{ tool: Tool; name: string; label: string; key: string; Icon: () => preact.JSX.Element }> = [
  { tool: 'color', name: 'Colour brush', label: 'Colour brush', key: 'B', Icon: BrushIcon },
  { tool: 'sketch', name: 'Sketch', label: 'Sketch', key: 'S', Icon: SketchIcon },
  { tool: 'warp', name: 'Warp', label: 'Warp: drag a part of the image to a new place', key: 'W', Icon: WarpIcon },
  { tool: 'eraser', name: 'Eraser', label: 'Eraser', key: 'E', Icon: EraserIcon },
];

/** The visible name of an icon-only button, with its shortcut (styles.css shows it on hover and focus). */
export function ToolTip({ id, name, keys }: { id: string; name: string; keys: string }) {
  return <span class="tip" role="tooltip" id={id} data-testid="tooltip">{name} <kbd>{keys}</kbd></span>;
}

export function BrushBar({ state, controller, dispatch }: { state: PanelState; controller: Controller; dispatch: (e: PanelEvent) => void }) {
  const { brush } = state;
  const edit = state.edit!;
  const hex = toHex(brush.color);
  return (
    <div class="brush" data-testid="brush-bar">
      <div class="brush-bar" role="toolbar" aria-label="Brushes">
        {TOOLS.map(({ tool, name, label, key, Icon }) => (
          <button key={tool} class="icon-btn has-tip" aria-pressed={brush.tool === tool && !brush.eyedropper} aria-label={label} aria-keyshortcuts={key} aria-describedby={`tip-${tool}`} data-testid={`tool-${tool}`} onClick={() => dispatch({ type: 'tool', tool })}>
            <Icon />
            <ToolTip id={`tip-${tool}`} name={name} keys={key} />
          </button>
        ))}
        <span class="sep" />
        <input
          type="color"
          class="colour-input"
          value={hex}
          aria-label="Brush colour"
          title="Brush colour"
          data-testid="colour"
          onInput={(e) => {
            const c = fromHex((e.currentTarget as HTMLInputElement).value);
            if (c) dispatch({ type: 'color', color: c });
          }}
        />
        <button class="icon-btn has-tip" aria-pressed={brush.eyedropper} aria-label="Pick a colour from the layer" aria-keyshortcuts="I" aria-describedby="tip-eyedropper" data-testid="eyedropper" onClick={() => dispatch({ type: 'eyedropper', on: !brush.eyedropper })}>
          <EyedropperIcon />
          <ToolTip id="tip-eyedropper" name="Eyedropper" keys="I" />
        </button>
        <span class="sep" />
        <label class="width" title="Brush width ([ and ])">
          <span class="sr-only">Brush width</span>
          <input type="range" min={WIDTH_RANGE[0]} max={WIDTH_RANGE[1]} step={1} value={brush.width} style={`--fill:${((brush.width - WIDTH_RANGE[0]) / (WIDTH_RANGE[1] - WIDTH_RANGE[0])) * 100}%`} aria-keyshortcuts="[ ]" data-testid="width" onInput={(e) => dispatch({ type: 'width', width: Number((e.currentTarget as HTMLInputElement).value) })} />
          <span aria-hidden="true">{brush.width}</span>
        </label>
        <span class="spacer" />
        <button class="icon-btn" aria-label="Undo stroke" aria-keyshortcuts="Control+Z Meta+Z" title="Undo stroke (⌘Z)" disabled={!edit.strokes.length} data-testid="undo" onClick={() => controller.undo()}>
          <UndoIcon />
        </button>
        <button class="icon-btn" aria-label="Redo stroke" aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z" title="Redo stroke (⇧⌘Z)" disabled={!edit.redo.length} data-testid="redo" onClick={() => controller.redo()}>
          <RedoIcon />
        </button>
        <button class="icon-btn" aria-pressed={brush.overlay} aria-label="Show strokes" aria-keyshortcuts="O" title="Show strokes over the image (O)" data-testid="overlay-toggle" onClick={() => dispatch({ type: 'overlay', on: !brush.overlay })}>
          <EyeIcon />
        </button>
      </div>
      <div class="swatches" role="group" aria-label="Recent colours">
        <span class="swatches-label" aria-hidden="true">Recent</span>
        {brush.recent.length === 0 && <span class="muted swatches-empty" title="Colours you paint with appear here; pick one from the layer with the eyedropper (I)">None yet · eyedropper (I) picks from the layer</span>}
        {brush.recent.map((c) => (
          <button key={c} class="swatch" style={{ background: c }} aria-label={`Use colour ${c}`} aria-pressed={c === hex} title={c} onClick={() => dispatch({ type: 'color', color: fromHex(c)! })} />
        ))}
      </div>
    </div>
  );
}
