"""Plot a v2 run's log.jsonl against images seen: <run>/log.png (drawn with PIL; no plotting library needed).

    /usr/bin/python3 models/train/plot_log.py --run models/runs/personas64-v2

Panels: the adversarial losses; Q's accuracy on real labelled images and on G's samples; the
judge's mean agreement with the codes (metrics lines); the Fréchet distance in the judge's features.
Metrics taken with different judges are separate series (a judge's scores compare only with its own).
"""
import argparse
import json
import os

from PIL import Image, ImageDraw

PANELS = [
    ("adversarial losses", "train", ["loss_d", "loss_g"]),
    ("Q accuracy (real, samples)", "train", ["q_acc_real", "q_acc_fake"]),
    ("judge agreement with the codes (mean, worst value)", "metrics", ["controlMean", "controlMin"]),
    ("Fréchet distance, judge features", "metrics", ["fd"]),
    ("speckle, 0-255 levels (G's samples, real batch)", "train", ["speckle_fake", "speckle_real"]),
]
COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75)]
FIRST_JUDGE = "models/runs/judge/judge.pt"   # metrics lines written before they named their judge


def draw_panel(d, box, title, series, xmax):
    x0, y0, x1, y1 = box
    d.rectangle(box, outline=(120, 120, 120))
    d.text((x0 + 6, y0 + 4), title, fill=(0, 0, 0))
    vals = [v for _, pts in series for _, v in pts]
    if not vals:
        d.text((x0 + 6, y0 + 24), "no data yet", fill=(120, 120, 120))
        return
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-9:
        hi = lo + 1
    d.text((x0 + 6, y0 + 18), f"{hi:.3g}", fill=(90, 90, 90))
    d.text((x0 + 6, y1 - 14), f"{lo:.3g}", fill=(90, 90, 90))
    px = lambda k: x0 + 50 + (x1 - x0 - 60) * k / max(xmax, 1e-9)          # noqa: E731
    py = lambda v: y1 - 20 - (y1 - y0 - 50) * (v - lo) / (hi - lo)           # noqa: E731
    for i, (name, pts) in enumerate(series):
        c = COLOURS[i % len(COLOURS)]
        xy = [(px(k), py(v)) for k, v in pts]
        if len(xy) > 1:
            d.line(xy, fill=c, width=2)
        for p in xy[-1:]:
            d.ellipse((p[0] - 2, p[1] - 2, p[0] + 2, p[1] + 2), fill=c)
        d.text((x1 - 200, y0 + 4 + 12 * i), name, fill=c)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="models/runs/personas64-v2")
    args = p.parse_args(argv)
    with open(os.path.join(args.run, "log.jsonl")) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    xmax = max((r.get("kimg", 0) for r in rows), default=1)
    w, h = 900, 220 * len(PANELS) + 30
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    for i, (title, kind, keys) in enumerate(PANELS):
        mine = [r for r in rows if r.get("kind", "train") == kind and "kimg" in r]
        judges = list(dict.fromkeys(r.get("judge", FIRST_JUDGE) for r in mine)) if kind == "metrics" else [None]
        series = [(k + (f" ({os.path.basename(os.path.dirname(j))})" if j else ""),
                   [(r["kimg"], r[k]) for r in mine if k in r and (j is None or r.get("judge", FIRST_JUDGE) == j)])
                  for j in judges for k in keys]
        draw_panel(d, (10, 10 + 220 * i, w - 10, 220 * (i + 1)), title, series, xmax)
    d.text((10, h - 18), f"x: thousands of images seen (0 to {xmax:.0f})", fill=(0, 0, 0))
    img.save(os.path.join(args.run, "log.png"))
    print(f"[plot] {os.path.join(args.run, 'log.png')}")


if __name__ == "__main__":
    main()
