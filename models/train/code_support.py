"""Where each code of a pack draws: for every code, the share of the generator's samples in which moving
it (through all its values) changes each pixel by more than LEVELS 0-255 levels. A picture (one tile a
code, white = every sample) and each code's area, to see how local the codes are (the Nose code redraws a
nose and the cheeks' wrinkles and not the mouth; Hair style, most of the head).

    /usr/bin/python3 models/train/code_support.py --pack models/personas64-v2 --out code-support.png [--samples 256]

Session 26 tried keeping a code edit's new content to where its codes draw (share >= 5 %, two cells
round): on bench:edits' 205 cached code edits nothing the transfer drew lay outside, so it changed no score and was
not kept (BENCHMARKS.md).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LEVELS = 8        # a change smaller than this is the generator's entanglement, not the code's drawing
CONTINUOUS_STEPS = 5


def code_values(code):
    """The latent values a code is moved through: each category's one-hot, or steps over a continuous range."""
    if code["kind"] == "categorical":
        return [torch.eye(code["size"])[i] for i in range(code["size"])]
    lo, hi = code["range"]
    return [torch.tensor([v]) for v in np.linspace(lo, hi, CONTINUOUS_STEPS)]


@torch.no_grad()
def supports(G, codes, z, batch=64):
    """{code name: [R, R] share in [0, 1] of the latents z [N, L] where the code changes the pixel by > LEVELS}."""
    out = {}
    for code in codes:
        o, values = code["offset"], code_values(code)
        width = len(values[0])
        hits = None
        for i in range(0, len(z), batch):
            lo = hi = None
            for v in values:
                zz = z[i : i + batch].clone()
                zz[:, o : o + width] = v
                x = (G(zz).clamp(-1, 1) + 1) * 127.5                  # [B, 3, R, R] in levels
                lo = x if lo is None else torch.minimum(lo, x)
                hi = x if hi is None else torch.maximum(hi, x)
            moved = ((hi - lo).amax(1) > LEVELS).float().sum(0)      # [R, R]: samples where some value moved it
            hits = moved if hits is None else hits + moved
        out[code["name"]] = (hits / len(z)).numpy()
    return out


def picture(maps, path):
    """One tile a code, side by side, with a grey border: white where every sample changes the pixel."""
    from PIL import Image
    tiles = [np.pad(np.round(m * 255).astype(np.uint8), 1, constant_values=128) for m in maps.values()]
    row = np.concatenate(tiles, 1)
    Image.fromarray(row).resize((row.shape[1] * 3, row.shape[0] * 3), Image.NEAREST).save(path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", required=True, help="pack directory (its generator.onnx)")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--samples", type=int, default=256, help="latents drawn (the pack's sampler: uniform codes)")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    from judge_metrics import load_pack
    G, draw, _ = load_pack(args.pack)
    with open(os.path.join(args.pack, "pack.json")) as f:
        codes = json.load(f)["latent"]["codes"]
    maps = supports(G, codes, draw(args.samples, torch.Generator().manual_seed(7))[0])
    picture(maps, args.out)
    print("| code | pixels some samples change (>= 5 %) | pixels most change (>= 50 %) |\n|---|---|---|")
    for name, m in maps.items():
        print(f"| {name} | {100 * (m >= 0.05).mean():.1f} % | {100 * (m >= 0.5).mean():.1f} % |")


if __name__ == "__main__":
    main()
