"""Whole-site prediction with a trained model (PyTorch), and evaluation over a plate."""
from __future__ import annotations

import time

import numpy as np
import torch

from .data import Plate, load_site
from .evaluate import Accumulator
from .resshift import Schedule, make_y0, sample, timestep_indices


def predict(model: torch.nn.Module, kind: str, bf: np.ndarray, schedule: Schedule | None = None,
            seed: int = 0, sample_steps: int | None = None) -> np.ndarray:
    """bf [3,H,W] normalised -> [7,H,W] in [-1, 1]. H and W must be multiples of 8."""
    with torch.no_grad():
        if kind == "direct":
            return model(torch.from_numpy(bf[None].astype(np.float32))).numpy()[0]
        y0 = make_y0(bf[None].astype(np.float32))
        rng = np.random.default_rng(seed)
        used = Schedule(sample_steps, schedule.kappa, schedule.power, schedule.min_noise, schedule.etas_end) \
            if sample_steps else schedule
        noises = [rng.standard_normal((1, 7) + bf.shape[1:]) for _ in range(used.steps)]

        def denoise(x, y, ti):
            t = torch.full((x.shape[0],), ti, dtype=torch.int64)
            return model(torch.from_numpy(x), torch.from_numpy(y), t).numpy()

        return sample(used, denoise, y0, noises, timesteps=timestep_indices(used, schedule))[0].astype(np.float32)


def evaluate_plate(model, kind, plates: list[Plate], schedule=None, max_sites: int | None = None, seed: int = 0,
                   sample_steps: int | None = None, log=print) -> dict:
    acc = Accumulator()
    n, secs = 0, 0.0
    for plate in plates:
        sites = plate.sites if not max_sites else plate.sites[:: max(1, len(plate.sites) // max_sites)][:max_sites]
        for s in sites:
            d = load_site(s)
            t0 = time.time()
            pred = predict(model, kind, d["bf"], schedule, seed=seed + n, sample_steps=sample_steps)
            secs += time.time() - t0
            acc.add(pred, d["paint"], d.get("nuclei"), d.get("cells"))
            n += 1
    out = acc.summary()
    out["sites"] = n
    out["torchSecondsPerSite"] = secs / max(n, 1)
    out["segmentation"] = "nuclei: regions enclosed by the nuclei boundary map; cells: nuclei-seeded watershed on the cell boundary map, background = enclosed regions without a nucleus (training/stainless_train/evaluate.py)"
    log(f"evaluated {n} sites: mean SSIM {out['meanSsim']:.3f}, DNA SSIM {out['channels']['DNA']['ssim']:.3f}, "
        f"nuclei F1 {out.get('nucleiF1', float('nan')):.3f}, cells F1 {out.get('cellsF1', float('nan')):.3f}")
    return out
