"""The named codes of the v2 pack and the DiceBear attributes they are tied to.

Each code is supervised by one attribute of the rendered avatars (semi-supervised InfoGAN:
Q learns the attribute from real labelled images, G maximises mutual information with it).
`values` are DiceBear's own identifiers (what the renderer takes to re-render the truth);
`labels` are what a designer reads in the panel, in the same order.
A categorical code is a choice; a continuous code is an ordered scale in [-1, 1] whose
values map evenly onto `values` (first = -1, last = +1).
"""
from dataclasses import dataclass
from typing import Dict, List

import torch


@dataclass(frozen=True)
class CodeSpec:
    name: str            # shown in the panel
    attribute: str       # key in the dataset's attrs (DiceBear's `extra`)
    kind: str            # "categorical" | "continuous"
    values: List[str]    # DiceBear values, in code order (continuous: the scale, low to high)
    labels: List[str]    # display labels, same order
    missing: str = ""    # value used when the attribute is absent from a render (e.g. no facial hair)
    hidden_by: tuple = ()   # (attribute, values) under which this attribute cannot be seen (hair colour under a cap)
    shown_as: str = ""   # the value it takes when a code change makes it seen (pack.json `shownAs`): hair grown on a bald head
    changes: str = "colour"   # what a change of it redraws (pack.json `changes`): "shape" (a hair style, a mouth) or "colour"
    background: bool = False   # it sets the flat colour behind the avatar, its values being those colours (pack.json `background`)


PERSONAS_CODES: List[CodeSpec] = [
    CodeSpec("Hair style", "hair", "categorical",
             ["bald", "balding", "buzzcut", "fade", "mohawk", "sideShave", "shortCombover", "shortComboverChops",
              "curlyHighTop", "curly", "bobCut", "bobBangs", "long", "extraLong", "pigtails", "curlyBun", "straightBun",
              "bunUndercut", "cap", "beanie"],
             ["Bald", "Balding", "Buzz cut", "Fade", "Mohawk", "Side shave", "Short combover", "Combover with chops",
              "Curly high top", "Curly", "Bob", "Bob with bangs", "Long", "Extra long", "Pigtails", "Curly bun",
              "Straight bun", "Bun with undercut", "Cap", "Beanie"],
             changes="shape"),
    CodeSpec("Hair colour", "hairColor", "categorical",
             ["#362c47", "#6c4545", "#e15c66", "#e16381", "#f27d65", "#f29c65", "#dee1f5"],
             ["Dark violet", "Brown", "Red", "Pink", "Coral", "Ginger", "White"],
             # A bald head's projection leaves its hair colour arbitrary, and styles grown there came out in it:
             # mostly white, barely there on light skin (session 11's evidence pictures). Brown shows on every
             # skin tone and background.
             hidden_by=("hair", ("bald", "cap", "beanie")), shown_as="#6c4545"),
    CodeSpec("Skin tone", "skinColor", "continuous",
             ["#eeb4a4", "#e7a391", "#e5a07e", "#d78774", "#b16a5b", "#92594b", "#623d36"],
             ["Lightest", "Light", "Light warm", "Medium", "Medium dark", "Dark", "Darkest"]),
    CodeSpec("Eyes and glasses", "eyes", "categorical",
             ["open", "happy", "wink", "sleep", "glasses", "sunglasses"],
             ["Open", "Happy", "Wink", "Sleepy", "Glasses", "Sunglasses"],
             changes="shape"),
    CodeSpec("Mouth", "mouth", "categorical",
             ["smile", "bigSmile", "smirk", "lips", "frown", "surprise", "pacifier"],
             ["Smile", "Big smile", "Smirk", "Lips", "Frown", "Surprised", "Pacifier"],
             changes="shape"),
    CodeSpec("Facial hair", "facialHair", "categorical",
             ["none", "shadow", "soulPatch", "goatee", "pyramid", "walrus", "beardMustache"],
             ["None", "Stubble", "Soul patch", "Goatee", "Pyramid moustache", "Walrus moustache", "Beard and moustache"],
             missing="none",
             changes="shape"),
    CodeSpec("Clothing colour", "clothingColor", "categorical",
             ["#456dff", "#54d7c7", "#7555ca", "#6dbb58", "#e24553", "#f3b63a", "#f55d81"],
             ["Blue", "Turquoise", "Purple", "Green", "Red", "Yellow", "Pink"]),
    CodeSpec("Clothing style", "body", "categorical",
             ["squared", "rounded", "small", "checkered"],
             ["Square neck", "Round neck", "Small", "Checked"],
             changes="shape"),
    CodeSpec("Nose", "nose", "categorical",
             ["smallRound", "mediumRound", "wrinkles"],
             ["Small", "Medium", "Wrinkled"],
             changes="shape"),
    CodeSpec("Background", "primaryBackgroundColor", "categorical",
             ["#b6e3f4", "#c0aede", "#d1d4f9", "#ffd5dc", "#ffdfbf", "#ffffff"],
             ["Sky", "Lilac", "Periwinkle", "Rose", "Peach", "White"], background=True),
]


def categorical(specs: List[CodeSpec]) -> List[CodeSpec]:
    return [s for s in specs if s.kind == "categorical"]


def continuous(specs: List[CodeSpec]) -> List[CodeSpec]:
    return [s for s in specs if s.kind == "continuous"]


def value_index(spec: CodeSpec, attrs: Dict[str, object]) -> int:
    """Index of the attribute's value in spec.values; raises on a value the spec does not know."""
    v = attrs.get(spec.attribute, spec.missing or None)
    if isinstance(v, str) and v.startswith("#"):
        v = v.lower()
    if v not in spec.values:
        raise ValueError(f"attribute {spec.attribute}={v!r} is not one of the code's values {spec.values}")
    return spec.values.index(v)


def scale_value(spec: CodeSpec, index: int) -> float:
    """Continuous code value in [-1, 1] of the index-th value on the scale."""
    n = len(spec.values)
    return -1.0 + 2.0 * index / (n - 1)


def label_tensors(table: List[dict], specs: List[CodeSpec]):
    """Dataset rows -> (categorical indices [N, n_cat] long, continuous targets [N, n_cont] float in [-1, 1])."""
    cats, conts = [], []
    for row in table:
        a = row["attrs"]
        cats.append([value_index(s, a) for s in categorical(specs)])
        conts.append([scale_value(s, value_index(s, a)) for s in continuous(specs)])
    return torch.tensor(cats, dtype=torch.long), torch.tensor(conts, dtype=torch.float32).reshape(len(table), -1)


def visible_mask(cat_idx, codes):
    """1 where a categorical code's value can be seen in the image, 0 where another attribute hides it
    (hair colour on a bald head or under a cap): there the label says nothing about the pixels, so
    neither Q's cross-entropy nor D's projection should use it, and G must not be asked to show it.
    cat_idx [B, n_cat] long (code order of `categorical(codes)`) -> [B, n_cat] float."""
    cats = categorical(codes)
    attrs = [c.attribute for c in cats]
    vis = torch.ones(cat_idx.shape, dtype=torch.float32, device=cat_idx.device)
    for i, s in enumerate(cats):
        if s.hidden_by:
            j = attrs.index(s.hidden_by[0])
            hidden = torch.tensor([cats[j].values.index(v) for v in s.hidden_by[1]], device=cat_idx.device)
            vis[:, i] = (~torch.isin(cat_idx[:, j], hidden)).float()
    return vis


def balance_weights(cat_labels, spec, codes):
    """One sampling weight per training image: the product over the named codes of 1/sqrt(frequency of the
    image's value), so a value on 1.7 % of the images is drawn ~7× as often as one on 90 %. [N] float."""
    names = [c.name for c in categorical(codes)]
    w = torch.ones(len(cat_labels))
    for name in filter(None, (x.strip() for x in spec.split(","))):
        if name not in names:
            raise SystemExit(f"--balance: no categorical code named {name!r} (codes: {', '.join(names)})")
        col = cat_labels[:, names.index(name)]
        freq = torch.bincount(col).float() / len(col)
        w = w * freq[col].rsqrt()
    return w
