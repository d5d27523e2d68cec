"""Paired brightfield / Cell Painting sites from a plate folder in the simulator's layout
(also what `stainless export --pairs` writes):

  PLATE/Images/rRRcCCfFFp01-chNsk1fk1fl1.tiff   ch1 Mito .. ch5 DNA, ch6 BFHigh, ch7 BFLow, ch8 BF
  PLATE/groundtruth/rRRcCCfFF-nuclei.tiff, -cells.tiff   16-bit labels (optional)

Every image+channel is clipped at its 0.5/99.5 percentiles and mapped to [-1, 1] (DESIGN.md §5).
Boundary targets come from the ground-truth labels: 1 on an object's inner boundary, else 0,
mapped to [-1, 1] like the intensity channels.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np
import tifffile
from skimage.segmentation import find_boundaries

from .channels import BOUNDARY, BRIGHTFIELD, OUTPUTS, PAINT, PHENIX

NAME_RE = re.compile(r"^r(\d\d)c(\d\d)f(\d\d)p(\d\d)-ch(\d+)sk\d+fk\d+fl\d+\.tiff?$", re.IGNORECASE)
LOW_PCT, HIGH_PCT = 0.5, 99.5


class DataError(Exception):
    pass


def percentile_normalise(img: np.ndarray, low: float = LOW_PCT, high: float = HIGH_PCT) -> np.ndarray:
    """Clip at the image's own low/high percentiles and map linearly to [-1, 1] (float32)."""
    x = img.astype(np.float32)
    lo, hi = np.percentile(x, [low, high])
    if hi <= lo:  # flat image: no contrast to keep
        return np.full(x.shape, -1.0, dtype=np.float32)
    return (np.clip((x - lo) / (hi - lo), 0.0, 1.0) * 2.0 - 1.0).astype(np.float32)


def boundary_map(labels: np.ndarray) -> np.ndarray:
    """Inner boundary of every labelled object (touching objects stay separated), as 0/1 float32."""
    return find_boundaries(labels, connectivity=1, mode="inner").astype(np.float32)


@dataclass
class Site:
    key: str  # rRRcCCfFF
    files: dict[str, str]  # channel name -> path
    nuclei: str | None = None
    cells: str | None = None


@dataclass
class Plate:
    root: str
    sites: list[Site] = field(default_factory=list)
    cell_line: str | None = None


def scan_plate(root: str, need: list[str] | None = None) -> Plate:
    """need: the channels every site must have (default: three brightfield planes + five stains)."""
    img_dir = os.path.join(root, "Images")
    if not os.path.isdir(img_dir):
        raise DataError(f"{root}: no Images/ folder (expected the simulator / export --pairs layout)")
    by_site: dict[str, dict[str, str]] = {}
    for name in sorted(os.listdir(img_dir)):
        m = NAME_RE.match(name)
        if not m:
            continue
        ch = int(m.group(5))
        if ch not in PHENIX:
            raise DataError(f"{os.path.join(img_dir, name)}: channel ch{ch} is not one of JUMP's ch1..ch8")
        key = f"r{m.group(1)}c{m.group(2)}f{m.group(3)}"
        by_site.setdefault(key, {})[PHENIX[ch]] = os.path.join(img_dir, name)
    if not by_site:
        raise DataError(f"{img_dir}: no Phenix-named images (rRRcCCfFFp01-chNsk1fk1fl1.tiff)")
    plate = Plate(root=root, cell_line=read_cell_line(root))
    gt = os.path.join(root, "groundtruth")
    for key, files in by_site.items():
        missing = [c for c in (need or BRIGHTFIELD + PAINT) if c not in files]
        if missing:
            raise DataError(f"{img_dir}: site {key} lacks channel(s) {', '.join(missing)}")
        nuc, cel = os.path.join(gt, f"{key}-nuclei.tiff"), os.path.join(gt, f"{key}-cells.tiff")
        plate.sites.append(Site(key, files, nuc if os.path.exists(nuc) else None, cel if os.path.exists(cel) else None))
    return plate


def read_cell_line(root: str) -> str | None:
    """The cell line named in the plate's README.txt ('virtual A549-like cells' as `stainless demo`
    writes it, or 'cell line: A549'); None when unknown."""
    for name in ("README.txt", "README.md"):
        p = os.path.join(root, name)
        if os.path.exists(p):
            text = open(p, encoding="utf-8", errors="replace").read()
            m = re.search(r"virtual ([A-Za-z0-9]+)-like cells", text) or re.search(r"cell[ _-]?line\W+([A-Za-z0-9-]+)", text, re.I)
            if m:
                return m.group(1)
    return None


def read_gray(path: str) -> np.ndarray:
    try:
        a = tifffile.imread(path)
    except Exception as e:  # noqa: BLE001 - name the file whatever went wrong
        raise DataError(f"{path}: cannot read TIFF ({e})") from e
    if a.ndim != 2:
        raise DataError(f"{path}: expected one grey plane, got shape {a.shape}")
    return a


def load_site(site: Site, need_labels: bool = True, inputs: list[str] | None = None,
              paint_channels: list[str] | None = None) -> dict[str, np.ndarray]:
    """Normalised planes of one site: 'bf' [inputs,H,W] (default the three brightfield planes), 'paint'
    [stains,H,W] (default the five), 'boundary' [2,H,W], 'nuclei'/'cells' labels."""
    bf = np.stack([percentile_normalise(read_gray(site.files[c])) for c in (inputs or BRIGHTFIELD)])
    paint = np.stack([percentile_normalise(read_gray(site.files[c])) for c in (paint_channels or PAINT)])
    out = {"bf": bf, "paint": paint}
    if site.nuclei and site.cells:
        nuc, cel = read_gray(site.nuclei), read_gray(site.cells)
        if nuc.shape != bf.shape[1:] or cel.shape != bf.shape[1:]:
            raise DataError(f"{site.nuclei}: label size {nuc.shape} differs from the images' {bf.shape[1:]}")
        out["nuclei"], out["cells"] = nuc.astype(np.int32), cel.astype(np.int32)
        out["boundary"] = np.stack([boundary_map(nuc), boundary_map(cel)]) * 2.0 - 1.0
    elif need_labels:
        raise DataError(f"{site.files['BF']}: site {site.key} has no ground-truth labels in groundtruth/")
    return out


class SiteBank:
    """All sites of some plates in memory (float16), serving random aligned crops for training."""

    def __init__(self, plates: list[Plate], max_sites_per_plate: int | None = None, seed: int = 0,
                 inputs: list[str] | None = None, outputs: list[str] | None = None):
        """outputs: stains first, then NucleiBoundary/CellBoundary when wanted (default all seven)."""
        outputs = outputs or OUTPUTS
        stains = [c for c in outputs if c not in BOUNDARY]
        boundaries = [c for c in outputs if c in BOUNDARY]
        rng = np.random.default_rng(seed)
        self.inputs: list[np.ndarray] = []  # [3,H,W]
        self.targets: list[np.ndarray] = []  # [7,H,W]
        for plate in plates:
            sites = list(plate.sites)
            if max_sites_per_plate and len(sites) > max_sites_per_plate:
                idx = rng.choice(len(sites), max_sites_per_plate, replace=False)
                sites = [sites[i] for i in sorted(idx)]
            for s in sites:
                d = load_site(s, need_labels=bool(boundaries), inputs=inputs, paint_channels=stains)
                parts = [d["paint"]] + ([d["boundary"][[BOUNDARY.index(b) for b in boundaries]]] if boundaries else [])
                self.inputs.append(d["bf"].astype(np.float16))
                self.targets.append(np.concatenate(parts).astype(np.float16))
        if not self.inputs:
            raise DataError("no training sites")

    def __len__(self) -> int:
        return len(self.inputs)

    def batch(self, rng: np.random.Generator, n: int, crop: int) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for _ in range(n):
            i = int(rng.integers(len(self.inputs)))
            x, y = self.inputs[i], self.targets[i]
            h, w = x.shape[1:]
            r, c = int(rng.integers(h - crop + 1)), int(rng.integers(w - crop + 1))
            x, y = x[:, r : r + crop, c : c + crop], y[:, r : r + crop, c : c + crop]
            k = int(rng.integers(4))  # dihedral augmentation: microscopy has no preferred orientation
            x, y = np.rot90(x, k, axes=(1, 2)), np.rot90(y, k, axes=(1, 2))
            if rng.integers(2):
                x, y = x[:, :, ::-1], y[:, :, ::-1]
            xs.append(np.ascontiguousarray(x, dtype=np.float32))
            ys.append(np.ascontiguousarray(y, dtype=np.float32))
        return np.stack(xs), np.stack(ys)
