/**
 * The edit canvas (issue 17): the designer's own layer at the panel's resolution, and once the
 * candidates settle the preview of what Apply writes (the edit carried onto the layer), with the
 * strokes drawn over it in frame coordinates. The model's view (the toggle, or M held) shows what
 * the generator sees instead: the chosen candidate, a sequence frame or the projection at the
 * pack's resolution, scaled up crisply.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { Point } from '../../engine/brushes/strokes';
import { areaDownscale, fitWithin } from '../../engine/transfer/area-downscale';
import { toHex } from '../state/colours';
import type { EditState, PanelState, PanelStroke } from '../state/panel-state';
import { canvasImage, currentCandidate, shownCandidates } from '../state/selectors';
import { sequenceFrameName, type Controller } from '../controller';
import { previewUpdating } from '../preview/preview-target';
import { PREVIEW_MAX_SIDE } from '../preview/watch-preview';
import type { Rgba } from '../worker/protocol';
import { ModelIcon } from './icons';
import { RgbaCanvas } from './rgba-canvas';

function pathOf(points: Point[]): string {
  if (!points.length) return '';
  const [x0, y0] = points[0];
  return `M${x0} ${y0}` + (points.length === 1 ? `L${x0 + 0.01} ${y0}` : points.slice(1).map(([x, y]) => `L${x} ${y}`).join(''));
}

export function StrokeShape({ stroke, R }: { stroke: PanelStroke; R: number }) {
  const thin = R / 200;
  switch (stroke.kind) {
    case 'color':
      return <path d={pathOf(stroke.points)} stroke={toHex(stroke.color)} stroke-width={stroke.width} stroke-opacity="0.85" fill="none" stroke-linecap="round" stroke-linejoin="round" />;
    case 'sketch':
      return (
        <g fill="none" stroke-linecap="round" stroke-linejoin="round">
          <path d={pathOf(stroke.points)} stroke="#fff" stroke-width={stroke.width + 2 * thin * 3} stroke-opacity="0.8" />
          <path d={pathOf(stroke.points)} stroke="#111" stroke-width={stroke.width} />
        </g>
      );
    case 'eraser':
      return <path d={pathOf(stroke.points)} stroke="#888" stroke-width={stroke.width} stroke-opacity="0.45" fill="none" stroke-linecap="round" stroke-dasharray={`${R / 64} ${R / 64}`} />;
    case 'warp': {
      const [fx, fy] = stroke.from, [tx, ty] = stroke.to;
      const a = Math.atan2(ty - fy, tx - fx), h = Math.max(1.5, stroke.radius * 0.5);
      const head = `M${tx} ${ty}L${tx - h * Math.cos(a - 0.5)} ${ty - h * Math.sin(a - 0.5)}M${tx} ${ty}L${tx - h * Math.cos(a + 0.5)} ${ty - h * Math.sin(a + 0.5)}`;
      return (
        <g fill="none" stroke-linecap="round">
          <circle cx={fx} cy={fy} r={stroke.radius} stroke="#fff" stroke-width={thin * 4} stroke-dasharray={`${R / 80} ${R / 80}`} />
          <circle cx={tx} cy={ty} r={stroke.radius} stroke="#fff" stroke-width={thin * 4} />
          <path d={`M${fx} ${fy}L${tx} ${ty}${head}`} stroke="#111" stroke-width={thin * 8} />
          <path d={`M${fx} ${fy}L${tx} ${ty}${head}`} stroke="#fff" stroke-width={thin * 4} />
        </g>
      );
    }
  }
}

/**
 * Which image the canvas shows, in words: a sequence frame, the chosen candidate (the one being
 * optimised, with its step while it is), or the projection.
 */
export function canvasCaption(edit: EditState): string {
  if (edit.frame !== null && edit.sequence) return sequenceFrameName(edit.frame, edit.sequence.frames);
  const c = edit.candidates;
  const k = currentCandidate(edit);
  if (!c || k === null) return edit.optimising ? 'The projection · optimising…' : 'The projection';
  const rank = shownCandidates(c).indexOf(k) + 1;
  const name = rank > 0 ? `Candidate ${rank}${rank === 1 ? ' (best)' : ''}` : 'Chosen candidate';
  return edit.optimising ? `${name} · optimising, step ${c.step}/${c.steps}` : name;
}

/** What the designer's view shows: the preview of the edit when there is one for these candidates, else the layer itself. */
export function layerView(edit: EditState, layer: Rgba | null): { image: Rgba | null; what: 'preview' | 'layer' } {
  if (edit.candidates && edit.preview && edit.frame !== 0) return { image: edit.preview.image, what: 'preview' };
  return { image: layer, what: 'layer' };
}

export function EditCanvas({ state, controller }: { state: PanelState; controller: Controller }) {
  const edit = state.edit!;
  const brush = state.brush;
  const R = state.engine.pack?.resolution ?? 64;
  const wrap = useRef<HTMLDivElement>(null);
  const [draft, setDraft] = useState<Point[] | null>(null);
  const modelView = state.view.model || state.view.peek;
  const px = edit.pixels;
  // The layer at the preview's size (what frame 00 and an unchanged layer look like), made once per layer.
  const layer = useMemo(() => {
    if (!px) return null;
    const size = fitWithin(px.width, px.height, PREVIEW_MAX_SIDE);
    return areaDownscale(px, size.width, size.height);
  }, [px]);
  const shown = layerView(edit, layer);
  const updating = !modelView && previewUpdating(edit);
  const m = edit.projection?.mapping;
  // Where the layer sits in the frame the strokes are drawn in (the projection's letterbox).
  const box = m && px ? `left:${(m.offsetX / R) * 100}%;top:${(m.offsetY / R) * 100}%;width:${((px.width * m.scale) / R) * 100}%;height:${((px.height * m.scale) / R) * 100}%` : '';
  const tool = brush.eyedropper ? 'eyedropper' : brush.tool;

  const toFrame = (e: PointerEvent): Point => {
    const r = wrap.current!.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * R, y = ((e.clientY - r.top) / r.height) * R;
    return [Math.round(Math.min(R, Math.max(0, x)) * 100) / 100, Math.round(Math.min(R, Math.max(0, y)) * 100) / 100];
  };

  // The stroke being drawn lives in a ref (what the handlers read: never a render behind) and in
  // state (what is drawn). It ends when the button comes up, or, when that pointerup never reaches
  // the panel (released outside it, or the panel moved out from under the pointer), as soon as the
  // panel hears of the pointer again: the capture lost, a move with no button, the next press.
  const drawing = useRef<Point[] | null>(null);
  const setDrawing = (points: Point[] | null) => {
    drawing.current = points;
    setDraft(points);
  };
  const finish = () => {
    const points = drawing.current;
    if (!points) return;
    setDrawing(null);
    controller.addStroke(draftStroke(points));
  };

  const onDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    finish();
    const p = toFrame(e);
    if (brush.eyedropper) {
      controller.pickColourAt(p[0], p[1]);
      return;
    }
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    setDrawing([p]);
  };
  const onMove = (e: PointerEvent) => {
    const points = drawing.current;
    if (!points) return;
    if (!(e.buttons & 1)) return finish();
    const p = toFrame(e);
    const last = points[points.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < 0.4) return;
    setDrawing(brush.tool === 'warp' ? [points[0], p] : [...points, p]);
  };
  const draftStroke = (points: Point[]): PanelStroke => {
    switch (brush.tool) {
      case 'color':
        return { kind: 'color', points, width: brush.width, color: brush.color };
      case 'warp':
        return { kind: 'warp', from: points[0], to: points[points.length - 1], radius: Math.max(2, brush.width) };
      default:
        return { kind: brush.tool, points, width: brush.width };
    }
  };

  const [label, caption] = modelView ? ['Model’s view · ', canvasCaption(edit)] : layerCaption(edit, shown.what);
  return (
    <div
      ref={wrap}
      class="canvas-wrap"
      data-testid="edit-canvas"
      data-tool={tool}
      data-strokes={edit.strokes.length}
      data-drawing={String(draft !== null)}
      data-view={modelView ? 'model' : shown.what}
      data-preview-key={!modelView && shown.what === 'preview' ? edit.preview!.key : undefined}
      data-preview-frame={!modelView && shown.what === 'preview' ? edit.preview!.frame : undefined}
      data-updating={String(updating)}
      role="application"
      aria-label={`Edit canvas: drag to paint with the ${tool} tool. ${edit.strokes.length} stroke${edit.strokes.length === 1 ? '' : 's'}.`}
      tabIndex={0}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={finish}
      onLostPointerCapture={finish}
      onPointerCancel={() => setDrawing(null)}
    >
      {modelView
        ? <RgbaCanvas data={canvasImage(edit, R)} size={R} testId="edit-image" />
        : <div class="layer-box" style={box}>
            <RgbaCanvas data={shown.image?.data ?? null} width={shown.image?.width ?? 1} height={shown.image?.height ?? 1} class="smooth" testId="layer-image" />
          </div>}
      {(brush.overlay || draft) && (
        <svg viewBox={`0 0 ${R} ${R}`} aria-hidden="true" data-testid="overlay">
          {brush.overlay && edit.strokes.map((s, i) => <StrokeShape key={i} stroke={s} R={R} />)}
          {draft && <StrokeShape stroke={draftStroke(draft)} R={R} />}
        </svg>
      )}
      <div class="canvas-status" aria-live="polite">{label}<span data-testid="canvas-caption">{caption}</span></div>
      {updating && <div class="canvas-updating" role="status" data-testid="preview-updating"><span class="dot" aria-hidden="true" />Updating preview…</div>}
      <button
        class={`icon-btn canvas-view${state.view.model ? ' on' : ''}`}
        aria-pressed={state.view.model}
        aria-keyshortcuts="M"
        title="The model’s view: what the generator makes (the candidate, the projection) at its own resolution. Hold M to peek."
        aria-label="The model’s view"
        data-testid="model-view"
        onPointerDown={(e) => e.stopPropagation()}
        onClick={() => controller.setModelView(!state.view.model)}
      >
        <ModelIcon />
      </button>
    </div>
  );
}

/**
 * The caption in the designer's view, in two parts: what kind of image it is (the layer, the
 * preview of Apply) and which result (canvasCaption: the candidate or sequence frame).
 */
function layerCaption(edit: EditState, what: 'preview' | 'layer'): [string, string] {
  if (what === 'preview') return ['Preview of Apply · ', canvasCaption(edit)];
  if (edit.frame === 0 && edit.sequence) return ['Your layer · ', sequenceFrameName(0, edit.sequence.frames)];
  if (edit.candidates) return ['Your layer · preview on its way: ', canvasCaption(edit)];
  return [edit.optimising ? 'Your layer · optimising…' : 'Your layer', ''];
}
