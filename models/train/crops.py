"""Close-ups of the small features the judge reads (stubble, a bald head's highlight, the nose): held-out
real renders, then each run's EMA generator on the same latents, magnified 6x without smoothing so
speckle is visible. With --diff-out, also what a code's value changes: per pair of values (stubble vs
none, bald vs buzz cut), the mean difference image — held-out real renders (unpaired means: other
attributes differ too), then each run on the same latents with only that code switched (paired) —
red where the second value is darker, blue where lighter, all on one scale. The pictures behind
models/README.md's session-6 change.

    /usr/bin/python3 models/train/crops.py --runs /tmp/s858 models/runs/personas64-v2 --out models/runs/personas64-v2/crops.png
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attributes import PERSONAS_CODES, categorical, label_tensors  # noqa: E402
from data import AvatarSet  # noqa: E402
from grid import save_grid  # noqa: E402
from train_semisup import load_trained  # noqa: E402

# (code, value label, crop box y0, y1, x0, x1 in the 64x64 image)
FEATURES = [("Facial hair", "None", (30, 54, 16, 48)), ("Facial hair", "Stubble", (30, 54, 16, 48)),
            ("Hair style", "Bald", (4, 28, 16, 48)), ("Hair style", "Buzz cut", (4, 28, 16, 48)),
            ("Nose", "Small", (24, 44, 20, 44)), ("Nose", "Medium", (24, 44, 20, 44))]
PAIRS = [("Facial hair", "None", "Stubble"), ("Hair style", "Buzz cut", "Bald")]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", nargs="+", required=True, help="run directories (state.pt.xz), one row of crops each per feature")
    p.add_argument("--heldout", default="data/avatars-v2", help="a data set with a held-out split (real renders)")
    p.add_argument("--per-row", type=int, default=6)
    p.add_argument("--out", required=True)
    p.add_argument("--diff-out", help="also write the mean-difference picture here")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    runs = [dict(load_trained(r), run=r) for r in args.runs]
    lay = runs[0]["layout"]
    cats = categorical(PERSONAS_CODES)
    held = AvatarSet(args.heldout, "heldout")
    y, _ = label_tensors(held.table, PERSONAS_CODES)
    rows = []
    for fi, (name, label, (y0, y1, x0, x1)) in enumerate(FEATURES):
        i = [c.name for c in cats].index(name)
        v = cats[i].labels.index(label)
        k, off = lay.categorical[i], lay.noise + sum(lay.categorical[:i])
        z, _, _ = runs[0]["sampler"](args.per_row, torch.Generator().manual_seed(100 + fi), "cpu")
        z[:, off:off + k] = 0
        z[:, off + v] = 1
        images = [held.batch(torch.nonzero(y[:, i] == v).flatten()[: args.per_row])]
        with torch.no_grad():
            images += [r["G"](z) for r in runs]
        rows += [F.interpolate(x[:, :, y0:y1, x0:x1], scale_factor=6, mode="nearest") for x in images]
    # crops differ in size per feature: pad each to the largest
    h = max(r.shape[2] for r in rows)
    w = max(r.shape[3] for r in rows)
    rows = [F.pad(r, (0, w - r.shape[3], 0, h - r.shape[2]), value=1.0) for r in rows]
    save_grid(torch.cat(rows), args.out, nrow=args.per_row)
    print(f"[crops] {args.out}: per feature, rows = held-out real, " + ", ".join(args.runs))
    if args.diff_out:
        maps = []
        for name, a, b in PAIRS:
            i = [c.name for c in cats].index(name)
            va, vb = cats[i].labels.index(a), cats[i].labels.index(b)
            k, off = lay.categorical[i], lay.noise + sum(lay.categorical[:i])
            mean = lambda v: held.batch(torch.nonzero(y[:, i] == v).flatten()[:600]).mean(0)   # noqa: E731
            maps.append((mean(vb) - mean(va)).mean(0))
            z, _, _ = runs[0]["sampler"](512, torch.Generator().manual_seed(4), "cpu")
            for r in runs:
                out = []
                for v in (va, vb):
                    zz = z.clone()
                    zz[:, off:off + k] = 0
                    zz[:, off + v] = 1
                    with torch.no_grad():
                        out.append(r["G"](zz).mean(0))
                maps.append((out[1] - out[0]).mean(0))
                print(f"[crops] {name} {a} -> {b}, {r['run']}: mean |difference| {maps[-1].abs().mean().item() * 127.5:.2f} levels")
        top = max(float(m.abs().max()) for m in maps)
        img = torch.stack([torch.stack([(-m).clamp(min=0), torch.zeros_like(m), m.clamp(min=0)]) / top * 2 - 1 for m in maps])
        save_grid(F.interpolate(img, scale_factor=4, mode="nearest"), args.diff_out, nrow=1 + len(runs))
        print(f"[crops] {args.diff_out}: rows " + "; ".join(f"{a} -> {b}" for _, a, b in PAIRS) + ", columns real, " + ", ".join(args.runs))


if __name__ == "__main__":
    main()
