"""The renders' flat colours, and snapping a generator's output onto them.

The renderer draws every avatar from a fixed set of flat colours (skin tones, hair colours, clothing
colours, backgrounds, eyes, mouths, …); only anti-aliased edges fall between them. G draws those
fills a few levels off, differently from pixel to pixel: the speckle (judge_metrics.speckle_share).
A pack exported with `--snap N` (graphs.py `Snap`) replaces every pixel of its images within N levels of
one of these colours (max over RGB, 0-255 levels) by that colour exactly, and leaves edges and blends
(farther from every colour) as they are. (Not train_semisup.palette_snap: that clusters each sample's own
colours for a training loss, session 23.)

    /usr/bin/python3 models/train/palette.py --data data/avatars-v2    # prints the palette a pack built from that data gets
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def flat_colours(x, min_share: float = 2e-5):
    """The colours the renders fill with: among pixels whose 3x3 neighbourhood is one colour (a fill's
    inside, not an edge), every colour holding at least `min_share` of them, most common first.
    x: [N, 3, H, W] in [-1, 1] (AvatarSet) -> list of (r, g, b) 0-255 ints."""
    q = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.int64)
    code = (q[:, 0] << 16) | (q[:, 1] << 8) | q[:, 2]                      # [N, H, W]
    win = code.unfold(1, 3, 1).unfold(2, 3, 1).reshape(*code.shape[:1], code.shape[1] - 2, code.shape[2] - 2, 9)
    flat = (win == win[..., :1]).all(-1)
    centre = code[:, 1:-1, 1:-1][flat]
    values, counts = centre.unique(return_counts=True)
    keep = counts >= max(1, int(min_share * centre.numel()))
    order = counts[keep].argsort(descending=True)
    return [(int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255) for v in values[keep][order]]


def snap_module(palette, levels: float):
    from graphs import Snap
    return Snap([hex_rgb(c) if isinstance(c, str) else tuple(c) for c in palette], levels)


class SnappedGenerator(torch.nn.Module):
    """G with its image snapped (graphs.Snap): what a pack built with a snap draws."""

    def __init__(self, G, palette, levels: float):
        super().__init__()
        self.G, self.snap = G, snap_module(palette, levels)

    def forward(self, z):
        return self.snap(self.G(z))


def hex_rgb(c: str):
    return tuple(int(c[i : i + 2], 16) for i in (1, 3, 5))


def rgb_hex(c):
    return "#%02x%02x%02x" % tuple(c)


def palette_for(data_dir: str, images: int = 4096, min_share: float = 2e-5):
    """flat_colours of `images` training renders (a fixed draw: the same data gives the same palette)."""
    from data import AvatarSet
    train = AvatarSet(data_dir, "train")
    idx = torch.randperm(len(train), generator=torch.Generator().manual_seed(3))[:images]
    return flat_colours(train.batch(idx), min_share)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="data/avatars-v2")
    ap.add_argument("--images", type=int, default=None, help="training images scanned (default: palette_for's, as packs are built)")
    ap.add_argument("--min-share", type=float, default=None)
    args = ap.parse_args(argv)
    pal = palette_for(args.data, **{k: v for k, v in (("images", args.images), ("min_share", args.min_share)) if v is not None})
    print(json.dumps([rgb_hex(c) for c in pal]))


if __name__ == "__main__":
    main()
