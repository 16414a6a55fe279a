"""Close-ups of the small features the judge reads (stubble, a bald head's highlight, the nose): held-out
real renders, then each run's EMA generator on the same latents, magnified 6x without smoothing so
speckle is visible. The picture behind models/README.md's session-6 change.

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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", nargs="+", required=True, help="run directories (state.pt.xz), one row of crops each per feature")
    p.add_argument("--heldout", default="data/avatars-v2", help="a data set with a held-out split (real renders)")
    p.add_argument("--per-row", type=int, default=6)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    runs = [load_trained(r) for r in args.runs]
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


if __name__ == "__main__":
    main()
