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
    return G, sampler, lay, t["state"]["images"] / 1000


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True)
    p.add_argument("--judge", default="models/runs/judge-v3/judge.pt")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--per-cell", type=int, default=32, help="latents per (hair style, hair colour)")
    p.add_argument("--raw", action="store_true", help="score the generator being trained instead of its EMA")
    p.add_argument("--picture", help="PNG: White and Brown rows, a column per hair style")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    J, jspecs = load_judge(args.judge)
    G, sampler, lay, kimg = load(args.run, args.data, args.raw)
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
            x = jm._quantised(jm.generate(G, z)).byte().permute(0, 2, 3, 1).numpy()
            rows.append(np.concatenate(list(x), 1))
        Image.fromarray(np.concatenate(rows, 0)).resize((64 * len(styles.values) * 2, 64 * 2 * 2), Image.NEAREST).save(args.picture)
        print(f"\npicture: {args.picture} (rows White, Brown; columns {', '.join(styles.labels)})")
    return agree


if __name__ == "__main__":
    main()
