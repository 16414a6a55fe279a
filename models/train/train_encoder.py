"""Train the encoder P (image -> latent) against the frozen generator of a run (iGAN's
projection network): latent loss on generated images, plus pixel and feature
reconstruction losses on generated and real images.

    /usr/bin/python3 models/train/train_encoder.py --run runs/personas64 --minutes 15
Writes <run>/encoder.pt (resumed if present) and <run>/encoder_log.jsonl.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import AvatarSet  # noqa: E402
from nets import Discriminator, Encoder, Generator, LatentLayout, standing_stats, weights_init  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="runs/personas64", help="run directory holding ckpt.pt")
    p.add_argument("--data", default="data/avatars", help="rendered dataset (real images for the reconstruction loss)")
    p.add_argument("--batch", type=int, default=64, help="generated images per step")
    p.add_argument("--real-batch", type=int, default=32, help="real images per step")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--w-latent", type=float, default=1.0, help="weight of the latent loss")
    p.add_argument("--w-pixel", type=float, default=1.0, help="weight of the pixel loss")
    p.add_argument("--w-feature", type=float, default=0.1, help="weight of the feature loss (discriminator trunk)")
    p.add_argument("--feature-depth", type=int, default=3, help="discriminator blocks used as features")
    p.add_argument("--minutes", type=float, default=15.0, help="wall-time budget of this invocation")
    p.add_argument("--warm-start", default=None,
                   help="an encoder.pt trained against an earlier generator of the run: start from its weights (not its optimiser)")
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps in total (0: no limit)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    p.add_argument("--seed", type=int, default=7)
    return p.parse_args(argv)


def load_frozen(run, device, data_dir=None):
    """-> (layout, G, D, G's args, G's state, draw(n, gen) -> (z, cat idx, cont), real labels or None)."""
    if os.path.exists(os.path.join(run, "state.pt.xz")):   # a v2 run: codes drawn as in training, real labels known
        import train_semisup as ts
        t = ts.load_trained(run, data_dir)
        G, D = t["G"].to(device), t["D"].to(device)
        draw = lambda n, gen: t["sampler"](n, gen, device)   # noqa: E731
        return t["layout"], G, D, vars(t["args"]), t["state"], draw, (t["cat_labels"], t["cont_labels"], t["n_sup"])
    ck = torch.load(os.path.join(run, "ckpt.pt"), map_location="cpu")
    lay = LatentLayout(**ck["layout"])
    a = ck["args"]
    G, D = Generator(lay.size, a["ngf"]), Discriminator(lay, a["ndf"])
    G.load_state_dict(ck["G_ema"]); D.load_state_dict(ck["D"])
    standing_stats(G, lay, batches=16, batch=128)
    G, D = G.to(device).eval().requires_grad_(False), D.to(device).eval().requires_grad_(False)
    return lay, G, D, a, ck["state"], (lambda n, gen: lay.sample(n, gen, device)), None


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    lay, G, D, gargs, gstate, draw, real_labels = load_frozen(args.run, device, args.data)
    data = AvatarSet(args.data, "train")
    P = Encoder(lay, gargs["ndf"]).to(device)
    P.apply(weights_init)
    opt = torch.optim.Adam(P.parameters(), args.lr)
    st = dict(step=0, images=0, seconds=0.0)
    path = os.path.join(args.run, "encoder.pt")
    opt_path = os.path.join(args.run, "encoder-opt.pt")   # not committed (.gitignore): 3× the weights
    if os.path.exists(path):
        ek = torch.load(path, map_location=device)
        if ek.get("gan_images") == gstate["images"]:   # only resume against the same generator
            P.load_state_dict(ek["P"]); st = ek["state"]
            if os.path.exists(opt_path):                 # the optimiser's moments stay on the machine that made them
                opt.load_state_dict(torch.load(opt_path, map_location=device))
            print(f"[encoder] resumed at step {st['step']}", flush=True)
    if st["step"] == 0 and args.warm_start:
        P.load_state_dict(torch.load(args.warm_start, map_location=device)["P"])
        print(f"[encoder] warm start from {args.warm_start}", flush=True)
    gen = torch.Generator().manual_seed(args.seed + st["step"])
    feats = lambda x: D.features(x, args.feature_depth)   # noqa: E731
    t0, tlog, s0 = time.time(), 0.0, st["seconds"]
    k = sum(lay.categorical)

    def save():
        info = dict(steps=st["step"], images=st["images"], minutes=round(st["seconds"] / 60, 1), losses=last)
        # the committed file: the weights in float16 (a few MB; load_state_dict widens them back)
        half = {k: v.half() if v.is_floating_point() else v for k, v in P.state_dict().items()}
        torch.save(dict(P=half, state=st, gan_images=gstate["images"], info=info), path + ".tmp")
        os.replace(path + ".tmp", path)
        torch.save(opt.state_dict(), opt_path)

    last = {}
    while time.time() - t0 < args.minutes * 60 and not (args.steps and st["step"] >= args.steps):
        z, cidx, cont = draw(args.batch, gen)
        with torch.no_grad():
            x = G(z)                                                    # [B, 3, 64, 64]
            fx = feats(x)
        out = P.logits(x)                                               # [B, L]
        n = lay.noise
        lat = F.mse_loss(torch.tanh(out[:, :n]), z[:, :n]) + F.mse_loss(torch.tanh(out[:, n + k:]), cont)
        o = n
        for i, kk in enumerate(lay.categorical):
            lat = lat + F.cross_entropy(out[:, o : o + kk], cidx[:, i]) / 10
            o += kk
        xh = G(P(x))
        pix = F.mse_loss(xh, x)
        fea = F.mse_loss(feats(xh), fx)
        idx = torch.randint(0, len(data), (args.real_batch,), generator=gen)
        xr = data.batch(idx, device, flip=True, gen=gen)
        out_r = P.logits(xr)
        xrh = G(P.squash(out_r))
        pix_r = F.mse_loss(xrh, xr)
        if real_labels is not None:
            # v2: the codes of real images are known (their attributes): the encoder learns them directly.
            cat_l, cont_l, n_sup = real_labels
            o = n
            for i, kk in enumerate(lay.categorical):
                lat = lat + F.cross_entropy(out_r[:, o : o + kk], cat_l[idx, i].to(device)) / 10
                o += kk
            if n_sup:
                lat = lat + F.mse_loss(torch.tanh(out_r[:, n + k : n + k + n_sup]), cont_l[idx].to(device))
        with torch.no_grad():
            frx = feats(xr)
        fea_r = F.mse_loss(feats(xrh), frx)
        loss = args.w_latent * lat + args.w_pixel * (pix + pix_r) + args.w_feature * (fea + fea_r)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        st["step"] += 1
        st["images"] += args.batch + args.real_batch
        st["seconds"] = s0 + time.time() - t0
        last = dict(latent=lat.item(), pixel=pix.item(), feature=fea.item(), pixel_real=pix_r.item(), feature_real=fea_r.item())
        if time.time() - tlog > 30:
            rec = dict(step=st["step"], minutes=st["seconds"] / 60, **last)
            print("[encoder] " + " ".join(f"{k}={v:.4g}" for k, v in rec.items()), flush=True)
            with open(os.path.join(args.run, "encoder_log.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
            tlog = time.time()
            if st["step"] % 10 == 0:
                save()
    save()
    print(f"[encoder] done: step {st['step']}, {st['seconds'] / 60:.1f} min, {last}", flush=True)


if __name__ == "__main__":
    main()
