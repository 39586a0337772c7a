"""The confirmation's table: python compare.py OUT (after confirm.sh OUT). Paired as in reports/ablation.md (same seed's
batches, same clip; positive = better; `*`: the two-level 95 % interval excludes 0; `†`: the t interval of the seed means too)."""
import sys, pandas as pd
from pathlib import Path
from ear_vae.stats import marked, paired_difference, paired_verdict
from ear_vae.metrics import METRICS
out, recipes = Path(sys.argv[1]), ["kw", "phase", "phase_ours"]
def frames(root, seeds): return [pd.read_csv(root(r, s) / "per_file.csv").assign(system=r, seed=s) for r in recipes for s in seeds]
sets = {  # name -> (per-file scores, seeds)
    "A. test clips, new seeds 3-5 (confirmatory)": (frames(lambda r, s: out / "eval_test" / r / f"seed{s}", [3, 4, 5]), [3, 4, 5]),
    "B. validation clips, seeds 0-5 (confirmatory)": (frames(lambda r, s: out / "eval_valid" / r / f"seed{s}", range(6)), list(range(6))),
    "D. validation clips, new seeds 3-5 (added after the runs, not in the plan: reported, not tested)":
        (frames(lambda r, s: out / "eval_valid" / r / f"seed{s}", [3, 4, 5]), [3, 4, 5]),
    "C. test clips, seeds 0-5 (the committed 0-2 and the new 3-5; 0-2 chose phase_ours)":
        (frames(lambda r, s: (Path("eval") if s < 3 else out / "eval_test") / r / f"seed{s}", range(6)), list(range(6))),
}
scale = lambda m: 100 if m in ("icpc", "ccpc") else 1
for name, (fr, seeds) in sets.items():
    pf = pd.concat(fr)
    print(f"### {name}: {pf.file.nunique()} clips\n")
    print("| pair | " + " | ".join(s.label for s in METRICS.values()) + " |\n|---|" + "---|" * len(METRICS))
    for a, b in [("phase", "kw"), ("phase_ours", "kw"), ("phase_ours", "phase")]:
        cells = [marked(paired_verdict(paired_difference(pf, a, b, m, seeds, higher_is_better=spec.higher_is_better) * scale(m)))
                 for m, spec in METRICS.items()]
        print(f"| {a} − {b} | " + " | ".join(cells) + " |")
    means = pf.groupby("system")[[m for m in METRICS]].mean()
    for m in ("icpc", "ccpc"): means[m] *= 100
    print(); print(means.round(3).to_string()); print()
