/**
 * Issue 16, "the panel as a first-time designer meets it": each item as the store and the
 * components see it (the components drawn as virtual nodes). The browser side of the same items:
 * test/browser/first-time.test.ts and panel-flow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PackSummary } from '../../engine/worker/protocol';
import { appliedText, willApplyText } from '../../ui/components/app';
import { BrushBar, ToolTip, TOOLS } from '../../ui/components/brush-bar';
import { CandidatesGrid } from '../../ui/components/candidates';
import { CODES_WITH_STROKES, CodeControls, hiddenText } from '../../ui/components/codes';
import { canvasCaption } from '../../ui/components/edit-canvas';
import { progressText, projectEstimate, SourceCard } from '../../ui/components/source-card';
import type { Controller } from '../../ui/controller';
import { ALIKE_SPREAD, candidateFreedom, freedomText } from '../../ui/state/candidate-freedom';
import { MAX_KEPT_EDITS, type Candidates, type PanelState, type PanelStroke } from '../../ui/state/panel-state';
import { reduce } from '../../ui/state/reduce';
import { canvasImage, editKey } from '../../ui/state/selectors';
import { candidates, image, pack, projectedState, R, run } from './fixtures';
import { byTestId, nodes, text } from './vnodes';

const red: PanelStroke = { kind: 'color', points: [[1, 1], [3, 1]], width: 2, color: [255, 0, 0] };
const controller = {} as Controller; // drawn, never clicked here
const select = (nodeId: string, revision = 'r1') => ({ type: 'selection', selection: { kind: 'image', image: image(nodeId, { revision }) } }) as const;
const none = { type: 'selection', selection: { kind: 'none' } } as const;

/** Layer 1:2 projected, one stroke, 4 final candidates (batch 2 the best), candidate 1 chosen, a code moved. */
function editedState(): PanelState {
  return run([
    select('1:2'),
    { type: 'project-start' },
    { type: 'projected', projection: projectedState().edit!.projection!, seconds: 7.6 },
    { type: 'stroke', stroke: red },
    { type: 'candidates', candidates: candidates(4, [2, 0, 1, 3]), codes: { Hair: 1, Smile: 0.5 }, z0: Float32Array.from([9, 9, 0, 1, 0.5]) },
    { type: 'select-candidate', index: 1 },
  ], projectedState('0:1'));
}

describe('1. each layer keeps its edit while the plugin is open (node + source revision)', () => {
  it('another layer, nothing, then the layer again: its projection, strokes, candidates, choice and codes come back at once', () => {
    const start = editedState();
    const before = start.edit!;
    let s = run([select('1:3')], start);
    expect(s.edit?.nodeId).toBe('1:3');
    expect(s.edit?.status).toBe('idle');
    s = run([none], s);
    expect(s.edit).toBeNull();
    expect(s.kept.map(editKey)).toEqual(['0:1@', '1:2@r1']); // 1:3 was never projected: nothing to keep
    s = run([select('1:2')], s);
    const back = s.edit!;
    expect(back.status).toBe('projected');
    expect(back.projection).toBe(before.projection);
    expect(back.strokes).toEqual([red]);
    expect(back.candidates).toBe(before.candidates);
    expect(back.selected).toBe(1);
    expect(back.codes).toEqual({ Hair: 1, Smile: 0.5 });
    expect(back.z0).toEqual(Float32Array.from([9, 9, 0, 1, 0.5]));
    expect(back.optimising).toBe(false);
    expect(s.kept.map(editKey)).toEqual(['0:1@']); // on screen, not in the drawer twice
  });

  it('a layer changed since (another source revision) starts afresh; a new model drops every kept edit', () => {
    let s = run([select('1:3'), select('1:2', 'r2')], editedState());
    expect(s.edit?.status).toBe('idle');
    expect(s.kept.some((k) => k.nodeId === '1:2')).toBe(false);
    s = run([select('1:3'), { type: 'engine-loading', packId: 'tiny' }], editedState());
    expect(s.kept).toEqual([]);
  });

  it(`keeps at most ${MAX_KEPT_EDITS} layers' edits, the most recent`, () => {
    let s = projectedState('0:0');
    for (let i = 1; i <= MAX_KEPT_EDITS + 2; i++) s = run([select(`0:${i}`), { type: 'project-start' }, { type: 'projected', projection: projectedState().edit!.projection! }], s);
    s = run([none], s);
    expect(s.kept).toHaveLength(MAX_KEPT_EDITS);
    expect(s.kept.at(-1)?.nodeId).toBe(`0:${MAX_KEPT_EDITS + 2}`);
  });

  it('after an Undo in the document removed a result, says what was undone and that the edit is kept', () => {
    let s = run([{ type: 'apply-start', requestId: 'a1', count: 1 }, { type: 'applied', requestId: 'a1', nodeIds: ['9:9'] }, select('9:9')], editedState());
    expect(s.edit?.nodeId).toBe('1:2'); // the result is selected: the edit goes on
    s = run([{ type: 'results-removed', nodeIds: ['9:9'] }, none], s);
    expect(s.undone).toBe('Undo removed the result layer made from “Layer 1:2”. Its edit is kept: select “Layer 1:2” to go on, or Apply again.');
    expect(s.apply.status).toBe('idle');
    s = run([select('1:2')], s);
    expect(s.edit?.strokes).toEqual([red]);
    // Something the panel did not write: nothing to say.
    expect(reduce(s, { type: 'results-removed', nodeIds: ['5:5'] })).toBe(s);
  });
});

describe('2. codes and strokes: the canvas shows the candidate being optimised, and a line says how they combine', () => {
  it('a code change starts a new batch: the canvas follows its best candidate, not the old index', () => {
    let s = editedState();
    expect(canvasCaption(s.edit!)).toBe('Candidate 3');
    s = run([{ type: 'code', name: 'Smile', value: 0.96 }, { type: 'new-batch' }, { type: 'edit-start' }], s);
    expect(s.edit!.selected).toBeNull();
    s = run([{ type: 'candidates', candidates: candidates(4, [3, 0], false, 5), codes: { Hair: 1, Smile: 0.96 } }], s);
    expect(canvasCaption(s.edit!)).toBe('Candidate 1 (best) · optimising, step 5/40');
    expect(canvasImage(s.edit, R)![0]).toBe(3); // batch 3's image, the best
  });

  it('with strokes, the attributes say that the strokes still apply after a change', () => {
    const line = byTestId(CodeControls({ state: editedState(), controller }), 'codes-with-strokes');
    expect(text(line)).toBe(CODES_WITH_STROKES);
    expect(byTestId(CodeControls({ state: projectedState(), controller }), 'codes-with-strokes')).toBeUndefined();
  });
});

describe('3–5. status lines say what is true', () => {
  it('3. while projecting, the error is the distance so far', () => {
    expect(progressText(0.0125)).toBe('5.6% off so far…');
    const s = run([{ type: 'project-start' }, { type: 'project-progress', done: 3, total: 40, pixelError: 0.0125 }], projectedState());
    expect(text(byTestId(SourceCard({ state: s, controller }), 'project-progress-error'))).toBe('5.6% off so far…');
  });

  it('4. after an apply the line says what was added; choosing another variant says what Apply will do', () => {
    let s = run([{ type: 'apply-start', requestId: 'a', count: 1 }, { type: 'applied', requestId: 'a', nodeIds: ['9:9'] }], editedState());
    expect(appliedText(s.apply)).toBe('Added 1 layer beside the original. ⌘Z in Figma removes it.');
    s = reduce(s, { type: 'variant', variant: 'sequence' });
    expect(s.apply.status).toBe('idle'); // nothing "Added the sequence…" before it is
    expect(willApplyText('sequence', 16)).toBe('Apply will add one frame beside the original holding the 16 frames of the sequence side by side, the original first (Frame 00).');
    s = run([{ type: 'apply-start', requestId: 'b', count: 16 }, { type: 'applied', requestId: 'b', nodeIds: ['9:10'] }], s);
    expect(appliedText(s.apply)).toMatch(/^Added the sequence beside the original: one frame holding its 16 frames/);
  });

  it('5. the estimate beside Project is the last measured projection on this engine, or nothing', () => {
    expect(projectEstimate(null)).toBe('');
    const fresh = run([select('1:3')], editedState());
    expect(fresh.projectSeconds).toBeCloseTo(7.6);
    expect(text(byTestId(SourceCard({ state: fresh, controller }), 'project-hint'))).toContain('About 8 s here (the last projection took 7.6 s).');
    const unmeasured = run([select('1:3')], projectedState());
    expect(text(byTestId(SourceCard({ state: unmeasured, controller }), 'project-hint'))).not.toMatch(/About|minute|seconds? on/);
    // Another backend (the GPU was lost): the old measure says nothing about it.
    expect(reduce(fresh, { type: 'backend-changed', backend: 'webgpu', notice: null }).projectSeconds).toBeNull();
  });
});

describe('6. attributes show the pack’s display labels', () => {
  it('categorical chips read the labels; the raw values are only their tooltips', () => {
    const withLabels: PackSummary = {
      ...pack,
      latent: { ...pack.latent, codes: [{ name: 'Hair', kind: 'categorical', offset: 2, size: 2, labels: ['Short combover', 'Bob with bangs'], values: ['shortComboverChops', 'bobBangs'], attribute: 'hair' }, pack.latent.codes[1]] },
    };
    const s = reduce(projectedState(), { type: 'engine-ready', pack: withLabels, backend: 'wasm' });
    const chips = nodes(CodeControls({ state: s, controller })).filter((n) => n.props.class === 'chip');
    expect(chips.map(text)).toEqual(['Short combover', 'Bob with bangs']);
    expect(chips.map((c) => c.props.title)).toEqual(['shortComboverChops', 'bobBangs']);
  });

  it('a code another hides (hair colour on a bald head) is shown as not drawn, its chips off until the other changes', () => {
    const hairPack: PackSummary = {
      ...pack,
      latent: { ...pack.latent, codes: [{ name: 'Hair style', kind: 'categorical', offset: 2, size: 2, labels: ['Bald', 'Long'] }, { name: 'Hair colour', kind: 'categorical', offset: 4, size: 2, labels: ['White', 'Brown'], hiddenBy: { code: 'Hair style', categories: [0] }, shownAs: 1 }] },
    };
    const at = (style: number) => reduce(projectedState(), { type: 'candidates', candidates: candidates(2, [0, 1]), codes: { 'Hair style': style, 'Hair colour': 0 } });
    const bald = reduce(at(0), { type: 'engine-ready', pack: hairPack, backend: 'wasm' });
    const tree = CodeControls({ state: bald, controller });
    expect(text(byTestId(tree, 'code-hidden'))).toBe(hiddenText('Hair style', 'Bald'));
    expect(text(byTestId(tree, 'code-hidden'))).toBe('Not drawn while Hair style is Bald: choose another Hair style first.');
    const colour = nodes(tree).filter((n) => n.props.class === 'chip').slice(2);
    expect(colour.map((c) => [c.props.disabled, c.props['aria-checked']])).toEqual([[true, false], [true, false]]);
    const long = reduce(at(1), { type: 'engine-ready', pack: hairPack, backend: 'wasm' });
    const shown = CodeControls({ state: long, controller });
    expect(byTestId(shown, 'code-hidden')).toBeUndefined();
    expect(nodes(shown).filter((n) => n.props.class === 'chip').slice(2).map((c) => [c.props.disabled, c.props['aria-checked']])).toEqual([[false, true], [false, false]]);
  });
});

describe('10. brush tools have a visible name and shortcut on hover and focus', () => {
  it('every tool button holds a tooltip with its name and key, and is described by it', () => {
    const bar = nodes(BrushBar({ state: editedState(), controller, dispatch: () => {} }));
    for (const t of TOOLS) {
      const button = bar.find((n) => n.props['data-testid'] === `tool-${t.tool}`)!;
      const tip = nodes(button.props.children).find((n) => n.type === ToolTip)!;
      expect(tip.props).toMatchObject({ id: button.props['aria-describedby'], name: t.name, keys: t.key });
    }
  });
});

describe('11. distinct candidates, and a word when the strokes leave little freedom', () => {
  /** `B` final candidates whose images are grey levels `levels`. */
  function batch(levels: number[], order: number[]): Candidates {
    const c = candidates(levels.length, order);
    levels.forEach((v, b) => c.images.fill(v, b * R * R * 4, (b + 1) * R * R * 4));
    for (let i = 3; i < c.images.length; i += 4) c.images[i] = 255;
    return c;
  }
  it('near-copies within 2× the best cost: the status says the strokes leave little freedom', () => {
    const alike = batch([100, 101, 102, 100, 101, 100, 102, 101], [0, 1, 2, 3, 4, 5, 6, 7]);
    const f = candidateFreedom(alike, R);
    expect(f.spread).toBeLessThan(ALIKE_SPREAD);
    expect(f.little).toBe(true);
    const s = reduce(projectedState(), { type: 'candidates', candidates: alike, codes: {} });
    const status = byTestId(CandidatesGrid({ state: s, controller }), 'candidates-status')!;
    expect(status.props['data-little-freedom']).toBe('true');
    expect(text(status)).toBe('8 kept, alike: the strokes leave little freedom (a code or Fix explores further)');
  });
  it('distinct options: says they are shown most different first; two kept of eight is little freedom too', () => {
    const distinct = batch([20, 120, 220, 60], [0, 1, 2, 3]);
    expect(freedomText(candidateFreedom(distinct, R), 4)).toBe('4 kept, most different first · ⇧-click to pick several');
    const few = batch([20, 120, 220, 60, 90, 10, 30, 40], [0, 1]);
    expect(freedomText(candidateFreedom(few, R), 8)).toBe('Only 2 of 8 stay within 2× the best cost: the strokes leave little freedom');
  });
});
