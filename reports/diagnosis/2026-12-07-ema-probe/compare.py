"""The EMA probe's tables and figure: python compare.py OUT (after ema.sh OUT; OUT may be this folder, which keeps eval_valid/).
Paired as in reports/ablation.md (positive = better; `*`: the two-level 95 % interval excludes 0; `†`: the t interval of the
seed means too). Writes the tables to stdout and ema_seeds.png beside this file."""
import sys, numpy as np, pandas as pd
from pathlib import Path
import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
from ear_vae.stats import marked, paired_difference, paired_verdict, seed_t_interval
from ear_vae.metrics import METRICS
out, here = Path(sys.argv[1]), Path(__file__).resolve().parent
SEEDS = {"sao": list(range(6)), "kw": [0, 1, 2]}

pf = pd.concat([pd.read_csv(out / "eval_valid" / arm / r / f"seed{s}" / "per_file.csv").assign(system=f"{r}/{arm}", seed=s)
                for arm in ("plain", "ema") for r, seeds in SEEDS.items() for s in seeds])
for m in METRICS: pf[m] = pf[m] * METRICS[m].scale
head = "| " + " | ".join(s.label for s in METRICS.values()) + " |"
rule = "|---|" + "---|" * len(METRICS)
print(f"{pf.file.nunique()} validation clips; ICPC and CCPC in %\n")
print("### Seed means (mean over clips), each seed a row\n")
print("| system | seed " + head + "\n|---" + rule)
for system in sorted(pf.system.unique()):
    for seed, g in pf[pf.system == system].groupby("seed"):
        print(f"| {system} | {seed} | " + " | ".join(f"{g[m].mean():.3f}" for m in METRICS) + " |")
print("\n### Spread of the seed means (standard deviation across seeds; sao: 6 seeds, kw: 3)\n")
print("| system " + head + "\n" + rule)
for r in SEEDS:
    sd = {arm: pf[pf.system == f"{r}/{arm}"].groupby("seed")[list(METRICS)].mean().std(ddof=1) for arm in ("plain", "ema")}
    for arm in ("plain", "ema"): print(f"| {r}/{arm} | " + " | ".join(f"{sd[arm][m]:.3f}" for m in METRICS) + " |")
    print(f"| {r}: ema / plain | " + " | ".join(f"{sd['ema'][m] / sd['plain'][m]:.2f}" for m in METRICS) + " |")
print("\n### Paired differences (positive = better)\n")
print("| pair | seeds " + head + "\n|---" + rule)
pairs = [("sao/ema", "sao/plain", SEEDS["sao"], None, "the same run's EMA against its trained weights"),
         ("kw/ema", "kw/plain", SEEDS["kw"], None, "the same"),
         ("sao/plain", "sao/plain", [3, 4, 5], [0, 1, 2], "A/A without the EMA"),
         ("sao/ema", "sao/ema", [3, 4, 5], [0, 1, 2], "A/A with it"),
         ("kw/plain", "sao/plain", [0, 1, 2], None, "the rung kw − sao without the EMA"),
         ("kw/ema", "sao/ema", [0, 1, 2], None, "the rung with it")]
widths = {}
for a, b, sa, sb, what in pairs:
    verdicts = {m: paired_verdict(paired_difference(pf, a, b, m, sa, sb, higher_is_better=spec.higher_is_better)) for m, spec in METRICS.items()}
    widths[what] = {m: v["t_hi"] - v["t_lo"] for m, v in verdicts.items()}
    print(f"| {a} − {b} ({what}) | {','.join(map(str, sa))}" + (f" vs {','.join(map(str, sb))}" if sb else "") + " | "
          + " | ".join(marked(v) for v in verdicts.values()) + " |")
print("\n### Width of the seed-t interval, with the EMA / without\n")
print(head.replace("| ", "| comparison | ", 1) + "\n" + rule)
for plain, ema, name in [("A/A without the EMA", "A/A with it", "A/A"), ("the rung kw − sao without the EMA", "the rung with it", "kw − sao")]:
    print(f"| {name} | " + " | ".join(f"{widths[ema][m] / widths[plain][m]:.2f}" for m in METRICS) + " |")
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
for ax, m in zip(axes, ("mel_distance", "ccpc", "si_sdr")):
    for i, (r, arm) in enumerate([(r, arm) for r in SEEDS for arm in ("plain", "ema")]):
        means = pf[pf.system == f"{r}/{arm}"].groupby("seed")[m].mean()
        ax.scatter(np.full(len(means), i) + np.linspace(-0.12, 0.12, len(means)), means, s=18, color="C1" if arm == "ema" else "C0")
    warm = pd.read_csv(out / "eval_valid" / "plain" / "warmstart" / "per_file.csv")[m].mean() * METRICS[m].scale
    ax.axhline(warm, color="0.5", ls="--", lw=1, label="the warm start they continue"); ax.legend(fontsize=7)
    ax.set_xticks(range(4), ["sao", "sao EMA", "kw", "kw EMA"]); ax.set_title(METRICS[m].label + (f" ({METRICS[m].unit})" if METRICS[m].unit else "") + (" (lower is better)" if not METRICS[m].higher_is_better else ""))
fig.suptitle("Seed means on 10 validation clips: the trained weights after 150 recipe steps, and their EMA (decay 0.95)", fontsize=9)
fig.tight_layout(); fig.savefig(here / "ema_seeds.png", dpi=100)
