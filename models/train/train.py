"""Train the default pack's InfoGAN (DCGAN 64x64) on the rendered avatars.

    npm run train -- [--run runs/personas64] [--minutes 120] [--dry-run]

A run is a directory: options.json, log.jsonl (losses), samples/*.png (grids of the
EMA generator with fixed latents), ckpt.pt (latest, resumed automatically).
Uses CUDA when there is a GPU; under `torchrun --nproc_per_node N` it trains
data-parallel (each rank its own random batches, gradients all-reduced).
"""
import argparse
import copy
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import AvatarSet  # noqa: E402
from nets import Discriminator, Generator, LatentLayout, standing_stats, weights_init  # noqa: E402
from grid import save_grid  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="data/avatars", help="folder written by `npm run dataset`")
    p.add_argument("--run", default="runs/personas64", help="run directory (resumed if it holds ckpt.pt)")
    p.add_argument("--ngf", type=int, default=32, help="generator width")
    p.add_argument("--ndf", type=int, default=32, help="discriminator width")
    p.add_argument("--noise", type=int, default=64, help="noise dims of the latent")
    p.add_argument("--categories", type=int, nargs="+", default=[8], help="categories of each categorical code")
    p.add_argument("--continuous", type=int, default=3, help="number of continuous codes")
    p.add_argument("--batch", type=int, default=64, help="batch per process")
    p.add_argument("--lr-g", type=float, default=2e-4, help="generator Adam learning rate")
    p.add_argument("--lr-d", type=float, default=2e-4, help="discriminator (and Q) Adam learning rate")
    p.add_argument("--beta1", type=float, default=0.5, help="Adam beta1")
    p.add_argument("--lambda-cat", type=float, default=1.0, help="weight of the categorical MI term")
    p.add_argument("--lambda-cont", type=float, default=1.0, help="weight of the continuous MI term (Gaussian NLL, sigma=1)")
    p.add_argument("--mi-warmup-kimg", type=float, default=60.0,
                   help="ramp the MI weights from 0 over this many thousand images (plain DCGAN first, so G learns variety before codes)")
    p.add_argument("--instance-noise", type=float, default=0.0,
                   help="std of Gaussian noise added to D's inputs (real and fake), decaying linearly to 0 over --instance-noise-kimg")
    p.add_argument("--instance-noise-kimg", type=float, default=100.0, help="thousand images over which the instance noise decays (from this invocation's start)")
    p.add_argument("--real-label", type=float, default=0.9, help="target for real images (one-sided label smoothing)")
    p.add_argument("--ema-kimg", type=float, default=10.0, help="half-life of the generator's weight average, thousands of images")
    p.add_argument("--minutes", type=float, default=120.0, help="stop after this much wall time in this invocation")
    p.add_argument("--kimg", type=float, default=1e9, help="stop after this many thousand images in total")
    p.add_argument("--sample-min", type=float, default=5.0, help="minutes between sample grids")
    p.add_argument("--ckpt-min", type=float, default=5.0, help="minutes between checkpoints")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    p.add_argument("--seed", type=int, default=1, help="random seed")
    p.add_argument("--dry-run", action="store_true", help="print the resolved options and exit")
    return p.parse_args(argv)


def mi_loss(q_cat, q_cont, idx, cont, layout):
    """InfoGAN's lower bound terms: cross-entropy per categorical code, Gaussian NLL (sigma 1) for continuous."""
    ce, o = 0.0, 0
    for i, k in enumerate(layout.categorical):
        ce = ce + F.cross_entropy(q_cat[:, o : o + k], idx[:, i])
        o += k
    nll = 0.5 * ((q_cont - cont) ** 2).sum(1).mean()
    return ce, nll


def main(argv=None):
    args = parse_args(argv)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank = int(os.environ.get("RANK", "0"))
    if distributed:
        torch.distributed.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    layout = LatentLayout(args.noise, list(args.categories), args.continuous)
    opts = dict(vars(args), latent=layout.to_dict(), device=str(device), world=int(os.environ.get("WORLD_SIZE", "1")))
    if args.dry_run:
        print(json.dumps(opts, indent=2))
        return
    lead = rank == 0
    os.makedirs(os.path.join(args.run, "samples"), exist_ok=True)
    if lead:
        with open(os.path.join(args.run, "options.json"), "w") as f:
            json.dump(opts, f, indent=2)

    data = AvatarSet(args.data, "train")
    torch.manual_seed(args.seed + rank)
    gen = torch.Generator().manual_seed(args.seed * 1000 + rank)
    G = Generator(layout.size, args.ngf).to(device)
    D = Discriminator(layout, args.ndf).to(device)
    G.apply(weights_init)
    D.apply(weights_init)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), args.lr_g, betas=(args.beta1, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), args.lr_d, betas=(args.beta1, 0.999))
    state = dict(step=0, images=0, seconds=0.0)

    ckpt_path = os.path.join(args.run, "ckpt.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        G.load_state_dict(ck["G"]); D.load_state_dict(ck["D"]); G_ema.load_state_dict(ck["G_ema"])
        opt_g.load_state_dict(ck["opt_g"]); opt_d.load_state_dict(ck["opt_d"])
        state = ck["state"]
        for opt, lr in ((opt_g, args.lr_g), (opt_d, args.lr_d)):   # the command line wins over the checkpoint
            for group in opt.param_groups:
                group["lr"] = lr
        gen.manual_seed(args.seed * 1000 + rank + state["step"])
        if lead:
            print(f"[train] resumed at step {state['step']} ({state['images'] / 1000:.1f} kimg)", flush=True)

    Gt, Dt = G, D
    if distributed:
        Gt = torch.nn.parallel.DistributedDataParallel(G, device_ids=[device] if device.type == "cuda" else None)
        Dt = torch.nn.parallel.DistributedDataParallel(D, device_ids=[device] if device.type == "cuda" else None)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    fixed = layout.sample(64, torch.Generator().manual_seed(1234), device)[0]
    bce = F.binary_cross_entropy_with_logits
    t_start = time.time()
    t_sample = t_ckpt = t_log = time.time()
    seconds0, images0, first_step = state["seconds"], state["images"], state["step"]
    logged = [0]   # last step written to log.jsonl

    def save_ckpt():
        tmp = ckpt_path + ".tmp"
        torch.save(dict(G=G.state_dict(), D=D.state_dict(), G_ema=G_ema.state_dict(), opt_g=opt_g.state_dict(),
                        opt_d=opt_d.state_dict(), state=state, layout=layout.to_dict(), args=vars(args)), tmp)
        os.replace(tmp, ckpt_path)  # never a half-written checkpoint

    def log_record(loss_d, loss_g, ce, nll, q_cat, cidx, fake):
        logged[0] = state["step"]
        acc = (q_cat.argmax(1) == cidx[:, 0]).float().mean().item()
        rate = (state["images"] - images0) / max(time.time() - t_start, 1e-6)
        rec = dict(step=state["step"], kimg=state["images"] / 1000, minutes=state["seconds"] / 60, img_s=rate,
                   loss_d=loss_d.item(), loss_g=loss_g.item(), mi_cat=ce.item(), cat_acc=acc, mi_cont=nll.item(),
                   spread=fake.detach().std(0).mean().item())   # variety across the batch; near 0 = mode collapse
        print("[train] " + " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in rec.items()), flush=True)
        with open(os.path.join(args.run, "log.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    def sample_grid():
        g = copy.deepcopy(G_ema)
        standing_stats(g, layout, batches=4)
        with torch.no_grad():
            save_grid(g(fixed), os.path.join(args.run, "samples", f"grid_{state['images'] // 1000:06d}k.png"), nrow=8)

    while True:
        elapsed = time.time() - t_start
        if elapsed > args.minutes * 60 or state["images"] >= args.kimg * 1000:
            break
        idx = torch.randint(0, len(data), (args.batch,), generator=gen)
        real = data.batch(idx, device, flip=True, gen=gen)                 # [B, 3, 64, 64]
        z, cidx, cont = layout.sample(args.batch, gen, device)              # [B, L]
        fake = Gt(z)                                                         # [B, 3, 64, 64]

        ramp = min(1.0, state["images"] / max(args.mi_warmup_kimg * 1000, 1.0))
        lam_cat, lam_cont = ramp * args.lambda_cat, ramp * args.lambda_cont

        # Instance noise blurs the real/fake boundary while D is far ahead of G.
        sigma = args.instance_noise * max(0.0, 1 - (state["images"] - images0) / max(args.instance_noise_kimg * 1000, 1.0))
        noisy = (lambda x: x + sigma * torch.randn_like(x)) if sigma > 0 else (lambda x: x)

        # D (and Q) step: real vs fake, plus Q recovering the codes of the (detached) fakes.
        d_real, _, _ = Dt(noisy(real))
        d_fake, q_cat, q_cont = Dt(noisy(fake.detach()))
        loss_d = bce(d_real, torch.full_like(d_real, args.real_label)) + bce(d_fake, torch.zeros_like(d_fake))
        ce, nll = mi_loss(q_cat, q_cont, cidx, cont, layout)
        opt_d.zero_grad(set_to_none=True)
        (loss_d + lam_cat * ce + lam_cont * nll).backward()
        opt_d.step()

        # G step: non-saturating loss plus the same MI terms through G.
        d_fake, q_cat, q_cont = Dt(noisy(fake))
        loss_g = bce(d_fake, torch.ones_like(d_fake))
        ce_g, nll_g = mi_loss(q_cat, q_cont, cidx, cont, layout)
        opt_g.zero_grad(set_to_none=True)
        (loss_g + lam_cat * ce_g + lam_cont * nll_g).backward()
        opt_g.step()

        state["step"] += 1
        state["images"] += args.batch * world
        state["seconds"] = seconds0 + time.time() - t_start
        half = min(args.ema_kimg * 1000, 0.1 * state["images"])
        beta = 0.5 ** (args.batch * world / max(half, 1e-8))
        with torch.no_grad():
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1 - beta)

        if not lead:
            continue
        now = time.time()
        if now - t_log > 30 or state["step"] == 1:
            log_record(loss_d, loss_g, ce, nll, q_cat, cidx, fake)
            t_log = now
        if now - t_sample > args.sample_min * 60:
            sample_grid(); t_sample = now
        if now - t_ckpt > args.ckpt_min * 60:
            save_ckpt(); t_ckpt = now

    if lead and state["step"] > max(first_step, logged[0]):
        log_record(loss_d, loss_g, ce, nll, q_cat, cidx, fake)
    if lead:
        save_ckpt()
        sample_grid()
        print(f"[train] stopped at step {state['step']} ({state['images'] / 1000:.1f} kimg, {state['seconds'] / 60:.1f} min)", flush=True)
    if distributed:
        torch.distributed.destroy_process_group()


if __name__ == "__main__":
    main()
