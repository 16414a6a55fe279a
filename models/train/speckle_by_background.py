"""Where does G speckle? The speckle share (judge_metrics.speckle_share) per background, over the whole image,
its top band (background only, above the hair of most styles) and the face; and the share of the top band's
pixels drawn at 255 in every channel (the renders: all of it on white, none on the other backgrounds).

    /usr/bin/python3 models/train/speckle_by_background.py --run models/runs/personas64-v2 [--run <another state>] [--per-background 192]

Session 25: the 4319.2 kimg state speckled more than 3699.6 on the white background's top band (3.1 -> 10.5 %
of neighbour pairs 1-16 levels apart): with the tanh leak on, its white fills had drifted down to the 254/255
rounding edge (pre-activation median 4.96 -> 3.80), so they round pixel by pixel to either. Session 26: the
--pin arm drew 92 % of the white top band at 255 (the long run 15 %). The same latents for every background and run.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge_metrics as jm  # noqa: E402
import train_semisup as ts  # noqa: E402
from attributes import categorical  # noqa: E402

TOP = slice(0, 8)                                  # rows 0-7: background above the head
FACE = (slice(20, 44), slice(16, 48))              # rows 20-43, columns 16-47: the face


def table(run, data, per_background):
    t = ts.load_trained(run, data)
    G, sampler, lay = t["G"], t["sampler"], t["layout"]
    cats = categorical(ts.PERSONAS_CODES)
    b = [c.name for c in cats].index("Background")
    base = sampler(per_background, torch.Generator().manual_seed(5), "cpu")[0]
    rows = []
    for v, label in enumerate(cats[b].labels):
        x = jm.generate(G, jm.set_code(base, lay, b, v, "categorical"))
        top = x[:, :, TOP]
        white = float((jm.quantised(top).amin(1) == 255).float().mean())   # every channel at 255
        rows.append((label, jm.speckle_share(x), jm.speckle_share(top), jm.speckle_share(x[:, :, FACE[0], FACE[1]]), white))
    return t["state"]["images"] / 1000, rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", action="append", required=True, help="a run folder (repeat to compare states)")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--per-background", type=int, default=192)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print("| state | background | whole image | top band (rows 0-7) | face | top band at 255 |")
    print("|---|---|---|---|---|---|")
    for run in args.run:
        kimg, rows = table(run, args.data, args.per_background)
        for label, whole, top, face, white in rows:
            print(f"| {kimg:.1f} kimg | {label} | {whole:.1%} | {top:.1%} | {face:.1%} | {white:.1%} |")


if __name__ == "__main__":
    main()
