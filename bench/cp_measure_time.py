#!/usr/bin/python3
"""CPU time of cp_measure (CellProfiler's measurement code) for the JUMP measurement set on one
site written by features.bench.ts: <dir> holds <channel>.tiff, nuclei.tiff and cells.tiff.
Needs cp_measure, centrosome and mahotas on PYTHONPATH (see
test/fixtures/features/make_cellprofiler_reference.py). Prints {"cpu_seconds": ..., "modules": {module: cpu_seconds}}, modules named as the bench names
Stainless' own."""
import json
import os
import sys
import time

import numpy as np
import tifffile
from cp_measure.core import (
    measurecolocalization as coloc,
    measuregranularity,
    measureobjectintensity,
    measureobjectintensitydistribution as radial,
    measureobjectsizeshape as sizeshape,
    measuretexture,
)
from cp_measure.multimask.measureobjectneighbors import measureobjectneighbors


def relabel(labels):
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
    modules = {}

    def timed(key, f, *args, **kw):
        a = time.process_time()
        f(*args, **kw)
        modules[key] = modules.get(key, 0.0) + time.process_time() - a

    t0 = time.process_time()
    for name, lab in (("Nuclei", relabel(nuclei)), ("Cells", relabel(cells)), ("Cytoplasm", relabel(cyto))):
        px0 = images[channels[0]]
        timed("areaShape", sizeshape.get_sizeshape, lab, px0, calculate_advanced=False, new_features=False)
        timed("areaShape", sizeshape.get_zernike, lab, px0)
        timed("areaShape", sizeshape.get_feret, lab, px0)
        if name == "Cells":
            timed("neighbors", measureobjectneighbors, lab, lab, distance_method="Adjacent")
            timed("neighbors", measureobjectneighbors, lab, lab, distance_method="Within a specified distance", distance=5)
        elif name == "Nuclei":
            timed("neighbors", measureobjectneighbors, lab, lab, distance_method="Within a specified distance", distance=1)
        for c in channels:
            px = images[c]
            timed("intensity", measureobjectintensity.get_intensity, lab, px, legacy=True)
            timed("granularity", measuregranularity.get_granularity, lab, px, subsample_size=0.5, image_sample_size=0.5)
            for scale in (3, 5, 10):
                timed("texture", measuretexture.get_texture, lab, px, scale=scale)
            timed("radial", radial.get_radial_distribution, lab, px)
        names = sorted(channels)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                timed("colocalization", coloc.get_correlation_pearson, images[a], images[b], lab)
                timed("colocalization", coloc.get_correlation_overlap, images[a], images[b], lab)
                timed("colocalization", coloc.get_correlation_manders_fold, images[a], images[b], lab)
                timed("colocalization", coloc.get_correlation_rwc, images[a], images[b], lab)
    print(json.dumps({"cpu_seconds": time.process_time() - t0, "modules": modules}))


if __name__ == "__main__":
    main()
