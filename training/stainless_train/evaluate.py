"""Held-out evaluation: per-channel pixel metrics on 0-255 images (scikit-image's definitions, as
DESIGN.md §7) and segmentation from the predicted boundary maps matched to ground truth at IoU 0.5
(StarDist's matching definitions)."""
from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.filters import gaussian, threshold_li, threshold_otsu
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity
from skimage.segmentation import expand_labels, watershed

from .channels import PAINT


def to_255(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, -1, 1) + 1.0) * 127.5


def pixel_metrics(pred: np.ndarray, true: np.ndarray) -> dict[str, float]:
    p, t = to_255(pred).astype(np.float64), to_255(true).astype(np.float64)
    return {
        "mse": float(mean_squared_error(t, p)),
        "psnr": float(peak_signal_noise_ratio(t, p, data_range=255)),
        "ssim": float(structural_similarity(t, p, win_size=7, data_range=255)),
    }


def objects_from_boundary(boundary: np.ndarray, signal: np.ndarray, seeds: np.ndarray | None = None,
                          min_size: int = 12, max_fraction: float = 0.05) -> np.ndarray:
    """Objects from a boundary map: the regions the boundary encloses (4-connected components of the
    non-boundary pixels), neither tiny nor background-sized, that either hold a seed (cells: a
    nucleus) or, without seeds, are bright in `signal` as a whole (mean above Otsu's threshold, which
    ignores texture inside an object); each is then grown into its own boundary ring."""
    inside = boundary <= 0.0  # maps live in [-1, 1]
    comps, n = ndi.label(inside)
    if n == 0:
        return np.zeros(boundary.shape, np.int32)
    idx = np.arange(1, n + 1)
    sizes = ndi.sum(np.ones_like(signal), comps, idx)
    means = ndi.mean(signal, comps, idx) if seeds is None else None
    keep = (sizes >= min_size) & (sizes <= max_fraction * signal.size)
    if seeds is not None:
        keep &= ndi.maximum(seeds > 0, comps, idx) > 0
    else:
        keep &= means > (threshold_otsu(signal) if signal.max() > signal.min() else np.inf)
    lut = np.zeros(n + 1, np.int32)
    lut[1:][keep] = np.arange(1, int(keep.sum()) + 1)
    objects = lut[comps]
    grown = expand_labels(objects, distance=2)
    return np.where((objects == 0) & ~inside, grown, objects).astype(np.int32)


def iou_matrix(gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    g, p = gt.ravel().astype(np.int64), pred.ravel().astype(np.int64)
    ng, np_ = int(g.max()) + 1, int(p.max()) + 1
    inter = np.bincount(g * np_ + p, minlength=ng * np_).reshape(ng, np_)
    area_g, area_p = inter.sum(1), inter.sum(0)
    union = area_g[:, None] + area_p[None, :] - inter
    return (inter / np.maximum(union, 1))[1:, 1:]


def match_counts(gt: np.ndarray, pred: np.ndarray, thresh: float = 0.5) -> tuple[int, int, int]:
    """(tp, fp, fn); above IoU 0.5 a match is unique, so thresholding the IoU matrix is enough."""
    iou = iou_matrix(gt, pred)
    n_true, n_pred = iou.shape
    tp = int((iou >= thresh).sum()) if iou.size else 0
    return tp, n_pred - tp, n_true - tp


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(2 * tp + fp + fn, 1)


def cells_from_boundary(boundary: np.ndarray, nuclei: np.ndarray) -> np.ndarray:
    """Cells seeded by their nuclei and grown over the cell-boundary map (watershed: the boundary
    ridges stop a cell where the model drew its edge, and a gap in a ridge does not merge two cells).
    Background = the regions the boundary map encloses that hold no nucleus."""
    comps, n = ndi.label(boundary <= 0.0)
    has_nucleus = np.zeros(n + 1, bool)
    has_nucleus[np.unique(comps[nuclei > 0])] = True
    background = (comps > 0) & ~has_nucleus[comps]
    return watershed(boundary, nuclei, mask=~background).astype(np.int32)


def segment(pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nuclei and cells from a 7-channel prediction (DNA..Mito, NucleiBoundary, CellBoundary)."""
    nuclei = objects_from_boundary(pred[5], pred[0])
    cells = cells_from_boundary(pred[6], nuclei)
    return nuclei, cells


class Accumulator:
    def __init__(self):
        self.pix = {c: [] for c in PAINT}
        self.seg = {"nuclei": [0, 0, 0], "cells": [0, 0, 0]}

    def add(self, pred: np.ndarray, true_paint: np.ndarray, nuclei_gt: np.ndarray | None, cells_gt: np.ndarray | None):
        for i, c in enumerate(PAINT):
            self.pix[c].append(pixel_metrics(pred[i], true_paint[i]))
        if nuclei_gt is not None and cells_gt is not None and pred.shape[0] >= 7:
            nuc, cel = segment(pred)
            for name, gt, p in (("nuclei", nuclei_gt, nuc), ("cells", cells_gt, cel)):
                for k, v in enumerate(match_counts(gt, p)):
                    self.seg[name][k] += v

    def summary(self) -> dict:
        per = {c: {k: float(np.mean([m[k] for m in ms])) for k in ("mse", "psnr", "ssim")} for c, ms in self.pix.items() if ms}
        out = {"channels": per, "meanSsim": float(np.mean([v["ssim"] for v in per.values()])),
               "meanPsnr": float(np.mean([v["psnr"] for v in per.values()]))}
        for name, (tp, fp, fn) in self.seg.items():
            if tp + fp + fn:
                out[f"{name}F1"] = f1(tp, fp, fn)
                out[f"{name}Counts"] = {"tp": tp, "fp": fp, "fn": fn}
        return out
