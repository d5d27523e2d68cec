"""ONNX export, the parity fixture (PyTorch's output on a committed input) and the manifest."""
from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import torch

from .channels import BRIGHTFIELD, OUTPUTS

OPSET = 17


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(model: torch.nn.Module, kind: str, path: str, n_steps: int = 0) -> None:
    model = model.eval().cpu()
    c_in = model.net.down[0][0].in_channels if kind == "direct" else 3
    x = torch.zeros(1, c_in, 64, 64)
    with torch.no_grad():
        if kind == "direct":
            torch.onnx.export(model, (x,), path, opset_version=OPSET, input_names=["bf"], output_names=["paint"],
                              dynamic_axes={"bf": {0: "n", 2: "h", 3: "w"}, "paint": {0: "n", 2: "h", 3: "w"}},
                              do_constant_folding=True)
        else:
            xt, y0, t = torch.zeros(1, 7, 64, 64), torch.zeros(1, 9, 64, 64), torch.zeros(1, dtype=torch.int64)
            torch.onnx.export(model, (xt, y0, t), path, opset_version=OPSET, input_names=["x_t", "y0", "t"],
                              output_names=["x0"],
                              dynamic_axes={"x_t": {0: "n", 2: "h", 3: "w"}, "y0": {0: "n", 2: "h", 3: "w"},
                                            "t": {0: "n"}, "x0": {0: "n", 2: "h", 3: "w"}},
                              do_constant_folding=True)


def write_parity_fixture(model: torch.nn.Module, kind: str, bf_crop: np.ndarray, folder: str,
                         schedule=None) -> dict:
    """Save a small real input and PyTorch's output for it as .npy with a JSON index, so the Node test
    runs the ONNX file on the same numbers and compares. For the diffusion model also a whole sampler
    run (y0, the noise arrays in the TypeScript sampler's order, the result) through this denoiser."""
    os.makedirs(folder, exist_ok=True)
    model = model.eval().cpu()
    rng = np.random.default_rng(1234)
    feeds: dict[str, np.ndarray] = {}
    if kind == "direct":
        feeds["bf"] = bf_crop[None].astype(np.float32)
        with torch.no_grad():
            outputs = {"paint": model(torch.from_numpy(feeds["bf"])).numpy()}
    else:
        from .resshift import make_y0
        feeds["x_t"] = (rng.standard_normal((1, 7) + bf_crop.shape[1:]) * 0.7).astype(np.float32)
        feeds["y0"] = make_y0(bf_crop[None].astype(np.float32))
        feeds["t"] = np.array([schedule.steps - 1], dtype=np.int64)
        with torch.no_grad():
            outputs = {"x0": model(*(torch.from_numpy(feeds[k]) for k in ("x_t", "y0", "t"))).numpy()}
    index = {"tolerance": 1e-4, "inputs": {}, "outputs": {}}
    for group, arrays in (("inputs", feeds), ("outputs", outputs)):
        for name, arr in arrays.items():
            fname = f"{group[:-1]}-{name}.npy"
            np.save(os.path.join(folder, fname), arr)
            index[group][name] = {"file": fname, "dtype": str(arr.dtype), "shape": list(arr.shape)}
    if kind != "direct":
        index["sampler"] = write_sampler_run(model, schedule, feeds["y0"], folder, rng)
    with open(os.path.join(folder, "parity.json"), "w") as f:
        json.dump(index, f, indent=2)
    return index


def write_sampler_run(model, schedule, y0: np.ndarray, folder: str, rng: np.random.Generator) -> dict:
    from .resshift import sample

    noise = rng.standard_normal((schedule.steps,) + (1, 7) + y0.shape[2:]).astype(np.float32)

    def denoise(x, y, ti):
        with torch.no_grad():
            return model(torch.from_numpy(x), torch.from_numpy(y), torch.full((1,), ti, dtype=torch.int64)).numpy()

    out = sample(schedule, denoise, y0, list(noise)).astype(np.float32)
    np.save(os.path.join(folder, "sampler-noise.npy"), noise)
    np.save(os.path.join(folder, "sampler-output.npy"), out)
    return {"y0": "input-y0.npy", "noise": "sampler-noise.npy", "output": "sampler-output.npy",
            "params": schedule.to_json()}


def write_manifest(path: str, *, name: str, version: str, kind: str, description: str, tile: int,
                   overlap: int, pixel_size_um: float | None, sampler: dict | None, provenance: dict,
                   metrics: dict, onnx_file: str, inputs: list[str] | None = None,
                   outputs: list[str] | None = None) -> dict:
    """model.json in the schema of src/shared/manifest.ts. The diffusion model lists BF first: y0 is
    the first input plane replicated over the outputs, then the other planes."""
    inputs = list(inputs or BRIGHTFIELD) if kind == "direct" else ["BF", "BFLow", "BFHigh"]
    manifest = {
        "name": name,
        "version": version,
        "kind": kind,
        "description": description,
        "file": os.path.basename(onnx_file),
        "inputs": inputs,
        "outputs": list(outputs or OUTPUTS),
        "onnx": {"inputs": ["bf"], "outputs": ["paint"]} if kind == "direct"
        else {"inputs": ["x_t", "y0", "t"], "outputs": ["x0"]},
        "tile": {"size": tile, "overlap": overlap, "batch": 4},
        "pixelSizeUm": pixel_size_um,
        "normalization": {"percentileLow": 0.5, "percentileHigh": 99.5, "range": [-1, 1]},
        "provenance": provenance,
        "heldOutMetrics": metrics,
        "sha256": sha256(onnx_file),
    }
    if sampler:
        manifest["sampler"] = sampler
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return manifest
