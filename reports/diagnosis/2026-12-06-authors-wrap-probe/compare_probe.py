"The authors' exact wrap (probe) against the committed models of the same recipe, seed and clip; and against sao and kw as in the report."
import sys, pandas as pd, numpy as np
from pathlib import Path
from ear_vae.stats import interval, paired_difference, seed_t_interval, significant
from ear_vae.metrics import METRICS
probe, committed = Path(sys.argv[1]), Path("eval")
frames = []
for v in ["sao", "kw", "phase", "full"]:
    for s in [0, 1, 2]:
        frames.append(pd.read_csv(committed / v / f"seed{s}" / "per_file.csv").assign(system=v, seed=s))
        if (probe / v / f"seed{s}" / "per_file.csv").is_file():
            frames.append(pd.read_csv(probe / v / f"seed{s}" / "per_file.csv").assign(system=v + "_wrap", seed=s))
pf = pd.concat(frames)
scale = lambda m: 100 if m in ("icpc", "ccpc") else 1
def row(a, b):
    cells = []
    for m, spec in METRICS.items():
        d = paired_difference(pf, a, b, m, [0, 1, 2], higher_is_better=spec.higher_is_better) * scale(m)
        mean, lo, hi = interval(d, 2000, 0); _, tlo, thi = seed_t_interval(d)
        cells.append(f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]" + (" *" if significant(lo, hi) else "") + ("†" if np.isfinite(tlo) and significant(tlo, thi) else ""))
    return f"| {a} − {b} | " + " | ".join(cells) + " |"
print("| pair | " + " | ".join(s.label for s in METRICS.values()) + " |\n|---|" + "---|" * len(METRICS))
systems = set(pf.system)
for a, b in [("full_wrap", "full"), ("phase_wrap", "phase"), ("phase_wrap", "kw"), ("full_wrap", "phase_wrap"), ("full_wrap", "sao"), ("phase_wrap", "sao")]:
    if a in systems and b in systems and pf[pf.system == a].seed.nunique() == 3: print(row(a, b))
means = pf.groupby("system")[[m for m in METRICS]].mean()
for m in ("icpc", "ccpc"): means[m] *= 100
print(); print(means.round(3).to_string())
