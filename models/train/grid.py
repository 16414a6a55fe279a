"""Image grids as PNG (PIL), for samples and the evidence committed beside a pack."""
import numpy as np
import torch
from PIL import Image


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """[B, 3, H, W] in [-1, 1] -> [B, H, W, 3] uint8."""
    return ((x.detach().cpu().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def save_grid(x: torch.Tensor, path: str, nrow: int = 8, pad: int = 2, scale: int = 1):
    imgs = to_uint8(x)
    b, h, w, _ = imgs.shape
    rows = math_ceil(b, nrow)
    out = np.full((rows * (h + pad) + pad, nrow * (w + pad) + pad, 3), 255, np.uint8)
    for i in range(b):
        r, c = divmod(i, nrow)
        out[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = imgs[i]
    im = Image.fromarray(out)
    if scale != 1:
        im = im.resize((im.width * scale, im.height * scale), Image.NEAREST)
    im.save(path)


def math_ceil(a, b):
    return -(-a // b)
