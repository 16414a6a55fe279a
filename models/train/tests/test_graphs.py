"""The explicit backward passes in graphs.py against torch.autograd (float64, ≤ 1e-4 relative)."""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from graphs import HOG, EditStep, FoldedGenerator, FoldedTrunk, GeneratorGraph, ProjectStep, Snap, reference_edit_loss, reference_project_loss  # noqa: E402
from palette import flat_colours  # noqa: E402
from nets import Discriminator, Generator, LatentLayout, standing_stats, weights_init  # noqa: E402


def small_nets(seed=0):
    torch.manual_seed(seed)
    lay = LatentLayout(noise=8, categorical=[3], continuous=2)
    G, D = Generator(lay.size, 8), Discriminator(lay, 8)
    G.apply(weights_init); D.apply(weights_init)
    # Non-trivial BatchNorm statistics so folding is exercised.
    standing_stats(G, lay, batches=2, batch=16)
    D.train()
    with torch.no_grad():
        D(torch.rand(16, 3, 64, 64) * 2 - 1)
    D.eval()
    return lay, G.double(), D.double()


def rel_err(a, b):
    return ((a - b).norm() / b.norm().clamp_min(1e-12)).item()


class TestGraphs(unittest.TestCase):
    def setUp(self):
        self.lay, self.G, self.D = small_nets()
        self.FG = FoldedGenerator(self.G).double()
        self.hog = HOG().double()
        self.Fn = FoldedTrunk(self.D).double()

    def test_folding_matches_batchnorm(self):
        z = self.lay.sample(4)[0].double()
        self.G.eval()
        self.assertLess(rel_err(self.FG(z)[0], self.G(z)), 1e-10)
        x = torch.rand(2, 3, 64, 64, dtype=torch.float64) * 2 - 1
        self.assertLess(rel_err(self.Fn(x)[0], self.D.features(x, 3)), 1e-10)

    def test_first_layer_matmul_is_conv_transpose(self):
        # the first layer is a MatMul on the flattened weight: the same as conv_transpose2d on the 1x1 latent,
        # and from_tensors takes a pack's weight in either shape (packs before 2026-12-02 hold [L, C0, 4, 4])
        g = torch.Generator().manual_seed(5)
        L, C0 = 11, 6
        w = torch.randn(L, C0, 4, 4, generator=g, dtype=torch.float64)
        b = torch.randn(C0, generator=g, dtype=torch.float64)
        z = torch.randn(3, L, generator=g, dtype=torch.float64)
        ref = torch.relu(torch.nn.functional.conv_transpose2d(z[:, :, None, None], w, b))
        for w_in, b_in in ((w, b), (w.flatten(1), b.view(-1, 1, 1))):
            G = FoldedGenerator.from_tensors(w_in, b_in, [], [])     # float32, as a pack holds it
            self.assertLess(rel_err(G(z.float())[0].double(), ref), 1e-6)
        da = torch.randn(3, C0, 4, 4, generator=g, dtype=torch.float64)
        adj = torch.nn.functional.conv2d(da, w).flatten(1)      # the Conv the graph used to hold
        self.assertLess(rel_err(torch.matmul(G.w1, da.float().flatten(1).t()).t().double(), adj), 1e-6)

    def test_edit_gradient(self):
        g = torch.Generator().manual_seed(3)
        B, L = 5, self.lay.size
        z = (torch.rand(B, L, generator=g) * 2 - 1).double().requires_grad_(True)
        z0 = (torch.rand(1, L, generator=g) * 2 - 1).double()
        ct = (torch.rand(1, 3, 64, 64, generator=g) * 2 - 1).double()
        cm = (torch.rand(1, 1, 64, 64, generator=g) > 0.7).double()
        et = (torch.rand(1, 3, 64, 64, generator=g) * 2 - 1).double()
        em = (torch.rand(1, 1, 64, 64, generator=g) > 0.5).double()
        w = torch.tensor([1.0, 0.2, 0.05], dtype=torch.float64)
        loss, grad, img, terms = EditStep(self.FG, self.hog)(z, z0, ct, cm, et, em, w)
        ref = reference_edit_loss(self.FG, self.hog, z, z0, ct, cm, et, em, w)
        auto = torch.autograd.grad(ref.sum(), z)[0]
        self.assertLess(rel_err(loss, ref), 1e-10)
        self.assertLess(rel_err(grad, auto), 1e-4)
        # each term on its own, so a wrong edge backward can't hide behind the colour term
        for i, wi in enumerate(torch.eye(3, dtype=torch.float64)):
            l, gr, _, _ = EditStep(self.FG, self.hog)(z, z0, ct, cm, et, em, wi)
            a = torch.autograd.grad(reference_edit_loss(self.FG, self.hog, z, z0, ct, cm, et, em, wi).sum(), z)[0]
            self.assertLess(rel_err(gr, a), 1e-4, f"term {i}")

    def test_hog_gradient(self):
        x = (torch.rand(2, 3, 64, 64) * 2 - 1).double().requires_grad_(True)
        h, saved = self.hog(x)
        dh = torch.randn_like(h)
        auto = torch.autograd.grad((h * dh).sum(), x)[0]
        self.assertLess(rel_err(self.hog.backward(dh, saved), auto), 1e-6)
        self.assertEqual(tuple(h.shape), (2, 8, 8, 8))

    def test_project_gradient(self):
        g = torch.Generator().manual_seed(4)
        B, L = 4, self.lay.size
        z = (torch.rand(B, L, generator=g) * 2 - 1).double().requires_grad_(True)
        x = (torch.rand(1, 3, 64, 64, generator=g) * 2 - 1).double()
        m = (torch.rand(1, 1, 64, 64, generator=g) > 0.2).double()
        for w in ([1.0, 0.0], [0.0, 1.0], [1.0, 0.5]):
            w = torch.tensor(w, dtype=torch.float64)
            loss, grad, _, _ = ProjectStep(self.FG, self.Fn)(z, x, m, w)
            ref = reference_project_loss(self.FG, self.Fn, z, x, m, w)
            auto = torch.autograd.grad(ref.sum(), z)[0]
            self.assertLess(rel_err(loss, ref), 1e-10)
            self.assertLess(rel_err(grad, auto), 1e-4, f"weights {w.tolist()}")

    def test_snap_sets_near_pixels_to_their_colour_and_leaves_the_rest(self):
        lv = lambda *c: torch.tensor(c, dtype=torch.float64).view(1, 3, 1, -1) / 127.5 - 1   # noqa: E731  0-255 -> [-1, 1]
        snap = Snap([(255, 255, 255), (54, 44, 71)], 6).double()
        # per pixel (columns): 4 off white, 6 off white (the edge of the band), 7 off white, 3 off the dark violet, a blend
        x = lv([251, 249, 248, 57, 150], [255, 255, 255, 44, 150], [253, 255, 255, 70, 163])
        out = ((snap(x) + 1) * 127.5).round()
        self.assertEqual(out[0, :, 0].t().tolist(), [[255, 255, 255], [255, 255, 255], [248, 255, 255], [54, 44, 71], [150, 150, 163]])
        self.assertTrue(torch.equal(Snap()(x), x))          # no palette: the identity (packs before the snap)
        # trained through (train_semisup --out-snap): a snapped pixel passes no gradient, the others pass it as is
        x.requires_grad_(True)
        snap(x).sum().backward()
        self.assertEqual(x.grad[0, 0, 0].tolist(), [0, 0, 1, 0, 1])

    def test_snap_table_finds_the_nearest_colour(self):
        # colours at least 20 levels apart (no cube holds two candidates): the table's choice is the brute-force nearest
        g = torch.Generator().manual_seed(8)
        pal = []
        while len(pal) < 24:
            c = torch.randint(0, 256, (3,), generator=g)
            if all((c - torch.tensor(q)).abs().max() >= 20 for q in pal):
                pal.append(tuple(c.tolist()))
        p = torch.tensor(pal, dtype=torch.float32)
        x = (p[torch.randint(0, 24, (4096,), generator=g)] + torch.randint(-9, 10, (4096, 3), generator=g)).clamp(0, 255)
        img = (x / 127.5 - 1).t().reshape(1, 3, 64, 64)
        d = (x[:, None] - p[None]).abs().amax(2)
        dmin, k = d.min(1)
        want = torch.where((dmin <= 6)[:, None], p[k], x)
        got = ((Snap(pal, 6)(img) + 1) * 127.5).reshape(3, -1).t()
        self.assertLess((got - want).abs().max().item(), 1e-3)
        self.assertGreater(int((dmin <= 6).sum()), 1000)   # both branches exercised
        self.assertGreater(int((dmin > 6).sum()), 1000)

    def test_snap_touches_only_the_image_outputs(self):
        z = self.lay.sample(3)[0].double()
        snap = Snap([(255, 255, 255), (0, 0, 0), (128, 128, 128)], 16).double()
        ct = torch.rand(1, 3, 64, 64, dtype=torch.float64) * 2 - 1
        cm = torch.ones(1, 1, 64, 64, dtype=torch.float64)
        w = torch.tensor([1.0, 0.2, 0.05], dtype=torch.float64)
        plain = EditStep(self.FG, self.hog)(z, z[:1], ct, cm, ct, cm, w)
        snapped = EditStep(self.FG, self.hog, snap)(z, z[:1], ct, cm, ct, cm, w)
        for i in (0, 1, 3):   # loss, grad, terms: G's own image
            self.assertTrue(torch.equal(plain[i], snapped[i]))
        self.assertTrue(torch.equal(snapped[2], snap(plain[2])))
        self.assertFalse(torch.equal(snapped[2], plain[2]))
        self.assertTrue(torch.equal(GeneratorGraph(self.FG, snap)(z), snapped[2]))
        x = torch.rand(1, 3, 64, 64, dtype=torch.float64) * 2 - 1
        pp = ProjectStep(self.FG, self.Fn)(z, x, cm, w[:2])
        ps = ProjectStep(self.FG, self.Fn, snap)(z, x, cm, w[:2])
        self.assertTrue(torch.equal(pp[1], ps[1]) and torch.equal(ps[2], snap(pp[2])))

    def test_flat_colours_are_the_fills_not_the_edges(self):
        x = torch.full((2, 3, 16, 16), 1.0)                  # white
        x[:, :, :, 8:] = torch.tensor([54, 44, 71]).view(1, 3, 1, 1) / 127.5 - 1
        x[:, :, :, 7] = 0.0                                   # a blended edge column: never a fill's inside
        self.assertEqual(sorted(flat_colours(x)), [(54, 44, 71), (255, 255, 255)])


if __name__ == "__main__":
    unittest.main()
