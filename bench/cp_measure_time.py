#!/usr/bin/python3
"""CPU time of cp_measure (CellProfiler 4.2's measurement modules as functions) for the per-object
part of the JUMP set, on the site, labels and channels features.bench.ts measures.

Usage: cp_measure_time.py <dir> <channel>...   (<dir> holds <channel>.tiff, nuclei.tiff, cells.tiff)

cp_measure 0.2.0, centrosome 1.3.3 and mahotas 1.4.18 must be importable: clone and build them as
the header of test/fixtures/features/make_cellprofiler_reference.py says, then give the bench their
PYTHONPATH (the three clones in $R):
  STAINLESS_CP_MEASURE_PYTHONPATH=$R/centrosome:$R/mahotas:$R/cp_measure/src npx tsx bench/run.ts features
The calls and settings are the fixture script's (JUMP_analysis_v3): Nuclei, Cells and Cytoplasm
(cells less the nuclei's pixels); SizeShape + Zernike + Feret; Neighbors of Nuclei Adjacent and
within 1 px, of Cells Adjacent and within 5 px; per channel Intensity, Granularity (subsampling
0.5/0.5), Texture (scales 3, 5, 10, 256 levels), radial distribution (4 scaled bins); per channel
pair Correlation, K/Overlap, Manders and RWC. Only cp_measure's own calls are timed (not reading,
relabelling, nor the fixture's departures from cp_measure).

Prints one JSON object: cpu_seconds (all modules), modules {module: cpu_seconds} and columns
{module: per-object columns produced, all compartments}, modules named as the bench names
Stainless' own; objects {compartment: count}; numba (whether cp_measure found its optional
numba backend; it then takes that path).
"""
import os

# one thread, as Stainless' figure: process_time counts every thread of the process
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import tifffile  # noqa: E402
from cp_measure import _detect  # noqa: E402
from cp_measure.core import (  # noqa: E402
    measurecolocalization as coloc,
    measuregranularity,
    measureobjectintensity,
    measureobjectintensitydistribution as radial,
    measureobjectsizeshape as sizeshape,
    measuretexture,
)
from cp_measure.multimask.measureobjectneighbors import measureobjectneighbors  # noqa: E402

TEXTURE_SCALES = (3, 5, 10)
NEIGHBORS = {
    "Nuclei": (("Adjacent", 1), ("Within a specified distance", 1)),
    "Cells": (("Adjacent", 1), ("Within a specified distance", 5)),
    "Cytoplasm": (),
}
# JUMP columns one call adds for a pair (a, b): K, Manders and RWC both ways; Pearson's Slope is not one
PAIR_COLUMNS = {"pearson": 1, "overlap": 3, "manders": 2, "rwc": 2}


def relabel(labels):
    """Contiguous 1..N labels, which cp_measure needs."""
    ids = np.unique(labels[labels > 0])
    lut = np.zeros(int(labels.max()) + 1, np.int32)
    lut[ids] = np.arange(1, len(ids) + 1)
    return lut[labels]


def main():
    d, channels = sys.argv[1], sys.argv[2:]
    images = {c: tifffile.imread(os.path.join(d, c + ".tiff")).astype(np.float64) / 65535 for c in channels}
    nuclei = tifffile.imread(os.path.join(d, "nuclei.tiff")).astype(np.int32)
    cells = tifffile.imread(os.path.join(d, "cells.tiff")).astype(np.int32)
    cyto = cells.copy()
    cyto[nuclei > 0] = 0
    modules, columns, objects = {}, {}, {}

    def timed(key, f, *args, n_columns=None, **kw):
        a = time.process_time()
        out = f(*args, **kw)
        modules[key] = modules.get(key, 0.0) + time.process_time() - a
        columns[key] = columns.get(key, 0) + (len(out) if n_columns is None else n_columns)
        return out

    t0 = time.process_time()
    for name, raw in (("Nuclei", nuclei), ("Cells", cells), ("Cytoplasm", cyto)):
        lab = relabel(raw)
        objects[name] = int(lab.max())
        if not objects[name]:
            continue  # cp_measure's reductions refuse an empty label image
        px0 = images[channels[0]]
        timed("areaShape", sizeshape.get_sizeshape, lab, px0, calculate_advanced=False, new_features=False)
        timed("areaShape", sizeshape.get_zernike, lab, px0)
        timed("areaShape", sizeshape.get_feret, lab, px0)
        for method, distance in NEIGHBORS[name]:
            timed("neighbors", measureobjectneighbors, lab, lab, distance_method=method, distance=distance)
        for c in channels:
            px = images[c]
            timed("intensity", measureobjectintensity.get_intensity, lab, px, legacy=True)
            timed("granularity", measuregranularity.get_granularity, lab, px, subsample_size=0.5, image_sample_size=0.5)
            for scale in TEXTURE_SCALES:
                timed("texture", measuretexture.get_texture, lab, px, scale=scale)
            timed("radial", radial.get_radial_distribution, lab, px)
        names = sorted(channels)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pa, pb = images[a], images[b]
                timed("colocalization", coloc.get_correlation_pearson, pa, pb, lab, n_columns=PAIR_COLUMNS["pearson"])
                timed("colocalization", coloc.get_correlation_overlap, pa, pb, lab, n_columns=PAIR_COLUMNS["overlap"])
                timed("colocalization", coloc.get_correlation_manders_fold, pa, pb, lab, n_columns=PAIR_COLUMNS["manders"])
                timed("colocalization", coloc.get_correlation_rwc, pa, pb, lab, n_columns=PAIR_COLUMNS["rwc"])
    print(json.dumps({"cpu_seconds": time.process_time() - t0, "modules": modules, "columns": columns, "objects": objects, "numba": _detect.HAS_NUMBA}))


if __name__ == "__main__":
    main()
