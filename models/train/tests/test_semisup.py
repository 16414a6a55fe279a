"""The v2 pipeline on a tiny synthetic labelled dataset: the compact state round-trips, a second
invocation resumes the same run, the judge and its metrics run, and the export names every code
with its attribute, DiceBear values and display labels."""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import compact_state  # noqa: E402
from attributes import PERSONAS_CODES, label_tensors  # noqa: E402
from nets import CondDiscriminator, Generator, IndependentQ, LatentLayout  # noqa: E402


def run(*args):
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def synthetic(folder, rng):
    os.makedirs(folder)
    for split, n in (("train", 24), ("heldout", 8)):
        rng.integers(0, 256, (n, 64, 64, 3), dtype=np.uint8).tofile(os.path.join(folder, f"{split}.u8"))
        with open(os.path.join(folder, f"{split}.jsonl"), "w") as f:
            for i in range(n):
                attrs = {s.attribute: s.values[int(rng.integers(len(s.values)))] for s in PERSONAS_CODES}
                if attrs["facialHair"] == "none":
                    del attrs["facialHair"]   # DiceBear leaves it out when there is none
                f.write(json.dumps(dict(index=i, seed=f"{split}-{i}", attrs=attrs)) + "\n")


def tiny_run(tmp, seed):
    """A tiny v2 run on synthetic data in `tmp`: (train(*args): one invocation of train_semisup.py, state(): the saved state)."""
    data, rdir = os.path.join(tmp, "data"), os.path.join(tmp, "run")
    synthetic(data, np.random.default_rng(seed))
    common = ["--data", data, "--run", rdir, "--ngf", "8", "--ndf", "8", "--noise", "6", "--batch", "4", "--threads", "1"]
    return (lambda *args: run(os.path.join(HERE, "train_semisup.py"), *args, *common),
            lambda: compact_state.load(os.path.join(rdir, "state.pt.xz")))


class TestCompactState(unittest.TestCase):
    def test_round_trip_keeps_weights_ema_and_adam_within_quantisation(self):
        lay = LatentLayout(8, [3, 4], 2)
        G, Ge, D = Generator(lay.size, 8), Generator(lay.size, 8), CondDiscriminator(lay, 8, "sn", True, 1)
        with torch.no_grad():
            for pe, p in zip(Ge.parameters(), G.parameters()):
                pe.copy_(p + 1e-3 * torch.randn_like(p))
        og, od = torch.optim.Adam(G.parameters()), torch.optim.Adam(D.parameters())
        for net, opt in ((G, og), (D, od)):
            x = net(torch.rand(4, lay.size)) if net is G else net(torch.rand(4, 3, 64, 64))[0]
            x.square().mean().backward(); opt.step()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "s.pt.xz")
            Q2 = IndependentQ(lay, 8)
            oq = torch.optim.Adam(Q2.parameters())
            Q2(torch.rand(4, 3, 64, 64)).square().mean().backward(); oq.step()
            compact_state.save(path, G, Ge, D, og, od, dict(state=dict(step=7)), dict(Q2=(Q2, oq)))
            back = compact_state.load(path)
        self.assertEqual(back["extra"]["state"]["step"], 7)
        q2w, q2o = back["nets"]["Q2"]
        for k, v in Q2.state_dict().items():
            self.assertLess((q2w[k] - v).abs().max().item(), 1e-3 * max(1.0, v.abs().max().item()))
        self.assertEqual(sorted(q2o["state"]), sorted(oq.state_dict()["state"]))
        for k, v in G.state_dict().items():
            if v.is_floating_point():
                self.assertLess((back["G"][k] - v).abs().max().item(), 1e-3 * max(1.0, v.abs().max().item()))
        for k, v in Ge.state_dict().items():
            if v.is_floating_point():   # int8 difference from G: error below 1/127 of the largest difference, plus fp16
                self.assertLess((back["G_ema"][k] - v).abs().max().item(), 2e-3 * max(1.0, v.abs().max().item()))
        st = og.state_dict()["state"]
        for k, s in st.items():
            v = back["opt_g"]["state"][k]["exp_avg_sq"]
            self.assertEqual(int(back["opt_g"]["state"][k]["step"]), int(s["step"]))
            rel = (v.sqrt() - s["exp_avg_sq"].sqrt()).abs().max() / s["exp_avg_sq"].sqrt().max().clamp_min(1e-20)
            self.assertLess(rel.item(), 0.01)


class TestSemisupPipeline(unittest.TestCase):
    def test_train_resume_judge_metrics_export(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, rdir, jdir, out = (os.path.join(tmp, x) for x in ("data", "run", "judge", "pack"))
            synthetic(data, np.random.default_rng(0))
            common = ["--data", data, "--run", rdir, "--ngf", "8", "--ndf", "8", "--noise", "6", "--batch", "4", "--threads", "1"]
            run(os.path.join(HERE, "train_semisup.py"), "--kimg", "0.004", *common)
            self.assertTrue(os.path.exists(os.path.join(rdir, "state.pt.xz")))
            run(os.path.join(HERE, "train_semisup.py"), "--kimg", "0.008", "--snap", "50", "--snap-interior", "0",
                "--tanh-leak", "0.1", "--saturation", "1", "--pin", "10", "--out-snap", "6", *common)   # resumes, one more step, with the palette term, the leak, the pin and the output snap
            with open(os.path.join(rdir, "log.jsonl")) as f:
                lines = [json.loads(line) for line in f]
            self.assertEqual([r["step"] for r in lines], [1, 2])
            self.assertNotIn("snap_weight", lines[0])
            self.assertEqual(lines[1]["snap_weight"], 50)
            self.assertTrue(lines[1]["snap_residual"] >= 0 and 0 < lines[1]["snap_near"] <= 1)
            self.assertEqual((lines[1]["tanh_leak"], lines[1]["saturation_weight"]), (0.1, 1))
            self.assertTrue(0 <= lines[1]["saturated"] <= 1)
            self.assertEqual(lines[1]["pin_weight"], 10)
            self.assertNotIn("pin_weight", lines[0])
            self.assertEqual(lines[1]["out_snap_levels"], 6)
            self.assertTrue(0 <= lines[1]["out_snap_share"] <= 1)
            self.assertNotIn("out_snap_levels", lines[0])
            with open(os.path.join(rdir, "options.json")) as f:
                opts = json.load(f)
                self.assertEqual((opts["snap"], opts["tanh_leak"], opts["out_snap"]), (50, 0.1, 6))   # kept for the next resume
            st = compact_state.load(os.path.join(rdir, "state.pt.xz"))   # the independent Q trained on, across the resume
            self.assertIn("Q2", st["nets"])
            self.assertEqual(st["extra"]["state"]["q2_images"], 8)
            self.assertIn("texture", st["nets"])   # and the texture critic
            self.assertEqual(st["extra"]["state"]["texture_images"], 8)
            run(os.path.join(HERE, "judge.py"), "--data", data, "--out", jdir, "--epochs", "0.2", "--batch", "8", "--width", "8", "--threads", "1")
            run(os.path.join(HERE, "judge_metrics.py"), "--run", rdir, "--judge", os.path.join(jdir, "judge.pt"), "--data", data,
                "--per-value", "2", "--samples", "16", "--nn-train", "8", "--log", "--threads", "1")
            with open(os.path.join(rdir, "log.jsonl")) as f:
                m = json.loads(f.read().strip().splitlines()[-1])
            self.assertEqual(m["kind"], "metrics")
            self.assertEqual(sorted(m["control"]), sorted(s.name for s in PERSONAS_CODES))
            self.assertIn("fd", m)
            self.assertTrue(0 <= m["speckleSample"] <= 1 and 0 <= m["speckleHeldout"] <= 1)
            quick = subprocess.run([sys.executable, os.path.join(HERE, "judge_metrics.py"), "--run", rdir, "--judge", os.path.join(jdir, "judge.pt"),
                                    "--data", data, "--per-value", "2", "--codes", "Skin tone,Nose", "--threads", "1"],
                                   check=True, capture_output=True, text=True)   # one code's control, quickly, while a run trains
            q = json.loads(quick.stdout.strip().splitlines()[-1])
            self.assertEqual(sorted(q["control"]), ["Nose", "Skin tone"])
            self.assertNotIn("fd", q)
            # hair style agreement split by hair colour, on the raw G, with its picture
            sbc = subprocess.run([sys.executable, os.path.join(HERE, "style_by_colour.py"), "--run", rdir, "--judge", os.path.join(jdir, "judge.pt"),
                                  "--data", data, "--per-cell", "1", "--raw", "--picture", os.path.join(tmp, "sbc.png"),
                                  "--by-background", "Long,Extra long", "--heldout", data],
                                 check=True, capture_output=True, text=True)
            table = [line for line in sbc.stdout.split("Under White")[0].splitlines() if line.startswith("| ")]
            self.assertEqual(len(table), 1 + 20 + 2)   # header, the 20 hair styles, mean, pure white
            per_bg = [line for line in sbc.stdout.split("Under White")[1].split("The judge on real")[0].splitlines() if line.startswith("| ")]
            self.assertEqual(len(per_bg), 1 + 2 * 6)   # header, each style on each of the 6 backgrounds
            self.assertTrue(all(len(r.split("|")) == 8 for r in per_bg))
            real = [line for line in sbc.stdout.split("The judge on real")[1].splitlines() if line.startswith("| ")]
            self.assertEqual([r.split(" | ")[0] for r in real[1:]], ["| Long", "| Extra long"])
            self.assertEqual(len(table[1].split("|")), 7 + 3)   # a column per hair colour
            self.assertTrue(os.path.getsize(os.path.join(tmp, "sbc.png")) > 0)
            # the speckle share per background: whole image, top band, face
            sp = subprocess.run([sys.executable, os.path.join(HERE, "speckle_by_background.py"), "--run", rdir, "--data", data,
                                 "--per-background", "2"], check=True, capture_output=True, text=True).stdout.splitlines()
            rows = [r.split(" | ") for r in sp[2:]]
            self.assertEqual([r[1] for r in rows], next(c for c in PERSONAS_CODES if c.name == "Background").labels)
            self.assertTrue(all(0 <= float(v.strip(" |%")) <= 100 for r in rows for v in r[2:]))
            # both Qs and the judge on G's samples, per value (a run whose independent Q has the skin-tone head loads)
            qj = subprocess.run([sys.executable, os.path.join(HERE, "q_vs_judge.py"), "--run", rdir, "--heldout", data,
                                 "--judge", os.path.join(jdir, "judge.pt"), "--codes", "Nose", "--per-value", "2"],
                                check=True, capture_output=True, text=True).stdout.strip().splitlines()
            self.assertIn("commonest misreading", qj[0])
            self.assertEqual([r.split(" | ")[1] for r in qj[1:]], next(c for c in PERSONAS_CODES if c.name == "Nose").labels)
            run(os.path.join(HERE, "train_encoder.py"), "--data", data, "--run", rdir, "--steps", "1", "--batch", "4", "--real-batch", "2")
            ev = os.path.join(out, "evidence")
            run(os.path.join(HERE, "evidence_semisup.py"), "--run", rdir, "--data", data, "--out", ev, "--judge", os.path.join(jdir, "judge.pt"),
                "--old-pack", "", "--per-value", "2", "--samples", "16")
            run(os.path.join(HERE, "export.py"), "--run", rdir, "--data", data, "--out", out, "--meta", os.path.join(ev, "meta.json"),
                "--weights-storage", "float16")
            with open(os.path.join(out, "pack.json")) as f:
                pack = json.load(f)
            self.assertEqual(pack["weights"]["storage"], "float16")
            self.assertEqual(os.path.getsize(os.path.join(out, "weights.bin")), pack["weights"]["bytes"])
            for c in pack["latent"]["codes"]:   # every code shows its sweep; the named ones the judge's score
                self.assertTrue(os.path.exists(os.path.join(ev, c["evidence"]["image"])), c["name"])
            self.assertEqual(pack["latent"]["codes"][0]["evidence"]["measure"], "judge agreement")
            with open(os.path.join(ev, "evidence.md")) as f:
                md = f.read()
            self.assertIn("| Hair style |", md)
            self.assertIn("Not measured yet", md)   # reconstruction comes from the engine, later
            codes = {c["name"]: c for c in pack["latent"]["codes"]}
            hair = codes["Hair style"]
            self.assertEqual((hair["attribute"], hair["values"][0], hair["labels"][0]), ("hair", "bald", "Bald"))
            self.assertEqual(len(hair["labels"]), hair["size"])
            self.assertEqual(codes["Skin tone"]["kind"], "continuous")
            # hair colour is not drawn on a bald head, under a cap or a beanie; hair grown there is brown
            self.assertEqual(codes["Hair colour"]["hiddenBy"], dict(code="Hair style", categories=[0, 18, 19]))
            self.assertEqual(codes["Hair colour"]["values"][codes["Hair colour"]["shownAs"]], "#6c4545")
            # what a change of each redraws (the transfer draws a shape change from G on an opaque layer)
            self.assertEqual({n: c.get("changes") for n, c in codes.items() if c.get("attribute")},
                             {"Hair style": "shape", "Hair colour": "colour", "Eyes and glasses": "shape", "Mouth": "shape",
                              "Facial hair": "shape", "Clothing colour": "colour", "Clothing style": "shape", "Nose": "shape",
                              "Background": "colour", "Skin tone": "colour"})
            # the one code that sets the colour behind the avatar (the transfer's backdrops)
            self.assertEqual([n for n, c in codes.items() if c.get("background")], ["Background"])
            self.assertEqual(pack["latent"]["size"], sum(c.get("size", 1) for c in pack["latent"]["codes"]) + pack["latent"]["noise"]["size"])

    def test_code_weights_and_balanced_rows(self):
        import train_semisup as ts
        w = ts.code_weights("Facial hair=4, Nose=3", PERSONAS_CODES)
        names = [s.name for s in PERSONAS_CODES if s.kind == "categorical"]
        self.assertEqual(w[names.index("Facial hair")], 4.0)
        self.assertEqual(w[names.index("Hair style")], 1.0)
        with self.assertRaises(SystemExit):
            ts.code_weights("Beard=2", PERSONAS_CODES)
        # 90 images without facial hair, 10 with one value: that value is drawn ~3x per image as often (1/sqrt freq)
        cats = torch.zeros(100, len(names), dtype=torch.long)
        cats[90:, names.index("Facial hair")] = 1
        rw = ts.balance_weights(cats, "Facial hair", PERSONAS_CODES)
        self.assertAlmostEqual(float(rw[95] / rw[0]), 3.0, places=4)
        self.assertTrue(torch.equal(ts.balance_weights(cats, "", PERSONAS_CODES), torch.ones(100)))

    def test_speckle_counts_small_differences_not_edges(self):
        import train_semisup as ts
        flat = torch.zeros(2, 3, 16, 16)
        flat[:, :, :, 8:] = 1.0                                   # one hard edge: 1.0 = 127 levels, clamped at 16
        self.assertAlmostEqual(ts.speckle(flat, 16).item() * 127.5, 0.5 * 16 / 15, places=3)
        noisy = (flat + 0.03 * torch.randn(flat.shape, generator=torch.Generator().manual_seed(0))).requires_grad_()
        self.assertGreater(ts.speckle(noisy, 16).item() * 127.5, 3.0)
        ts.speckle(noisy, 16).backward()
        # the edge's own difference is past the clamp: no gradient pulls the two sides together
        g = noisy.grad
        self.assertGreater(g[:, :, :, 3:6].abs().mean().item(), 0)
        big = flat.clone().requires_grad_()
        ts.speckle(big, 16).backward()
        self.assertEqual(big.grad.abs().max().item(), 0.0)

    def test_speckle_split_by_the_renders_fills(self):
        from speckle_where import fill_interior, split_speckle
        render = torch.full((2, 3, 16, 16), -0.5)
        render[:, :, :, 8:] = 0.5
        render[:, :, :, 7] = 0.0 + 4 / 127.5                     # a blended edge column, 60 levels from either side
        render[:, :, :, 6] = render[:, :, :, 6] + 10 / 127.5     # and a soft step beside it: speckle, but no fill
        inside = fill_interior(render)
        self.assertEqual(inside[0, 4, [2, 12, 7, 5]].tolist(), [True, True, False, False])
        fills, rest, share = split_speckle(render, inside)
        self.assertEqual(fills, 0.0)                               # a render's fills are flat by definition
        self.assertGreater(rest, 0.0)                              # its soft step is counted, outside the fills
        noisy = render + (torch.rand(render.shape, generator=torch.Generator().manual_seed(1)) - 0.5) * (8 / 127.5)
        self.assertGreater(split_speckle(noisy, inside)[0], 0.3)   # noise inside the fills is counted there
        self.assertAlmostEqual(share, float((inside[:, :, 1:] & inside[:, :, :-1]).sum() + (inside[:, 1:] & inside[:, :-1]).sum())
                               / (2 * 2 * 16 * 15), places=6)

    def test_isolated_speckle_tells_noise_from_shading(self):
        from judge_metrics import isolated_speckle_share, speckle_share
        ramp = torch.linspace(-0.2, 0.2, 64).view(1, 1, 1, 64).expand(2, 3, 64, 64)   # a fill drawn as a gentle gradient
        self.assertGreater(speckle_share(ramp), 0.3)
        self.assertEqual(isolated_speckle_share(ramp), 0.0)
        dots = torch.zeros(2, 3, 64, 64)
        dots[:, :, 10::8, 10::8] = 0.03                                                 # single pixels ~4 levels off a flat fill
        self.assertGreater(isolated_speckle_share(dots), 0.01)
        self.assertAlmostEqual(isolated_speckle_share(dots), speckle_share(dots), places=6)

    def test_palette_snap_flattens_fills_and_leaves_edges(self):
        import train_semisup as ts
        from judge_metrics import speckle_share
        g = torch.Generator().manual_seed(0)
        # Four flat fills (a 2x2 block image), noisy by up to +-3 levels, and one 1-px blend line between two of them.
        fills = torch.tensor([[-0.8, 0.2, 0.6], [0.5, -0.3, 0.1], [0.9, 0.9, 0.9], [-0.2, -0.6, 0.7]])
        img = fills.view(1, 2, 2, 3).permute(0, 3, 1, 2).repeat_interleave(32, 2).repeat_interleave(32, 3).repeat(2, 1, 1, 1)
        img[:, :, 16, :32] = (fills[0] + fills[2]).view(1, 3, 1) / 2           # a blend, ~70 levels from either fill
        noisy = img + (torch.rand(img.shape, generator=g) - 0.5) * (6 / 127.5)
        target, near = ts.palette_snap(noisy, colours=8, levels=6)
        self.assertGreater(speckle_share(noisy), 0.5)
        self.assertLess(speckle_share(target), 0.05)
        self.assertLess((target - img)[:, :, :16].abs().max().item() * 127.5, 1.0)   # each fill lands on its colour
        # the blend line is a colour of its own: not pulled onto either fill beside it
        self.assertLess((target - img)[:, :, 16, :32].abs().max().item() * 127.5, 3.5)
        # interior=1: only pixels whose 3x3 neighbourhood is near the same colour (not those beside an edge or the blend)
        _, inner = ts.palette_snap(noisy, colours=8, levels=6, interior=1)
        self.assertEqual(inner[:, 0, 5, 5].tolist(), [1.0, 1.0])
        self.assertEqual(inner[:, 0, 31, 10].tolist(), [0.0, 0.0])      # beside the edge between two fills
        self.assertEqual(inner[:, 0, 15, 10].tolist(), [0.0, 0.0])      # beside the blend line
        self.assertEqual(inner[:, 0, 0, 10].tolist(), [0.0, 0.0])       # at the image's border
        self.assertTrue(torch.all(inner <= near))
        # a pixel far from every colour (off the grid the centres are fitted on) is left as it is
        odd = noisy.clone()
        odd[:, :, 41, 41] = torch.tensor([0.0, 0.9, -0.9]).view(1, 3)
        t2, n2 = ts.palette_snap(odd, colours=5, levels=6)
        self.assertEqual(n2[:, 0, 41, 41].tolist(), [0.0, 0.0])
        self.assertTrue(torch.equal(t2[:, :, 41, 41], odd[:, :, 41, 41]))
        # The loss pulls the noisy fills (and only them) onto the colours: a few steps of it flatten them.
        x = odd.clone().requires_grad_()
        opt = torch.optim.SGD([x], lr=0.002)
        for i in range(40):
            for group in opt.param_groups:
                group["lr"] = 0.002 * 0.9 ** i
            loss, _ = ts.snap_loss(x, 5, 6)
            opt.zero_grad()
            (loss * x.numel()).backward()
            self.assertEqual(x.grad[:, :, 41, 41].abs().max().item(), 0.0)
            opt.step()
        before = (odd - img)[:, :, :32].abs().mean().item()
        after = (x.detach() - img)[:, :, :32].abs().mean().item()
        self.assertLess(after, 0.25 * before)                     # the top fills, noise mostly gone
        self.assertLess(speckle_share(x.detach()), 0.5 * speckle_share(odd))

    def test_leaky_output_draws_the_same_images_and_reaches_saturated_pixels(self):
        import train_semisup as ts
        torch.manual_seed(0)
        G = Generator(12, ngf=4)
        with torch.no_grad():
            G.net[-2].bias.copy_(torch.tensor([5.0, 0.0, -5.0]))   # red channel deep in saturation, blue too
        z = torch.randn(2, 12)
        plain, (leaky, a) = G(z), ts.leaky_output(G, z, 0.1)
        self.assertTrue(torch.equal(plain, leaky))                # the forward is G's own
        grads = []
        for leak in (0.0, 0.1):
            G.zero_grad()
            ts.leaky_output(G, z, leak)[0][:, 0].sum().backward()   # D's push on the saturated channel
            grads.append(G.net[-2].bias.grad[0].item())
        self.assertLess(abs(grads[0]), 0.01 * abs(grads[1]))     # tanh' ~ 0 there: without the leak G hardly hears it
        self.assertAlmostEqual(grads[1], 0.1 * 2 * 64 * 64, delta=0.02 * 0.1 * 2 * 64 * 64)
        pen, share = ts.saturation_penalty(a, 3.5)
        self.assertAlmostEqual(share, 2 / 3, delta=0.05)          # two of the three channels past 3.5
        self.assertGreater(pen.item(), 0.5)
        self.assertEqual(ts.saturation_penalty(a.clamp(-3, 3), 3.5)[0].item(), 0.0)

    def test_pin_pulls_fills_near_255_onto_it_and_leaves_edges_alone(self):
        import train_semisup as ts
        a = torch.full((1, 3, 8, 8), 0.5)
        a[:, 0] = 2.9                  # red: a fill at 254.1 levels (rounds to 254), inside the 8x8 image
        a[:, 1, :, :4] = 2.9           # green: the same fill on the left half only, ...
        a[:, 1, :, 4:] = 0.0           # ... an edge to mid-grey on the right
        a[:, 2] = 3.6                  # blue: already past 3.4 (254.9 levels), nothing to pay
        a.requires_grad_(True)
        loss, share = ts.pin_loss(a)
        loss.backward()
        g = -a.grad[0]                 # the pull, upward where it pays
        self.assertTrue((g[0] > 0).all())                         # the whole red fill: border pixels pad as near
        self.assertTrue((g[1, :, :3] > 0).all())                  # green fill away from the edge
        self.assertTrue((g[1, :, 3:] == 0).all())                 # next to the edge (a neighbour far from 255) and beyond
        self.assertTrue((g[2] == 0).all())
        self.assertAlmostEqual(share.item(), (64 + 24) / 192, places=5)
        self.assertAlmostEqual(loss.item(), (64 + 24) * 0.5 ** 2 / 192, places=5)
        # 253.5 levels is where "near" starts; 3.4 rounds to 255
        self.assertAlmostEqual((math.tanh(ts.PIN_NEAR) + 1) * 127.5, 253.5, places=4)
        self.assertEqual(round((math.tanh(ts.PIN_TO) + 1) * 127.5), 255)

    def test_code_support_is_where_moving_a_code_changes_the_image(self):
        from code_support import picture, supports
        # a toy G: a categorical code [2] paints the top-left 8x8 block, a continuous one the bottom row
        # darker or lighter by 16 levels a step, the noise faintly everything (below LEVELS)
        class Toy(torch.nn.Module):
            def forward(self, z):
                x = torch.zeros(len(z), 3, 64, 64) + 0.01 * z[:, :1, None, None]
                x[:, :, :8, :8] += z[:, 1, None, None, None]
                x[:, :, 63, :] += 0.25 * z[:, 3, None, None]
                return x
        codes = [dict(name="Block", kind="categorical", offset=1, size=2), dict(name="Row", kind="continuous", offset=3, range=[-1, 1])]
        z = torch.rand(32, 4) * 2 - 1
        maps = supports(Toy(), codes, z)
        self.assertEqual(maps["Block"][:8, :8].min(), 1.0)
        self.assertEqual(maps["Block"].sum(), 64)               # nowhere else: the noise moves < 8 levels
        self.assertEqual((maps["Row"][63] == 1).all(), True)
        self.assertEqual(maps["Row"][:63].sum(), 0)
        with tempfile.TemporaryDirectory() as tmp:
            picture(maps, os.path.join(tmp, "s.png"))
            from PIL import Image
            tile = np.asarray(Image.open(os.path.join(tmp, "s.png")))[3:3 * 65, 3:3 * 65]   # the first code's tile, 3x
            self.assertEqual((tile[0, 0], tile[3 * 20, 3 * 20]), (255, 0))

    def test_log_summary_averages_train_lines_per_block(self):
        from log_summary import blocks
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "log.jsonl")
            with open(path, "w") as f:
                for kimg, loss in [(99.0, 9.0), (100.5, 1.0), (104.0, 3.0), (111.0, 5.0)]:
                    f.write(json.dumps(dict(step=1, kimg=kimg, loss_d=loss, spread=0.2)) + "\n")
                f.write(json.dumps(dict(kind="metrics", kimg=105.0, loss_d=100.0)) + "\n")   # a metrics line: not averaged
            b = blocks(path, 100.0, 10.0, ("loss_d", "spread", "snap_residual"))
            self.assertEqual(sorted(b), [100.0, 110.0])                       # the line at 99 kimg is before the start
            self.assertEqual(b[100.0], dict(loss_d=2.0, spread=0.2))          # no snap_residual logged: none reported
            self.assertEqual(b[110.0]["loss_d"], 5.0)

    def test_texture_critic_learns_flat_from_speckled(self):
        from nets import TextureD
        torch.manual_seed(0)
        T = TextureD(8)
        flat = torch.zeros(8, 3, 16, 16)
        flat[:, :, :, 8:] = 0.6                                   # flat colour with one hard edge
        speckled = flat + (torch.rand(8, 3, 16, 16) - 0.5) * (12 / 127.5)   # +-6 levels: speckle
        self.assertEqual(tuple(T(flat).shape), (8, 1, 8, 8))
        opt = torch.optim.Adam(T.parameters(), 2e-3, betas=(0.5, 0.999))
        for _ in range(60):
            loss = torch.relu(1 - T(flat)).mean() + torch.relu(1 + T(speckled)).mean()
            opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            self.assertGreater(T(flat).mean().item() - T(speckled).mean().item(), 1.0)

    def test_conditioned_texture_critic_tells_which_texture_was_asked_for(self):
        from nets import TextureD
        torch.manual_seed(0)
        T = TextureD(8, cond_values=[2])
        flat = torch.zeros(8, 3, 16, 16)
        flat[:, :, :, 8:] = 0.6
        speckled = flat + (torch.rand(8, 3, 16, 16) - 0.5) * (12 / 127.5)
        zero, one = torch.zeros(8, 1, dtype=torch.long), torch.ones(8, 1, dtype=torch.long)
        plain = TextureD(8)
        plain.net.load_state_dict(T.net.state_dict())
        with torch.no_grad():   # zero embeddings: the same critic as without conditioning
            self.assertTrue(torch.equal(T(speckled, one), plain(speckled)))
        # Real: value 0 is flat, value 1 speckled; fake: the other texture for each. No unconditioned
        # critic can tell these apart (each image is as often real as fake); a conditioned one must.
        opt = torch.optim.Adam(T.parameters(), 2e-3, betas=(0.5, 0.999))
        for _ in range(150):
            real = torch.relu(1 - T(flat, zero)).mean() + torch.relu(1 - T(speckled, one)).mean()
            fake = torch.relu(1 + T(speckled, zero)).mean() + torch.relu(1 + T(flat, one)).mean()
            opt.zero_grad(); (real + fake).backward(); opt.step()
        T.eval()   # spectral norm's power iteration would move the weights between calls
        with torch.no_grad():
            self.assertGreater(T(flat, zero).mean().item() - T(flat, one).mean().item(), 0.5)
            self.assertGreater(T(speckled, one).mean().item() - T(speckled, zero).mean().item(), 0.5)
            hidden = torch.zeros(8, 1)   # a value that does not show counts for nothing
            self.assertTrue(torch.allclose(T(flat, zero, hidden), T(flat, one, hidden)))

    def test_texture_conditioning_joins_a_run_saved_without_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            train, state = tiny_run(tmp, 2)
            train("--kimg", "0.004", "--texture-codes", "")
            before = state()["nets"]["texture"][0]
            self.assertFalse(any(k.startswith("embeds.") for k in before))
            train("--kimg", "0.008", "--texture-codes", "Hair style")
            st = state()
            tw, to = st["nets"]["texture"]
            self.assertEqual(tuple(tw["embeds.0.weight"].shape), (len(PERSONAS_CODES[0].values), 16))   # 20 styles, 2 x ndf
            self.assertGreater(tw["embeds.0.weight"].abs().max().item(), 0)   # it trained (from zero)
            self.assertEqual(len(to["param_groups"]), 2)
            self.assertEqual(st["extra"]["args"]["texture_codes"], "Hair style")
            train("--kimg", "0.012")   # resumes conditioned, as last used
            self.assertEqual(state()["extra"]["state"]["texture_images"], 12)

    def test_independent_q_continuous_head_joins_a_run_saved_without_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            train, state = tiny_run(tmp, 1)
            rdir = os.path.join(tmp, "run")
            train("--kimg", "0.004", "--q2-cont", "0")
            self.assertFalse(any(k.startswith("cont.") for k in state()["nets"]["Q2"][0]))
            train("--kimg", "0.012", "--q2-cont", "4")   # the head joins: two steps
            st = state()
            self.assertEqual(tuple(st["nets"]["Q2"][0]["cont.3.weight"].shape), (1, 128))   # one supervised continuous code
            self.assertEqual(len(st["nets"]["Q2"][1]["param_groups"]), 2)
            self.assertEqual(st["extra"]["state"]["q2_cont_images"], 8)
            self.assertEqual(st["extra"]["args"]["q2_cont"], 4.0)
            with open(os.path.join(rdir, "log.jsonl")) as f:
                last = json.loads(f.read().strip().splitlines()[-1])
            self.assertGreater(last["q2_cont_weight"], 0)
            self.assertIn("q2_cont_real", last)
            train("--kimg", "0.016")   # resumes with the head, as last used
            self.assertEqual(state()["extra"]["state"]["q2_cont_images"], 12)
            train("--kimg", "0.020", "--q2-cont", "0")   # and can drop it again
            self.assertFalse(any(k.startswith("cont.") for k in state()["nets"]["Q2"][0]))
            self.assertEqual(state()["extra"]["state"]["step"], 5)

    def test_independent_q_continuous_head_leaves_the_trunk_to_the_categories(self):
        lay = LatentLayout(8, [3, 4], 2)
        Q2 = IndependentQ(lay, 8, n_cont=1)
        x = torch.rand(4, 3, 64, 64, requires_grad=True)
        Q2(x, detach_cont=True)[:, 7:].square().sum().backward()   # Q2's own update on the skin-tone column
        zero = lambda g: g is None or g.abs().sum().item() == 0   # noqa: E731  (the slice sends zeros through the other columns)
        self.assertTrue(all(zero(p.grad) for p in Q2.trunk.parameters()))
        self.assertFalse(any(zero(p.grad) for p in Q2.cont.parameters()))
        self.assertTrue(zero(x.grad))
        Q2(x)[:, 7:].square().sum().backward()   # G's pass: the gradient reaches the image through the trunk
        self.assertGreater(x.grad.abs().sum().item(), 0)

    def test_widened_generator_draws_the_same_images_and_then_learns(self):
        from nets import widen_generator_state
        lay = LatentLayout(8, [3, 4], 2)
        G0, G1 = Generator(lay.size, 8), Generator(lay.size, 8, [64, 32, 24, 12])   # every layer wider
        z = torch.rand(6, lay.size) * 2 - 1
        G1.load_state_dict(widen_generator_state(G0.state_dict(), G1, torch.Generator().manual_seed(0)))
        for mode in (G0.train, G0.eval):
            mode(); G1.train(G0.training)
            with torch.no_grad():
                # the same up to float rounding: wider layers change BLAS's summation order (CI saw 2.5e-7);
                # a wrongly widened layer is off by ~0.1
                self.assertLess((G0(z) - G1(z)).abs().max().item(), 1e-5)
        G1.train()
        G1(z).square().mean().backward()   # the silent channels' outgoing weights get a gradient: they can grow
        self.assertGreater(G1.net[12].weight.grad[8:].abs().sum().item(), 0)

    def test_a_run_continues_with_a_wider_generator(self):
        with tempfile.TemporaryDirectory() as tmp:
            train, state = tiny_run(tmp, 3)
            train("--kimg", "0.004")
            before = state()
            train("--kimg", "0.008", "--g-widths", "64,32,16,12")   # ngf 8: 64,32,16,8 -> the last layer 12
            st = state()
            self.assertEqual(st["extra"]["args"]["g_widths"], "64,32,16,12")
            self.assertEqual(tuple(st["G"]["net.9.weight"].shape), (16, 12, 4, 4))
            self.assertEqual(tuple(st["opt_g"]["state"][9]["exp_avg_sq"].shape), (16, 12, 4, 4))   # Adam's moments grew too
            self.assertEqual(st["extra"]["state"]["step"], before["extra"]["state"]["step"] + 1)
            with open(os.path.join(tmp, "run", "log.jsonl")) as f:
                widen = [json.loads(line) for line in f if '"widen"' in line]
            self.assertEqual([w["widths_to"] for w in widen], [[64, 32, 16, 12]])
            train("--kimg", "0.012")   # resumes at the new widths without naming them
            self.assertEqual(tuple(state()["G"]["net.12.weight"].shape), (12, 3, 4, 4))

    def test_batched_translation_shifts_each_image_by_its_own_offset(self):
        import train_semisup as ts
        x = torch.rand(5, 3, 16, 16)
        out = ts.translate(x, torch.Generator().manual_seed(4), 0.25)
        gen = torch.Generator().manual_seed(4)
        dx, dy = torch.randint(-4, 5, (5,), generator=gen), torch.randint(-4, 5, (5,), generator=gen)
        pad = torch.nn.functional.pad(x, (4, 4, 4, 4))
        for i in range(5):   # the per-image slice the batched gather replaced
            self.assertTrue(torch.equal(out[i], pad[i, :, 4 + dy[i]: 4 + dy[i] + 16, 4 + dx[i]: 4 + dx[i] + 16]))

    def test_resumed_run_keeps_its_schedule_unless_told(self):
        import train_semisup as ts
        fresh = ts.parse_args([])
        ts.resolve_schedule(fresh, None)
        self.assertEqual((fresh.lr_g, fresh.ema_kimg, fresh.q_fake), (2e-4, 10.0, 1.0))
        saved = dict(vars(fresh), lr_g=1e-4, ema_kimg=20.0, balance="")   # a run saved before --q-fake existed
        del saved["q_fake"]
        resumed = ts.parse_args(["--lr-d", "5e-5"])
        ts.resolve_schedule(resumed, saved)
        self.assertEqual((resumed.lr_g, resumed.lr_d, resumed.ema_kimg, resumed.balance, resumed.q_fake),
                         (1e-4, 5e-5, 20.0, "", 1.0))
        # an option whose default differs from what older runs did: they go on as they were
        del saved["mask_hidden"]
        older = ts.parse_args([])
        ts.resolve_schedule(older, saved)
        self.assertEqual((fresh.mask_hidden, older.mask_hidden), (1, 0))
        del saved["q2_cont"]   # nor does a run saved before the independent Q read skin tone
        oldest = ts.parse_args([])
        ts.resolve_schedule(oldest, saved)
        self.assertEqual((fresh.q2_cont, oldest.q2_cont), (4.0, 0.0))
        # --saturation-at is part of the schedule: a run told 4.5 once keeps it; one saved before it existed used 3.5
        told = ts.parse_args(["--saturation-at", "4.5"])
        ts.resolve_schedule(told, saved)
        kept = ts.parse_args([])
        ts.resolve_schedule(kept, vars(told))
        del saved["saturation_at"]
        before = ts.parse_args([])
        ts.resolve_schedule(before, saved)
        self.assertEqual((fresh.saturation_at, kept.saturation_at, before.saturation_at), (3.5, 4.5, 3.5))

    def test_hidden_attributes_leave_q_and_the_projection(self):
        """Hair colour on a bald head (or under a cap) is not in the pixels: its label must not reach Q's
        loss or D's projection, so G is not asked to tint a bald scalp in the hair colour."""
        import train_semisup as ts
        from attributes import categorical, visible_mask
        from nets import CondDiscriminator, LatentLayout
        cats = categorical(PERSONAS_CODES)
        hair, colour = [c.name for c in cats].index("Hair style"), [c.name for c in cats].index("Hair colour")
        idx = torch.zeros(4, len(cats), dtype=torch.long)
        idx[:, hair] = torch.tensor([cats[hair].values.index(v) for v in ("bald", "long", "cap", "curly")])
        vis = visible_mask(idx, PERSONAS_CODES)
        self.assertEqual(vis[:, colour].tolist(), [0.0, 1.0, 0.0, 1.0])
        self.assertEqual(vis[:, hair].tolist(), [1.0] * 4)
        # Q's cross-entropy: the hidden rows' hair-colour logits change nothing
        layout = LatentLayout(8, [len(c.values) for c in cats], 1)
        torch.manual_seed(0)
        q = torch.randn(4, sum(layout.categorical), requires_grad=True)
        ce, _, _ = ts.q_losses(q, torch.zeros(4, 0), idx, torch.zeros(4, 0), layout, 0, None, vis)
        ce.backward()
        o = sum(layout.categorical[:colour])
        g = q.grad[:, o:o + layout.categorical[colour]].abs().sum(1)
        self.assertEqual((g[0].item(), g[2].item()), (0.0, 0.0))
        self.assertGreater(min(g[1].item(), g[3].item()), 0.0)
        # D's projection: another hair colour on the bald row gives the same score, on the long-haired row not
        D = CondDiscriminator(layout, ndf=8, supervised_cont=1).eval()
        x = torch.randn(4, 3, 64, 64)
        other = idx.clone()
        other[:, colour] = 3
        with torch.no_grad():
            a, _, _ = D(x, idx, torch.zeros(4, 1), vis)
            b, _, _ = D(x, other, torch.zeros(4, 1), visible_mask(other, PERSONAS_CODES))
        self.assertAlmostEqual(a[0].item(), b[0].item(), places=5)
        self.assertNotAlmostEqual(a[1].item(), b[1].item(), places=5)

    def test_labels_follow_the_attributes(self):
        table = [dict(attrs={s.attribute: s.values[-1] for s in PERSONAS_CODES})]
        cats, conts = label_tensors(table, PERSONAS_CODES)
        self.assertEqual(cats[0].tolist(), [len(s.values) - 1 for s in PERSONAS_CODES if s.kind == "categorical"])
        self.assertEqual(conts[0].tolist(), [1.0])
        with self.assertRaisesRegex(ValueError, "not one of the code's values"):
            label_tensors([dict(attrs=dict(table[0]["attrs"], hair="dreadlocks"))], PERSONAS_CODES)


if __name__ == "__main__":
    unittest.main()
