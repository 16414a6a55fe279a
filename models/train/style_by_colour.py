"""Does a hair style read under every hair colour? The judge's agreement with each hair style, split by hair colour.

    /usr/bin/python3 models/train/style_by_colour.py --run models/runs/personas64-v2 [--raw] [--picture out.png]

judge_metrics.py gives one number per hair style over all hair colours; this splits it. Session 24 found every
hair style miss of the 4159 kimg state under one colour, White (#dee1f5): Curly 0.28 there, 1.00 under the other
six. G drew white hair as a small pure-white cap (255, 253, 254 where the renders have 231, 233, 248), its output
tanh deep in saturation (pre-activation ~3.7), where D's gradient no longer reaches it (--tanh-leak).

Prints a markdown table (hair styles × hair colours, agreement over --per-cell latents each) and, per colour, the
share of pixels in the top of the head that are pure white, every channel past tanh^-1 = 3 (tanh' < 0.01;
the renders' white hair is not: only their white background is); --picture draws one row per
colour (White and Brown), one column per hair style, the same latents in both rows.

    ... --by-background "Long,Extra long" [--heldout data/avatars-v2-heldout8k]

splits the named styles' agreement under White further, by background, beside how often D's Q and the
independent Q read those samples as asked, and the judge's agreement on real held-out renders of each style
under White and under the other colours (its own ceiling). Session 25: G's white Long reads as Bob and its
Extra long as Long (the side locks drawn short), worst on white and lilac backgrounds; the judge reads real
white Long 0.97, Extra long 0.92; D's Q is fooled (0.8-1.0), the independent Q much less.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compact_state  # noqa: E402
import judge_metrics as jm  # noqa: E402
import train_semisup as ts  # noqa: E402
from attributes import categorical  # noqa: E402
from judge import load_judge  # noqa: E402


def load(run, data, raw):
    t = ts.load_trained(run, data)
    G, sampler, lay = t["G"], t["sampler"], t["layout"]
    if raw:   # the generator being trained, not its weight average (which lags it by --ema-kimg)
        G.load_state_dict(compact_state.load(os.path.join(run, ts.STATE))["G"])
        ts.standing_stats(G, lay, batches=16, draw=lambda n, g: sampler(n, g, "cpu")[0])
        G.eval()
    return G, sampler, lay, t


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True)
    p.add_argument("--judge", default="models/runs/judge-v3/judge.pt")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--per-cell", type=int, default=32, help="latents per (hair style, hair colour)")
    p.add_argument("--raw", action="store_true", help="score the generator being trained instead of its EMA")
    p.add_argument("--picture", help="PNG: White and Brown rows, a column per hair style")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--by-background", default=None, help="comma-separated hair style labels: their agreement under White per background")
    p.add_argument("--heldout", default="data/avatars-v2-heldout8k", help="real renders (a held-out split) for --by-background's judge ceiling")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    J, jspecs = load_judge(args.judge)
    G, sampler, lay, trained = load(args.run, args.data, args.raw)
    kimg = trained["state"]["images"] / 1000
    cats = categorical(ts.PERSONAS_CODES)
    names = [c.name for c in cats]
    hs, hc = names.index("Hair style"), names.index("Hair colour")
    styles, colours = cats[hs], cats[hc]
    jpos = [s.attribute for s in jspecs].index(styles.attribute)
    gen = torch.Generator().manual_seed(11)
    agree = np.zeros((len(styles.values), len(colours.values)))
    saturated = np.zeros(len(colours.values))
    for v in range(len(styles.values)):
        base = sampler(args.per_cell, gen, "cpu")[0]   # the same latents under every colour
        for c in range(len(colours.values)):
            z = jm.set_code(jm.set_code(base, lay, hs, v, "categorical"), lay, hc, c, "categorical")
            with torch.no_grad():
                a = G.net[:-1](z[:, :, None, None])
            saturated[c] += (a[:, :, 2:16, 16:48].amin(1) > 3).float().mean().item() / len(styles.values)   # pure white
            logits, _ = jm.judge_all(J, torch.tanh(a))
            agree[v, c] = (logits[jpos].argmax(1) == v).float().mean().item()
    which = "G (raw)" if args.raw else "G (EMA)"
    print(f"{args.run}: {kimg:.1f} kimg, {which}; judge agreement with the hair style, {args.per_cell} latents a cell\n")
    print("| hair style | " + " | ".join(colours.labels) + " |")
    print("|---|" + "---|" * len(colours.labels))
    for v, lab in enumerate(styles.labels):
        print(f"| {lab} | " + " | ".join(f"{x:.2f}" for x in agree[v]) + " |")
    print("| **mean** | " + " | ".join(f"**{x:.3f}**" for x in agree.mean(0)) + " |")
    print("| pure white (all channels past tanh⁻¹ 3), top of head | " + " | ".join(f"{x:.1%}" for x in saturated) + " |")
    if args.picture:
        from PIL import Image
        z0 = sampler(1, torch.Generator().manual_seed(3), "cpu")[0].repeat(len(styles.values), 1)
        rows = []
        for c in (colours.labels.index("White"), colours.labels.index("Brown")):
            z = z0.clone()
            for v in range(len(styles.values)):
                z[v : v + 1] = jm.set_code(jm.set_code(z[v : v + 1], lay, hs, v, "categorical"), lay, hc, c, "categorical")
            x = jm.quantised(jm.generate(G, z)).byte().permute(0, 2, 3, 1).numpy()
            rows.append(np.concatenate(list(x), 1))
        Image.fromarray(np.concatenate(rows, 0)).resize((64 * len(styles.values) * 2, 64 * 2 * 2), Image.NEAREST).save(args.picture)
        print(f"\npicture: {args.picture} (rows White, Brown; columns {', '.join(styles.labels)})")
    if args.by_background:
        by_background(args, J, jspecs, jpos, trained, G, names, styles, colours)
    return agree


def by_background(args, J, jspecs, jpos, trained, G, names, styles, colours):
    """The --by-background tables: G's samples (judge, Q, independent Q) and real renders (judge)."""
    from data import AvatarSet
    from judge import labels as judge_labels, predictions
    D, Q2, sampler, lay = trained["D"], ts.load_independent_q(trained), trained["sampler"], trained["layout"]
    hs, hc, bg = names.index("Hair style"), names.index("Hair colour"), names.index("Background")
    white = colours.labels.index("White")
    backs = categorical(ts.PERSONAS_CODES)[bg]
    o, k = sum(lay.categorical[:hs]), lay.categorical[hs]
    print(f"\nUnder White, per background ({args.per_cell} latents a cell): judge / D's Q / independent Q, and the judge's commonest reading\n")
    print("| hair style | background | judge | Q | Q2 | the judge reads |")
    print("|---|---|---|---|---|---|")
    for label in [s.strip() for s in args.by_background.split(",")]:
        v = styles.labels.index(label)
        for b, bl in enumerate(backs.labels):
            base = sampler(args.per_cell, torch.Generator().manual_seed(7), "cpu")[0]
            z = jm.set_code(jm.set_code(jm.set_code(base, lay, hs, v, "categorical"), lay, hc, white, "categorical"), lay, bg, b, "categorical")
            with torch.no_grad():
                x = G(z)
                j = jm.judge_all(J, x)[0][jpos].argmax(1)
                q = D(x)[1][:, o:o + k].argmax(1)
                q2 = Q2(x)[:, o:o + k].argmax(1) if Q2 is not None else None
            reads = np.bincount(j.numpy(), minlength=len(styles.labels))
            top = ", ".join(f"{styles.labels[i]} {reads[i]}" for i in np.argsort(-reads)[:2] if reads[i])
            q2s = f"{(q2 == v).float().mean():.2f}" if q2 is not None else "-"
            print(f"| {label} | {bl} | {(j == v).float().mean():.2f} | {(q == v).float().mean():.2f} | {q2s} | {top} |")
    if not os.path.exists(os.path.join(args.heldout, "heldout.u8")):
        print(f"\n(no real renders at {args.heldout}: the judge's ceiling is not shown)")
        return
    held = AvatarSet(args.heldout, "heldout")
    y = judge_labels(held.table, jspecs)
    jn = [s.name for s in jspecs]
    jhs, jhc = jn.index("Hair style"), jn.index("Hair colour")
    pred = predictions(J, held)[:, jhs]
    print(f"\nThe judge on real held-out renders ({args.heldout}): agreement under White and under the other colours\n")
    print("| hair style | White | other colours |")
    print("|---|---|---|")
    for label in [s.strip() for s in args.by_background.split(",")]:
        v = styles.labels.index(label)
        w, r = (y[:, jhs] == v) & (y[:, jhc] == white), (y[:, jhs] == v) & (y[:, jhc] != white)
        acc = lambda m: f"{(pred[m] == v).float().mean():.2f} (n = {int(m.sum())})" if m.any() else "-"  # noqa: E731
        print(f"| {label} | {acc(w)} | {acc(r)} |")


if __name__ == "__main__":
    main()
