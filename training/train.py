#!/usr/bin/env python3
"""Train one bundled model, evaluate it on held-out plates, export model.onnx + model.json.

  python3 training/train.py --model direct --train PLATE_A PLATE_B --heldout HELD_A HELD_B \
      --out resources/models/stainless-unet-direct --steps 3000

Re-running the same command resumes from the checkpoint in --work (default training/runs/<name>).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from stainless_train.channels import BOUNDARY, BRIGHTFIELD, OUTPUTS, PHENIX_BY_NAME  # noqa: E402
from stainless_train.data import DataError, SiteBank, load_site, read_gray, scan_plate  # noqa: E402
from stainless_train.export import export_onnx, write_manifest, write_parity_fixture  # noqa: E402
from stainless_train.loop import load_model, train  # noqa: E402
from stainless_train.models import count_params  # noqa: E402
from stainless_train.predict import evaluate_plate  # noqa: E402
from stainless_train.resshift import Schedule  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["direct", "residual-diffusion"], required=True)
    ap.add_argument("--train", nargs="+", required=True, help="plate folders (simulator / export --pairs layout)")
    ap.add_argument("--heldout", nargs="*", default=[], help="plate folders never seen in training")
    ap.add_argument("--out", required=True, help="model folder to write (model.onnx, model.json)")
    ap.add_argument("--name", help="model name (default: --out's folder name)")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--work", help="checkpoint folder (default training/runs/<name>)")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-sites", type=int, default=None, help="training sites per plate (random subset)")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop training early after this long")
    ap.add_argument("--gan-weight", type=float, default=0.0, help="PatchGAN term weight (direct only; 0 = off)")
    ap.add_argument("--diffusion-steps", type=int, default=4)
    ap.add_argument("--eval-sites", type=int, default=24, help="held-out sites evaluated per plate")
    ap.add_argument("--fixture", help="parity fixture folder (default test/fixtures/training/<name>)")
    ap.add_argument("--pixel-size-um", type=float, default=None)
    ap.add_argument("--description", default="")
    ap.add_argument("--also-sample-steps", type=int, help="diffusion: also evaluate sampling with this many steps")
    ap.add_argument("--also-eval-sites", type=int, default=4, help="held-out sites per plate for --also-sample-steps")
    ap.add_argument("--note", default="", help="free text kept in the manifest's provenance (e.g. how the run was resumed)")
    ap.add_argument("--reuse-metrics", action="store_true",
                    help="with --no-train: keep the held-out figures already in --out/model.json instead of re-evaluating")
    ap.add_argument("--no-train", action="store_true", help="skip training: evaluate and export the checkpoint in --work")
    ap.add_argument("--widths", default="16,32,64,128,128", help="UNet channel widths per level")
    ap.add_argument("--tile", type=int, default=512, help="tile size written to the manifest (a 512 px site runs in one pass)")
    ap.add_argument("--inputs", default=",".join(BRIGHTFIELD), help="direct: input channels, e.g. BFLow,BF,BFHigh or DNA,AGP")
    ap.add_argument("--outputs", default=",".join(OUTPUTS),
                    help="direct: output channels, stains first, then NucleiBoundary,CellBoundary if wanted (e.g. DNA)")
    ap.add_argument("--epochs", type=float, default=None,
                    help="passes over the training pixels (crops x batch x steps / pixels); sets --steps")
    ap.add_argument("--source", default="stainless demo (simulator)", help="where the training plates came from (provenance)")
    ap.add_argument("--progress-json", action="store_true",
                    help="print machine-readable progress lines 'STAINLESS_PROGRESS {json}' on stdout (the app's train job reads them)")
    a = ap.parse_args(argv)
    inputs, outputs = a.inputs.split(","), a.outputs.split(",")
    custom = inputs != BRIGHTFIELD or outputs != OUTPUTS
    bad = [c for c in inputs + outputs if c not in PHENIX_BY_NAME and c not in BOUNDARY]
    if bad or (custom and a.model != "direct") or any(c in BOUNDARY for c in inputs):
        print(f"error: --inputs/--outputs: {', '.join(bad) or 'other channels'} "
              f"{'are not channels' if bad else 'work for --model direct only (inputs: images, outputs: stains then boundaries)'}",
              file=sys.stderr)
        return 2
    stains = [c for c in outputs if c not in BOUNDARY]
    if outputs != stains + [c for c in outputs if c in BOUNDARY]:
        print("error: --outputs: list the stains first, then the boundary maps", file=sys.stderr)
        return 2
    if custom and a.heldout:
        print("error: --heldout evaluates the standard seven outputs; with --inputs/--outputs score the model with the app",
              file=sys.stderr)
        return 2
    last_progress = [0.0]

    def progress(**fields) -> None:
        """One JSON line per second at most (and always for phase changes and the last step)."""
        if not a.progress_json:
            return
        now = time.time()
        if fields.get("phase") == "train" and fields["step"] < fields["steps"] and now - last_progress[0] < 1.0:
            return
        last_progress[0] = now
        print("STAINLESS_PROGRESS " + json.dumps(fields), flush=True)

    name = a.name or os.path.basename(os.path.normpath(a.out))
    work = a.work or os.path.join(REPO, "training", "runs", name)
    fixture = a.fixture or os.path.join(REPO, "test", "fixtures", "training", name)
    os.makedirs(work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(a.threads)
    log_file = open(os.path.join(work, "train.log"), "a")

    def log(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    try:
        train_plates = [scan_plate(p, need=inputs + stains) for p in a.train]
        for p in a.heldout:
            if not os.path.isdir(os.path.join(p, "Images")):
                raise DataError(f"{p}: no Images/ folder")
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    schedule = Schedule(steps=a.diffusion_steps) if a.model == "residual-diffusion" else None

    ckpt = os.path.join(work, "checkpoint.pt")
    if a.no_train and not os.path.exists(ckpt):
        print(f"error: --no-train but {ckpt} does not exist", file=sys.stderr)
        return 2
    n_sites = sum(min(len(p.sites), a.max_sites or len(p.sites)) for p in train_plates)
    if not a.no_train:
        t_load = time.time()
        bank = SiteBank(train_plates, a.max_sites, seed=a.seed, inputs=inputs, outputs=outputs)
        log(f"loaded {len(bank)} training sites in {time.time() - t_load:.0f} s")
        if a.epochs:
            pixels = sum(x.shape[1] * x.shape[2] for x in bank.inputs)
            a.steps = max(1, math.ceil(a.epochs * pixels / (a.batch * a.crop**2)))
        device = "cuda" if torch.cuda.is_available() else "cpu"
        log(f"training on {device} for {a.steps} steps")
        progress(phase="start", device=device, steps=a.steps, sites=len(bank))
        train(a.model, bank, ckpt, steps=a.steps, batch=a.batch, crop=a.crop, lr=a.lr, seed=a.seed,
              schedule=schedule, gan_weight=a.gan_weight, max_minutes=a.max_minutes,
              widths=tuple(int(w) for w in a.widths.split(",")), log=log, n_stains=len(stains),
              on_step=lambda st, n, loss, secs: progress(phase="train", step=st, steps=n, loss=round(loss, 5),
                                                          seconds=round(secs, 1)))

    held_plates = [scan_plate(p) for p in a.heldout]  # scanned now: they may be written while we train
    model, kind, schedule, state = load_model(ckpt)
    log(f"trained {state['step']} steps in {state['seconds'] / 60:.1f} min")
    torch.set_num_threads(a.threads)
    metrics = {}
    old_manifest = os.path.join(a.out, "model.json")
    if a.reuse_metrics and os.path.exists(old_manifest):
        with open(old_manifest) as f:
            metrics = json.load(f).get("heldOutMetrics", {})
        held_plates_to_eval = []
    else:
        held_plates_to_eval = held_plates
    for p in held_plates_to_eval:
        key = p.cell_line or os.path.basename(os.path.normpath(p.root))
        metrics[key] = evaluate_plate(model, kind, [p], schedule, max_sites=a.eval_sites, log=log)
        metrics[key]["plate"] = os.path.basename(os.path.normpath(p.root))
        if kind == "residual-diffusion" and a.also_sample_steps:
            k2 = f"{key} ({a.also_sample_steps} sampling steps)"
            metrics[k2] = evaluate_plate(model, kind, [p], schedule, max_sites=a.also_eval_sites,
                                         sample_steps=a.also_sample_steps, log=log)
            metrics[k2]["plate"] = metrics[key]["plate"]

    progress(phase="export")
    onnx_path = os.path.join(a.out, "model.onnx")
    export_onnx(model, kind, onnx_path)
    crop_src = held_plates[0] if held_plates else train_plates[0]
    bf = load_site(crop_src.sites[0], need_labels=False, inputs=inputs, paint_channels=stains)["bf"][:, 64:128, 64:128]
    write_parity_fixture(model, kind, bf, fixture, schedule)
    provenance = {
        "data": {"train": [os.path.basename(os.path.normpath(p.root)) for p in train_plates],
                 "heldOut": [os.path.basename(os.path.normpath(p.root)) for p in held_plates],
                 "trainSites": n_sites, "source": a.source},
        "cellLines": sorted({p.cell_line for p in train_plates if p.cell_line}),
        "seed": a.seed, "steps": state["step"], "batch": a.batch, "crop": a.crop, "lr": a.lr,
        "epochs": round(state["step"] * a.batch * a.crop**2 / site_pixels(train_plates[0], n_sites), 2),
        "trainingMinutes": round(state["seconds"] / 60, 1),
        "note": a.note,
        "ganWeight": a.gan_weight, "parameters": count_params(model),
        "machine": f"{platform.machine()} {torch.get_num_threads()} threads, torch {torch.__version__}",
        "command": "python3 training/train.py " + shlex.join(
            x for x in (sys.argv[1:] if argv is None else argv) if x not in ("--no-train", "--reuse-metrics")),
    }
    m = write_manifest(os.path.join(a.out, "model.json"), name=name, version=a.version, kind=kind,
                       description=a.description, tile=a.tile, overlap=a.tile // 8, pixel_size_um=a.pixel_size_um,
                       sampler=schedule.to_json() if schedule else None, provenance=provenance, metrics=metrics,
                       onnx_file=onnx_path, inputs=inputs, outputs=outputs)
    log(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.1f} MB) sha256 {m['sha256'][:12]}")
    log(json.dumps(metrics))
    progress(phase="done", onnx=onnx_path, steps=state["step"], minutes=round(state["seconds"] / 60, 2))
    return 0


def site_pixels(plate, n_sites: int) -> int:
    """Pixels of n_sites sites the size of the plate's first site (the simulator's are 512 x 512)."""
    h, w = read_gray(plate.sites[0].files[next(iter(plate.sites[0].files))]).shape
    return n_sites * h * w


if __name__ == "__main__":
    sys.exit(main())
