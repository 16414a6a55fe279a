"""Where is the speckle left? G's reconstructions of held-out renders (encoder only, G(E(x))), the speckle share
(judge_metrics.speckle_share: neighbour pairs 1-16 levels apart) split by what the render itself shows there:
pairs inside its flat fills (both pixels' 3×3 neighbourhoods one colour in the render: 0 % there by definition) and
the rest (edges, anti-aliasing, the bald highlight, curls). Random samples have no render to say which pixels should
be flat; a reconstruction does.

    /usr/bin/python3 models/train/speckle_where.py --run models/runs/personas64-v2 [--images 512] [--snap 6]

Session 29, the 4670.3 kimg state (the shipped pack's G) with snap 6: 7.0 % of fill pairs, 42 % elsewhere (renders:
0 % and 11.9 %); 69 % of all pairs lie in fills. So most of what the snap leaves is G's softer edges, not noise in
flat regions (models/README "Session 29").
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge_metrics as jm  # noqa: E402


def fill_interior(x):
    """[B, H, W] bool: pixels whose 3×3 neighbourhood (replicated at the border) is one colour, on 0-255 levels."""
    q = jm.quantised(x)
    p = F.pad(q, (1, 1, 1, 1), mode="replicate")
    H, W = q.shape[-2:]
    same = torch.ones_like(q[:, 0], dtype=torch.bool)
    for dy in range(3):
        for dx in range(3):
            same &= (p[:, :, dy : dy + H, dx : dx + W] == q).all(1)
    return same


def split_speckle(img, inside, levels: int = 16):
    """(share of speckled pairs among pairs with both pixels `inside`, share among the others, share of pairs inside);
    pairs to the right and down, in judge_metrics._steps' order, as speckle_share counts them."""
    s = jm._steps(jm.quantised(img))
    sp = (s >= 1) & (s <= levels)
    ins = torch.cat([(inside[:, :, 1:] & inside[:, :, :-1]).flatten(), (inside[:, 1:] & inside[:, :-1]).flatten()])
    return float((sp & ins).sum() / ins.sum()), float((sp & ~ins).sum() / (~ins).sum()), float(ins.float().mean())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="models/runs/personas64-v2", help="a v2 run with encoder.pt beside its state")
    p.add_argument("--data", default="data/avatars-v2")
    p.add_argument("--images", type=int, default=512, help="held-out renders reconstructed")
    p.add_argument("--snap", type=float, default=6, help="also score G snapped as a pack's graphs snap it (palette.py); 0: not")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    import train_semisup as ts
    from data import AvatarSet
    from nets import Encoder
    t = ts.load_trained(args.run, args.data)
    G = t["G"]
    P = Encoder(t["layout"], t["args"].ndf)
    P.load_state_dict(torch.load(os.path.join(args.run, "encoder.pt"), map_location="cpu")["P"])
    P.eval()
    held = AvatarSet(args.data, "heldout")
    idx = torch.arange(min(args.images, len(held)))
    snap = None
    if args.snap:
        from palette import palette_for, snap_module
        snap = snap_module(palette_for(args.data), args.snap)
    xs, recs = [], []
    with torch.no_grad():
        for i in range(0, len(idx), 128):
            x = held.batch(idx[i : i + 128])
            z = P(x)
            xs.append(x)
            recs.append(G(z[0] if isinstance(z, tuple) else z))
    x, r = torch.cat(xs), torch.cat(recs)
    inside = fill_interior(x)
    images = {"render": x, "G(E(x))": r}
    if snap is not None:
        images[f"G(E(x)), snap {args.snap:g}"] = snap(r)
    kimg = t["state"]["images"] / 1000
    print(f"{args.run} at {kimg:.1f} kimg, {len(x)} held-out renders reconstructed by the encoder")
    print(f"{'':24} {'all pairs':>10} {'in fills':>10} {'elsewhere':>10}")
    for name, img in images.items():
        a, b, share = split_speckle(img, inside)
        print(f"{name:24} {jm.speckle_share(img):10.1%} {a:10.1%} {b:10.1%}")
    print(f"pairs inside the renders' fills: {share:.1%}; RMSE of G(E(x)) to the render "
          f"{float(((r - x) * 127.5).pow(2).mean().sqrt()):.2f}/255")


if __name__ == "__main__":
    main()
