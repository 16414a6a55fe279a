"""The PyTorch peer for `npm run bench`: the edit step a researcher would write (PyTorch
eager, autograd) on the same weights and the same loss as the pack's edit graph, plus a
matrix-multiply peak microbenchmark and a FLOP count of the graph.

Speaks JSON lines on stdin/stdout so the TypeScript harness can interleave it with the
other runtimes, one step at a time:
  {"cmd": "init", "pack": "models/personas64", "threads": 1}   -> {"ok": true, "flops": {...}}
  {"cmd": "step", "mode": "autograd"|"explicit", "batch": 8}    -> {"ms": 12.3, "cpuMs": 12.1}
  {"cmd": "matmul", "n": 1024, "threads": 1, "reps": 5}          -> {"gflops": 95.1}
Weights are read from the pack's ONNX initializers (G.*, hog.*), so no checkpoint is needed.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "train"))
from graphs import HOG, EditStep, FoldedGenerator, reference_edit_loss  # noqa: E402
from pack_weights import load_graph, pack_json  # noqa: E402

state = {}


class ResearcherGenerator(torch.nn.Module):
    """The folded generator as nets.Generator writes it, every layer a conv_transpose2d (the first
    on the 1×1 latent): the autograd peer. graphs.FoldedGenerator runs the first layer as a
    matrix product for onnxruntime's sake, which makes PyTorch faster too; the peer is the code a
    researcher would write, so it keeps the ConvTranspose (BENCHMARKS.md, "Issue 14, session 7")."""

    def __init__(self, G):
        super().__init__()
        self.G = G

    def forward(self, z):
        G, C0 = self.G, self.G.b1.shape[0]
        h = torch.relu(F.conv_transpose2d(z[:, :, None, None], G.w1.view(-1, C0, 4, 4), G.b1.flatten()))
        for i in range(len(G.ws)):
            a = F.conv_transpose2d(h, G.ws[i], G.bs[i], stride=2, padding=1)
            h = torch.tanh(a) if i == len(G.ws) - 1 else torch.relu(a)
        return h, None


def build(pack_dir):
    pack = pack_json(pack_dir)
    # widened as the engine does: a float16 pack read by onnx.load gives garbage (denormal-laden) weights
    model, w = load_graph(pack_dir, "editStep", pack)
    G = FoldedGenerator.from_tensors(w["G.w1"], w["G.b1"],
                                     [w[f"G.ws.{i}"] for i in range(4)], [w[f"G.bs.{i}"] for i in range(4)])
    hog = HOG(pack["hog"]["orientations"], pack["hog"]["cellStride"])
    return pack, model, G.eval(), hog.eval()


def count_flops(pack, G, hog, batch):
    """2·MACs of every convolution and matrix product in one edit step at the given batch,
    counted while the explicit graph (the same ops the pack's ONNX graph holds) runs once;
    element-wise ops are not counted."""
    import graphs
    total = [0]
    conv2d, conv_t = graphs.F.conv2d, graphs.F.conv_transpose2d

    def c2(x, w, *a, **k):
        y = conv2d(x, w, *a, **k)
        total[0] += 2 * y.numel() * w.shape[1] * w.shape[2] * w.shape[3]
        return y

    def ct(x, w, *a, **k):
        total[0] += 2 * x.numel() * w.shape[1] * w.shape[2] * w.shape[3]
        return conv_t(x, w, *a, **k)

    matmul, linear = graphs.torch.matmul, graphs.F.linear

    def mm(a, b):
        total[0] += 2 * a.numel() * b.shape[-1]
        return matmul(a, b)

    def lin(x, w, *a):
        total[0] += 2 * x.numel() * w.shape[0]
        return linear(x, w, *a)

    graphs.F.conv2d, graphs.F.conv_transpose2d, graphs.torch.matmul, graphs.F.linear = c2, ct, mm, lin
    try:
        with torch.no_grad():
            EditStep(G, hog)(*inputs(pack, batch))
    finally:
        graphs.F.conv2d, graphs.F.conv_transpose2d, graphs.torch.matmul, graphs.F.linear = conv2d, conv_t, matmul, linear
    return total[0]


def inputs(pack, batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    L, R = pack["latent"]["size"], pack["resolution"]
    z = torch.rand(batch, L, generator=g) * 1.8 - 0.9
    z0 = torch.rand(1, L, generator=g) * 1.8 - 0.9
    ct = torch.rand(1, 3, R, R, generator=g) * 2 - 1
    cm = (torch.rand(1, 1, R, R, generator=g) > 0.8).float()
    et = torch.rand(1, 3, R, R, generator=g) * 2 - 1
    em = (torch.rand(1, 1, R, R, generator=g) > 0.8).float()
    return z, z0, ct, cm, et, em, torch.tensor([1.0, 0.2, 0.05])


def step(mode, batch):
    pack, G, hog = state["pack"], state["G"], state["hog"]
    key = (mode, batch)
    if key not in state["feeds"]:
        state["feeds"][key] = inputs(pack, batch)
    z, z0, ct, cm, et, em, w = state["feeds"][key]
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "autograd":
        zz = z.clone().requires_grad_(True)
        loss = reference_edit_loss(state["researcher"], hog, zz, z0, ct, cm, et, em, w)
        grad, = torch.autograd.grad(loss.sum(), zz)
    else:
        with torch.no_grad():
            loss, grad, _, _ = state["edit"](z, z0, ct, cm, et, em, w)
    float(grad.sum())   # materialise
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def matmul(n, threads, reps):
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    torch.set_num_threads(old)
    return 2 * n ** 3 / best / 1e9


def main():
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg["cmd"] == "init":
                torch.set_num_threads(msg.get("threads", 1))
                pack, model, G, hog = build(msg["pack"])
                state.update(pack=pack, G=G, hog=hog, edit=EditStep(G, hog).eval(), researcher=ResearcherGenerator(G).eval(), feeds={})
                flops = {str(b): count_flops(pack, G, hog, b) for b in msg.get("batches", [1, 8, 16, 64])}
                out = dict(ok=True, torch=torch.__version__, threads=torch.get_num_threads(), flops=flops)
            elif msg["cmd"] == "step":
                ms, cpu = step(msg["mode"], msg["batch"])
                out = dict(ms=ms, cpuMs=cpu)   # CPU: what a step costs on a shared machine
            elif msg["cmd"] == "matmul":
                out = dict(gflops=matmul(msg.get("n", 1024), msg.get("threads", 1), msg.get("reps", 5)))
            elif msg["cmd"] == "quit":
                break
            else:
                out = dict(error=f"unknown cmd {msg['cmd']}")
        except Exception as e:  # answer every message, errors included
            out = dict(error=repr(e))
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
