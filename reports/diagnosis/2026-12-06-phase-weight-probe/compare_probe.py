"The phase-weight probes against the committed models of the same seed and clip (paired as in reports/ablation.md): python compare_probe.py OUT/eval"
import sys, pandas as pd
from pathlib import Path
from ear_vae.stats import marked, paired_difference, paired_verdict
from ear_vae.metrics import METRICS
probe, committed, seeds = Path(sys.argv[1]), Path("eval"), [0, 1, 2]
frames = [pd.read_csv(committed / v / f"seed{s}" / "per_file.csv").assign(system=v, seed=s) for v in ["kw", "phase"] for s in seeds]
frames += [pd.read_csv(f).assign(system=f.parent.parent.name, seed=int(f.parent.name[4:])) for f in sorted(probe.glob("*/seed*/per_file.csv"))]
pf = pd.concat(frames)
scale = lambda m: 100 if m in ("icpc", "ccpc") else 1
def row(a, b):
    cells = [marked(paired_verdict(paired_difference(pf, a, b, m, seeds, higher_is_better=spec.higher_is_better) * scale(m)))
             for m, spec in METRICS.items()]
    return f"| {a} − {b} | " + " | ".join(cells) + " |"
print("| pair | " + " | ".join(s.label for s in METRICS.values()) + " |\n|---|" + "---|" * len(METRICS))
complete = {s for s, d in pf.groupby("system") if d.seed.nunique() == len(seeds)}
for a, b in [("phase", "kw"), ("phase_w5", "kw"), ("phase_w20", "kw"), ("phase_w5", "phase"), ("phase_w20", "phase"), ("phase_w20", "phase_w5"),
             ("aw_w05", "kw"), ("aw_w5", "kw"), ("aw_w05", "phase"), ("aw_w5", "phase_w5")]:
    if a in complete and b in complete: print(row(a, b))
means = pf.groupby("system")[[m for m in METRICS]].mean()
for m in ("icpc", "ccpc"): means[m] *= 100
print(); print(means.round(3).to_string())
