"""Micro-benchmark graphs for bench/conv-forms/run.mjs: the generator's stride-2 k4 p1 ConvTranspose layers and their
adjoint Conv, each in its ONNX form and rewrites (sub-pixel 3x3 + DepthToSpace; four 2x2 Convs)."""
import json, os, sys
import numpy as np
import onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
B = 8
LAYERS = [(256, 128, 4), (128, 64, 8), (64, 32, 16), (32, 3, 32)]
KY = [[3, 1, None], [None, 2, 0]]      # forward, parity p, tap d of the padded 3x3 window
KB = [[None, 1, 3], [0, 2, None]]      # adjoint
rng = np.random.default_rng(0)

def model(nodes, inits, ins, outs, name):
    g = h.make_graph(nodes, name, ins, outs, [nh.from_array(v.astype(np.float32), k) for k, v in inits.items()])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, name + ".onnx"))

def vi(n, shape): return h.make_tensor_value_info(n, T.FLOAT, shape)

index = []
for li, (ci, co, H) in enumerate(LAYERS):
    W = rng.standard_normal((ci, co, 4, 4)).astype(np.float32) * 0.05
    b = rng.standard_normal(co).astype(np.float32)
    X, Y = vi("x", [B, ci, H, H]), vi("y", [B, co, 2 * H, 2 * H])
    # forward
    model([h.make_node("ConvTranspose", ["x", "W", "b"], ["y"], kernel_shape=[4, 4], strides=[2, 2], pads=[1, 1, 1, 1])],
          dict(W=W, b=b), [X], [Y], f"L{li}_fwd_convT")
    W3 = np.zeros((4 * co, ci, 3, 3), np.float32)
    for py in range(2):
        for px in range(2):
            for dy in range(3):
                for dx in range(3):
                    if KY[py][dy] is not None and KY[px][dx] is not None:
                        W3[(py * 2 + px) * co:(py * 2 + px + 1) * co, :, dy, dx] = W[:, :, KY[py][dy], KY[px][dx]].T
    model([h.make_node("Conv", ["x", "W3", "b4"], ["t"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
           h.make_node("DepthToSpace", ["t"], ["y"], blocksize=2, mode="DCR")],
          dict(W3=W3, b4=np.tile(b, 4)), [X], [Y], f"L{li}_fwd_conv3d2s")
    nodes, inits, parts = [], dict(b=b), []
    for py in range(2):
        for px in range(2):
            w = np.stack([np.stack([W[:, :, KY[py][[0, 1][dy] + py], KY[px][[0, 1][dx] + px]].T for dx in range(2)], -1) for dy in range(2)], -2)
            inits[f"W{py}{px}"] = w
            pads = [1 - py, 1 - px, py, px]
            nodes.append(h.make_node("Conv", ["x", f"W{py}{px}", "b"], [f"p{py}{px}"], kernel_shape=[2, 2], pads=pads))
            parts.append(f"p{py}{px}")
    nodes += [h.make_node("Concat", parts, ["t"], axis=1), h.make_node("DepthToSpace", ["t"], ["y"], blocksize=2, mode="DCR")]
    model(nodes, inits, [X], [Y], f"L{li}_fwd_conv2x4d2s")
    # adjoint: Conv stride 2 from [B, co, 2H, 2H] to [B, ci, H, H]
    DY, DX = vi("dy", [B, co, 2 * H, 2 * H]), vi("dx", [B, ci, H, H])
    model([h.make_node("Conv", ["dy", "W"], ["dx"], kernel_shape=[4, 4], strides=[2, 2], pads=[1, 1, 1, 1])],
          dict(W=W), [DY], [DX], f"L{li}_bwd_conv")
    Wb = np.zeros((ci, 4 * co, 3, 3), np.float32)
    for py in range(2):
        for px in range(2):
            for dy in range(3):
                for dx in range(3):
                    if KB[py][dy] is not None and KB[px][dx] is not None:
                        Wb[:, (py * 2 + px) * co:(py * 2 + px + 1) * co, dy, dx] = W[:, :, KB[py][dy], KB[px][dx]]
    model([h.make_node("SpaceToDepth", ["dy"], ["t"], blocksize=2),
           h.make_node("Conv", ["t", "Wb"], ["dx"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
          dict(Wb=Wb), [DY], [DX], f"L{li}_bwd_s2dconv3")
    nodes, inits, parts = [h.make_node("SpaceToDepth", ["dy"], ["t"], blocksize=2),
                           h.make_node("Split", ["t"], [f"g{p}" for p in range(4)], axis=1, num_outputs=4)], {}, []
    nodes = [nodes[0], h.make_node("Split", ["t"], [f"g{p}" for p in range(4)], axis=1)]
    for py in range(2):
        for px in range(2):
            sy = [d for d in range(3) if KB[py][d] is not None]; sx = [d for d in range(3) if KB[px][d] is not None]
            w = np.zeros((ci, co, 2, 2), np.float32)
            for a, dy in enumerate(sy):
                for c, dx in enumerate(sx):
                    w[:, :, a, c] = W[:, :, KB[py][dy], KB[px][dx]]
            inits[f"W{py}{px}"] = w
            # taps at offsets sy-1: py=0 -> {0,+1} (pad bottom), py=1 -> {-1,0} (pad top)
            pads = [py, px, 1 - py, 1 - px]
            nodes.append(h.make_node("Conv", [f"g{py * 2 + px}", f"W{py}{px}"], [f"q{py}{px}"], kernel_shape=[2, 2], pads=pads))
            parts.append(f"q{py}{px}")
    nodes.append(h.make_node("Sum", parts, ["dx"]))
    model(nodes, inits, [DY], [DX], f"L{li}_bwd_s2dconv2x4")
    index.append(dict(layer=li, ci=ci, co=co, H=H, macs=B * H * H * ci * co * 16))
json.dump(dict(B=B, layers=index), open(os.path.join(out, "index.json"), "w"))
print("ok")
