#!/usr/bin/env python3
"""Evaluate a training checkpoint on plates (e.g. another cell line, or another sampler step count).

  python3 training/evaluate.py --checkpoint training/runs/NAME/checkpoint.pt --plate HELD [--sample-steps 15]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from stainless_train.data import scan_plate  # noqa: E402
from stainless_train.loop import load_model  # noqa: E402
from stainless_train.predict import evaluate_plate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--plate", nargs="+", required=True)
    ap.add_argument("--sites", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write the figures here too")
    ap.add_argument("--sample-steps", type=int, help="diffusion: sample with this many steps instead of the trained T")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, kind, schedule, _ = load_model(a.checkpoint)
    out = {}
    for p in a.plate:
        plate = scan_plate(p)
        out[plate.cell_line or os.path.basename(p)] = evaluate_plate(model, kind, [plate], schedule, max_sites=a.sites,
                                                                       sample_steps=a.sample_steps)
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
