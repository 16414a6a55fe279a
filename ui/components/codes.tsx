/** The pack's InfoGAN codes, named as the pack names them: sliders (continuous), chips (categorical). */
import type { PanelState } from '../state/panel-state';
import type { Controller } from '../controller';
import { hiddenCodes } from '../../engine/latent/codes';

/** How codes and strokes combine (issue 16): a code moves z0, then the strokes are satisfied again from there. */
export const CODES_WITH_STROKES = 'Your strokes still apply after an attribute change: the candidates keep them, so where they disagree the strokes win.';

export function CodeControls({ state, controller }: { state: PanelState; controller: Controller }) {
  const pack = state.engine.pack;
  const edit = state.edit!;
  if (!pack || !pack.latent.codes.length) return null;
  // A code another one hides (hair colour on a bald head) is not drawn: its chips wait for the other.
  const hidden = hiddenCodes(edit.codes, pack.latent.codes);
  return (
    <section aria-label="Attributes" data-testid="codes">
      <div class="section-title">Attributes <span class="hint">learned by the model</span></div>
      {edit.strokes.length > 0 && <p class="muted hint-line" data-testid="codes-with-strokes">{CODES_WITH_STROKES}</p>}
      {pack.latent.codes.map((code) => {
        const value = edit.codes[code.name];
        if (code.kind === 'continuous') {
          const [lo, hi] = code.range;
          const id = `code-${code.offset}`;
          const v = value ?? (lo + hi) / 2;
          return (
            <div class="code-row" key={code.name}>
              <label for={id} title={code.name}>{code.name}</label>
              <input id={id} type="range" min={lo} max={hi} step={(hi - lo) / 100} value={v} style={`--fill:${((v - lo) / (hi - lo)) * 100}%`} data-testid="code-slider" data-code={code.name} onInput={(e) => controller.setCode(code.name, { set: Number((e.currentTarget as HTMLInputElement).value) })} />
              <output for={id}>{v.toFixed(2)}</output>
            </div>
          );
        }
        const by = hidden.get(code.name);
        const byCode = by !== undefined ? pack.latent.codes.find((c) => c.name === by) : undefined;
        const byLabel = byCode?.kind === 'categorical' ? byCode.labels[edit.codes[by!]!] : undefined;
        return (
          <div key={code.name} class="code-cat">
            <div class="muted" id={`code-${code.offset}`} title={code.attribute ? `${code.name} (${code.attribute})` : code.name}>{code.name}</div>
            {by !== undefined && <p class="muted hint hint-line" data-testid="code-hidden">{hiddenText(by, byLabel)}</p>}
            <div class="chips" role="radiogroup" aria-labelledby={`code-${code.offset}`} aria-disabled={by !== undefined} data-testid="code-chips" data-code={code.name}>
              {code.labels.map((label, k) => (
                <button key={k} class="chip" role="radio" aria-checked={by === undefined && value === k} disabled={by !== undefined} title={code.values?.[k]} onClick={() => controller.setCode(code.name, { category: k })}>
                  {label}
                </button>
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}

/** Why a hidden code's chips are off, and what brings them back. */
export function hiddenText(by: string, byLabel: string | undefined): string {
  return `Not drawn while ${by} is ${byLabel ?? 'this value'}: choose another ${by} first.`;
}
