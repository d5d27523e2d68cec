#!/usr/bin/env python3
"""Held-out figures as Markdown tables (for README.md): PyTorch-side figures from model.json manifests
(train.py), and Stainless' own figures (training/evaluate_app.ts) from the manifests'
heldOutMetrics.app or from the JSON files evaluate_app.ts writes.

  python3 training/report.py resources/models/*/model.json training/results/*.json
"""
import json
import sys

CH = ["DNA", "ER", "RNA", "AGP", "Mito"]


def fmt(v, d=3):
    return "–" if v is None else f"{v:.{d}f}"


def torch_table(manifests):
    print("| model | held-out plate | sites | " + " | ".join(f"SSIM {c}" for c in CH)
          + " | mean SSIM | mean PSNR | nuclei F1 | cells F1 | steps trained |")
    print("|---" * (8 + len(CH)) + "|")
    for m in manifests:
        for key, r in m["heldOutMetrics"].items():
            if key == "app":
                continue
            ss = " | ".join(f"{r['channels'][c]['ssim']:.3f}" for c in CH)
            print(f"| {m['name']} | {key} ({r.get('plate', '')}) | {r['sites']} | {ss} | {r['meanSsim']:.3f} | "
                  f"{r['meanPsnr']:.2f} | {r.get('nucleiF1', float('nan')):.3f} | {r.get('cellsF1', float('nan')):.3f} | "
                  f"{m['provenance'].get('steps')} |")


def app_table(results):
    print("| model | held-out plate | sites | " + " | ".join(f"SSIM {c}" for c in CH)
          + " | mean SSIM | nuclei F1 | cells F1 | count r | feature r (features × wells) | s/site |")
    print("|---" * (9 + len(CH)) + "|")
    for res in results:
        for r in res["plates"]:
            ss = " | ".join(fmt(r["ssim"].get(c)) for c in CH)
            f = r.get("features") or {}
            steps = f", {res['steps']} steps" if res.get("steps") else ""
            print(f"| {res['model']}{steps} | {r['cellLine']} ({r['plate']}) | {r['sites']} | {ss} | {fmt(r['meanSsim'])} | "
                  f"{fmt(r['nucleiF1'])} | {fmt(r['cellsF1'])} | {fmt(r['cellCountR'])} | "
                  f"{fmt(f.get('meanR'))} ({f.get('features', 0)} × {f.get('wells', 0)}) | {fmt(r.get('inferSecondsPerSite'), 2)} |")


def main(paths):
    docs = [json.load(open(p)) for p in paths]
    manifests = [d for d in docs if "heldOutMetrics" in d]
    results = [d for d in docs if "plates" in d] + [m["heldOutMetrics"]["app"] for m in manifests if "app" in m["heldOutMetrics"]]
    if manifests:
        torch_table(manifests)
    if results:
        print()
        app_table(results)


if __name__ == "__main__":
    main(sys.argv[1:])
