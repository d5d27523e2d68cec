#!/usr/bin/env python3
"""Held-out figures of one or more model.json manifests as a Markdown table (for README.md).

  python3 training/report.py resources/models/*/model.json
"""
import json
import sys

CH = ["DNA", "ER", "RNA", "AGP", "Mito"]


def main(paths):
    print("| model | held-out plate | sites | " + " | ".join(f"SSIM {c}" for c in CH)
          + " | mean SSIM | mean PSNR | nuclei F1 | cells F1 | steps trained |")
    print("|---" * (8 + len(CH)) + "|")
    for p in paths:
        m = json.load(open(p))
        for key, r in m["heldOutMetrics"].items():
            ss = " | ".join(f"{r['channels'][c]['ssim']:.3f}" for c in CH)
            print(f"| {m['name']} | {key} ({r.get('plate', '')}) | {r['sites']} | {ss} | {r['meanSsim']:.3f} | "
                  f"{r['meanPsnr']:.2f} | {r.get('nucleiF1', float('nan')):.3f} | {r.get('cellsF1', float('nan')):.3f} | "
                  f"{m['provenance'].get('steps')} |")


if __name__ == "__main__":
    main(sys.argv[1:])
