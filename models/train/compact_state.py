"""A training state small enough to commit: what `npm run train` resumes from on a fresh clone.

Weights are stored in fp16; the EMA generator as an int8 difference from G (it stays close);
Adam's second moment blockwise 8-bit (absmax per block of 256, as in 8-bit optimisers, stored as
sqrt(v)). The first moment is not kept: with beta1 = 0.5 it averages the last two or three
gradients and is rebuilt within as many steps. The whole is lzma-compressed. Restoring gives fp32 tensors again; the
rounding is far below one step's update, so a resumed run continues the same run.
"""
import io
import lzma
import os

import torch

BLOCK = 256


def _q8(t: torch.Tensor, signed: bool):
    flat = t.detach().float().flatten()
    pad = (-flat.numel()) % BLOCK
    blocks = torch.cat([flat, flat.new_zeros(pad)]).view(-1, BLOCK)
    scale = blocks.abs().amax(1).clamp_min(1e-30)                       # [nb]
    top = 127.0 if signed else 255.0
    q = torch.round(blocks / scale[:, None] * top)
    q = q.to(torch.int8) if signed else q.to(torch.uint8)
    return dict(q=q, scale=scale.half() if scale.max() < 6e4 and scale.min() > 6e-8 else scale, shape=tuple(t.shape), signed=signed)


def _dq8(d) -> torch.Tensor:
    top = 127.0 if d["signed"] else 255.0
    x = d["q"].float() * (d["scale"].float()[:, None] / top)
    n = 1
    for s in d["shape"]:
        n *= s
    return x.flatten()[:n].view(d["shape"])


def _half(sd):
    return {k: (v.half() if v.is_floating_point() else v) for k, v in sd.items()}


def _full(sd):
    return {k: (v.float() if v.is_floating_point() else v) for k, v in sd.items()}


def _pack_opt(opt_sd):
    st = {}
    for k, s in opt_sd["state"].items():
        st[k] = dict(step=s["step"], v=_q8(s["exp_avg_sq"].sqrt(), False))
    return dict(state=st, param_groups=opt_sd["param_groups"])


def _unpack_opt(p):
    st = {}
    for k, s in p["state"].items():
        v = _dq8(s["v"]) ** 2
        st[k] = dict(step=s["step"], exp_avg=torch.zeros_like(v), exp_avg_sq=v)
    return dict(state=st, param_groups=p["param_groups"])


def save(path: str, G, G_ema, D, opt_g, opt_d, extra: dict, nets: dict = None):
    """Write the compact state atomically (never a half-written file in the repository).
    `nets`: more networks the run trains, {name: (module, Adam optimiser)}, stored as D is."""
    g = G.state_dict()
    ema = G_ema.state_dict()
    ema_delta = {k: (_q8(ema[k] - g[k], True) if ema[k].is_floating_point() else ema[k]) for k in ema}
    obj = dict(G=_half(g), G_ema_delta=ema_delta, D=_half(D.state_dict()),
               opt_g=_pack_opt(opt_g.state_dict()), opt_d=_pack_opt(opt_d.state_dict()), extra=extra,
               nets={k: dict(weights=_half(m.state_dict()), opt=_pack_opt(o.state_dict())) for k, (m, o) in (nets or {}).items()})
    buf = io.BytesIO()
    torch.save(obj, buf)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(lzma.compress(buf.getvalue(), preset=6))
    os.replace(tmp, path)
    return os.path.getsize(path)


def load(path: str):
    """-> dict(G, G_ema, D, opt_g, opt_d: fp32 state dicts, extra, nets: {name: (weights, opt) state dicts})."""
    with open(path, "rb") as f:
        raw = io.BytesIO(lzma.decompress(f.read()))
    try:   # our own file, holding RNG states and options: torch >= 2.6 would refuse it by default
        obj = torch.load(raw, map_location="cpu", weights_only=False)
    except TypeError:   # torch before 1.13 has no weights_only
        raw.seek(0)
        obj = torch.load(raw, map_location="cpu")
    g = _full(obj["G"])
    ema = {k: (g[k] + _dq8(v) if isinstance(v, dict) else v) for k, v in obj["G_ema_delta"].items()}
    nets = {k: (_full(n["weights"]), _unpack_opt(n["opt"])) for k, n in obj.get("nets", {}).items()}
    return dict(G=g, G_ema=ema, D=_full(obj["D"]), opt_g=_unpack_opt(obj["opt_g"]), opt_d=_unpack_opt(obj["opt_d"]), extra=obj["extra"],
                nets=nets)
