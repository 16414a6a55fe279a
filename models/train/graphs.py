"""The graphs a pack ships, written so that the gradient with respect to the latent is
part of the graph: onnxruntime-web has no autodiff, so each step graph carries an
explicit backward pass made of forward ops (a ConvTranspose's adjoint is a Conv with the
same weight, stride and padding and vice versa; ReLU/LeakyReLU masks; tanh' = 1 - y^2).
BatchNorm is folded into the convolutions, so every graph is plain convolutions and
element-wise ops. tests/test_graphs.py checks every gradient against torch.autograd.

Shapes: B candidates, L latent size, R resolution (64).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from nets import Discriminator, Generator, conv_blocks  # noqa: F401  (Discriminator: type of FoldedTrunk.D)


def fold_bn(weight, bn, out_dim):
    """Scale `weight` along `out_dim` by gamma/sigma; return (weight, bias) of the folded layer."""
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    shape = [1] * weight.dim()
    shape[out_dim] = -1
    return weight * s.view(shape), bn.bias - bn.running_mean * s


class FoldedGenerator(nn.Module):
    """G with BatchNorm folded. forward() returns the image and the activations the backward needs."""

    def __init__(self, G: Generator):
        super().__init__()
        net = G.net
        convs = [net[0], net[3], net[6], net[9], net[12]]
        bns = [net[1], net[4], net[7], net[10], None]
        ws, bs = [], []
        for conv, bn in zip(convs, bns):
            w = conv.weight.detach()
            if bn is not None:
                w, b = fold_bn(w, bn, 1)          # ConvTranspose weight [Cin, Cout, k, k]
            else:
                b = conv.bias.detach()
            ws.append(w.detach().clone())
            bs.append(b.detach().clone())
        # First layer: a ConvTranspose on the 1x1 latent, i.e. a matrix product with the weight
        # flattened to [L, C0·16], written as MatMul forward and backward on one initializer: as
        # a ConvTranspose / Conv onnxruntime runs it as B matrix-vector products (BENCHMARKS.md,
        # "Issue 14, session 7": the step takes 1.2-1.3x less CPU on wasm).
        self.w1 = nn.Parameter(ws[0].flatten(1), requires_grad=False)     # [L, C0·16]
        self.b1 = nn.Parameter(bs[0].view(-1, 1, 1), requires_grad=False)   # [C0, 1, 1]
        self.ws = nn.ParameterList([nn.Parameter(w, requires_grad=False) for w in ws[1:]])
        self.bs = nn.ParameterList([nn.Parameter(b, requires_grad=False) for b in bs[1:]])

    @classmethod
    def from_tensors(cls, w1, b1, ws, bs):
        """Rebuild from exported (already folded) tensors, e.g. a pack's ONNX initializers."""
        g = cls.__new__(cls)
        nn.Module.__init__(g)
        g.w1 = nn.Parameter(w1.float().flatten(1), requires_grad=False)   # packs before 2026-12-02 hold [L, C0, 4, 4]
        g.b1 = nn.Parameter(b1.float().reshape(-1, 1, 1), requires_grad=False)
        g.ws = nn.ParameterList([nn.Parameter(w.float(), requires_grad=False) for w in ws])
        g.bs = nn.ParameterList([nn.Parameter(b.float(), requires_grad=False) for b in bs])
        return g

    def forward(self, z):                                       # z [B, L]
        acts = []
        C0 = self.b1.shape[0]   # view(B, …), not view(-1, …): the exporter then keeps the image's H, W static
        h = torch.relu(torch.matmul(z, self.w1).view(z.shape[0], C0, 4, 4) + self.b1)   # [B, C0, 4, 4]
        acts.append(h)
        n = len(self.ws)
        for i in range(n):
            a = F.conv_transpose2d(h, self.ws[i], self.bs[i], stride=2, padding=1)
            h = torch.tanh(a) if i == n - 1 else torch.relu(a)
            acts.append(h)
        return h, acts                                          # image [B, 3, R, R]

    def backward(self, dy, acts):
        """d loss / d z given d loss / d image `dy` [B, 3, R, R] and forward activations."""
        y = acts[-1]
        da = dy * (1 - y * y)                                   # tanh'
        n = len(self.ws)
        for i in range(n - 1, -1, -1):
            dh = F.conv2d(da, self.ws[i], stride=2, padding=1)  # adjoint of conv_transpose2d
            da = torch.where(acts[i] > 0, dh, torch.zeros_like(dh))   # ReLU mask
        # [B, L]: adjoint of the first layer, as (w1 · daᵀ)ᵀ so the graph transposes the small
        # activation, not the weight (the exporter would fold a transposed copy of w1 into the pack)
        return torch.matmul(self.w1, da.flatten(1).t()).t()


class FoldedTrunk(nn.Module):
    """The discriminator's first `depth` blocks with BN folded: the feature network F."""

    def __init__(self, D, depth: int = 3):
        super().__init__()
        # (conv, BatchNorm or None) per block: v1's D has BatchNorm after blocks 2-4; v2's spectral-norm D
        # has none (reading conv.weight in eval mode gives the normalised weight W / sigma).
        blocks = conv_blocks(D.trunk)[:depth]
        ws, bs = [], []
        for conv, bn in blocks:
            w = conv.weight.detach()
            if bn is None:
                b = conv.bias.detach()
            else:
                w, b = fold_bn(w, bn, 0)                        # Conv weight [Cout, Cin, k, k]
            ws.append(w.detach().clone()); bs.append(b.detach().clone())
        self.ws = nn.ParameterList([nn.Parameter(w, requires_grad=False) for w in ws])
        self.bs = nn.ParameterList([nn.Parameter(b, requires_grad=False) for b in bs])

    @classmethod
    def from_tensors(cls, ws, bs):
        """Rebuild from exported (already folded) tensors, e.g. a pack's ONNX initializers."""
        t = cls.__new__(cls)
        nn.Module.__init__(t)
        t.ws = nn.ParameterList([nn.Parameter(w.float(), requires_grad=False) for w in ws])
        t.bs = nn.ParameterList([nn.Parameter(b.float(), requires_grad=False) for b in bs])
        return t

    def forward(self, x):
        acts = []
        h = x
        for w, b in zip(self.ws, self.bs):
            h = F.leaky_relu(F.conv2d(h, w, b, stride=2, padding=1), 0.2)
            acts.append(h)
        return h, acts

    def backward(self, df, acts):
        da = df
        for i in range(len(self.ws) - 1, -1, -1):
            da = torch.where(acts[i] > 0, da, 0.2 * da)          # LeakyReLU' (sign is kept by the activation)
            da = F.conv_transpose2d(da, self.ws[i], stride=2, padding=1)   # adjoint of conv2d
        return da


class HOG(nn.Module):
    """iGAN's differentiable HOG on the grey image: 8 oriented Sobel filters, soft binning,
    per-orientation tent pooling (16 wide, stride 8) -> [B, O, R/8, R/8]."""

    def __init__(self, orientations: int = 8, cell: int = 8):
        super().__init__()
        gx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 4.0
        gy = gx.t()
        f = torch.stack([math.cos(math.pi * i / orientations) * gx + math.sin(math.pi * i / orientations) * gy
                         for i in range(orientations)])[:, None]           # [O, 1, 3, 3]
        self.register_buffer("f", f)
        self.register_buffer("g", torch.stack([gx, gy])[:, None])          # [2, 1, 3, 3]
        b = 1 - torch.abs((torch.arange(1, 2 * cell + 1).float() - (2 * cell + 1) / 2) / cell)
        self.register_buffer("tent", torch.outer(b, b)[None, None])         # [1, 1, 16, 16]
        a = math.cos(math.pi / orientations)
        self.l1, self.l2, self.eps = 1 / (1 - a), a / (1 - a), 1e-3
        self.o, self.cell = orientations, cell

    def forward(self, img):                                     # img [B, 3, R, R] in [-1, 1]
        grey = (img.mean(1, keepdim=True) + 1) / 2              # [B, 1, R, R] in [0, 1]
        c = F.conv2d(grey, self.f, padding=1)                   # [B, O, R, R]
        g = F.conv2d(grey, self.g, padding=1)                   # [B, 2, R, R]
        gg = torch.sqrt((g * g).sum(1, keepdim=True) + self.eps)   # [B, 1, R, R]
        pre = self.l1 * torch.abs(c) - self.l2 * gg
        hk = torch.relu(pre)
        B, O, R, _ = hk.shape
        h = F.conv2d(hk.reshape(B * O, 1, R, R), self.tent, stride=self.cell, padding=self.cell // 2)
        h = h.reshape(B, O, R // self.cell, R // self.cell)
        return h, (c, g, gg, pre)

    def backward(self, dh, saved):
        c, g, gg, pre = saved
        B, O, r, _ = dh.shape
        R = r * self.cell
        dhk = F.conv_transpose2d(dh.reshape(B * O, 1, r, r), self.tent, stride=self.cell, padding=self.cell // 2)
        dhk = dhk.reshape(B, O, R, R)
        dpre = torch.where(pre > 0, dhk, torch.zeros_like(dhk))
        dc = self.l1 * torch.where(c >= 0, dpre, -dpre)          # |c|'
        dgg = -self.l2 * dpre.sum(1, keepdim=True)              # [B, 1, R, R]
        dg = dgg * g / gg                                       # [B, 2, R, R]
        dgrey = F.conv_transpose2d(dc, self.f, padding=1) + F.conv_transpose2d(dg, self.g, padding=1)
        return (dgrey / 6).expand(-1, 3, -1, -1)                # d/d img: grey = (mean_c + 1) / 2


def masked_mse(x, t, m):
    """Per-candidate Σ m·(x−t)² / numel / (mean(m) + 1e-5) and its gradient w.r.t. x."""
    n = x[0].numel()
    norm = n * (m.mean() + 1e-5)
    d = x - t
    return (m * d * d).flatten(1).sum(1) / norm, 2 * m * d / norm


class Snap(nn.Module):
    """The image a graph returns, with every pixel within `levels` (0-255, max over RGB) of one of the renders'
    flat colours set to that colour (palette.py): fills drawn flat, edges and blends left alone. Only the image
    outputs pass through it; losses and gradients see G's own image, so the steps stay smooth.
    No palette: the identity (packs built before the snap).

    Comparing every pixel with every colour cost 33 ms per 8 candidates on wasm (twice the generator), so the
    nearest colour comes from a table instead: RGB cut into cubes of CELL levels a side, each holding the two
    colours nearest its centre; the pixel takes the nearer of the two if it is within `levels`. (One colour a
    cube left 51 of 16 384 pixels a few levels off a colour: the skin tones lie close together.)"""

    CELL = 4                                                    # 64³ cubes: 262 144 entries

    def __init__(self, palette=None, levels: float = 0.0):
        super().__init__()
        self.levels = float(levels)
        self.on = bool(palette) and self.levels > 0
        p = torch.tensor(palette, dtype=torch.float32) if palette else torch.zeros(0, 3)
        self.register_buffer("palette", p / 127.5 - 1)          # [K, 3] in [-1, 1]
        t = self.table(p) if self.on else torch.zeros(0, 2)
        # one table per candidate and one colour vector per channel, so every tensor below is [B, R, R]: on wasm, 8
        # candidates, the generator took 18.4 -> 24.4 ms with a [B, 3, 2, R, R] layout, 23.4 channels-last, 22.0 this way
        self.register_buffer("lut0", t[:, 0].contiguous())      # [64³] colour index, as float
        self.register_buffer("lut1", t[:, 1].contiguous())

    @classmethod
    def table(cls, p):
        """[64³, 2]: the two colours nearest each cube's centre (max over RGB), as floats."""
        n = 256 // cls.CELL
        c = torch.arange(n, dtype=torch.float32) * cls.CELL + (cls.CELL - 1) / 2
        centres = torch.stack(torch.meshgrid(c, c, c, indexing="ij"), -1).reshape(-1, 3)
        k = min(2, len(p))
        idx = torch.cat([(q[:, None] - p[None]).abs().amax(2).topk(k, 1, largest=False).indices for q in centres.split(16384)])
        return idx.repeat(1, 2 // k).float()

    def forward(self, img):                                     # [B, 3, R, R]
        if not self.on:
            return img
        n = 256 // self.CELL
        cube = torch.floor(((img + 1) * 127.5).clamp(0, 255) / self.CELL).clamp(max=n - 1)
        key = ((cube[:, 0] * n + cube[:, 1]) * n + cube[:, 2]).long()                      # [B, R, R]
        k0, k1 = self.lut0[key].long(), self.lut1[key].long()
        c0 = [self.palette[:, ch][k0] for ch in range(3)]                                  # 3 × [B, R, R]
        c1 = [self.palette[:, ch][k1] for ch in range(3)]
        def dist(c):                                                                       # max over RGB, [B, R, R]
            return torch.maximum(torch.maximum((img[:, 0] - c[0]).abs(), (img[:, 1] - c[1]).abs()), (img[:, 2] - c[2]).abs())
        d0, d1 = dist(c0), dist(c1)
        first = d0 <= d1
        near = torch.minimum(d0, d1) <= (self.levels + 1e-3) / 127.5                      # levels inclusive, past float rounding
        return torch.stack([torch.where(near, torch.where(first, c0[ch], c1[ch]), img[:, ch]) for ch in range(3)], 1)


class GeneratorGraph(nn.Module):
    def __init__(self, G: FoldedGenerator, snap: Snap = None):
        super().__init__()
        self.G, self.snap = G, snap or Snap()

    def forward(self, z):
        return self.snap(self.G(z)[0])


class EditStep(nn.Module):
    """iGAN edit loss: colour + edge (HOG) + smoothness to z0, with its gradient."""

    def __init__(self, G: FoldedGenerator, hog: HOG, snap: Snap = None):
        super().__init__()
        self.G, self.hog, self.snap = G, hog, snap or Snap()

    def forward(self, z, z0, color_target, color_mask, edge_target, edge_mask, weights):
        img, acts = self.G(z)
        colour, dcol = masked_mse(img, color_target, color_mask)
        h, saved = self.hog(img)
        ht, _ = self.hog(edge_target)
        me = F.avg_pool2d(edge_mask, self.hog.cell)             # [1, 1, R/8, R/8]
        edge, dh = masked_mse(h, ht, me)
        dz0 = z - z0
        smooth = (dz0 * dz0).sum(1)
        wc, we, ws = weights[0], weights[1], weights[2]
        dimg = wc * dcol + we * self.hog.backward(dh, saved)
        grad = self.G.backward(dimg, acts) + ws * 2 * dz0
        loss = wc * colour + we * edge + ws * smooth
        return loss, grad, self.snap(img), torch.stack([colour, edge, smooth], 1)


class ProjectStep(nn.Module):
    """iGAN projection loss: masked pixel error + feature error (the discriminator's trunk)."""

    def __init__(self, G: FoldedGenerator, Fnet: FoldedTrunk, snap: Snap = None):
        super().__init__()
        self.G, self.F, self.snap = G, Fnet, snap or Snap()

    def forward(self, z, target, mask, weights):
        img, acts = self.G(z)
        pixel, dpix = masked_mse(img, target, mask)
        f, facts = self.F(img)
        ft, _ = self.F(target)
        d = f - ft
        n = f[0].numel()
        feature = (d * d).flatten(1).sum(1) / n
        wp, wf = weights[0], weights[1]
        dimg = wp * dpix + wf * self.F.backward(2 * d / n, facts)
        grad = self.G.backward(dimg, acts)
        return wp * pixel + wf * feature, grad, self.snap(img), torch.stack([pixel, feature], 1)


def reference_edit_loss(G: FoldedGenerator, hog: HOG, z, z0, ct, cm, et, em, w):
    """The same edit loss written plainly, for autograd to differentiate (tests)."""
    img = G(z)[0]
    colour = masked_mse(img, ct, cm)[0]
    edge = masked_mse(hog(img)[0], hog(et)[0], F.avg_pool2d(em, hog.cell))[0]
    smooth = ((z - z0) ** 2).sum(1)
    return w[0] * colour + w[1] * edge + w[2] * smooth


def reference_project_loss(G: FoldedGenerator, Fnet: FoldedTrunk, z, x, m, w):
    img = G(z)[0]
    pixel = masked_mse(img, x, m)[0]
    d = Fnet(img)[0] - Fnet(x)[0]
    return w[0] * pixel + w[1] * (d * d).flatten(1).mean(1)
